// Starting/stopping the real servers (Temporal dev server, Temporal time-skipping test server and a
// MongoDB-wire store) as child processes. Shared by scripts/start.mjs and test/global-setup.ts.
// This is the entry point; the pieces live next to it:
//   ports.mjs      free / requested TCP ports on 127.0.0.1
//   processes.mjs  child processes in their own process group, with orphan protection (+ watchdog.mjs)
//   readiness.mjs  waiting until a spawned server accepts connections / answers a probe
//   temporal.mjs   Temporal dev server and time-skipping test server
//   mongo.mjs      MongoDB-wire store (MONGODB_URI, mongod or FerretDB on PostgreSQL or SQLite)
//   postgres.mjs   embedded PostgreSQL for FerretDB (+ postgres-account.mjs, postgres-indexes.sql)
// Types: servers.d.mts.
export { embeddedBackend, startMongo } from './mongo.mjs';
export { firstFreePort, freePort, isPortFree } from './ports.mjs';
export { FERRETDB_PG_POOL } from './postgres.mjs';
export { killAllSync, spawnManaged } from './processes.mjs';
export { waitForPort } from './readiness.mjs';
export { startTemporalDev, startTimeSkippingServer } from './temporal.mjs';
