// Turns the rounds into figures (median and spread), checks them against the issue's targets, prints the
// table and returns the JSON written under .artifacts/.
import { type Summary, summarise } from './load.ts';
import type { EndToEndRound } from './phases/end-to-end.ts';
import type { HistoryFigures } from './phases/history.ts';
import type { IngestionRound } from './phases/ingestion.ts';
import type { PopulationStep } from './phases/population.ts';

export interface Results {
  endToEnd: EndToEndRound[];
  ingestion: IngestionRound[];
  history: HistoryFigures;
  population: PopulationStep[];
}

export interface Row {
  phase: string;
  measure: string;
  itinera: Summary;
  baseline: Summary | null;
  /** Itinera / baseline, median of the per-round ratios. */
  ratio: Summary | null;
  target: string;
  met: boolean | null;
}

function pair(
  phase: string,
  measure: string,
  rounds: { it: number; base: number }[],
  target: string,
  ok: (r: number) => boolean,
): Row {
  const ratio = summarise(rounds.map((r) => r.it / r.base));
  return {
    phase,
    measure,
    itinera: summarise(rounds.map((r) => r.it)),
    baseline: summarise(rounds.map((r) => r.base)),
    ratio,
    target,
    met: ok(ratio.median),
  };
}

const single = (
  phase: string,
  measure: string,
  value: number[],
  target = '',
  met: boolean | null = null,
): Row => ({
  phase,
  measure,
  itinera: summarise(value),
  baseline: null,
  ratio: null,
  target,
  met,
});

export function figures({ endToEnd, ingestion, history, population }: Results): Row[] {
  const p99 = summarise(ingestion.map((r) => r.latencyMs.p99));
  const rows: Row[] = [
    pair(
      'P1',
      'reference journey, enrollments completed/s',
      endToEnd.map((r) => ({ it: r.itineraPerSecond, base: r.baselinePerSecond })),
      '>= 0.8x',
      (r) => r >= 0.8,
    ),
    pair(
      'P2',
      'track/s, new entries',
      ingestion.map((r) => ({ it: r.newEntries.itineraPerSecond, base: r.newEntries.baselinePerSecond })),
      '>= 0.5x',
      (r) => r >= 0.5,
    ),
    pair(
      'P2',
      'track/s, into enrolled customers',
      ingestion.map((r) => ({ it: r.enrolled.itineraPerSecond, base: r.enrolled.baselinePerSecond })),
      '>= 0.5x',
      (r) => r >= 0.5,
    ),
    single(
      'P2',
      'store commands per track, new entry (API)',
      ingestion.map((r) => r.newEntries.dbOpsPerTrack),
    ),
    single(
      'P2',
      'store commands per track, enrolled (API)',
      ingestion.map((r) => r.enrolled.dbOpsPerTrack),
    ),
    single(
      'P3',
      'track 2xx -> next node, p50 ms',
      ingestion.map((r) => r.latencyMs.p50),
    ),
    single(
      'P3',
      'track 2xx -> next node, p95 ms',
      ingestion.map((r) => r.latencyMs.p95),
    ),
    { ...single('P3', 'track 2xx -> next node, p99 ms', p99.rounds, '< 250 ms', p99.median < 250) },
    single(
      'P3',
      'track sent -> next node, p99 ms',
      ingestion.map((r) => r.latencyFromSendMs.p99),
    ),
    single(
      'P3',
      'offered rate, track/s',
      ingestion.map((r) => r.latencyMs.ratePerSecond),
    ),
  ];
  const hist = (
    measure: string,
    h: { itinera: number; baseline: number },
    target: string,
    ok: boolean,
  ): Row => ({
    ...single('P4', measure, [h.itinera], target, ok),
    baseline: summarise([h.baseline]),
    ratio: h.baseline > 0 ? summarise([h.itinera / h.baseline]) : null,
  });
  const ratioOk = (h: { itinera: number; baseline: number }) => h.itinera <= h.baseline;
  rows.push(
    hist('history events, reference journey', history.reference, '<= 1.0x', ratioOk(history.reference)),
  );
  for (const [type, h] of Object.entries(history.perNodeType))
    rows.push(hist(`history events per ${type} node`, h, '<= 1.0x', ratioOk(h)));
  rows.push(
    hist(
      'history events per unrelated event',
      history.perUnrelatedEvent,
      '0',
      history.perUnrelatedEvent.itinera === 0,
    ),
  );
  for (const step of population) {
    rows.push(
      single('P5', `${step.waiting} waiting: enrolled/s (${step.enrollSeconds.toFixed(0)} s)`, [
        step.enrolledPerSecond,
      ]),
    );
    rows.push(single('P5', `${step.waiting} waiting: worker RSS MB`, [step.workerRssMb]));
    rows.push(single('P5', `${step.waiting} waiting: store on disk MB`, [step.storeMb]));
  }
  return rows;
}

const fmt = (s: Summary | null) => {
  if (!s) return '';
  const x = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2));
  return s.rounds.length > 1 ? `${x(s.median)} (${x(s.min)}-${x(s.max)})` : x(s.median);
};

/** A Markdown table (also fine on a terminal). */
export function table(rows: Row[]): string {
  const lines = [
    '| phase | measure | Itinera (median, min-max) | baseline | ratio | target | met |',
    '| ----- | ------- | ------------------------- | -------- | ----- | ------ | --- |',
  ];
  for (const r of rows) {
    const met = r.met === null ? '' : r.met ? 'yes' : 'NO';
    lines.push(
      `| ${r.phase} | ${r.measure} | ${fmt(r.itinera)} | ${fmt(r.baseline)} | ${r.ratio ? `${fmt(r.ratio)}x` : ''} | ${r.target} | ${met} |`,
    );
  }
  return lines.join('\n');
}
