export { renderTemplate, TemplateError } from '@itinera/nodes/send';
export { withCustomerLock } from './activities/customer-lock.ts';
export { builtInActivities, defaultProviders } from './activities/index.ts';
export { appliedKey } from './activities/profiles.ts';
export type { ProviderMap, SendInput, SendOutput } from './activities/send/index.ts';
export { connectWorkerMongo } from './db.ts';
export { outboxProvider } from './providers/outbox.ts';
export * from './providers/types.ts';
export { webhookProvider } from './providers/webhook.ts';
export {
  bundleJourneyWorkflows,
  createItineraWorker,
  type ItineraWorkerOptions,
  type WorkerPlugin,
} from './worker.ts';
