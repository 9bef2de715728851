/**
 * Records real Temporal histories of the current workflow code, one per built-in node type and path,
 * into histories/<set>/ (set = $ITINERA_HISTORY_SET or v<workers version>). Run with `npm run record-histories`
 * when cutting a release; replay.test.ts replays every recorded set against the code in the tree.
 */
import { ENROLLMENT_WORKFLOW, type EnrollmentInput } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { days, lapsLoop } from '../../../test/support/journeys.ts';
import { saveHistories } from './fixtures.ts';
import { devServerRecording, overwrite, setDir, timeSkippingRecording } from './recorder.ts';

const hours = (n: number) => n * 3_600_000;

describe('record histories on the Temporal dev server', () => {
  const s = devServerRecording([
    'send_outbox',
    'condition',
    'split',
    'update_profile',
    'wait_for_event',
    'goal_mid_wait',
    'exit_by_request',
    'activity_failed',
  ]);
  const { r } = s;

  it('trigger, send through the outbox, exit', async () => {
    await s.h.identify('ada', { email: 'ada@example.com', first_name: 'Ada' });
    await s.h.track('ada', 'send_outbox');
    await r.save('send_outbox', 'ada', 'completed');
  });

  it('condition both ways, split, update_profile', async () => {
    await s.h.identify('pro', { plan: 'pro' });
    await s.h.identify('free', { plan: 'free' });
    await s.h.identify('tagged', { trial: true, visits: 2 });
    for (const c of ['pro', 'free']) await s.h.track(c, 'condition');
    await s.h.track('splitter', 'split');
    await s.h.track('tagged', 'update_profile');
    await r.save('condition_yes', 'pro', 'completed');
    await r.save('condition_no', 'free', 'completed');
    await r.save('split', 'splitter', 'completed');
    await r.save('update_profile', 'tagged', 'completed');
  });

  it('wait for event: happened, after an unrelated and a filtered-out event', async () => {
    await s.h.identify('buyer', { email: 'b@example.com' });
    await s.h.track('buyer', 'wait_for_event');
    await r.waiting('buyer');
    await s.h.track('buyer', 'page_viewed');
    await s.h.track('buyer', 'order_completed', { total: 5 });
    await s.h.track('buyer', 'order_completed', { total: 42 });
    await r.save('wait_for_event_happened', 'buyer', 'completed');
  });

  it('a goal mid-wait converts; an exit request ends a wait', async () => {
    await s.h.track('converter', 'goal_mid_wait');
    await s.h.track('leaver', 'exit_by_request');
    await r.waiting('converter');
    await s.h.track('converter', 'subscribed');
    await r.save('goal_mid_wait', 'converter', 'converted');
    const waiting = await r.waiting('leaver');
    await s.h.call('POST', `/v1/enrollments/${waiting.id}/exit`, { reason: 'support asked' }, 'support');
    await r.save('exit_by_request', 'leaver', 'exited');
  });

  it('an exit request cancels a send that is still retrying', async () => {
    await s.h.track('retrier', 'activity_failed');
    const [enrollment] = await eventually(async () => {
      const list = await r.enrollments('retrier');
      return list.length > 0 ? list : undefined;
    });
    const handle = s.client.workflow.getHandle(enrollment.id);
    await eventually(async () => ((await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2);
    await s.h.call('POST', `/v1/enrollments/${enrollment.id}/exit`, { reason: 'stop retrying' }, 'support');
    await r.save('exit_while_send_retrying', 'retrier', 'exited');
  });
});

describe('record histories on the time-skipping server', () => {
  const s = timeSkippingRecording([
    'wait_for_event',
    'wait_duration',
    'wait_time_of_day',
    'wait_date_attribute',
    'send_deferred',
    'activity_failed',
  ]);
  const { r } = s;

  it('waits: duration, time of day, date attribute; wait for event timing out', async () => {
    const renewsAt = new Date((await s.h.env.currentTimeMs()) + days(3)).toISOString();
    await s.h.identify('patient', { email: 'p@example.com' });
    await s.h.identify('early_bird', { timezone: 'Europe/Berlin' });
    await s.h.identify('renewer', { renews_at: renewsAt });
    await s.h.track('patient', 'wait_duration');
    await s.h.track('early_bird', 'wait_time_of_day');
    await s.h.track('renewer', 'wait_date_attribute');
    await s.h.track('idler', 'wait_for_event');
    for (const c of ['patient', 'early_bird', 'renewer', 'idler']) await r.waiting(c);
    await s.h.env.sleep(days(4));
    await r.save('wait_duration', 'patient', 'completed');
    await r.save('wait_time_of_day', 'early_bird', 'completed');
    await r.save('wait_date_attribute', 'renewer', 'completed');
    await r.save('wait_for_event_timed_out', 'idler', 'completed');
  });

  it('a send deferred by quiet hours', async () => {
    const now = new Date(await s.h.env.currentTimeMs());
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const quietHours = {
      start: hhmm(new Date(now.getTime() - hours(1))),
      end: hhmm(new Date(now.getTime() + hours(3))),
    };
    await s.h.call('PUT', '/v1/settings/delivery', { quietHours, frequencyCaps: [] }, 'marketer');
    await s.h.identify('sleeper', { email: 's@example.com', timezone: 'UTC' });
    await s.h.track('sleeper', 'send_deferred');
    await r.waiting('sleeper', (e) => e.waitingFor?.includes('quiet hours') ?? false);
    await s.h.env.sleep(hours(4));
    await r.save('send_quiet_hours', 'sleeper', 'completed');
    await s.h.call('PUT', '/v1/settings/delivery', { quietHours: null, frequencyCaps: [] }, 'marketer');
  });

  it('a send deferred by a frequency cap', async () => {
    const frequencyCaps = [{ channel: 'email', max: 1, windowHours: 24 }];
    await s.h.call('PUT', '/v1/settings/delivery', { quietHours: null, frequencyCaps }, 'marketer');
    await s.h.identify('capped', { email: 'c@example.com' });
    await s.h.track('capped', 'send_deferred');
    await eventually(async () => (await r.enrollments('capped'))[0]?.status === 'completed');
    await s.h.track('capped', 'send_deferred');
    const deferred = await r.waiting('capped', (e) => e.waitingFor?.includes('frequency cap') ?? false);
    await s.h.env.sleep(days(1) + 60_000);
    await r.save('send_frequency_cap', 'capped', 'completed', deferred.id);
    await s.h.call('PUT', '/v1/settings/delivery', { quietHours: null, frequencyCaps: [] }, 'marketer');
  });

  it('a send whose activity fails for good', async () => {
    await s.h.track('unlucky', 'activity_failed');
    await eventually(async () => (await r.enrollments('unlucky'))[0]?.currentNodeId === 'hook');
    await s.h.env.sleep(hours(6));
    await r.save('activity_failed', 'unlucky', 'failed');
  });

  it('a loop that continues as new', async () => {
    const input: EnrollmentInput = {
      enrollmentId: 'looper',
      customerId: 'looper',
      journey: {
        id: 'loop',
        version: 1,
        name: 'Loop',
        graph: lapsLoop(6),
        settings: { defaultTimezone: 'UTC', maxLoopIterations: 100, priority: 5 },
      },
      trigger: null,
      historyLimit: 40,
    };
    const handle = await s.h.env.client.workflow.start(ENROLLMENT_WORKFLOW, {
      taskQueue: s.h.taskQueue,
      workflowId: 'looper',
      args: [input],
    });
    expect(await handle.result()).toBe('completed');
    const files = await saveHistories(s.h.env.client, setDir, 'continue_as_new', 'looper', overwrite);
    expect(files.length).toBeGreaterThan(1);
    console.log(`recorded ${files.join(', ')}`);
  });
});
