import { randomUUID } from 'node:crypto';
import {
  COLLECTIONS,
  type TestSendRequest,
  type TestSendResult,
  WORKER_HEARTBEAT_MS,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { JourneyService } from './journeys.ts';
import type { TemporalTarget } from './routing.ts';

const TEST_SEND_WORKFLOW = 'testSendWorkflow';
/** How long the API waits for a worker to render and send before answering 503. */
const ANSWER_WITHIN_MS = 20_000;
const TESTABLE_CHANNELS = new Set(['email', 'sms']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{5,20}$/;

/**
 * Test sends run on the journey worker's task queue (the providers live there): the API starts a
 * one-activity workflow and waits briefly for its answer.
 */
export function testSendService(db: Db, journeys: JourneyService, temporal: TemporalTarget) {
  const assertWorker = async () => {
    const since = new Date(Date.now() - 3 * WORKER_HEARTBEAT_MS).toISOString();
    const seen = await db
      .collection(COLLECTIONS.workers)
      .findOne({ taskQueue: temporal.taskQueue, lastSeen: { $gte: since } });
    if (!seen) throw new HttpError(503, `No worker is running on task queue "${temporal.taskQueue}"`);
  };

  return {
    async send(journeyId: string, request: TestSendRequest): Promise<TestSendResult> {
      const journey = await journeys.get(journeyId);
      const version = request.version ?? 'draft';
      const graph = version === 'draft' ? journey.graph : (await journeys.version(journeyId, version)).graph;
      const node = graph.nodes.find((n) => n.id === request.nodeId);
      if (!node) throw new HttpError(400, `The journey has no node "${request.nodeId}"`, 'nodeId');
      if (node.type !== 'send') throw new HttpError(400, `Node "${node.id}" is not a send node`, 'nodeId');
      const config = node.config as { channel?: string };
      const channel = config.channel ?? 'email';
      if (!TESTABLE_CHANNELS.has(channel))
        throw new HttpError(
          400,
          `Test sends go by email or SMS; node "${node.id}" sends by ${channel}`,
          'nodeId',
        );
      const to = request.to.trim();
      if (!(channel === 'email' ? EMAIL : PHONE).test(to))
        throw new HttpError(
          400,
          `"to" must be ${channel === 'email' ? 'an email address' : 'a phone number'}`,
          'to',
        );
      const customer = await db
        .collection(COLLECTIONS.profiles)
        .findOne({ _id: request.customerId as never });
      if (!customer) throw new HttpError(404, `No customer "${request.customerId}"`, 'customerId');
      await assertWorker();

      const deliveryId = `test-send:${randomUUID()}`;
      const input = {
        deliveryId,
        journeyId,
        journeyName: journey.name,
        version,
        nodeId: node.id,
        customerId: request.customerId,
        to,
        config: { ...node.config, channel, fallbackChannels: [] },
      };
      const { client, taskQueue, callTimeoutMs = 3_000 } = temporal;
      const handle = await client
        .withDeadline(Date.now() + callTimeoutMs, () =>
          client.workflow.start(TEST_SEND_WORKFLOW, {
            taskQueue,
            workflowId: deliveryId,
            args: [input],
            workflowExecutionTimeout: ANSWER_WITHIN_MS,
          }),
        )
        .catch((error: Error) => {
          throw new HttpError(503, `Temporal did not take the test send: ${error.message}`);
        });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HttpError(503, `No worker sent the test within ${ANSWER_WITHIN_MS / 1000} s`)),
          ANSWER_WITHIN_MS,
        );
      });
      try {
        return await Promise.race([handle.result() as Promise<TestSendResult>, late]);
      } catch (error) {
        await handle.terminate('test send abandoned').catch(() => undefined);
        if (error instanceof HttpError) throw error;
        throw new HttpError(503, `The test send did not complete: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
