/**
 * Segment benchmark: Itinera's API and worker as separate processes over real HTTP, on a customer base
 * bulk-loaded into the store. Same run: ingestion without segments, then with the 20 segments of
 * bench/segments/rules.ts (ratio), membership latency at half that rate, and one more segment's backfill.
 * See bench/README.md.
 *   npm run bench:segments -- --customers=10000
 *   npm run bench:segments -- --smoke            tiny sizes: checks the harness still works
 *   npm run bench:segments -- --customers=100000 --tracks=1000 --latency=300 --concurrency=16 --out=file.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { foldedThrough } from '../engine/src/services/analytics/fold.ts';
import { serverErrors, until } from './engine/load.ts';
import { startStack, temporalDrained } from './engine/stack.ts';
import {
  backfillSeconds,
  cohort,
  defineSegments,
  ingestionRate,
  membershipLatency,
  nothingPending,
} from './segments/phases.ts';
import { SEGMENTS } from './segments/rules.ts';
import { loadCustomers } from './segments/seed.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const smoke = args.has('smoke');
/** Only phase D, with no other segment defined: for the backfill's growth at sizes the full run takes hours at. */
const backfillOnly = args.has('backfill-only');
const option = (name: string, full: string, tiny: string) => Number(args.get(name) ?? (smoke ? tiny : full));
const settings = {
  mode: smoke ? 'smoke' : backfillOnly ? 'backfill-only' : 'full',
  customers: option('customers', '10000', '60'),
  tracks: option('tracks', '3000', '20'),
  latency: option('latency', '200', '5'),
  concurrency: option('concurrency', '16', '4'),
};
const out = resolve(
  args.get('out') ??
    `.artifacts/bench-segments${smoke ? '-smoke' : `-${settings.customers}${backfillOnly ? '-backfill' : ''}`}.json`,
);
const HOUR = 3_600_000;
const began = Date.now();
const say = (msg: string) =>
  process.stdout.write(`[bench +${((Date.now() - began) / 1000).toFixed(0)} s] ${msg}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-segments-'));
const stack = await startStack(dir, { baseline: false });
const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GB`;
say(`store: ${stack.store}; ${stack.temporalServer}; ${machine}; load ${load()}`);
try {
  const it = stack.itinera;
  let t = performance.now();
  const events = await loadCustomers(it.db, 0, settings.customers);
  const loadSeconds = (performance.now() - t) / 1000;
  say(`loaded ${settings.customers} customers and ${events} events in ${loadSeconds.toFixed(1)} s`);

  const drained = () => temporalDrained(stack.temporal, () => nothingPending(it));
  if (backfillOnly) {
    const backfill = await backfillSeconds(it, 'b-probe', 4 * HOUR);
    const report = {
      date: new Date().toISOString(),
      settings,
      machine,
      store: stack.store,
      backfill: { ...backfill, perThousandCustomers: backfill.seconds / (settings.customers / 1000) },
      serverErrors: serverErrors.count,
    };
    say(`D alone: ${backfill.seconds.toFixed(1)} s (${backfill.members} members)`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    // Warm-up, unmeasured: the API's first requests are not the steady state.
    await ingestionRate(it, cohort(0, 20, settings.customers), 20, settings.concurrency, drained);
    const half = Math.floor(settings.customers / 2);
    say(`A: ${settings.tracks} tracks without segments; load ${load()}`);
    const without = await ingestionRate(
      it,
      cohort(20, settings.tracks, settings.customers),
      settings.tracks,
      settings.concurrency,
      drained,
    );
    const rates = (r: typeof without) =>
      `${r.perSecond.toFixed(1)} tracks/s answered, ${r.sustainedPerSecond.toFixed(1)} sustained, ${r.dbOpsPerTrack.toFixed(1)} store commands/track`;
    say(`A: ${rates(without)}`);

    say(`defining ${SEGMENTS.length} segments (backfill over ${settings.customers}); load ${load()}`);
    t = performance.now();
    const defineSecondsAll = await defineSegments(it, 4 * HOUR);
    const defineDrainedSeconds = ((await drained()) - t) / 1000;
    // The backfills' segment events are facts for the analytics fold (every 30 s): folded before B, so B
    // does not pay for them.
    const definedAt = new Date().toISOString();
    await until(
      'the analytics fold to pass the definitions',
      async () => ((await foldedThrough(it.db)) ?? '') >= definedAt,
      HOUR,
    );
    say(
      `${SEGMENTS.length} segments ready in ${defineSecondsAll.toFixed(1)} s; their clocks run by ${defineDrainedSeconds.toFixed(1)} s`,
    );

    say(`B: ${settings.tracks} tracks with ${SEGMENTS.length} segments; load ${load()}`);
    const withSegments = await ingestionRate(
      it,
      cohort(half, settings.tracks, settings.customers),
      settings.tracks,
      settings.concurrency,
      drained,
    );
    say(`B: ${rates(withSegments)}`);

    const rate = withSegments.perSecond / 2;
    say(`C: membership latency, ${settings.latency} first purchases at ${rate.toFixed(1)}/s; load ${load()}`);
    const latency = await membershipLatency(it, settings.customers, settings.latency, rate);
    say(`C: p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms`);
    await drained();

    say(`D: backfill of one more segment over ${settings.customers} customers; load ${load()}`);
    t = performance.now();
    const backfill = await backfillSeconds(it, 'b-probe', 4 * HOUR);
    say(`D: ${backfill.seconds.toFixed(1)} s (${backfill.members} members)`);

    const report = {
      date: new Date().toISOString(),
      settings,
      machine,
      loadAverageAtEnd: load(),
      store: stack.store,
      temporal: stack.temporalServer,
      loaded: { customers: settings.customers, events, seconds: loadSeconds },
      ingestion: {
        without,
        with: withSegments,
        ratio: withSegments.perSecond / without.perSecond,
        sustainedRatio: withSegments.sustainedPerSecond / without.sustainedPerSecond,
        target: '>= 0.7',
      },
      defineSegments: {
        count: SEGMENTS.length,
        seconds: defineSecondsAll,
        drainedSeconds: defineDrainedSeconds,
      },
      latencyMs: { ...latency, target: 'p99 <= 1000' },
      backfill: {
        ...backfill,
        customers: settings.customers,
        perThousandCustomers: backfill.seconds / (settings.customers / 1000),
      },
      serverErrors: serverErrors.count,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    say(`written ${out}`);
  }
} finally {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
