export * from './broadcasts.ts';
export * from './computed.ts';
export * from './keys.ts';
export * from './responses.ts';
export * from './segment-import.ts';
export * from './settings.ts';
