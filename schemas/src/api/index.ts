export * from './analytics.ts';
export * from './keys.ts';
export * from './responses.ts';
export * from './settings.ts';
