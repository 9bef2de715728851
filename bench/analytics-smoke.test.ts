// Keeps the analytics benchmark from rotting: runs it in smoke mode (500 enrollments over 2 days, its own
// store) and checks that it reports numeric figures and that both sides agreed. Asserts nothing about speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-analytics-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the analytics benchmark in smoke mode and reports numeric figures', () => {
  const out = join(dir, 'analytics.json');
  const { MONGODB_URI: _store, ...env } = process.env;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/analytics.bench.ts', '--smoke', `--out=${out}`],
    {
      env,
      encoding: 'utf8',
      timeout: 580_000,
    },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  expect(result.enrollments).toBe(500);
  expect(result.facts.rollupBuckets).toBeGreaterThan(0);
  for (const figure of [
    result.backfillFoldMs,
    result.openReportMs.itinera,
    result.openReportMs.naive,
    result.ratio,
  ])
    expect(Number.isFinite(figure)).toBe(true);
}, 600_000);
