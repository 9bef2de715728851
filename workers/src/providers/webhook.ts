// Kept so existing `providers/webhook.ts` importers keep working; the provider lives in ./webhook/.
export * from './webhook/index.ts';
