import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devServerHarness, eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const waitDays = (amount: number) =>
  graph(
    [
      { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      { id: 'wait_1', type: 'wait', config: { mode: 'duration', duration: { amount, unit: 'days' } } },
      { id: 'exit_1', type: 'exit', config: {} },
    ],
    ['trigger_1->wait_1', 'wait_1->exit_1'],
  );

describe.skipIf(skipWithoutChromium)('the migration preview at publish time, in a real browser', () => {
  // The API hosts the migration driver's activities, as engine/src/main.ts does.
  const s = sharedEditorSession(() => devServerHarness({ apiActivities: true }));

  /** Drafts a longer wait and publishes it from the editor, which then offers the migration dialog. */
  const publishLongerWait = async (id: string) => {
    expect((await s.h.call('PUT', `/v1/journeys/${id}`, { graph: waitDays(3) })).status).toBe(200);
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-wait_1')).waitFor();
    await page.click(T('publish-button'));
    await page.fill(T('publish-note'), 'Longer wait');
    await page.click(T('publish-confirm'));
    return page;
  };

  it('offers to move the waiting customer, previews where they land, moves them on confirm and shows the progress', async () => {
    const id = await s.h.publish(waitDays(2), 'Migrate me');
    await s.h.identify('mig-ann', { email: 'ann@example.com' });
    await s.h.track('mig-ann', 'signed_up');
    const enrollmentOf = async () => (await s.h.call('GET', '/v1/customers/mig-ann/enrollments')).body[0];
    const waiting = await eventually(async () => {
      const e = await enrollmentOf();
      return e?.currentNodeId === 'wait_1' && e.nextWakeAt ? e : undefined;
    });
    const page = await publishLongerWait(id);

    await page.locator(T('migration-dialog')).waitFor();
    await hasText(page, T('migration-summary'), '1 of 1 customer(s) waiting in v1 would move');
    await expect.poll(() => page.inputValue(T('migration-target-wait_1'))).toBe('wait_1');
    await hasText(page, T('migration-then-wait_1'), 'keeps its wake-up');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'migration-preview.png') });

    await page.selectOption(T('migration-target-wait_1'), '');
    await hasText(page, T('migration-summary'), '0 of 1');
    await hasText(page, T('migration-then-wait_1'), 'no counterpart in v2');
    expect(await page.isDisabled(T('migration-confirm'))).toBe(true);
    await page.selectOption(T('migration-target-wait_1'), 'wait_1');
    await hasText(page, T('migration-summary'), '1 of 1');
    await page.click(T('migration-confirm'));
    // The background cutover's progress, polled until it settles; no stop button once it has.
    await hasText(page, T('migration-result'), 'Migration completed: 1 of 1 moved', 90_000);
    await page.locator(`${T('migration-progress')}[data-state="completed"]`).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'migration-progress.png') });
    expect(await page.locator(T('migration-cancel')).count()).toBe(0);

    const moved = await eventually(async () => {
      const e = await enrollmentOf();
      return e.version === 2 && e.nextWakeAt ? e : undefined;
    });
    expect([moved.currentNodeId, moved.nextWakeAt]).toEqual(['wait_1', waiting.nextWakeAt]);
    await page.click(T('migration-close'));
    await page.locator(T('migration-dialog')).waitFor({ state: 'detached' });
    expect(s.consoleErrors).toEqual([]);
  }, 240_000);

  it('stops a throttled cutover from the dialog: the customer not reached stays on v1', async () => {
    const id = await s.h.publish(waitDays(2), 'Stop me');
    const customers = ['mig-bo', 'mig-cy'];
    const enrollmentOf = async (c: string) =>
      (await s.h.call('GET', `/v1/customers/${c}/enrollments`)).body[0];
    for (const c of customers) {
      await s.h.identify(c, { email: `${c}@example.com` });
      await s.h.track(c, 'signed_up');
      await eventually(async () => (await enrollmentOf(c))?.currentNodeId === 'wait_1', 60_000);
    }
    const page = await publishLongerWait(id);
    await hasText(page, T('migration-summary'), '2 of 2 customer(s) waiting in v1 would move');
    // One a minute: the driver moves one customer, then rests a minute before the next.
    await page.fill(T('migration-rate'), '1');
    await page.click(T('migration-confirm'));
    await hasText(page, T('migration-result'), 'Migration running: 1 of 2 moved', 90_000);
    await page.click(T('migration-cancel'));
    await hasText(
      page,
      T('migration-result'),
      'Migration cancelled: 1 of 2 moved, 1 not reached yet',
      90_000,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'migration-cancelled.png') });
    const versions = await Promise.all(customers.map(async (c) => (await enrollmentOf(c)).version));
    expect(versions.sort()).toEqual([1, 2]);
    expect(s.consoleErrors).toEqual([]);
  }, 240_000);
});
