import type { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { isStoreOutage, RETRY_AFTER_SECONDS, UnavailableError } from './errors.ts';

const PROBE_INTERVAL_MS = 1_000;
const CHECK_TIMEOUT_MS = 1_000;

/**
 * Follows the driver's view of the store's servers, so requests fail fast with a 503 while none is
 * reachable instead of each waiting for server selection to time out.
 */
export function storeHealth(db: Db) {
  const serverTypes = new Map<string, string>();
  let lastProbe = 0;
  /** Set when a request failed for want of the store, before the driver noticed; cleared by a good ping. */
  let failedAt: number | null = null;
  db.client.on('serverDescriptionChanged', (event) => {
    serverTypes.set(event.address, event.newDescription.type);
  });
  db.client.on('topologyClosed', () => serverTypes.set('closed', 'Unknown'));
  const isDown = () =>
    failedAt !== null ||
    (serverTypes.size > 0 && [...serverTypes.values()].every((type) => type === 'Unknown'));
  const ping = () =>
    db.command({ ping: 1 }).then(() => {
      failedAt = null;
    });
  return {
    isDown,
    /** A request just failed because the store is unreachable: turn the next ones away at once. */
    reportFailure() {
      failedAt ??= Date.now();
    },
    /** While down, lets one ping per second through so the driver notices when the store is back. */
    probe() {
      if (Date.now() - lastProbe < PROBE_INTERVAL_MS) return;
      lastProbe = Date.now();
      ping().catch(() => undefined);
    },
    async check(): Promise<boolean> {
      if (isDown()) {
        this.probe();
        return false;
      }
      return withTimeout(ping().then(() => true));
    },
  };
}

async function withTimeout(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function temporalUp(client: Client | undefined): Promise<boolean> {
  try {
    const connection = client?.connection as Connection | undefined;
    if (!connection) return false;
    return await withTimeout(
      connection
        .withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => connection.healthService.check({}))
        .then(() => true),
    );
  } catch {
    return false;
  }
}

const Status = { type: 'string', enum: ['up', 'down'] } as const;
const HealthReport = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, store: Status, temporal: Status },
  required: ['ok', 'store'],
} as const;

/** Turns every store-backed request away with a 503 while the store is down; serves /health and /ready. */
export function registerHealth(app: FastifyInstance, db: Db, temporal: () => Client | undefined): void {
  const store = storeHealth(db);
  const needsStore = (url: string | undefined) =>
    !!url && (url.startsWith('/v1') || url.startsWith('/u/') || url.startsWith('/t/'));
  app.addHook('onRequest', async (request) => {
    if (!needsStore(request.routeOptions.url) || !store.isDown()) return;
    store.probe();
    throw new UnavailableError('The store');
  });
  app.addHook('onError', async (_request, _reply, error) => {
    if (isStoreOutage(error)) store.reportFailure();
  });

  const schema = { tags: ['health'], response: { 200: HealthReport, 503: HealthReport } };
  // Liveness for supervisors: answers while the process can serve requests, i.e. the store is reachable.
  app.get('/health', { config: { public: true }, schema }, async (_req, reply) => {
    const up = await store.check();
    if (!up) reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS));
    return { ok: up, store: up ? 'up' : 'down' };
  });
  // Readiness for load balancers: the store and Temporal are both reachable.
  app.get('/ready', { config: { public: true }, schema }, async (_req, reply) => {
    const [storeUp, temporalOk] = await Promise.all([store.check(), temporalUp(temporal())]);
    const ok = storeUp && temporalOk;
    if (!ok) reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS));
    return { ok, store: storeUp ? 'up' : 'down', temporal: temporalOk ? 'up' : 'down' };
  });
}
