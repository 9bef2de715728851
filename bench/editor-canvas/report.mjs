// The report: frame-time percentiles, slow-frame shares and gesture durations, small vs large journey.
import { GESTURES } from './gestures.mjs';

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

/**
 * Prints the comparison table.
 * @param {Record<number, { frames: Record<string, number[]>, durations: Record<string, number[]>,
 *   openMs: number, zoom: number }>} results per journey size
 * @param {number[]} sizes [baseline, large]
 * @param {number} rounds
 */
export function report(results, sizes, rounds) {
  const [small, large] = sizes;
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
    `\nEditor canvas frame times (requestAnimationFrame deltas, ${rounds} rounds of pan, zoom and node drag)`,
  );
  for (const size of sizes)
    console.log(
      `  ${size} nodes: opened and fitted in ${results[size].openMs} ms at zoom ${results[size].zoom.toFixed(2)}`,
    );
  console.table(rows);
}
