// Keeps the engine benchmark from rotting: runs `npm run bench -- --smoke` (tiny N, one round, its own servers)
// and checks that every phase reported numeric figures. Asserts nothing about speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Row } from './engine/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs every engine benchmark phase in smoke mode and reports numeric figures', () => {
  const out = join(dir, 'bench.json');
  const { MONGODB_URI: _store, TEMPORAL_ADDRESS: _temporal, ...env } = process.env;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/engine.bench.ts', '--smoke', `--out=${out}`],
    {
      env,
      encoding: 'utf8',
      timeout: 280_000,
    },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[]; store: string; temporal: string };
  expect(report.store).toMatch(/ferretdb|mongod/);
  expect(report.temporal).toMatch(/Temporal dev server/);
  const phases = new Set(report.rows.map((r) => r.phase));
  expect([...phases].sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
  for (const row of report.rows) {
    expect(Number.isFinite(row.itinera.median), `${row.phase} ${row.measure}`).toBe(true);
    if (row.baseline)
      expect(Number.isFinite(row.baseline.median), `${row.phase} ${row.measure} baseline`).toBe(true);
  }
  const measures = report.rows.map((r) => r.measure).join('\n');
  for (const expected of [
    'completed/s',
    'new entries',
    'enrolled customers',
    'store commands per track',
    'p99',
    'history events per unrelated event',
    'worker RSS',
    'store on disk',
  ])
    expect(measures).toContain(expected);
}, 300_000);
