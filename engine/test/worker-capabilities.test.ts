import '../../examples/lead-score/definition.ts';
import { registeredExecutorTypes } from '@itinera/schemas';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workerPlugin } from '../../examples/lead-score/worker.ts';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { devServerClient, workflowBundle } from '../../test/support/servers.ts';
import { createItineraWorker, type WorkerPlugin } from '../../workers/src/worker.ts';

const scoring = (event: string) =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'concurrent' } },
      { id: 'score', type: 'lead_score', config: { points: 10, threshold: 50 } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->score', 'score:hot->end', 'score:cold->end'],
  );

describe('workers report the node types they run', () => {
  let h: Harness;
  let connection: NativeConnection;
  const running: { worker: Worker; done: Promise<void> }[] = [];

  beforeAll(async () => {
    h = await devServerHarness({ inProcessWorker: false });
    connection = await NativeConnection.connect({ address: inject('TEMPORAL_ADDRESS') });
  });
  afterAll(async () => {
    await stopWorkers();
    await h?.close();
    await connection?.close();
  });

  const stopWorkers = async () => {
    for (const { worker, done } of running.splice(0)) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    }
    await eventually(async () => (await h.db.collection('workers').countDocuments({})) === 0);
  };
  const startWorker = async (plugins: WorkerPlugin[], nodeTypes?: string[]) => {
    const worker = await createItineraWorker({
      connection,
      taskQueue: h.taskQueue,
      db: h.db,
      plugins,
      nodeTypes,
      workflowBundle: await workflowBundle(plugins),
    });
    const entry = { worker, done: worker.run() };
    running.push(entry);
    await eventually(async () => (await h.db.collection('workers').countDocuments({})) >= running.length);
    return entry;
  };

  it('a worker without the executor holds the customer until a capable worker takes over', async () => {
    // No worker has reported yet, so publishing is not blocked.
    await h.publish(scoring('webinar'));
    await startWorker([]);
    await h.track('held', 'webinar');
    const { id } = await eventually(
      async () => (await h.call('GET', '/v1/customers/held/enrollments')).body[0],
    );
    const { client, connection: clientConnection } = await devServerClient();
    try {
      await eventually(async () => {
        const history = await client.workflow.getHandle(id).fetchHistory();
        return history.events?.some((e) => e.workflowTaskFailedEventAttributes);
      });
      const { enrollment } = (await h.call('GET', `/v1/enrollments/${id}`)).body;
      expect(enrollment.status).toBe('active');

      // One process may run one worker per task queue: the capable worker replaces the basic one.
      await stopWorkers();
      await startWorker([workerPlugin]);
      const [step] = await h.stepsWhenEnded('held', 'score');
      expect(step).toMatchObject({ outcome: 'cold' });
    } finally {
      await clientConnection.close();
    }
    // Temporal backs off between retries of a failed workflow task, so the hand-over takes a while.
  }, 120_000);

  it('publishing refuses a journey no running worker can execute, naming the nodes', async () => {
    await stopWorkers();
    // This test process already loaded the lead-score executor, so the basic worker's list is given.
    const builtIns = registeredExecutorTypes().filter((type) => type !== 'lead_score');
    await startWorker([], builtIns);
    const created = (await h.call('POST', '/v1/journeys', { name: 'needs score', graph: scoring('demo') }))
      .body;
    const refused = await h.call('POST', `/v1/journeys/${created.id}/publish`, { note: 'x' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'graph' });
    expect(refused.body.message).toContain('"score" (lead_score)');

    await stopWorkers();
    await startWorker([workerPlugin]);
    const accepted = await h.call('POST', `/v1/journeys/${created.id}/publish`, { note: 'x' });
    expect(accepted.status).toBe(201);
  });
});
