import type { Services } from '../../app.ts';
import { leases } from '../lease.ts';
import { every, processHolder } from '../periodic.ts';
import { receiptStore } from './store.ts';

/**
 * Every `intervalMs`, in the one API process holding that period's lease, matches receipts that arrived
 * before the worker recorded their message id. Matching is idempotent, so a lapsed lease costs only work.
 */
export function startReceiptMatcher(
  { db, ingestion }: Pick<Services, 'db' | 'ingestion'>,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
) {
  const intervalMs = options.intervalMs ?? 15_000;
  const store = receiptStore(db, ingestion);
  const lease = leases(db);
  const holder = processHolder();
  return every(
    intervalMs,
    async () => {
      if ((await lease.claim('receipts', intervalMs, holder)) !== null) await store.matchPending();
    },
    options.onError,
  );
}
