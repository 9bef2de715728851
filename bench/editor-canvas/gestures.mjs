// Measuring in the page: a requestAnimationFrame recorder and the gestures (pan, zoom, node drag),
// driven like a user with mouse and wheel events.
import { sleep } from './util.mjs';

/** Installed in the page: records requestAnimationFrame deltas between start() and stop(). */
export function installFrameRecorder() {
  const state = { frames: [], running: false, last: 0 };
  const tick = (t) => {
    if (!state.running) return;
    if (state.last) state.frames.push(t - state.last);
    state.last = t;
    requestAnimationFrame(tick);
  };
  window.__frames = {
    start() {
      state.frames = [];
      state.last = 0;
      state.running = true;
      requestAnimationFrame(tick);
    },
    stop() {
      state.running = false;
      return state.frames;
    },
  };
}

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

/**
 * Frame deltas during the gesture, and how long the gesture took. The gestures send the same events with
 * the same pauses whatever the journey, and each event waits until the page has taken it, so a page that
 * is slow to handle input shows up as a longer gesture even when its frames stay short.
 */
async function measure(page, gesture) {
  await page.evaluate(() => window.__frames.start());
  const t0 = performance.now();
  await gesture();
  const duration = performance.now() - t0;
  await sleep(50); // let the last frame of the gesture land
  const frames = await page.evaluate(() => window.__frames.stop());
  return { frames, duration };
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

/** Each gesture, measured: `(page, size) => { frames, duration }`. */
export const GESTURES = {
  async pan(page) {
    const from = await emptyPanePoint(page);
    return measure(page, () => dragThereAndBack(page, from, 320, 160));
  },
  async zoom(page) {
    const box = await page.locator('[data-testid="canvas"]').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return measure(page, async () => {
      for (const delta of [-100, 100]) {
        for (let i = 0; i < 15; i++) {
          await page.mouse.wheel(0, delta);
          await sleep(16);
        }
      }
    });
  },
  async drag(page, size) {
    // A node in the middle of the journey, grabbed by its title.
    const node = page.locator(`.react-flow__node:nth-child(${Math.ceil(size / 2)}) .jnode-title`);
    const box = await node.boundingBox();
    if (!box) throw new Error('node to drag not found');
    let moved = 0;
    const result = await measure(page, () =>
      dragThereAndBack(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, 240, 120, async () => {
        moved = ((await node.boundingBox())?.x ?? box.x) - box.x;
      }),
    );
    if (moved < 200) throw new Error(`the node did not follow the mouse (moved ${moved} px of 240)`);
    return result;
  },
};
