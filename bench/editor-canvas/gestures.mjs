// The gestures (pan, zoom, node drag), driven like a user with mouse and wheel events, each measured.
import { measure } from './recorder.mjs';
import { sleep } from './util.mjs';

/** A point on the canvas background (not on a node, edge or control), searched on a grid. */
async function emptyPanePoint(page) {
  const point = await page.evaluate(() => {
    const box = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    for (let y = box.top + 20; y < box.bottom - 20; y += 15) {
      for (let x = box.left + 60; x < box.right - 60; x += 15) {
        const hit = document.elementFromPoint(x, y);
        if (hit?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('no empty spot on the canvas to pan from');
  return point;
}

/** Mouse moves spaced ~one frame apart, like a hand, from `from` by (dx, dy) and back. */
async function dragThereAndBack(page, from, dx, dy, atFarEnd = async () => {}, steps = 40) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (const [sx, sy, ex, ey] of [
    [from.x, from.y, from.x + dx, from.y + dy],
    [from.x + dx, from.y + dy, from.x, from.y],
  ]) {
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(sx + ((ex - sx) * i) / steps, sy + ((ey - sy) * i) / steps);
      await sleep(8);
    }
    if (ex !== from.x || ey !== from.y) await atFarEnd();
  }
  await page.mouse.up();
}

/** Each gesture, measured: `({ page, cdp, nodeId }) => figures`. */
export const GESTURES = {
  async pan({ page, cdp }) {
    const from = await emptyPanePoint(page);
    return measure(page, cdp, () => dragThereAndBack(page, from, 320, 160));
  },
  async zoom({ page, cdp }) {
    const box = await page.locator('[data-testid="canvas"]').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return measure(page, cdp, async () => {
      for (const delta of [-100, 100]) {
        for (let i = 0; i < 15; i++) {
          await page.mouse.wheel(0, delta);
          await sleep(16);
        }
      }
    });
  },
  async drag({ page, cdp, nodeId }) {
    // A node in the middle of the journey, grabbed by its title.
    const node = page.locator(`.react-flow__node[data-id="${nodeId}"] .jnode-title`);
    const box = await node.boundingBox();
    if (!box) throw new Error(`node ${nodeId} to drag not found`);
    let moved = 0;
    const result = await measure(page, cdp, () =>
      dragThereAndBack(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, 240, 120, async () => {
        moved = ((await node.boundingBox())?.x ?? box.x) - box.x;
      }),
    );
    if (moved < 200) throw new Error(`the node did not follow the mouse (moved ${moved} px of 240)`);
    return result;
  },
};
