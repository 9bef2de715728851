/** Segment evaluation and membership, shared by the API and the worker. Not workflow code. */
export * from './compile.ts';
export * from './computed-values.ts';
export * from './erased.ts';
export * from './evaluate.ts';
export * from './membership.ts';
export * from './refresh.ts';
export * from './snapshot.ts';
export * from './store.ts';
export * from './timer-marks.ts';
