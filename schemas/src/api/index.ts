export * from './keys.ts';
export * from './responses.ts';
