/**
 * Engine benchmark: Itinera's API and worker as separate processes (as `npm start` runs them) over real HTTP,
 * against same-work baselines (a hand-coded Temporal workflow behind a bare Fastify route) in the same run.
 * Each phase drains before the next. See bench/README.md.
 *   npm run bench                      full run (3 rounds)
 *   npm run bench -- --smoke           tiny N, one round: checks the harness still works
 *   npm run bench -- --p1=200 --p2=400 --p5=10000,50000,100000 --rounds=3 --concurrency=16 --out=file.json
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { serverErrors } from './engine/load.ts';
import { endToEndRound } from './engine/phases/end-to-end.ts';
import { historyFigures } from './engine/phases/history.ts';
import { ingestionRound } from './engine/phases/ingestion.ts';
import { population } from './engine/phases/population.ts';
import { figures, type Results, table } from './engine/report.ts';
import { startStack } from './engine/stack.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const smoke = args.has('smoke');
const option = (name: string, full: string, tiny: string) => args.get(name) ?? (smoke ? tiny : full);
const settings = {
  mode: smoke ? 'smoke' : 'full',
  rounds: Number(option('rounds', '3', '1')),
  p1: Number(option('p1', '60', '4')),
  p2: Number(option('p2', '150', '6')),
  p5: option('p5', '250,500', '10').split(',').map(Number),
  concurrency: Number(option('concurrency', '16', '4')),
};
const out = resolve(args.get('out') ?? `.artifacts/bench-engine${smoke ? '-smoke' : ''}.json`);
const began = Date.now();
const say = (msg: string) =>
  process.stdout.write(`[bench +${((Date.now() - began) / 1000).toFixed(0)} s] ${msg}\n`);

const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-'));
const stack = await startStack(dir);
const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GB`;
say(`store: ${stack.store}; ${stack.temporalServer}; ${machine}`);
try {
  const results: Results = { endToEnd: [], ingestion: [], history: null as never, population: [] };
  for (let round = 0; round < settings.rounds; round++) {
    say(`round ${round + 1}/${settings.rounds}: P1 end-to-end, ${settings.p1} customers`);
    results.endToEnd.push(await endToEndRound(stack, round, settings.p1, settings.concurrency));
    say(`round ${round + 1}/${settings.rounds}: P2 ingestion and P3 latency, ${settings.p2} customers`);
    results.ingestion.push(await ingestionRound(stack, round, settings.p2, settings.concurrency));
  }
  say('P4 history');
  results.history = await historyFigures(stack);
  say(`P5 waiting population: ${settings.p5.join(', ')}`);
  results.population = await population(stack, settings.p5, settings.concurrency);

  const rows = figures(results);
  console.log(`\nItinera engine benchmark (${settings.mode}), ${new Date().toISOString()}`);
  console.log(`store: ${stack.store}; ${stack.temporalServer}; machine: ${machine}\n`);
  console.log(table(rows));
  console.log(
    `\nserver errors (5xx, each retried): ${serverErrors.count}${serverErrors.last ? `; last: ${serverErrors.last}` : ''}`,
  );
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    at: new Date().toISOString(),
    machine,
    store: stack.store,
    temporal: stack.temporalServer,
    settings,
    serverErrors,
    rows,
    results,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  say(`wrote ${out}`);
} finally {
  await stack.stop();
  // The processes' logs outlive the run, for whoever has to explain a figure or a failure.
  const logs = resolve(dirname(out), `bench-engine${smoke ? '-smoke' : ''}-logs`);
  rmSync(logs, { recursive: true, force: true });
  cpSync(dir, logs, {
    recursive: true,
    filter: (src) => !src.endsWith('/store') && !src.includes('/store/'),
  });
  rmSync(dir, { recursive: true, force: true });
}
