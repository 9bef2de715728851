/**
 * Records the paths release 0.3 added to the workflow (held-out entrants, "is in segment" conditions, moves to
 * a new version mid-wait) and the customer's segment clock (0.3.2; 0.3.1 recorded a per-segment timer
 * instead) next to record.ts's, into the same set. Run by `npm run record-histories`.
 */
import {
  COLLECTIONS,
  controlGroupFor,
  type MigrationRun,
  type MigrationStatus,
  segmentClockId,
} from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { days } from '../../../test/support/journeys.ts';
import { saveHistories } from './fixtures.ts';
import { devServerRecording, overwrite, setDir, timeSkippingRecording } from './recorder.ts';
import { HOLDOUT_SETTINGS, journeys, VERSION_MOVE_MAPPING, VIP_SEGMENT, versionMoveV2 } from './scenarios.ts';

describe('record 0.3 histories on the Temporal dev server', () => {
  const s = devServerRecording();
  const { r } = s;

  it('a held-out entrant walks the journey and is sent nothing', async () => {
    const created = await s.h.call('POST', '/v1/journeys', {
      name: 'holdout',
      graph: journeys.holdout,
      settings: HOLDOUT_SETTINGS,
    });
    expect(created.status).toBe(201);
    const journey = { id: created.body.id as string, settings: HOLDOUT_SETTINGS };
    expect((await s.h.call('POST', `/v1/journeys/${journey.id}/publish`, {})).status).toBe(201);
    const customers = Array.from({ length: 50 }, (_, i) => `held-${i}`);
    const held = customers.find((c) => controlGroupFor(c, journey, 0) === 'holdout')!;
    await s.h.identify(held, { email: `${held}@example.com` });
    await s.h.track(held, 'holdout');
    await r.save('holdout', held, 'completed');
    const [send] = await s.h.stepsWhenEnded(held, 'send');
    expect(send).toMatchObject({ outcome: 'held_out' });
    expect(await s.h.messages(held)).toEqual([]);
  });

  it('a condition on segment membership, both ways', async () => {
    const segment = { id: VIP_SEGMENT, kind: 'manual', name: 'VIPs' };
    expect((await s.h.call('POST', '/v1/segments', segment)).status).toBe(201);
    expect((await s.h.call('POST', `/v1/segments/${VIP_SEGMENT}/members`, { add: ['vip'] })).status).toBe(
      200,
    );
    await s.h.publish(journeys.in_segment, 'in_segment');
    for (const c of ['vip', 'regular']) {
      await s.h.identify(c, { email: `${c}@example.com` });
      await s.h.track(c, 'in_segment');
    }
    await r.save('in_segment_yes', 'vip', 'completed');
    await r.save('in_segment_no', 'regular', 'completed');
    expect((await s.h.stepsWhenEnded('vip', 'vip'))[0]).toMatchObject({ port: 'yes' });
    expect((await s.h.stepsWhenEnded('regular', 'vip'))[0]).toMatchObject({ port: 'no' });
  });
});

describe('record 0.3 histories on the time-skipping server', () => {
  const s = timeSkippingRecording();
  const { r } = s;

  it('customers moved to a new version mid-wait: onto a wait (deadline kept) and onto a send', async () => {
    const journeyId = await s.h.publish(journeys.version_move, 'version_move');
    await s.h.identify('napper', { email: 'n@example.com', plan: 'pro' });
    await s.h.identify('holder', { email: 'h@example.com', plan: 'free' });
    for (const c of ['napper', 'holder']) await s.h.track(c, 'version_move');
    const napping = await r.waiting('napper', (e) => e.currentNodeId === 'nap' && e.nextWakeAt !== null);
    await r.waiting('holder', (e) => e.currentNodeId === 'hold' && e.nextWakeAt !== null);
    expect((await s.h.call('PUT', `/v1/journeys/${journeyId}`, { graph: versionMoveV2 })).status).toBe(200);
    expect((await s.h.call('POST', `/v1/journeys/${journeyId}/publish`, { note: 'v2' })).status).toBe(201);

    const request = { fromVersion: 1, toVersion: 2, mapping: VERSION_MOVE_MAPPING };
    const run = await s.h.call<MigrationRun>('POST', `/v1/journeys/${journeyId}/migrations`, request);
    expect(run.status).toBe(202);
    const done = await eventually(async () => {
      const url = `/v1/journeys/${journeyId}/migrations/${run.body.migrationId}`;
      const { body } = await s.h.call<MigrationStatus>('GET', url);
      return body.state === 'completed' && body.counts.pending === 0 ? body : undefined;
    });
    expect(done.counts).toMatchObject({ moved: 2, refused: 0 });
    expect(done.moves.find((m) => m.customerId === 'napper')?.keptWakeAt).toBe(napping.nextWakeAt);
    await r.save('version_move_to_send', 'holder', 'completed');
    await s.h.env.sleep(days(4));
    await r.save('version_move_kept_wait', 'napper', 'completed');
    for (const c of ['napper', 'holder'])
      expect((await s.h.messages<{ subject: string }>(c)).map((m) => m.subject)).toEqual(['v2 later']);
  });
  it('a segment clock takes a customer out of "purchased within 3 days" when the window closes', async () => {
    const segment = {
      id: 'timed-buyers',
      name: 'Bought lately',
      rules: { kind: 'performed', event: 'timer_purchase', withinDays: 3 },
    };
    expect((await s.h.call('POST', '/v1/segments', segment)).status).toBe(201);
    await eventually(
      async () => (await s.h.call('GET', '/v1/segments/timed-buyers')).body.status === 'ready',
    );
    await s.h.track('timed', 'timer_purchase');
    const clock = s.h.env.client.workflow.getHandle(segmentClockId('timed'));
    expect((await clock.describe()).status.name).toBe('RUNNING');
    await s.h.env.sleep(days(4));
    const files = await saveHistories(s.h.env.client, setDir, 'segment_clock', clock.workflowId, overwrite);
    console.log(`recorded ${files.join(', ')}`);
    const changes = await s.h.db
      .collection(COLLECTIONS.segmentChanges)
      .find({ customerId: 'timed' })
      .sort({ at: 1 })
      .toArray();
    expect(changes.map((c) => c.kind)).toEqual(['entered', 'exited']);
  });
});
