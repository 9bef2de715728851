export { type AppOptions, buildApp, createServices, type Services } from './app.ts';
export { connectDatabase, ensureIndexes, INDEXES, mongoPoolSize } from './db.ts';
export { createApiKey } from './plugins/auth.ts';
export { seedExampleJourney } from './seed.ts';
