#!/usr/bin/env node
// Editor canvas responsiveness: frame times while panning, zooming and dragging a node on a 300-node
// journey, against a 10-node baseline measured in the same run.
//
//   node --import tsx bench/editor-canvas.bench.mjs [--nodes 300] [--baseline 10] [--rounds 5] [--no-build]
//
// Everything is real: a MongoDB-wire store and a Temporal dev server (scripts/lib/servers.mjs, or
// MONGODB_URI / TEMPORAL_ADDRESS when set), the API (engine/src/app.ts) serving a fresh production build
// of the editor, and headless Chromium (/usr/bin/chromium, or CHROMIUM=...) driven by playwright-core.
// The journeys are created through the API; the page is driven like a user (mouse and wheel events).
// A requestAnimationFrame loop in the page records the time between frames during each gesture; a
// responsive canvas keeps those at the display's ~16.7 ms.
//
// The pieces, in bench/editor-canvas/:
//   servers.mjs       setup: servers, editor build, API, API key
//   journey.mjs       the benchmark journey's graph, created through the API
//   journey-page.mjs  opening a journey in the browser, rounds of gestures on it
//   gestures.mjs      frame recorder and the pan / zoom / drag gestures
//   report.mjs        the result table

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CHROMIUM, launchChromium } from '../test/support/browser.ts';
import { createJourney } from './editor-canvas/journey.mjs';
import { gestureRound, openJourney } from './editor-canvas/journey-page.mjs';
import { report } from './editor-canvas/report.mjs';
import { startServers } from './editor-canvas/servers.mjs';
import { log } from './editor-canvas/util.mjs';

const { values: opts } = parseArgs({
  options: {
    nodes: { type: 'string', default: '300' },
    baseline: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
  },
});
const SIZES = [Number(opts.baseline), Number(opts.nodes)];
const ROUNDS = Number(opts.rounds);

async function main() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM)`);
  const cleanup = [];
  let browser;
  try {
    const { url, key } = await startServers(cleanup, { noBuild: opts['no-build'] });
    const ids = {};
    for (const size of SIZES) ids[size] = await createJourney(url, key, size);
    browser = await launchChromium();
    const results = {};
    for (const size of SIZES) results[size] = await openJourney(browser, url, key, ids[size], size);
    // Rounds alternate between the journeys so that load elsewhere on the machine hits both alike.
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round} of ${ROUNDS}…`);
      for (const size of SIZES) await gestureRound(results[size], size);
    }
    report(results, SIZES, ROUNDS);
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
