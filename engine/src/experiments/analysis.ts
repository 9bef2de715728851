import type { ArmResult, ExperimentAnalysis, PrimaryMetric } from '@itinera/schemas';
import jstatModule from 'jstat';
import {
  differenceInterval,
  type MeanSample,
  meanComparison,
  type Proportion,
  probabilityToBeat,
  proportionPValue,
  relativeLift,
  sampleMean,
  wilsonInterval,
} from './statistics.ts';

const { jStat } = jstatModule;

/** What was counted for one arm (a split branch, or treated vs held out). */
export interface ArmCounts {
  id: string;
  label: string;
  entered: number;
  converted: number;
  clicked: number;
  revenue: MeanSample;
}

export interface ExperimentInput {
  arms: ArmCounts[];
  controlId: string;
  metric: PrimaryMetric;
  minSample: number;
  /** Family-wise error rate; split over the comparisons with control (Bonferroni). */
  alpha?: number;
}

const LEVEL = 0.95;
const showP = (p: number) => (p < 0.001 ? '< 0.001' : `= ${p.toPrecision(2)}`);

const proportion = (arm: ArmCounts, metric: PrimaryMetric): Proportion => ({
  successes: metric === 'click' ? arm.clicked : arm.converted,
  trials: arm.entered,
});

function meanInterval(sample: MeanSample) {
  const mean = sampleMean(sample);
  if (sample.n < 2) return { low: mean, high: mean };
  const variance = Math.max(0, (sample.sumSquares - (sample.sum * sample.sum) / sample.n) / (sample.n - 1));
  const k = jStat.normal.inv(1 - (1 - LEVEL) / 2, 0, 1);
  const half = k * Math.sqrt(variance / sample.n);
  return { low: mean - half, high: mean + half };
}

function compare(arm: ArmCounts, control: ArmCounts, metric: PrimaryMetric): ArmResult['versusControl'] {
  if (metric === 'revenue') {
    const {
      probabilityToBeat: p,
      pValue,
      ...difference
    } = meanComparison(arm.revenue, control.revenue, LEVEL);
    const base = sampleMean(control.revenue);
    const lift =
      base > 0
        ? { estimate: difference.estimate / base, low: difference.low / base, high: difference.high / base }
        : null;
    return { probabilityToBeat: p, pValue, difference, lift };
  }
  const variant = proportion(arm, metric);
  const baseline = proportion(control, metric);
  return {
    probabilityToBeat: probabilityToBeat(variant, baseline),
    pValue: proportionPValue(variant, baseline),
    difference: differenceInterval(variant, baseline, LEVEL),
    lift: relativeLift(variant, baseline, LEVEL),
  };
}

function armResult(arm: ArmCounts, control: ArmCounts, metric: PrimaryMetric): ArmResult {
  const isControl = arm.id === control.id;
  const rate = proportion(arm, metric);
  return {
    id: arm.id,
    label: arm.label,
    isControl,
    entered: arm.entered,
    converted: arm.converted,
    clicked: arm.clicked,
    revenue: arm.revenue.sum,
    value: metric === 'revenue' ? sampleMean(arm.revenue) : rate.trials ? rate.successes / rate.trials : 0,
    interval: metric === 'revenue' ? meanInterval(arm.revenue) : wilsonInterval(rate, LEVEL),
    versusControl: isControl ? null : compare(arm, control, metric),
  };
}

/**
 * Results of an experiment with a decision rule that stays honest under daily looks: no winner before every
 * arm has `minSample` customers, and then only on an always-valid p-value below alpha / comparisons.
 */
export function analyseExperiment(input: ExperimentInput): ExperimentAnalysis {
  const { metric, minSample } = input;
  const control = input.arms.find((a) => a.id === input.controlId) ?? input.arms[0];
  const arms = input.arms.map((arm) => armResult(arm, control, metric));
  const base = { metric, minSample, arms };
  const short = arms.find((a) => a.entered < minSample);
  if (short) {
    return {
      ...base,
      winner: null,
      decision: `Collecting data: every variant needs ${minSample} customers; "${short.label}" has ${short.entered}`,
    };
  }
  const others = arms.filter((a) => !a.isControl);
  const threshold = (input.alpha ?? 0.05) / Math.max(1, others.length);
  const significant = others.filter((a) => a.versusControl && a.versusControl.pValue < threshold);
  const better = significant
    .filter((a) => a.versusControl!.difference.estimate > 0)
    .sort((x, y) => y.value - x.value);
  if (better.length > 0) {
    const [winner] = better;
    return {
      ...base,
      winner: winner.id,
      decision: `"${winner.label}" beats "${control.label}" (always-valid p ${showP(winner.versusControl!.pValue)}, needed below ${threshold.toPrecision(2)})`,
    };
  }
  if (others.length > 0 && significant.length === others.length) {
    return {
      ...base,
      winner: control.id,
      decision: `"${control.label}" beats every variant (always-valid p < ${threshold.toPrecision(2)} each)`,
    };
  }
  return {
    ...base,
    winner: null,
    decision: `No variant differs from "${control.label}" at always-valid p < ${threshold.toPrecision(2)} yet`,
  };
}
