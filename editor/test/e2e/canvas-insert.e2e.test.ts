import type { JourneyGraph } from '@itinera/schemas';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const trigger = {
  id: 'trigger_1',
  type: 'trigger',
  config: { kind: 'event', event: 'signed_up', reentry: 'once' },
  position: { x: 0, y: 0 },
};
const exit = { id: 'exit_1', type: 'exit', config: {}, position: { x: 0, y: 420 } };

const edgeSelector = (id: string) => `.react-flow__edge[data-id="${id}"]`;
const centre = (box: { x: number; y: number; width: number; height: number }) => ({
  x: box.x + box.width / 2,
  y: box.y + box.height / 2,
});

describe.skipIf(skipWithoutChromium)('inserting steps on the canvas', () => {
  const s = sharedEditorSession();

  async function open(name: string, graph: JourneyGraph): Promise<{ page: Page; id: string }> {
    const id = (await s.h.call('POST', '/v1/journeys', { name, graph })).body.id as string;
    const page = await s.signedIn();
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-trigger_1')).waitFor();
    return { page, id };
  }

  /** The draft's edges as the server has them, once it has `expected`. */
  async function savedEdges(id: string, expected: string[]) {
    let edges: string[] = [];
    await eventually(async () => {
      const { body } = await s.h.call('GET', `/v1/journeys/${id}`);
      edges = body.graph.edges.map(
        (e: { source: string; sourcePort: string; target: string }) =>
          `${e.source}:${e.sourcePort}->${e.target}`,
      );
      return expected.every((e) => edges.includes(e));
    });
    return edges.sort();
  }

  it('drops a palette node onto an edge: it goes between the two steps, ports kept, validation live', async () => {
    const { page, id } = await open('Insert on edge', {
      nodes: [trigger, exit],
      edges: [{ id: 'e0', source: 'trigger_1', sourcePort: 'next', target: 'exit_1' }],
    });
    await page.locator(T('problems-ok')).waitFor();
    const canvas = await page.locator(T('canvas')).boundingBox();
    const edge = await page.locator(`${edgeSelector('e0')} .react-flow__edge-path`).boundingBox();
    if (!canvas || !edge) throw new Error('canvas or edge not on screen');
    const mid = centre(edge);

    await page.dragAndDrop(T('palette-condition'), T('canvas'), {
      targetPosition: { x: mid.x - canvas.x, y: mid.y - canvas.y },
    });
    await page.locator(T('node-condition_1')).waitFor();
    await page.locator(edgeSelector('trigger_1.next->condition_1')).waitFor({ state: 'attached' });
    // The condition's first port ("yes") leads on to the old target; its "no" port is left to connect.
    await page.locator(edgeSelector('condition_1.yes->exit_1')).waitFor({ state: 'attached' });
    await page.locator(edgeSelector('e0')).waitFor({ state: 'detached' });
    await hasText(page, `${edgeSelector('condition_1.yes->exit_1')}`, 'Yes');
    await page.locator(T('problem-badge-condition_1')).waitFor();

    // A node with no way out (an exit) cannot sit between two steps: it lands beside the edge, which stays.
    const yes = await page
      .locator(`${edgeSelector('condition_1.yes->exit_1')} .react-flow__edge-path`)
      .boundingBox();
    if (!yes) throw new Error('edge not on screen');
    const point = centre(yes);
    await page.dragAndDrop(T('palette-exit'), T('canvas'), {
      targetPosition: { x: point.x - canvas.x, y: point.y - canvas.y },
    });
    await page.locator(T('node-exit_2')).waitFor();
    await page.locator(edgeSelector('condition_1.yes->exit_1')).waitFor({ state: 'attached' });

    expect(await savedEdges(id, ['trigger_1:next->condition_1', 'condition_1:yes->exit_1'])).toEqual([
      'condition_1:yes->exit_1',
      'trigger_1:next->condition_1',
    ]);
    // Undo takes the exit away, then the insertion as one step: the original edge is back.
    await page.click(T('undo'));
    await page.locator(T('node-exit_2')).waitFor({ state: 'detached' });
    await page.click(T('undo'));
    await page.locator(T('node-condition_1')).waitFor({ state: 'detached' });
    await page.locator(edgeSelector('e0')).waitFor({ state: 'attached' });
    await page.locator(T('problems-ok')).waitFor();
    expect(s.consoleErrors).toEqual([]);
  });

  it('lets go of a connection on empty canvas: a "what next?" menu adds the chosen step there', async () => {
    const { page, id } = await open('What next', { nodes: [trigger], edges: [] });
    const handle = await page.locator(T('handle-trigger_1-next')).boundingBox();
    if (!handle) throw new Error('handle not on screen');
    const from = centre(handle);
    const release = { x: from.x + 40, y: from.y + 180 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(release.x, release.y, { steps: 10 });
    await page.mouse.up();

    const menu = page.getByRole('dialog', { name: 'What next?' });
    await menu.waitFor();
    // Typing goes straight to the menu's search.
    await page.keyboard.type('wait');
    await page.locator(T('what-next-exit')).waitFor({ state: 'detached' });
    await page.click(T('what-next-wait'));
    await menu.waitFor({ state: 'detached' });
    await page.locator(T('node-wait_1')).waitFor();
    await page.locator(edgeSelector('trigger_1.next->wait_1')).waitFor({ state: 'attached' });
    // The new step's input sits where the connection was let go.
    const input = await page.locator(T('handle-wait_1-in')).boundingBox();
    if (!input) throw new Error('input handle not on screen');
    expect(Math.abs(centre(input).x - release.x)).toBeLessThan(30);
    expect(Math.abs(centre(input).y - release.y)).toBeLessThan(30);

    // Escape closes the menu without adding anything.
    const dragOut = async () => {
      const next = await page.locator(T('handle-wait_1-next')).boundingBox();
      if (!next) throw new Error('handle not on screen');
      // Away from the canvas's edges, where React Flow would pan while connecting.
      await page.mouse.move(centre(next).x, centre(next).y);
      await page.mouse.down();
      await page.mouse.move(centre(next).x - 220, centre(next).y + 100, { steps: 10 });
      await page.mouse.up();
      await menu.waitFor();
    };
    await dragOut();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Enter in the search adds the first match.
    await dragOut();
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    await page.locator(T('node-exit_1')).waitFor();
    await page.locator(T('problems-ok')).waitFor();
    expect(await page.locator(T('node-wait_2')).count()).toBe(0);
    expect(await savedEdges(id, ['trigger_1:next->wait_1', 'wait_1:next->exit_1'])).toEqual([
      'trigger_1:next->wait_1',
      'wait_1:next->exit_1',
    ]);
    expect(s.consoleErrors).toEqual([]);
  });
});
