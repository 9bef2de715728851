import path from 'node:path';
import type { BroadcastView } from '@itinera/schemas';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBroadcastActivityWorker } from '../../../engine/src/services/broadcast-worker.ts';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('broadcast screen in a real browser', () => {
  const s = sharedEditorSession();
  let connection: NativeConnection;
  let activities: { stop(): Promise<void> };
  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: inject('TEMPORAL_ADDRESS') });
    activities = await startBroadcastActivityWorker(s.h.app.services, connection, s.h.taskQueue);
    await s.h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->wait', 'wait->end'],
      ),
      'Spring sale',
    );
    await s.h.call('POST', '/v1/segments', { id: 'spring-list', name: 'Spring list', kind: 'manual' });
    await s.h.call('POST', '/v1/segments/spring-list/members', { add: ['bc-1', 'bc-2', 'bc-3'] });
  }, 180_000);
  afterAll(async () => {
    await activities?.stop();
    await connection?.close();
  });

  const only = async () => {
    const list = (await s.h.call<BroadcastView[]>('GET', '/v1/broadcasts')).body;
    return list[0];
  };

  it('starts a throttled broadcast now, shows its progress, and pauses, resumes and cancels it', async () => {
    const page = await s.signedIn('marketer');
    await page.click(T('nav-broadcasts'));
    await page.selectOption(T('broadcast-journey'), { label: 'Spring sale (live)' });
    await page.selectOption(T('broadcast-segment'), { label: 'Spring list' });
    await page.check(T('broadcast-when-now'));
    await page.fill(T('broadcast-rate'), '1');
    await page.fill(T('broadcast-holdout'), '0');
    await page.click(T('broadcast-create'));
    await hasText(page, '.toast', 'Broadcast created');
    const created = await only();
    expect(created).toMatchObject({ schedule: { kind: 'now' }, ratePerMinute: 1, holdoutPercent: 0 });
    const row = T(`broadcast-${created.id}`);
    // One customer a minute: the first enters, the other two wait their turn.
    await hasText(page, `${row} ${T('broadcast-progress')}`, '1 entered / 2 remaining', 60_000);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'broadcasts.png') });

    await page.click(`${row} ${T('broadcast-pause')}`);
    await hasText(page, `${row} ${T('broadcast-state')}`, 'paused', 30_000);
    await page.click(`${row} ${T('broadcast-resume')}`);
    await hasText(page, `${row} ${T('broadcast-state')}`, 'running', 30_000);
    await page.click(`${row} ${T('broadcast-cancel')}`);
    await hasText(page, `${row} ${T('broadcast-state')}`, 'cancelled', 30_000);
    expect(await page.locator(`${row} ${T('broadcast-resume')}`).count()).toBe(0);
    expect((await only()).state).toBe('cancelled');
    await page.context().close();
  });

  it('schedules a broadcast at a local time in each customer’s timezone with a fallback zone', async () => {
    const page = await s.signedIn('marketer');
    await page.click(T('nav-broadcasts'));
    await page.selectOption(T('broadcast-journey'), { label: 'Spring sale (live)' });
    await page.selectOption(T('broadcast-segment'), { label: 'Spring list' });
    await page.check(T('broadcast-when-local'));
    await page.fill(T('broadcast-local-time'), '10:00');
    await page.fill(T('broadcast-fallback-zone'), 'Asia/Tokyo');
    await page.fill(T('broadcast-holdout'), '10');
    await page.click(T('broadcast-create'));
    await hasText(page, '.toast', 'Broadcast created');
    const created = await only();
    expect(created).toMatchObject({
      schedule: { kind: 'local', time: '10:00', fallbackTimezone: 'Asia/Tokyo' },
      holdoutPercent: 10,
    });
    const row = T(`broadcast-${created.id}`);
    await hasText(page, row, '10:00 local (fallback Asia/Tokyo)');
    await page.click(`${row} ${T('broadcast-cancel')}`);
    await hasText(page, `${row} ${T('broadcast-state')}`, 'cancelled', 30_000);
    await page.context().close();
  });

  it('schedules a broadcast at a time, read in the browser’s timezone', async () => {
    const page = await s.signedIn('marketer');
    await page.click(T('nav-broadcasts'));
    await page.selectOption(T('broadcast-journey'), { label: 'Spring sale (live)' });
    await page.selectOption(T('broadcast-segment'), { label: 'Spring list' });
    await page.check(T('broadcast-when-at'));
    expect(await page.locator(T('broadcast-create')).isDisabled()).toBe(true);
    await page.fill(T('broadcast-at'), '2031-06-01T09:30');
    await page.click(T('broadcast-create'));
    await hasText(page, '.toast', 'Broadcast created');
    const expected = await page.evaluate(() => new Date('2031-06-01T09:30').toISOString());
    const created = await only();
    expect(created).toMatchObject({ schedule: { kind: 'at', at: expected }, state: 'scheduled' });
    const row = T(`broadcast-${created.id}`);
    await hasText(page, `${row} ${T('broadcast-progress')}`, '0 entered / 0 remaining');
    await page.click(`${row} ${T('broadcast-cancel')}`);
    await hasText(page, `${row} ${T('broadcast-state')}`, 'cancelled', 30_000);
    await page.context().close();
  });
});
