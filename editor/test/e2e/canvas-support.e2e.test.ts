import path from 'node:path';
import type { JourneyGraph } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

/** One node under the other, as a top-down layout would place them. */
const stacked = (g: JourneyGraph): JourneyGraph => ({
  ...g,
  nodes: g.nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 150 } })),
});

const branching = (): JourneyGraph =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'cart_abandoned', reentry: 'once' } },
      {
        id: 'is_pro',
        type: 'condition',
        label: 'Loyal pro customer?',
        config: {
          combinator: 'and',
          rules: [
            { kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' },
            { kind: 'attribute', path: 'orders', op: 'gte', value: 3 },
          ],
        },
      },
      { id: 'sms', type: 'send', config: { channel: 'sms', body: 'Your cart misses you: 10% off today.' } },
      {
        id: 'morning',
        type: 'wait',
        label: 'Next weekday morning',
        config: { mode: 'time_of_day', time: '09:00', weekdays: [1, 2, 3, 4, 5] },
      },
      {
        id: 'ab',
        type: 'split',
        config: {
          branches: [
            { id: 'a', label: 'Reminder', percent: 50 },
            { id: 'b', label: 'Discount', percent: 50 },
          ],
        },
      },
      { id: 'mail_a', type: 'send', config: { channel: 'email', subject: 'Still thinking?', body: 'Hi' } },
      { id: 'mail_b', type: 'send', config: { channel: 'email', subject: 'A gift: 15% off', body: 'Hi' } },
      { id: 'done', type: 'exit', config: {} },
    ],
    [
      'start->is_pro',
      'is_pro:yes->sms',
      'is_pro:no->morning',
      'morning->ab',
      'ab:a->mail_a',
      'ab:b->mail_b',
      'sms->done',
      'mail_a->done',
      'mail_b->done',
    ],
  );

describe.skipIf(skipWithoutChromium)('a readable canvas and support views that hold up', () => {
  const s = sharedEditorSession();

  /** The canvas zoom, read from React Flow's viewport transform. */
  const zoomOf = (page: import('playwright-core').Page) =>
    page.$eval('.react-flow__viewport', (el) => new DOMMatrix(getComputedStyle(el).transform).a);

  it('lays out top to bottom with labelled branches and node cards in words', async () => {
    // Never laid out (every node at the origin), as a journey made through the API may be.
    const unlaid = branching();
    for (const n of unlaid.nodes) n.position = { x: 0, y: 0 };
    const created = await s.h.call('POST', '/v1/journeys', { name: 'Cart rescue', graph: unlaid });
    const page = await s.signedIn();
    await page.goto(`${s.url}/#/journeys/${created.body.id}`);
    await page.locator(T('node-start')).waitFor();
    expect(await page.inputValue(T('layout-direction'))).toBe('TB');
    await page.click(T('auto-layout'));
    await hasText(page, T('node-is_pro'), 'plan = pro and orders ≥ 3');
    await hasText(page, T('node-sms'), 'SMS: Your cart misses you');
    await hasText(page, T('node-morning'), 'at 09:00 local, Mon–Fri');
    await hasText(page, T('node-mail_b'), 'Email: A gift: 15% off');
    for (const label of ['yes', 'no', 'Reminder (50%)', 'Discount (50%)'])
      await hasText(page, '.react-flow__edge-text', label);
    // Top to bottom: each step sits below the one before it, and the layout is framed whole.
    const box = async (id: string) => (await page.locator(T(`node-${id}`)).boundingBox())!;
    await eventually(async () => (await box('ab')).y > (await box('morning')).y + 20);
    expect((await box('is_pro')).y).toBeGreaterThan((await box('start')).y);
    const canvas = (await page.locator(T('canvas')).boundingBox())!;
    const inView = async (id: string) => {
      const b = await box(id);
      return b.x >= canvas.x && b.y >= canvas.y && b.y + b.height <= canvas.y + canvas.height;
    };
    await eventually(async () =>
      (await Promise.all(['start', 'mail_a', 'mail_b', 'done'].map(inView))).every(Boolean),
    );
    await page.locator(`${T('node-is_pro')} .jnode-title`).click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'canvas.png') });

    // Left to right stays available.
    await page.selectOption(T('layout-direction'), 'LR');
    await eventually(async () => (await box('is_pro')).x > (await box('start')).x + 100);
    await page.context().close();
  });

  it('opens a long journey at a readable zoom on the trigger and its first steps', async () => {
    const nodes = [
      { id: 'n0', type: 'trigger', config: { kind: 'event', event: 'long', reentry: 'once' } },
      ...Array.from({ length: 60 }, (_, i) => ({
        id: `n${i + 1}`,
        type: 'wait',
        config: { mode: 'duration', duration: { amount: i + 1, unit: 'days' } },
      })),
    ];
    const long = graph(
      nodes,
      nodes.slice(1).map((n, i) => `n${i}->${n.id}`),
    );
    long.nodes.forEach((n, i) => {
      n.position = { x: 0, y: i * 160 };
    });
    const created = await s.h.call('POST', '/v1/journeys', { name: 'Long', graph: long });
    const page = await s.signedIn();
    await page.goto(`${s.url}/#/journeys/${created.body.id}`);
    await page.locator(T('node-n0')).waitFor();
    await eventually(async () => (await zoomOf(page)) >= 9 / 11 - 1e-6);
    const smallest = await page.$$eval('.jnode *', (els) =>
      Math.min(
        ...els
          .filter((e) => e.textContent?.trim())
          .map((e) => Number.parseFloat(getComputedStyle(e).fontSize)),
      ),
    );
    expect(smallest * (await zoomOf(page))).toBeGreaterThanOrEqual(9 - 1e-6);
    const canvas = (await page.locator(T('canvas')).boundingBox())!;
    for (const id of ['n0', 'n1', 'n2']) {
      const b = (await page.locator(T(`node-${id}`)).boundingBox())!;
      expect(b.y).toBeGreaterThanOrEqual(canvas.y);
      expect(b.y + b.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    }
    await page.context().close();
  });

  it('support: the customer page fits, shows messages safely and says why each message was or was not sent', async () => {
    const journeyId = await s.h.publish(
      stacked(
        graph(
          [
            { id: 'start', type: 'trigger', config: { kind: 'event', event: 'ordered', reentry: 'once' } },
            {
              id: 'thanks',
              type: 'send',
              label: 'Thank-you email',
              config: {
                channel: 'email',
                subject: 'Thanks, {{ profile.first_name }}',
                body: '<h1>Thank you!</h1><script>window.parent.document.title = "pwned"</script><p>A very-long-unbroken-word-'.concat(
                  'x'.repeat(300),
                  '</p>',
                ),
              },
            },
            { id: 'text', type: 'send', label: 'Shipping SMS', config: { channel: 'sms', body: 'Shipped!' } },
            {
              id: 'later',
              type: 'wait',
              label: 'Wait a week',
              config: { mode: 'duration', duration: { amount: 7, unit: 'days' } },
            },
            { id: 'end', type: 'exit', config: {} },
          ],
          ['start->thanks', 'thanks->text', 'text->later', 'later->end'],
        ),
      ),
      'Order follow-up',
    );

    await s.h.identify('sup-1', { email: 'grace@example.com', first_name: 'Grace', note: 'y'.repeat(400) });
    await s.h.track('sup-1', 'ordered');
    await eventually(async () => {
      const { body } = await s.h.call('GET', '/v1/customers/sup-1/enrollments');
      return body[0]?.currentNodeId === 'later';
    });
    const page = await s.signedIn('support');
    await page.goto(`${s.url}/#/customers/sup-1`);
    const frame = page.locator(T('message-frame'));
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await page.frameLocator(T('message-frame')).locator('h1').textContent()).toBe('Thank you!');
    expect(await page.title()).not.toBe('pwned');
    await hasText(page, T('delivery-decisions'), 'Thank-you email');
    await hasText(page, T('delivery-decisions'), 'sent');
    await hasText(page, `${T('delivery-decisions')} tr`, 'Shipping SMS');
    const sms = page.locator(`${T('delivery-decisions')} tr`, { hasText: 'Shipping SMS' });
    expect(await sms.textContent()).toMatch(/skipped|failed/);
    // Nothing is wider than the window.
    const overflow = await page.$eval('.content', (el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'customer.png'), fullPage: false });

    // Exit with a reason in an in-app dialog; the page updates at once.
    await page
      .locator(`${T('enrollments')} a`)
      .first()
      .click();
    await hasText(page, T('enrollment-current'), 'Wait a week');
    await hasText(page, T('timeline'), 'Thank-you email');
    await page.click(T('exit-enrollment'));
    const dialog = page.getByRole('dialog', { name: 'Remove the customer from this journey?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.click(T('exit-enrollment'));
    await page.fill(T('exit-reason'), 'Asked by phone to stop');
    await page.click(T('exit-confirm'));
    await hasText(page, T('enrollment-status'), 'exited', 20_000);
    await hasText(page, T('timeline'), 'Asked by phone to stop', 20_000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'enrollment.png') });
    await page.context().close();
    expect(journeyId).toBeTruthy();
    // The only complaints: the sandbox refusing the message's script and its remote (tracking) image.
    const expected = (e: string) =>
      e.includes('Blocked script execution') || e.includes('Content Security Policy');
    expect(s.consoleErrors.filter((e) => !expected(e))).toEqual([]);
    expect(s.consoleErrors.some((e) => e.includes('sandboxed'))).toBe(true);
  });
});
