import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Services } from '../app.ts';
import { broadcastActivities } from './broadcast-activities.ts';
import { broadcastActivityQueue } from './broadcasts.ts';

/**
 * Hosts the broadcast activities in this API process (they enter customers through the API's own entry rules).
 * Activities only: the broadcast workflow itself runs on the journey workers. Any number of API processes may
 * run one; Temporal hands each activity to one of them.
 */
export async function startBroadcastActivityWorker(
  services: Services,
  connection: NativeConnection,
  taskQueue: string,
  namespace?: string,
) {
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: broadcastActivityQueue(taskQueue),
    activities: broadcastActivities(services.db, services.journeys, services.enrollments),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
