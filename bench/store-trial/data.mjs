// Data shared by the store benchmarks: a customer base with one waiting enrollment per customer.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { graph } from '../../test/support/journeys.ts';

export const JOURNEYS = 20;

/** The journey the API benchmarks publish: a visit enters it (once), then the customer waits 30 days. */
export const VISIT_THEN_WAIT = {
  name: 'visit, then wait 30 days',
  graph: graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'visit', reentry: 'once' } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->wait', 'wait->end'],
  ),
};
const BATCH = 1000;

/** A fresh folder for a store; as root PostgreSQL runs as nobody, which must reach its data dir. */
export function storeDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `itinera-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** A published version 1 of each journey the enrollments wait in (wait 30 days, then exit: it listens for no event). */
async function loadJourneyVersions(db, at) {
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'api', reentry: 'once' } },
      {
        id: 'wait',
        type: 'wait',
        position: { x: 0, y: 150 },
        config: { mode: 'duration', duration: { amount: 30, unit: 'days' } },
      },
      { id: 'end', type: 'exit', position: { x: 0, y: 300 }, config: {} },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'next', target: 'wait' },
      { id: 'e2', source: 'wait', sourcePort: 'next', target: 'end' },
    ],
  };
  const settings = { defaultTimezone: 'UTC', priority: 5, maxLoopIterations: 100 };
  await db.collection(COLLECTIONS.versions).insertMany(
    Array.from({ length: JOURNEYS }, (_, j) => ({
      _id: `journey-${j}:v1`,
      journeyId: `journey-${j}`,
      version: 1,
      name: `journey ${j}`,
      graph,
      settings,
      listensFor: { all: false, matchers: [] },
      publishedAt: at,
      note: 'store benchmark',
    })),
  );
}

/**
 * Inserts `n` profiles (cust-<i>) and `n` active enrollments waiting on a timer (enr-<i>), 1000 at a time, in
 * published versions of JOURNEYS journeys (event routing reads the version of every active enrollment).
 */
export async function loadCustomers(db, n) {
  const profiles = db.collection(COLLECTIONS.profiles);
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const base = Date.parse('2026-01-01T00:00:00Z');
  await loadJourneyVersions(db, new Date(base).toISOString());
  for (let start = 0; start < n; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => start + k);
    const at = (i) => new Date(base + i * 1000).toISOString();
    await profiles.insertMany(
      ids.map((i) => ({
        _id: `cust-${i}`,
        traits: { email: `user${i}@example.com`, plan: i % 3 ? 'free' : 'pro' },
        createdAt: at(i),
        updatedAt: at(i),
      })),
    );
    await enrollments.insertMany(
      ids.map((i) => ({
        _id: `enr-${i}`,
        journeyId: `journey-${i % JOURNEYS}`,
        version: 1,
        customerId: `cust-${i}`,
        status: 'active',
        currentNodeId: 'wait',
        waitingFor: 'timer',
        enteredAt: at(i),
      })),
    );
  }
}
