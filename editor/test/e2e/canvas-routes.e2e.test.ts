import path from 'node:path';
import type { JourneyGraph } from '@itinera/schemas';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { graph, lapsLoop } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const send = (id: string, subject: string) => ({
  id,
  type: 'send',
  config: { channel: 'email', subject, body: 'Hi' },
});
const exit = (id: string) => ({ id, type: 'exit', config: {} });

/** Reference journeys: branches that skip layers and rejoin, a loop back up, three variants merging. */
const REFERENCES: Record<string, JourneyGraph> = {
  branches: graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      {
        id: 'pro',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
      },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
      send('hello', 'Welcome'),
      {
        id: 'buy',
        type: 'wait_for_event',
        config: { event: 'purchase', timeout: { amount: 3, unit: 'days' } },
      },
      send('nudge', 'Still there?'),
      exit('done'),
      exit('other'),
    ],
    [
      'start->pro',
      'pro:yes->wait',
      'pro:no->other',
      'wait->hello',
      'hello->buy',
      'buy:happened->done',
      'buy:timed_out->nudge',
      'nudge->done',
    ],
  ),
  loop: lapsLoop(3),
  variants: graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
      {
        id: 'ab',
        type: 'split',
        config: {
          branches: [
            { id: 'a', label: 'Variant A', percent: 40 },
            { id: 'b', label: 'Variant B', percent: 30 },
            { id: 'c', label: 'Variant C', percent: 30 },
          ],
        },
      },
      send('mail_a', 'A'),
      send('mail_b', 'B'),
      exit('end'),
    ],
    ['start->ab', 'ab:a->mail_a', 'ab:b->mail_b', 'ab:c->end', 'mail_a->end', 'mail_b->end'],
  ),
};

/** Edge segments (flow coordinates) that run through a node's box, other than at the edge's own ends. */
const crossings = (page: Page) =>
  page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
      const [x, y] = (el.style.transform.match(/-?[\d.]+/g) ?? ['0', '0']).map(Number);
      return { id: el.dataset.id ?? '', x, y, w: el.offsetWidth, h: el.offsetHeight };
    });
    const found: string[] = [];
    for (const edge of document.querySelectorAll('.react-flow__edge')) {
      const d = edge.querySelector('.react-flow__edge-path')?.getAttribute('d') ?? '';
      const numbers = (d.match(/-?[\d.]+/g) ?? []).map(Number);
      const points = numbers.flatMap((_, i) => (i % 2 ? [] : [{ x: numbers[i], y: numbers[i + 1] }]));
      for (let i = 1; i < points.length; i++) {
        const [a, b] = [points[i - 1], points[i]];
        const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 2));
        for (const box of boxes) {
          const inside = (t: number) => {
            const x = a.x + ((b.x - a.x) * t) / steps;
            const y = a.y + ((b.y - a.y) * t) / steps;
            // A few pixels in from the border: an edge may touch the card it starts or ends at.
            return x > box.x + 3 && x < box.x + box.w - 3 && y > box.y + 3 && y < box.y + box.h - 3;
          };
          if (Array.from({ length: steps + 1 }, (_, t) => t).some(inside))
            found.push(`${edge.getAttribute('data-id')} crosses ${box.id}`);
        }
      }
    }
    return [...new Set(found)];
  });

/**
 * Waits until the layout for `direction` has settled: every port sits on that direction's sides, every edge
 * follows a laid-out route (straight segments only, no smooth-step curves), and neither nodes nor edges move
 * between two looks. The previous direction's routes are straight too, so straightness alone is not enough.
 */
async function settledLayout(page: Page, direction: string, edges: number) {
  const look = () =>
    page.evaluate(
      ({ dir, count }) => {
        const paths = [...document.querySelectorAll('.react-flow__edge-path')].map(
          (p) => p.getAttribute('d') ?? '',
        );
        const ports = [...document.querySelectorAll('[class*="jnode-ports-"]')];
        const ready =
          paths.length === count &&
          paths.every((d) => d && !/[QC]/.test(d)) &&
          ports.every((p) => p.classList.contains(`jnode-ports-${dir}`));
        const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map(
          (n) => n.style.transform,
        );
        return ready ? JSON.stringify([paths, nodes]) : null;
      },
      { dir: direction, count: edges },
    );
  const deadline = Date.now() + 20_000;
  let previous: string | null = null;
  while (Date.now() < deadline) {
    const now = await look();
    if (now && now === previous) return;
    previous = now;
    await page.waitForTimeout(400);
  }
  throw new Error(`the ${direction} layout did not settle`);
}

describe.skipIf(skipWithoutChromium)('edge routing after auto-layout', () => {
  const s = sharedEditorSession();

  for (const [name, start] of Object.entries(REFERENCES)) {
    it(`no edge of the "${name}" journey passes behind a node, top-down or left-to-right`, async () => {
      const id = (await s.h.call('POST', '/v1/journeys', { name, graph: start })).body.id;
      const page = await s.signedIn();
      await page.goto(`${s.url}/#/journeys/${id}`);
      await page.locator(T('node-start')).waitFor();
      const edges = start.edges.length;
      // The check sees edges behind nodes: before layout the cards overlap in a row and long edges cross them.
      await page.waitForFunction(
        (n) => document.querySelectorAll('.react-flow__edge-path').length === n,
        edges,
      );
      expect((await crossings(page)).length).toBeGreaterThan(0);
      for (const direction of ['TB', 'LR', 'TB']) {
        await page.selectOption(T('layout-direction'), direction);
        await settledLayout(page, direction, edges);
        expect(await crossings(page), direction).toEqual([]);
      }
      // Branch labels still show on their edges.
      expect(await page.locator('.react-flow__edge-text').count()).toBeGreaterThan(0);
      await hasText(page, T('save-state'), 'All changes saved');
      await page.screenshot({ path: path.join(SCREENSHOTS, `routes-${name}.png`) });
      expect(s.consoleErrors).toEqual([]);
    });
  }
});
