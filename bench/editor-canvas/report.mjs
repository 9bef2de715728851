// The report: per journey, view and gesture, the main-thread time the gesture cost, its longest frame and
// frames over 50 ms, long-task time and the slowest input event; the open times; checks against the targets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const fixed = (v) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');

/**
 * @param {{ size: number, view: string, openMs: number, fittedZoom: number,
 *   gestures: Record<string, Array<Record<string, number>>> }[]} scenarios
 */
export function summarise(scenarios) {
  const rows = [];
  for (const s of scenarios) {
    for (const [gesture, runs] of Object.entries(s.gestures)) {
      rows.push({
        journey: `${s.size} nodes`,
        view: s.view,
        gesture,
        busyMs: median(runs.map((r) => r.busyMs)),
        longestFrameMs: Math.max(...runs.map((r) => r.longestFrameMs)),
        longestGapMs: Math.max(...runs.map((r) => r.longestGapMs)),
        framesOver50: runs.reduce((sum, r) => sum + r.framesOver50, 0),
        longTaskMs: median(runs.map((r) => r.longTaskMs)),
        slowestEventMs: Math.max(...runs.map((r) => r.slowestEventMs)),
        gestureMs: median(runs.map((r) => r.durationMs)),
      });
    }
  }
  const drag300 = rows.find((r) => r.journey === '300 nodes' && r.view === '100%' && r.gesture === 'drag');
  const open300 = scenarios.find((s) => s.size === 300);
  const targets = [
    {
      target: 'no frame over 50 ms dragging a node at 100 % on 300 nodes',
      value: drag300 ? `longest ${fixed(drag300.longestFrameMs)} ms` : 'not measured',
      met: drag300 ? drag300.longestFrameMs <= 50 : null,
    },
    {
      target: 'opening a 300-node journey under 1 s',
      value: open300 ? `${open300.openMs} ms` : 'not measured',
      met: open300 ? open300.openMs < 1000 : null,
    },
  ];
  return { rows, targets };
}

export function print({ rows, targets }, scenarios, rounds) {
  console.log(
    `\nEditor canvas, ${rounds} rounds; medians over rounds, longest frame and frames over 50 ms over all rounds`,
  );
  for (const s of scenarios.filter((x) => x.view === 'fitted'))
    console.log(
      `  ${s.size} nodes: opened in ${s.openMs} ms at zoom ${s.openZoom?.toFixed(2)} (fitted: ${s.fittedZoom.toFixed(2)})`,
    );
  console.log(
    '\n| journey | view | gesture | main thread busy ms | longest frame ms | frames > 50 ms | longest rAF gap ms | long tasks ms | slowest input ms | gesture ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.journey} | ${r.view} | ${r.gesture} | ${fixed(r.busyMs)} | ${fixed(r.longestFrameMs)} | ${r.framesOver50} | ${fixed(r.longestGapMs)} | ${fixed(r.longTaskMs)} | ${fixed(r.slowestEventMs)} | ${fixed(r.gestureMs)} |`,
    );
  console.log('');
  for (const t of targets)
    console.log(
      `target: ${t.target}: ${t.value} -> ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'}`,
    );
}

export function writeJson(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
