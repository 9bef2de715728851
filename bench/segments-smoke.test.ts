// Keeps the segment benchmark from rotting: runs `npm run bench:segments -- --smoke` (a few hundred
// customers, its own servers) and checks its figures are numbers and its segments did their work.
// Asserts nothing about speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-segments-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs every segment benchmark phase in smoke mode and reports numeric figures', () => {
  const out = join(dir, 'bench.json');
  const { MONGODB_URI: _store, TEMPORAL_ADDRESS: _temporal, ...env } = process.env;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/segments.bench.ts', '--smoke', `--out=${out}`],
    { env, encoding: 'utf8', timeout: 880_000 },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  expect(report.store).toMatch(/ferretdb|mongod/);
  expect(report.defineSegments.count).toBe(20);
  for (const figure of [
    report.ingestion.without.perSecond,
    report.ingestion.with.perSecond,
    report.ingestion.ratio,
    report.ingestion.with.dbOpsPerTrack,
    report.latencyMs.p99,
    report.backfill.seconds,
  ])
    expect(Number.isFinite(figure)).toBe(true);
  // Every latency probe became visible as a member, and the timed backfill found members.
  expect(report.latencyMs.samples).toBe(report.settings.latency);
  expect(report.backfill.members).toBeGreaterThan(0);
  expect(report.backfill.members).toBeLessThan(report.settings.customers);
}, 900_000);
