// A journey open in a browser page: opening it (fitted into view) and running rounds of gestures on it.
import { GESTURES, installFrameRecorder } from './gestures.mjs';
import { sleep } from './util.mjs';

/** Opens a journey in a new page and waits until the whole of it is fitted into view. */
export async function openJourney(browser, api, key, journeyId, size) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(installFrameRecorder);
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
  const zoom = await page.evaluate(() => {
    const t = getComputedStyle(document.querySelector('.react-flow__viewport')).transform;
    return new DOMMatrix(t).a;
  });
  // The gestures start from the whole journey fitted into view, as before.
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForFunction(
    (n) => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const nodes = document.querySelectorAll('.react-flow__node');
      if (!canvas || nodes.length !== n) return false;
      return [...nodes].every((node) => {
        const b = node.getBoundingClientRect();
        return (
          b.left >= canvas.left && b.right <= canvas.right && b.top >= canvas.top && b.bottom <= canvas.bottom
        );
      });
    },
    size,
    { timeout: 30_000 },
  );
  await sleep(300);
  return {
    page,
    errors,
    openMs,
    zoom,
    frames: { pan: [], zoom: [], drag: [] },
    durations: { pan: [], zoom: [], drag: [] },
  };
}

/** One round of every gesture on an open journey, appending to its frames and durations. */
export async function gestureRound(run, size) {
  const { page } = run;
  await page.bringToFront();
  await sleep(300);
  for (const [name, gesture] of Object.entries(GESTURES)) {
    const result = await gesture(page, size);
    run.frames[name].push(...result.frames);
    run.durations[name].push(result.duration);
    // Put the viewport back where it was so each gesture starts from the fitted view.
    await page.locator('.react-flow__controls-fitview').click();
    await sleep(200);
  }
  if (run.errors.length) throw new Error(`page errors: ${run.errors.join('; ')}`);
}
