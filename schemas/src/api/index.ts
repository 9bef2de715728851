export * from './keys.ts';
export * from './responses.ts';
export * from './settings.ts';
export * from './test-runs.ts';
