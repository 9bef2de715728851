import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { graph } from '../../../test/support/journeys.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

/** Pairs of node ids whose boxes on screen overlap, where one of them is an added node. */
const coveredBy = async (page: Page, added: string[]) => {
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-id') ?? '',
      box: el.getBoundingClientRect().toJSON() as DOMRect,
    })),
  );
  const meet = (a: DOMRect, b: DOMRect) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  return boxes
    .filter((a) => added.includes(a.id))
    .flatMap((a) => boxes.filter((b) => b.id !== a.id && meet(a.box, b.box)).map((b) => `${a.id}/${b.id}`));
};

describe.skipIf(skipWithoutChromium)('the palette search', () => {
  const s = sharedEditorSession();

  it('narrows the node types, adds the first match with Enter, each in free space', async () => {
    const start = graph(
      [
        { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
        { id: 'exit_1', type: 'exit', config: {} },
      ],
      ['trigger_1->exit_1'],
    );
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Palette', graph: start })).body.id;
    const page = await s.signedIn();
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-exit_1')).waitFor();

    await page.fill(T('palette-search'), 'split');
    await page.locator(T('palette-wait')).waitFor({ state: 'detached' });
    expect(await page.locator(T('palette-split')).isVisible()).toBe(true);
    await page.press(T('palette-search'), 'Enter');
    await page.locator(T('node-split_1')).waitFor();
    await page.press(T('palette-search'), 'Enter');
    await page.locator(T('node-split_2')).waitFor();
    await page.click('.react-flow__pane', { position: { x: 5, y: 5 } });
    await page.press(T('palette-search'), 'Enter');
    await page.locator(T('node-split_3')).waitFor();
    expect(await coveredBy(page, ['split_1', 'split_2', 'split_3'])).toEqual([]);

    await page.fill(T('palette-search'), 'zzz');
    await hasText(page, '.palette', 'No step matches');
    await page.press(T('palette-search'), 'Escape');
    await page.locator(T('palette-wait')).waitFor();
    expect(await page.inputValue(T('palette-search'))).toBe('');
    expect(s.consoleErrors).toEqual([]);
  });
});
