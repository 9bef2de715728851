import {
  COLLECTIONS,
  type JourneyGraph,
  type MigrationPreview,
  type MigrationRun,
  type MigrationStatus,
} from '@itinera/schemas';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as eventuallyWithin, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';
import { workflowBundle } from '../../test/support/servers.ts';
import { email, v1, v2, waitDays } from './support/migration-graphs.ts';

interface Enrollment {
  id: string;
  version: number;
  status: string;
  currentNodeId: string | null;
  nextWakeAt: string | null;
}
interface Step {
  nodeId: string;
  at: string;
  outcome: string;
  reason: string;
}

/** A loaded machine (many workers on two cores) can take long for each step; no timing is asserted. */
const eventually = <T>(check: () => Promise<T | undefined | false>) => eventuallyWithin(check, 90_000);
const SLOW = { timeout: 240_000 };

/** Each describe block runs on its own harness (its own database and settings). */
let h: Awaited<ReturnType<typeof timeSkippingHarness>>;

const enrollmentOf = async (customerId: string): Promise<Enrollment> =>
  (await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body[0];
const timelineOf = async (id: string): Promise<Step[]> =>
  (await h.call('GET', `/v1/enrollments/${id}`)).body.timeline;
/** The texts sent, without the open-tracking pixel. */
const bodiesSent = async (customerId: string) =>
  (await h.messages<{ body: string }>(customerId)).map((m) => m.body.split('<')[0]).sort();
const publishNext = async (journeyId: string, next: JourneyGraph) => {
  expect((await h.call('PUT', `/v1/journeys/${journeyId}`, { graph: next })).status).toBe(200);
  expect((await h.call('POST', `/v1/journeys/${journeyId}/publish`, { note: 'next' })).status).toBe(201);
};
/** Once the background driver finished and every customer it asked has answered. */
const migrationDone = (url: string) =>
  eventually(async () => {
    const { body } = await h.call<MigrationStatus>('GET', url);
    return body.state === 'completed' && body.counts.pending === 0 ? body : undefined;
  });
/** Polls the driver's latest run (its result() would unlock the shared test server's clock). */
const driverFinished = (migrationId: string) =>
  eventually(async () => {
    const run = await h.env.client.workflow.getHandle(`migration:${migrationId}`).describe();
    return run.status.name === 'COMPLETED';
  });
const startMigration = async (journeyId: string, request: object) => {
  const { status, body } = await h.call<MigrationRun>(
    'POST',
    `/v1/journeys/${journeyId}/migrations`,
    request,
  );
  expect(status).toBe(202);
  return { ...body, url: `/v1/journeys/${journeyId}/migrations/${body.migrationId}` };
};

/** Replays the customers' finished workflows on the current code: a moved enrollment must replay cleanly. */
const replayFailures = async (customerIds: string[]) => {
  const histories = await Promise.all(
    customerIds.map(async (customerId) => {
      const workflowId = (await enrollmentOf(customerId)).id;
      return { workflowId, history: await h.env.client.workflow.getHandle(workflowId).fetchHistory() };
    }),
  );
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories))
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  return failures;
};

describe('moving waiting customers to a new version', SLOW, () => {
  let journeyId: string;
  const waitingAt: Record<string, Enrollment> = {};
  const customers = { ann: 'a', bob: 'b', cat: 'c', dan: 'd' } as const;
  const request = { fromVersion: 1, toVersion: 2, mapping: { pause: 'linger' } };

  beforeAll(async () => {
    h = await timeSkippingHarness({ apiActivities: true });
    journeyId = await h.publish(v1, 'Migration journey');
    for (const [customerId, segment] of Object.entries(customers)) {
      await h.identify(customerId, { email: `${customerId}@example.com`, segment });
      await h.track(customerId, 'signed_up');
    }
    const expectedNode = { ann: 'nap', bob: 'watch', cat: 'pause', dan: 'hold' };
    for (const [customerId, nodeId] of Object.entries(expectedNode)) {
      waitingAt[customerId] = await eventually(async () => {
        const e = await enrollmentOf(customerId);
        return e?.currentNodeId === nodeId && e.nextWakeAt ? e : undefined;
      });
    }
    await publishNext(journeyId, v2);
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('previews each waiting group: where it lands, its kept deadline, its next message, who stays', async () => {
    const { status, body } = await h.call<MigrationPreview>(
      'POST',
      `/v1/journeys/${journeyId}/migrations/preview`,
      request,
    );
    expect(status).toBe(200);
    expect(body.suggestions).toMatchObject({ nap: 'nap', watch: 'watch', remind: 'remind' });
    expect(body.suggestions.pause).toBeUndefined();
    expect([body.total, body.moving, body.staying]).toEqual([4, 3, 1]);
    const group = (id: string) => body.groups.find((g) => g.fromNodeId === id)!;
    expect(group('nap')).toMatchObject({
      toNodeId: 'nap',
      suggested: true,
      keepsDeadline: true,
      customers: 1,
    });
    expect(group('nap').wakeAt?.earliest).toBe(waitingAt.ann.nextWakeAt);
    expect(group('nap').next).toMatchObject({ nodeId: 'remind', earliestAt: waitingAt.ann.nextWakeAt });
    expect(group('watch')).toMatchObject({ toNodeId: 'watch', keepsDeadline: true });
    expect(group('watch').next).toMatchObject({ nodeId: 'thanks' });
    expect(group('pause')).toMatchObject({ toNodeId: 'linger', suggested: false, keepsDeadline: true });
    expect(group('pause').next?.earliestAt).toBe(waitingAt.cat.nextWakeAt);
    expect(group('hold')).toMatchObject({ toNodeId: null, customers: 1 });
    expect(group('hold').stayReason).toContain('no counterpart in v2');
  });

  it('refuses a mapping naming a node that does not exist, naming the field', async () => {
    const { status, body } = await h.call('POST', `/v1/journeys/${journeyId}/migrations/preview`, {
      ...request,
      mapping: { pause: 'nowhere' },
    });
    expect(status).toBe(400);
    expect(body.field).toBe('mapping.pause');
  });

  it('moves nobody on a dry run', async () => {
    const { body } = await h.call<MigrationRun>('POST', `/v1/journeys/${journeyId}/migrations`, {
      ...request,
      dryRun: true,
    });
    expect([body.dryRun, body.migration, body.preview.moving]).toEqual([true, null, 3]);
    expect((await enrollmentOf('ann')).version).toBe(1);
    // What a driver that died after claiming cat's move, before signalling it, leaves behind: the run resumes it.
    await h.db.collection(COLLECTIONS.migrationMoves).insertOne({
      _id: `${body.migrationId}:${waitingAt.cat.id}` as never,
      migrationId: body.migrationId,
      enrollmentId: waitingAt.cat.id,
      customerId: 'cat',
      fromNodeId: 'pause',
      plannedToNodeId: 'linger',
      claimedAt: new Date().toISOString(),
    });
  });

  it('moves the waiting customers as previewed, keeping deadlines (resuming a claimed move); the unmapped one stays; re-running is a no-op', async () => {
    const preview = (
      await h.call<MigrationPreview>('POST', `/v1/journeys/${journeyId}/migrations/preview`, request)
    ).body;
    const run = await startMigration(journeyId, request);
    expect(run.migration!.id).toBe(run.migrationId);
    const { url } = run;
    const done = await migrationDone(url);
    expect(done.counts).toMatchObject({
      planned: 3,
      claimed: 3,
      moved: 3,
      refused: 0,
      skipped: 1,
      remaining: 0,
    });
    expect(done.moves.find((m) => m.outcome === 'skipped')).toMatchObject({
      customerId: 'dan',
      fromNodeId: 'hold',
      reason: preview.groups.find((g) => g.fromNodeId === 'hold')!.stayReason,
    });
    for (const move of done.moves.filter((m) => m.outcome !== 'skipped')) {
      const group = preview.groups.find((g) => g.fromNodeId === move.fromNodeId)!;
      expect(move.toNodeId).toBe(group.toNodeId);
      expect(move.keptWakeAt).toBe(group.wakeAt?.earliest);
    }

    const ann = await enrollmentOf('ann');
    expect([ann.version, ann.currentNodeId, ann.nextWakeAt]).toEqual([2, 'nap', waitingAt.ann.nextWakeAt]);
    const cat = await eventually(async () => {
      const e = await enrollmentOf('cat');
      return e.currentNodeId === 'linger' && e.nextWakeAt ? e : undefined;
    });
    expect([cat.version, cat.nextWakeAt]).toEqual([2, waitingAt.cat.nextWakeAt]);
    const dan = await enrollmentOf('dan');
    expect([dan.version, dan.currentNodeId]).toEqual([1, 'hold']);
    const annMoves = (await timelineOf(ann.id)).filter((s) => s.outcome === 'moved');
    expect(annMoves.map((s) => s.reason)).toEqual([
      `Moved from v1 node nap to v2 node nap, still waking at ${waitingAt.ann.nextWakeAt}`,
    ]);

    const again = await startMigration(journeyId, request);
    const left = again.preview;
    expect([again.migrationId, left.total, left.moving]).toEqual([run.migrationId, 1, 0]);
    // The second driver (same workflow id, a new run) finds only dan, already recorded as skipped.
    await driverFinished(run.migrationId);
    expect((await migrationDone(url)).counts).toMatchObject({ claimed: 3, moved: 3, skipped: 1 });
    expect((await timelineOf(ann.id)).filter((s) => s.outcome === 'moved')).toHaveLength(1);
  });

  it('continues each moved customer on v2 at its kept deadline, with no duplicate sends', async () => {
    // Only v2 waits for "ordered": the event reaches bob because routing follows the enrollment's new version.
    await h.track('bob', 'ordered');
    await eventually(async () => (await enrollmentOf('bob')).status === 'completed');
    await h.env.sleep(days(5));
    for (const customerId of Object.keys(customers))
      await eventually(async () => (await enrollmentOf(customerId)).status !== 'active');

    expect(await bodiesSent('ann')).toEqual(['v1 welcome', 'v2 reminder']);
    expect(await bodiesSent('bob')).toEqual(['v1 welcome', 'v2 thanks']);
    expect(await bodiesSent('cat')).toEqual(['v1 welcome', 'v2 reminder']);
    expect(await bodiesSent('dan')).toEqual(['v1 reminder', 'v1 welcome']);
    for (const customerId of ['ann', 'cat']) {
      const steps = await timelineOf(waitingAt[customerId].id);
      const remind = steps.find((s) => s.nodeId === 'remind')!;
      expect(Date.parse(remind.at)).toBeGreaterThanOrEqual(Date.parse(waitingAt[customerId].nextWakeAt!));
    }
    expect(await replayFailures(Object.keys(customers))).toEqual([]);
  });
});

describe('a customer mid-send when the migration starts', SLOW, () => {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const sendThenWait = (text: string) =>
    graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'once' } },
        { id: 'ping', type: 'send', config: email(`${text} ping`) },
        { id: 'after', type: 'wait', config: waitDays(1) },
        { id: 'bye', type: 'send', config: email(`${text} bye`) },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->ping', 'ping->after', 'after->bye', 'bye->end'],
    );

  beforeAll(async () => {
    h = await timeSkippingHarness({ apiActivities: true });
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('finishes the send on v1 first, then moves at the next step: one message each', async () => {
    const now = await h.env.currentTimeMs();
    const quietHours = { start: hhmm(now - 3_600_000), end: hhmm(now + 3 * 3_600_000) };
    expect((await h.call('PUT', '/v1/settings/delivery', { quietHours, frequencyCaps: [] })).status).toBe(
      200,
    );
    const journeyId = await h.publish(sendThenWait('v1'), 'Mid-send journey');
    await h.identify('eve', { email: 'eve@example.com' });
    await h.track('eve', 'joined');
    const deferred = await eventually(async () => {
      const e = await enrollmentOf('eve');
      return e?.currentNodeId === 'ping' && e.nextWakeAt ? e : undefined;
    });
    await publishNext(journeyId, sendThenWait('v2'));

    const run = await startMigration(journeyId, { fromVersion: 1, toVersion: 2 });
    expect(run.preview.groups).toMatchObject([
      { fromNodeId: 'ping', toNodeId: 'ping', keepsDeadline: false },
    ]);
    await eventually(async () => (await h.call<MigrationStatus>('GET', run.url)).body.counts.claimed === 1);
    expect((await enrollmentOf('eve')).version).toBe(1);
    expect(await bodiesSent('eve')).toEqual([]);

    await h.env.sleep(4 * 3_600_000);
    const done = await migrationDone(run.url);
    expect(done.moves).toMatchObject([{ fromNodeId: 'ping', outcome: 'moved', toNodeId: 'after' }]);
    expect(await bodiesSent('eve')).toEqual(['v1 ping']);
    const moved = await enrollmentOf('eve');
    expect([moved.version, moved.id]).toEqual([2, deferred.id]);

    await h.env.sleep(days(2));
    await eventually(async () => (await enrollmentOf('eve')).status === 'completed');
    expect(await bodiesSent('eve')).toEqual(['v1 ping', 'v2 bye']);
    expect(await replayFailures(['eve'])).toEqual([]);
  });
});

describe('cancelling a throttled cutover', SLOW, () => {
  const customers = ['can-a', 'can-b', 'can-c'];

  beforeAll(async () => {
    h = await timeSkippingHarness({ apiActivities: true });
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('stops the driver between pages: the customers not reached stay on the version they entered', async () => {
    const journeyId = await h.publish(v1, 'Cancelled migration');
    for (const customerId of customers) {
      await h.identify(customerId, { email: `${customerId}@example.com`, segment: 'a' });
      await h.track(customerId, 'signed_up');
      await eventually(async () => (await enrollmentOf(customerId))?.currentNodeId === 'nap');
    }
    await publishNext(journeyId, v2);
    // One customer a minute: a page of one, then the driver rests (the test server's clock is not skipping).
    const run = await startMigration(journeyId, { fromVersion: 1, toVersion: 2, ratePerMinute: 1 });
    expect(run.migration).toMatchObject({ state: 'running', ratePerMinute: 1, counts: { planned: 3 } });
    await eventually(async () => (await h.call<MigrationStatus>('GET', run.url)).body.counts.moved === 1);

    const cancelled = await h.call<MigrationStatus>('POST', `${run.url}/cancel`);
    expect(cancelled.status).toBe(200);
    await driverFinished(run.migrationId);
    const { body } = await h.call<MigrationStatus>('GET', run.url);
    expect([body.state, body.counts.moved, body.counts.remaining]).toEqual(['cancelled', 1, 2]);
    const versions = await Promise.all(customers.map(async (c) => (await enrollmentOf(c)).version));
    expect(versions.sort()).toEqual([1, 1, 2]);

    const again = await h.call('POST', `${run.url}/cancel`);
    expect([again.status, again.body.field]).toEqual([409, 'migrationId']);
    const unknown = await h.call('GET', `/v1/journeys/${journeyId}/migrations/mig-nope`);
    expect([unknown.status, unknown.body.field]).toEqual([404, 'migrationId']);
  });
});
