import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchChromium } from '../../../test/support/browser.ts';
import { devServerHarness, eventually, type Harness } from '../../../test/support/harness.ts';
import { SCREENSHOTS, serveEditor } from './servers.ts';
import { skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('journey builder and inspector in a real browser', () => {
  let h: Harness;
  let browser: Browser;
  let editor: { url: string; server: PreviewServer };
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    h = await devServerHarness({});
    const apiUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
    editor = await serveEditor(apiUrl);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await editor?.server.close();
    await h?.close();
  });

  /** Drops a palette item on the canvas at (x, y) relative to the canvas and returns the new node id. */
  async function drop(type: string, x: number, y: number, id: string) {
    await page.dragAndDrop(T(`palette-${type}`), T('canvas'), { targetPosition: { x, y } });
    await page.locator(T(`node-${id}`)).waitFor();
  }

  /** Drags from an output handle to a node's input handle. */
  async function connect(source: string, port: string, target: string) {
    const from = await page.locator(T(`handle-${source}-${port}`)).boundingBox();
    const to = await page.locator(T(`handle-${target}-in`)).boundingBox();
    if (!from || !to) throw new Error(`handle missing for ${source}.${port} -> ${target}`);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.locator(`.react-flow__edge[data-id^="${source}.${port}->"]`).waitFor({ state: 'attached' });
  }

  /** Waits until an element matching the selector contains the text. */
  const hasText = (selector: string, text: string, timeout = 5_000) =>
    page.locator(selector, { hasText: text }).first().waitFor({ timeout });

  const select = (id: string) => page.locator(`${T(`node-${id}`)} .jnode-title`).click();

  it('builds, validates and publishes a journey; the inspector shows a waiting customer', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'failure.png') });
    });
    await page.goto(editor.url);
    await page.fill(T('api-key'), h.keys.marketer);
    await page.click(T('sign-in'));
    await page.fill(T('new-journey-name'), 'Welcome e2e');
    await page.click(T('create-journey'));
    await page.locator(T('node-trigger_1')).waitFor();

    // Trigger on signup.
    await select('trigger_1');
    await page.fill(T('field-event'), 'signed_up');

    // Lay the nodes out around the trigger (which sits in the middle of the canvas).
    await drop('wait', 30, 80, 'wait_1');
    await page.fill(T('field-duration.amount'), '2');
    await drop('send', 270, 80, 'send_1');
    await page.fill(T('field-subject'), 'Welcome!');
    // The config panel previews templates in the browser; a broken one reads as an error, not a crash.
    await hasText(T('preview-subject'), 'Welcome!');
    await page.fill(T('field-body'), 'Hi {{ profile.first_name');
    await hasText(T('preview-body'), 'Template error');
    await page.fill(T('field-body'), 'Hi {{ profile.first_name | default: "there" }}');
    await hasText(T('preview-body'), 'Hi there');
    await drop('wait_for_event', 510, 80, 'wait_for_event_1');
    // A validation error appears on the node and disappears once fixed.
    await page.fill(T('field-event'), '');
    await page.locator(T('problem-badge-wait_for_event_1')).waitFor();
    const eventProblem = page.locator(T('node-problems'), { hasText: 'string length' });
    await eventProblem.waitFor();
    await page.locator(`.field-invalid > ${T('field-event')}`).waitFor();
    await page.fill(T('field-event'), 'purchase');
    await eventProblem.waitFor({ state: 'detached' });

    await drop('send', 30, 470, 'send_2');
    await page.selectOption(T('field-channel'), { label: 'SMS' });
    await page.fill(T('field-body'), 'Still thinking it over? 10% off today.');
    await drop('exit', 270, 470, 'exit_1');
    await drop('exit', 30, 280, 'exit_2');
    await hasText(T('node-wait_1'), '2 days');

    await connect('trigger_1', 'next', 'wait_1');
    await connect('wait_1', 'next', 'send_1');
    await connect('send_1', 'next', 'wait_for_event_1');
    await connect('wait_for_event_1', 'timed_out', 'send_2');
    await connect('wait_for_event_1', 'happened', 'exit_1');
    expect(await page.locator(T('publish-button')).isDisabled()).toBe(true);
    await connect('send_2', 'next', 'exit_2');

    // Copy/paste and undo leave the graph as it was.
    await select('exit_2');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.locator(T('node-exit_3')).waitFor();
    await page.keyboard.press('Control+z');
    await page.locator(T('node-exit_3')).waitFor({ state: 'detached' });

    await page.click(T('auto-layout'));
    await page.locator(T('problems-ok')).waitFor();
    await hasText(T('save-state'), 'All changes saved', 10_000);
    await page.click(T('publish-button'));
    await page.fill(T('publish-note'), 'First version');
    await page.click(T('publish-confirm'));
    await hasText(T('journey-status'), 'live');

    const journeys = await h.call<{ id: string; name: string; liveVersion: number }[]>('GET', '/v1/journeys');
    const journey = journeys.body.find((j) => j.name === 'Welcome e2e');
    expect(journey?.liveVersion).toBe(1);
    const version = await h.call<{ graph: { edges: { sourcePort: string; target: string }[] } }>(
      'GET',
      `/v1/journeys/${journey?.id}/versions/1`,
    );
    expect(version.body.graph.edges).toContainEqual(
      expect.objectContaining({ sourcePort: 'timed_out', target: 'send_2' }),
    );

    // A customer signs up through the API and ends up waiting two days.
    await h.identify('e2e-ada', { email: 'ada@example.com', first_name: 'Ada' });
    await h.track('e2e-ada', 'signed_up', { plan: 'pro' });
    await hasText(T('node-stats-wait_1'), '1 waiting', 20_000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'builder.png') });

    await eventually(async () => {
      const { body } = await h.call('GET', '/v1/customers/e2e-ada/enrollments', undefined, 'support');
      return body[0]?.currentNodeId === 'wait_1';
    });
    await page.click(T('nav-customers'));
    await page.fill(T('customer-search'), 'ada@example.com');
    await page.click(T('customer-search-submit'));
    await page.click(T('customer-e2e-ada'));
    await hasText(T('enrollments'), 'wait_1');
    await hasText(T('events'), 'signed_up');
    await page
      .locator(`${T('enrollments')} a`)
      .first()
      .click();
    await hasText(T('enrollment-current'), 'wait_1');
    await hasText(T('timeline'), 'trigger_1');
    await page.locator(`${T('node-wait_1')}.is-current`).waitFor();
    await page.locator(T('exit-enrollment')).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector.png') });

    expect(consoleErrors).toEqual([]);
  }, 180_000);
});
