import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Services } from '../app.ts';
import { broadcastActivities } from './broadcast-activities.ts';
import { broadcastActivityQueue } from './broadcasts.ts';
import { migrationActivities } from './migration-activities.ts';

/**
 * Hosts the broadcast and version-migration activities in this API process (they enter customers through the
 * API's own entry rules, and ask enrollments to move through its routing). Activities only: the driving
 * workflows run on the journey workers. Any number of API processes may run one; Temporal hands each activity
 * to one of them, and a killed process's activity is retried on another.
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
    activities: {
      ...broadcastActivities(services.db, services.journeys, services.enrollments),
      ...migrationActivities(services.db, services.journeys, services.enrollments.router),
    },
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
