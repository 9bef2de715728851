// A journey open in a browser page: opening it (fitted into view), switching between the fitted view and
// 100 % zoom on the middle of the journey, and running rounds of gestures.
import { GESTURES } from './gestures.mjs';
import { installRecorder } from './recorder.mjs';
import { sleep } from './util.mjs';

const zoomOf = (page) =>
  page.evaluate(() => {
    const t = getComputedStyle(document.querySelector('.react-flow__viewport')).transform;
    return new DOMMatrix(t).a;
  });

/** Opens a journey in a new page; `openMs` runs until every node is drawn and the opening view (trigger at a readable zoom) settles. */
export async function openJourney(browser, api, key, journeyId, size, middleNodeId) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(installRecorder);
  // BENCH_CSS='…' adds a style sheet to the page: a quick way to try a styling change against the numbers.
  if (process.env.BENCH_CSS)
    await page.addInitScript((css) => {
      document.addEventListener('DOMContentLoaded', () => {
        const el = document.createElement('style');
        el.textContent = css;
        document.head.append(el);
      });
    }, process.env.BENCH_CSS);
  await page.addInitScript((k) => localStorage.setItem('itinera.apiKey', k), key);
  await page.goto(api);
  if (await page.locator('[data-testid="sign-in"]').isVisible()) {
    await page.fill('[data-testid="api-key"]', key);
    await page.click('[data-testid="sign-in"]');
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const t0 = Date.now();
  await page.evaluate((id) => {
    window.location.hash = `#/journeys/${encodeURIComponent(id)}`;
  }, journeyId);
  await page
    .locator('.react-flow__node')
    .nth(size - 1)
    .waitFor();
  // Opening frames the trigger and its first steps at a readable zoom (once every node is measured).
  await page.waitForFunction(
    () => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const trigger = document.querySelector('.react-flow__node')?.getBoundingClientRect();
      const viewport = document.querySelector('.react-flow__viewport');
      if (!canvas || !trigger || !viewport) return false;
      const zoom = new DOMMatrix(getComputedStyle(viewport).transform).a;
      const inView =
        trigger.left >= canvas.left && trigger.top >= canvas.top && trigger.bottom <= canvas.bottom;
      return inView && zoom >= 0.8;
    },
    undefined,
    { timeout: 30_000 },
  );
  const openMs = Date.now() - t0;
  const openZoom = await zoomOf(page);
  // The gestures start from the whole journey fitted into view, as before.
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForFunction(
    (n) => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const nodes = document.querySelectorAll('.react-flow__node');
      if (!canvas || nodes.length !== n) return false;
      // A journey too large to fit at the smallest zoom (0.1) is fitted as far as it goes.
      const zoom = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform)
        .a;
      if (zoom <= 0.1001) return [...nodes].every((node) => node.getBoundingClientRect().width > 0);
      return [...nodes].every((node) => {
        const b = node.getBoundingClientRect();
        return (
          b.left >= canvas.left && b.right <= canvas.right && b.top >= canvas.top && b.bottom <= canvas.bottom
        );
      });
    },
    size,
    { timeout: 60_000, polling: 'raf' },
  );
  const fittedZoom = await zoomOf(page);
  await sleep(300);
  return { page, cdp, errors, openMs, openZoom, fittedZoom, nodeId: middleNodeId };
}

/** Brings the view back: the whole journey fitted, or 100 % zoom with the middle node in the centre. */
export async function setView(run, view) {
  const { page, nodeId } = run;
  await page.locator('.react-flow__controls-fitview').click();
  await sleep(200);
  if (view === 'fitted') return;
  // Wheel-zoom around the middle node until the zoom is 1 (React Flow scales by 2^(-deltaY * 0.002)).
  for (let i = 0; i < 6; i++) {
    const zoom = await zoomOf(page);
    if (Math.abs(zoom - 1) < 0.01) break;
    const box = await page.locator(`.react-flow__node[data-id="${nodeId}"]`).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, Math.log2(zoom) / 0.002);
    await sleep(250);
  }
  const zoom = await zoomOf(page);
  if (Math.abs(zoom - 1) > 0.05) throw new Error(`could not zoom to 100 % (at ${zoom.toFixed(2)})`);
  await sleep(200);
}

/** One round of every gesture in `view`, appending each gesture's figures to `into[gesture]`. */
export async function gestureRound(run, view, into) {
  await run.page.bringToFront();
  for (const [name, gesture] of Object.entries(GESTURES)) {
    await setView(run, view);
    into[name] ??= [];
    into[name].push(await gesture(run));
  }
  if (run.errors.length) throw new Error(`page errors: ${run.errors.join('; ')}`);
}
