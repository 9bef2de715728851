import { randomUUID } from 'node:crypto';
import {
  COLLECTIONS,
  DEFAULT_TEST_RUN_TASK_QUEUE,
  decodeRecord,
  type EnrollmentInput,
  type Scenario,
  TEST_RUN_SANDBOX,
  TEST_RUN_WORKFLOW,
  type TestRunInput,
  type TestRunOutcome,
  type TestRunResult,
  validateGraph,
  WORKER_HEARTBEAT_MS,
} from '@itinera/schemas';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { HttpError } from '../../plugins/errors.ts';
import type { JourneyService } from '../journeys.ts';
import { workflowJourney } from '../routing.ts';
import { parseDelay } from './delay.ts';
import { clearSandbox, seedSandbox, type Who } from './seed.ts';

/** Where test runs execute: a client of the time-skipping test server and the test-run worker's queue. */
export interface TestRunTarget {
  client: Client;
  taskQueue?: string;
  /** Real time one run may take before it is given up (default 120 s). */
  timeoutMs?: number;
}

export type TestRunRequest = Who & { version?: number | 'draft'; scenario: Scenario };

const DEFAULT_HORIZON_MS = 90 * 86_400_000;
const MAX_HORIZON_MS = 366 * 86_400_000;

type StepDoc = TestRunResult['timeline'][number] & { recordedAt?: number };

export function testRunService(db: Db, journeys: JourneyService, target: TestRunTarget | undefined) {
  /** The pinned version, or the draft as it is now (refused when it would not validate). */
  const journeyFor = async (
    journeyId: string,
    version: number | 'draft',
  ): Promise<EnrollmentInput['journey']> => {
    if (version !== 'draft') return workflowJourney(await journeys.version(journeyId, version));
    const draft = await journeys.get(journeyId);
    const problems = validateGraph(draft.graph);
    if (problems.length > 0)
      throw new HttpError(422, `The draft is not valid: ${JSON.stringify(problems[0])}`, 'version', {
        problems,
      });
    const { graph, settings, name } = draft;
    return workflowJourney({ journeyId, version: 0, name, graph, settings, note: '', publishedAt: '' });
  };

  const inputFor = (request: TestRunRequest, journey: EnrollmentInput['journey'], runId: string) => {
    const { scenario } = request;
    const steps = scenario.steps
      .map((step, i) => ({
        afterMs: parseDelay(step.after, `scenario.steps.${i}.after`),
        event: step.event,
        properties: step.properties ?? {},
      }))
      .sort((a, b) => a.afterMs - b.afterMs);
    const horizonMs = scenario.horizon
      ? parseDelay(scenario.horizon, 'scenario.horizon')
      : DEFAULT_HORIZON_MS;
    if (horizonMs > MAX_HORIZON_MS)
      throw new HttpError(400, 'scenario.horizon is at most 366 days', 'scenario.horizon');
    const trigger = journey.graph.nodes.find((n) => n.type === 'trigger')?.config as
      | { event?: string }
      | undefined;
    const input: TestRunInput = {
      runId,
      customerId: `test-run:${runId}`,
      journey,
      triggerEvent: trigger?.event ?? 'test_run',
      triggerProperties: scenario.triggerProperties ?? {},
      steps,
      horizonMs: Math.max(horizonMs, steps.at(-1)?.afterMs ?? 0),
      requestedAtMs: Date.now(),
    };
    return input;
  };

  /** Without a live test-run worker a run would only wait out its timeout: answer 503 at once instead. */
  const assertWorker = async (taskQueue: string) => {
    const since = new Date(Date.now() - 3 * WORKER_HEARTBEAT_MS).toISOString();
    const seen = await db.collection(COLLECTIONS.workers).findOne({ taskQueue, lastSeen: { $gte: since } });
    if (!seen) throw new HttpError(503, `No test-run worker is running (task queue "${taskQueue}")`);
  };

  const execute = async (input: TestRunInput): Promise<TestRunOutcome> => {
    const { client, taskQueue = DEFAULT_TEST_RUN_TASK_QUEUE, timeoutMs = 120_000 } = target!;
    const handle = await client
      .withDeadline(Date.now() + 5_000, () =>
        client.workflow.start(TEST_RUN_WORKFLOW, {
          taskQueue,
          workflowId: `test-run:${input.runId}`,
          args: [input],
        }),
      )
      .catch((error: Error) => {
        throw new HttpError(503, `The time-skipping Temporal server did not take the run: ${error.message}`);
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new HttpError(
              504,
              `The test run did not finish within ${timeoutMs / 1000} s; is the test-run worker running?`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([handle.result() as Promise<TestRunOutcome>, timeout]);
    } catch (error) {
      await handle.terminate('test run abandoned').catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  /** What the run did, read from the sandbox before it is cleared. */
  const report = async (input: TestRunInput) => {
    const steps = (await db
      .collection(TEST_RUN_SANDBOX.enrollment_steps)
      .find(
        { enrollmentId: input.runId },
        { projection: { _id: 0, enrollmentId: 0, journeyId: 0, customerId: 0 } },
      )
      .toArray()) as unknown as StepDoc[];
    steps.sort((a, b) => a.at.localeCompare(b.at) || (a.recordedAt ?? 0) - (b.recordedAt ?? 0));
    const timeline = steps.map(({ recordedAt: _, ...step }) => ({
      ...step,
      data: step.data && decodeRecord(step.data),
    }));
    const [deliveries, rendered] = await Promise.all(
      [TEST_RUN_SANDBOX.deliveries, TEST_RUN_SANDBOX.messages].map((name) =>
        db.collection(name).find({ enrollmentId: input.runId }).toArray(),
      ),
    );
    const messages = deliveries.map((d) => {
      const message = rendered!.find((m) => m._id === d._id);
      const step = timeline.find((s) => s.nodeId === d.nodeId);
      return {
        nodeId: d.nodeId as string,
        channel: d.channel as string,
        status: d.status as string,
        detail: d.detail as string,
        at: step?.at ?? (d.createdAt as string),
        to: (message?.to ?? d.to ?? undefined) as string | undefined,
        subject: (message?.subject ?? undefined) as string | undefined,
        body: (message?.body ?? undefined) as string | undefined,
        promoCode: (d.promoCode ?? undefined) as string | undefined,
      };
    });
    return { timeline, messages };
  };

  return {
    async run(journeyId: string, request: TestRunRequest): Promise<TestRunResult> {
      if (request.customerId && request.profile)
        throw new HttpError(400, 'Give either customerId or profile, not both', 'profile');
      const version = request.version ?? 'draft';
      const journey = await journeyFor(journeyId, version);
      const runId = randomUUID();
      const input = inputFor(request, journey, runId);
      // Bad requests are told so first; only a request that could run hears that the server is missing.
      if (!target)
        throw new HttpError(
          503,
          'Test runs need the time-skipping Temporal server (ITINERA_TEST_RUN_TEMPORAL_ADDRESS)',
        );
      await assertWorker(target.taskQueue ?? DEFAULT_TEST_RUN_TASK_QUEUE);
      try {
        await seedSandbox(db, request, input.customerId);
        const outcome = await execute(input);
        const { timeline, messages } = await report(input);
        const end = timeline.at(-1);
        return {
          id: runId,
          journeyId,
          version,
          customerId: request.customerId ?? null,
          status: outcome.status,
          reason:
            outcome.status === 'waiting'
              ? `Still waiting at "${end?.nodeId}" when the horizon passed`
              : (end?.reason ?? ''),
          clock: {
            startedAt: outcome.startedAt,
            endedAt: outcome.endedAt,
            elapsedMs: Date.parse(outcome.endedAt) - Date.parse(outcome.startedAt),
          },
          path: timeline.map((s) => s.nodeId),
          timeline,
          events: outcome.events,
          messages,
        };
      } finally {
        await clearSandbox(db, runId, input.customerId);
      }
    },
  };
}

export type TestRunService = ReturnType<typeof testRunService>;
