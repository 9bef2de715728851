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

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import '@itinera/nodes/definitions';
import { nodeTypes } from '@itinera/schemas';
import { buildApp } from '../engine/src/app.ts';
import { ensureIndexes } from '../engine/src/db.ts';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { startMongo, startTemporalDev } from '../scripts/lib/servers.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const EDITOR_ROOT = path.join(ROOT, 'editor');
const OUT_DIR = path.join(ROOT, '.artifacts/bench-editor');
const DATA_DIR = path.join(ROOT, '.artifacts/bench-data');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

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

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// The journey: a trigger and a chain of wait / send / update_profile steps ending in an exit, laid out
// in rows of COLUMNS nodes that snake left-right-left (long edges between rows, like a real big journey).

const COLUMNS = 15;
const STEP_TYPES = ['wait', 'send', 'update_profile'];

function journeyGraph(size) {
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const type = i === 0 ? 'trigger' : i === size - 1 ? 'exit' : STEP_TYPES[i % STEP_TYPES.length];
    const row = Math.floor(i / COLUMNS);
    const col = row % 2 === 0 ? i % COLUMNS : COLUMNS - 1 - (i % COLUMNS);
    const definition = nodeTypes.get(type);
    if (!definition) throw new Error(`node type ${type} is not registered`);
    nodes.push({
      id: `${type}_${i + 1}`,
      type,
      config: structuredClone(definition.defaultConfig),
      position: { x: col * 310, y: row * 170 },
    });
  }
  const edges = nodes.slice(1).map((target, i) => {
    const source = nodes[i];
    return {
      id: `${source.id}.next->${target.id}`,
      source: source.id,
      sourcePort: 'next',
      target: target.id,
    };
  });
  return { nodes, edges };
}

// ---------------------------------------------------------------------------------------------------
// Servers

async function startServers(cleanup) {
  mkdirSync(DATA_DIR, { recursive: true });
  const runDir = path.join(DATA_DIR, `run-${process.pid}`);
  cleanup.push(async () => rmSync(runDir, { recursive: true, force: true }));

  const [mongo, temporal] = await Promise.all([
    startMongo({ dataDir: path.join(runDir, 'mongo'), logFile: path.join(runDir, 'mongo.log') }),
    process.env.TEMPORAL_ADDRESS
      ? { address: process.env.TEMPORAL_ADDRESS, stop: async () => {} }
      : startTemporalDev({ headless: true, logFile: path.join(runDir, 'temporal.log') }),
  ]);
  cleanup.push(
    () => mongo.stop(5_000),
    () => temporal.stop(5_000),
  );

  const mongoClient = await MongoClient.connect(mongo.url);
  const db = mongoClient.db(`bench_${process.pid}`);
  await ensureIndexes(db);
  cleanup.push(async () => {
    await db.dropDatabase().catch(() => undefined);
    await mongoClient.close();
  });

  const connection = await Connection.connect({ address: temporal.address });
  cleanup.push(() => connection.close());
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });

  if (!opts['no-build'] || !existsSync(path.join(OUT_DIR, 'index.html'))) {
    log('building the editor…');
    await build({
      root: EDITOR_ROOT,
      configFile: path.join(EDITOR_ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: OUT_DIR, emptyOutDir: true },
    });
  }
  // The API serves the built editor itself, as in production.
  const app = await buildApp({
    db,
    temporal: { client, taskQueue: `bench-${process.pid}` },
    editorDir: OUT_DIR,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const key = await createApiKey(db, 'marketer', 'editor canvas bench');
  return { url, key };
}

async function createJourney(api, key, size) {
  const response = await fetch(`${api}/v1/journeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench ${size} nodes`, graph: journeyGraph(size) }),
  });
  if (!response.ok) throw new Error(`creating the ${size}-node journey failed: ${await response.text()}`);
  return (await response.json()).id;
}

// ---------------------------------------------------------------------------------------------------
// In the page

/** Installed in the page: records requestAnimationFrame deltas between start() and stop(). */
function installFrameRecorder() {
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

const GESTURES = {
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

/** Opens a journey in a new page and waits until the whole of it is fitted into view. */
async function openJourney(browser, api, key, journeyId, size) {
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
  // Opening fits the whole journey into view (once every node is measured).
  await page.waitForFunction(
    (n) => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const nodes = document.querySelectorAll('.react-flow__node');
      if (!canvas || nodes.length !== n) return false;
      return [...nodes].every((node) => {
        const b = node.getBoundingClientRect();
        return (
          b.width > 0 &&
          b.left >= canvas.left &&
          b.right <= canvas.right &&
          b.top >= canvas.top &&
          b.bottom <= canvas.bottom
        );
      });
    },
    size,
    { timeout: 30_000 },
  );
  const openMs = Date.now() - t0;
  const zoom = await page.evaluate(() => {
    const t = getComputedStyle(document.querySelector('.react-flow__viewport')).transform;
    return new DOMMatrix(t).a;
  });
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
async function gestureRound(run, size) {
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

// ---------------------------------------------------------------------------------------------------
// Report

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
/** Share of frames that took more than 1.5 frames (at 60 Hz): each one is a visible stutter. */
const slow = (frames) => frames.filter((f) => f > 25).length / frames.length;
const pct = (v) => `${(v * 100).toFixed(0)} %`;
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const ms = (v) => `${v.toFixed(1)} ms`;
const x = (v) => `${v.toFixed(2)}×`;

function report(results) {
  const [small, large] = SIZES;
  const rows = [];
  for (const phase of [...Object.keys(GESTURES), 'all']) {
    const pick = (size) =>
      phase === 'all' ? Object.values(results[size].frames).flat() : results[size].frames[phase];
    const a = pick(small);
    const b = pick(large);
    const stats = (f) => ({
      n: f.length,
      p50: percentile(f, 50),
      p95: percentile(f, 95),
      max: Math.max(...f),
    });
    const sa = stats(a);
    const sb = stats(b);
    const duration = (size) =>
      mean(phase === 'all' ? Object.values(results[size].durations).flat() : results[size].durations[phase]);
    rows.push({
      phase,
      [`${small} nodes p50`]: ms(sa.p50),
      [`${small} nodes p95`]: ms(sa.p95),
      [`${large} nodes p50`]: ms(sb.p50),
      [`${large} nodes p95`]: ms(sb.p95),
      [`${large} nodes max`]: ms(sb.max),
      'p50 ratio': x(sb.p50 / sa.p50),
      'p95 ratio': x(sb.p95 / sa.p95),
      [`slow frames ${small} / ${large}`]: `${pct(slow(a))} / ${pct(slow(b))}`,
      [`gesture ${small} / ${large}`]: `${duration(small).toFixed(0)} / ${duration(large).toFixed(0)} ms`,
      frames: `${sa.n} / ${sb.n}`,
    });
  }
  console.log(
    `\nEditor canvas frame times (requestAnimationFrame deltas, ${ROUNDS} rounds of pan, zoom and node drag)`,
  );
  for (const size of SIZES)
    console.log(
      `  ${size} nodes: opened and fitted in ${results[size].openMs} ms at zoom ${results[size].zoom.toFixed(2)}`,
    );
  console.table(rows);
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM)`);
  const cleanup = [];
  let browser;
  try {
    const { url, key } = await startServers(cleanup);
    const ids = {};
    for (const size of SIZES) ids[size] = await createJourney(url, key, size);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const results = {};
    for (const size of SIZES) results[size] = await openJourney(browser, url, key, ids[size], size);
    // Rounds alternate between the journeys so that load elsewhere on the machine hits both alike.
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round} of ${ROUNDS}…`);
      for (const size of SIZES) await gestureRound(results[size], size);
    }
    report(results);
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
