export * from './journey-document.ts';
export * from './experiments.ts';
export * from './analytics.ts';
export * from './keys.ts';
export * from './migrations.ts';
export * from './responses.ts';
export * from './settings.ts';
export * from './test-runs.ts';
