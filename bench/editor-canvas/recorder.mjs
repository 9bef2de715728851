// Measuring main-thread work in the page while a gesture runs: requestAnimationFrame deltas, long animation
// frames (the exact length of every frame over 50 ms), long tasks and event timing from PerformanceObserver,
// and the renderer's busy time from the DevTools protocol (Performance.getMetrics TaskDuration).

/** Installed in the page before it loads. */
export function installRecorder() {
  const state = { frames: [], loaf: [], longTasks: [], events: [], running: false, last: 0 };
  const tick = (t) => {
    if (!state.running) return;
    if (state.last) state.frames.push(t - state.last);
    state.last = t;
    requestAnimationFrame(tick);
  };
  const keep = (key, types) => {
    for (const type of types) {
      try {
        new PerformanceObserver((entries) => {
          if (state.running) for (const e of entries.getEntries()) state[key].push(e);
        }).observe({ type, buffered: false, ...(type === 'event' ? { durationThreshold: 16 } : {}) });
      } catch {
        // an entry type this browser does not know
      }
    }
  };
  keep('loaf', ['long-animation-frame']);
  keep('longTasks', ['longtask']);
  keep('events', ['event']);
  window.__bench = {
    start() {
      Object.assign(state, { frames: [], loaf: [], longTasks: [], events: [], last: 0, running: true });
      requestAnimationFrame(tick);
    },
    stop() {
      state.running = false;
      return {
        frames: state.frames,
        longFrames: state.loaf.map((e) => e.duration),
        blockingMs: state.loaf.reduce((sum, e) => sum + e.blockingDuration, 0),
        longTasks: state.longTasks.map((e) => e.duration),
        slowestEvent: Math.max(0, ...state.events.map((e) => e.duration)),
      };
    },
  };
}

const taskSeconds = async (cdp) => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
};

/**
 * Runs `gesture` and returns what it cost: `busyMs` (renderer main-thread task time), the longest frame the
 * page itself took (long animation frames are those over 50 ms), the longest gap between rAF callbacks
 * (which also counts time the OS gave to other processes), long tasks, and the gesture's wall time.
 */
export async function measure(page, cdp, gesture) {
  await page.evaluate(() => window.__bench.start());
  const busy0 = await taskSeconds(cdp);
  const t0 = performance.now();
  await gesture();
  const durationMs = performance.now() - t0;
  // Let the gesture's last frame land and the observers deliver its entries.
  await new Promise((r) => setTimeout(r, 300));
  const busyMs = ((await taskSeconds(cdp)) - busy0) * 1000;
  const seen = await page.evaluate(() => window.__bench.stop());
  return {
    busyMs,
    durationMs,
    longestFrameMs: Math.max(0, ...seen.longFrames),
    longestGapMs: Math.max(0, ...seen.frames),
    framesOver50: seen.longFrames.filter((d) => d > 50).length,
    frames: seen.frames.length,
    longTaskMs: seen.longTasks.reduce((a, b) => a + b, 0),
    blockingMs: seen.blockingMs,
    slowestEventMs: seen.slowestEvent,
  };
}
