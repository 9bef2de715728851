import {
  COLLECTIONS,
  type JourneyGraph,
  WORKER_HEARTBEAT_MS,
  type WorkerCapabilities,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';

/** A worker that has not refreshed its document for this long no longer counts. */
const SEEN_WITHIN_MS = 3 * WORKER_HEARTBEAT_MS;

/**
 * Refuses to publish a graph that no recently seen worker on the task queue can run, naming the nodes.
 * When no worker has reported recently (none started yet, or all down), publishing is not blocked:
 * enrollments then wait, their workflow tasks retrying, until a capable worker polls.
 */
export function capabilityCheck(db: Db, taskQueue: string) {
  const workers = db.collection<WorkerCapabilities & { _id: string }>(COLLECTIONS.workers);
  return {
    async assertExecutable(graph: JourneyGraph): Promise<void> {
      const since = new Date(Date.now() - SEEN_WITHIN_MS).toISOString();
      const seen = await workers.find({ taskQueue, lastSeen: { $gte: since } }).toArray();
      if (seen.length === 0) return;
      const runnable = new Set(seen.flatMap((worker) => worker.nodeTypes));
      const missing = graph.nodes.filter((node) => !runnable.has(node.type));
      if (missing.length === 0) return;
      const named = missing.map((node) => `"${node.id}" (${node.type})`).join(', ');
      throw new HttpError(
        422,
        `No running worker can execute node(s) ${named}; start a worker that has their executors`,
        'graph',
        { nodes: missing.map(({ id, type }) => ({ id, type })) },
      );
    },
  };
}
