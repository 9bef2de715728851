#!/usr/bin/env node
// Editor canvas responsiveness: the main-thread work each gesture (pan, zoom, node drag) costs on a 300-node
// journey fitted into view and at 100 % zoom, on a 1,000-node journey, and on a 10-node journey for scale;
// and how long a journey takes to open.
//
//   npm run bench:editor [-- --sizes 10,300,1000] [--rounds 3] [--no-build] [--out .artifacts/bench-editor.json]
//
// Everything is real: a MongoDB-wire store and a Temporal dev server (scripts/lib/servers.mjs, or
// MONGODB_URI / TEMPORAL_ADDRESS when set), the API (engine/src/app.ts) serving a fresh production build
// of the editor, and headless Chromium (/usr/bin/chromium, or CHROMIUM=...) driven by playwright-core.
// The journeys are created through the API; the page is driven like a user (mouse and wheel events).
//
// The pieces, in bench/editor-canvas/:
//   servers.mjs       setup: servers, editor build, API, API key
//   journey.mjs       the benchmark journey's graph, created through the API
//   journey-page.mjs  opening a journey in the browser, views, rounds of gestures on it
//   gestures.mjs      the pan / zoom / drag gestures
//   recorder.mjs      what a gesture costs: CDP task time, long animation frames, long tasks, event timing
//   report.mjs        the result table, the targets and the JSON

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM, launchChromium } from '../test/support/browser.ts';
import { createJourney, journeyGraph } from './editor-canvas/journey.mjs';
import { gestureRound, openJourney } from './editor-canvas/journey-page.mjs';
import { print, summarise, writeJson } from './editor-canvas/report.mjs';
import { startServers } from './editor-canvas/servers.mjs';
import { log } from './editor-canvas/util.mjs';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,300,1000' },
    rounds: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: '.artifacts/bench-editor.json' },
  },
});
const SIZES = opts.sizes.split(',').map(Number);
const ROUNDS = Number(opts.rounds);
/** 100 % zoom is measured where it is what a user reads at: the large journeys. */
const VIEWS = (size) => (size >= 100 ? ['fitted', '100%'] : ['fitted']);

async function main() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM)`);
  const cleanup = [];
  let browser;
  try {
    const { url, key } = await startServers(cleanup, { noBuild: opts['no-build'] });
    browser = await launchChromium();
    const runs = [];
    for (const size of SIZES) {
      const id = await createJourney(url, key, size);
      const middle = journeyGraph(size).nodes[Math.floor(size / 2)].id;
      runs.push({ size, run: await openJourney(browser, url, key, id, size, middle) });
      log(`${size} nodes opened in ${runs.at(-1).run.openMs} ms`);
    }
    const scenarios = runs.flatMap(({ size, run }) =>
      VIEWS(size).map((view) => ({
        size,
        view,
        run,
        openMs: run.openMs,
        openZoom: run.openZoom,
        fittedZoom: run.fittedZoom,
        gestures: {},
      })),
    );
    // Rounds go through every scenario in turn so that load elsewhere on the machine hits all alike.
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round} of ${ROUNDS}…`);
      for (const s of scenarios) await gestureRound(s.run, s.view, s.gestures);
    }
    const plain = scenarios.map(({ run: _run, ...s }) => s);
    const summary = summarise(plain);
    print(summary, plain, ROUNDS);
    const out = resolve(opts.out);
    writeJson(out, {
      at: new Date().toISOString(),
      chromium: browser.version(),
      rounds: ROUNDS,
      ...summary,
      scenarios: plain,
    });
    log(`wrote ${out}`);
  } finally {
    await browser?.close().catch(() => undefined);
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
