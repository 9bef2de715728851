export * from './keys.ts';
export * from './responses.ts';
export * from './segments.ts';
export * from './settings.ts';
