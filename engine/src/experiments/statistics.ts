import jstatModule from 'jstat';

const { jStat } = jstatModule;

/** Conversions out of trials for one arm of an experiment. */
export interface Proportion {
  successes: number;
  trials: number;
}

/** Sum and sum of squares of a per-customer value (revenue), over `n` customers. */
export interface MeanSample {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface Estimate extends Interval {
  estimate: number;
}

const z = (level: number) => jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
const rate = ({ successes, trials }: Proportion) => (trials === 0 ? 0 : successes / trials);

/** Wilson score interval for one proportion (Newcombe 1998, method 3). */
export function wilsonInterval({ successes, trials }: Proportion, level = 0.95): Interval {
  if (trials === 0) return { low: 0, high: 1 };
  const k = z(level);
  const p = successes / trials;
  const centre = p + (k * k) / (2 * trials);
  const spread = k * Math.sqrt((p * (1 - p) + (k * k) / (4 * trials)) / trials);
  const denominator = 1 + (k * k) / trials;
  return { low: (centre - spread) / denominator, high: (centre + spread) / denominator };
}

/** Posterior of a rate under a uniform Beta(1, 1) prior. */
export function ratePosterior({ successes, trials }: Proportion): { alpha: number; beta: number } {
  return { alpha: 1 + successes, beta: 1 + trials - successes };
}

/** Equal-tailed credible interval of the Beta posterior. */
export function credibleInterval(arm: Proportion, level = 0.95): Interval {
  const { alpha, beta } = ratePosterior(arm);
  const tail = (1 - level) / 2;
  return { low: jStat.beta.inv(tail, alpha, beta), high: jStat.beta.inv(1 - tail, alpha, beta) };
}

/** Beyond this many successes the exact sum is replaced by a normal approximation of both posteriors. */
const EXACT_LIMIT = 20_000;

/**
 * P(rate of `variant` > rate of `control`) under independent Beta(1, 1) priors: the exact finite sum for
 * integer Beta parameters (Evan Miller, "Formulas for Bayesian A/B testing", 2015), computed in log space.
 */
export function probabilityToBeat(variant: Proportion, control: Proportion): number {
  const b = ratePosterior(variant);
  const a = ratePosterior(control);
  if (b.alpha > EXACT_LIMIT) return normalProbabilityToBeat(b, a);
  const base = jStat.betaln(a.alpha, a.beta);
  let total = 0;
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(
      jStat.betaln(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - jStat.betaln(1 + i, b.beta) - base,
    );
  }
  return Math.min(1, Math.max(0, total));
}

function normalProbabilityToBeat(
  b: { alpha: number; beta: number },
  a: { alpha: number; beta: number },
): number {
  const moments = ({ alpha, beta }: typeof a) => {
    const sum = alpha + beta;
    return { mean: alpha / sum, variance: (alpha * beta) / (sum * sum * (sum + 1)) };
  };
  const mb = moments(b);
  const ma = moments(a);
  return jStat.normal.cdf(0, ma.mean - mb.mean, Math.sqrt(ma.variance + mb.variance));
}

/**
 * Difference `variant - control` of two independent proportions with Newcombe's hybrid score interval
 * (Newcombe 1998, method 10), built from the two Wilson intervals.
 */
export function differenceInterval(variant: Proportion, control: Proportion, level = 0.95): Estimate {
  const p1 = rate(variant);
  const p2 = rate(control);
  const w1 = wilsonInterval(variant, level);
  const w2 = wilsonInterval(control, level);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: estimate + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

/**
 * Relative lift `variant / control - 1` with the log risk-ratio interval (Katz et al. 1978); null while
 * either arm has no conversions (the ratio is then undefined or unbounded).
 */
export function relativeLift(variant: Proportion, control: Proportion, level = 0.95): Estimate | null {
  if (variant.successes === 0 || control.successes === 0) return null;
  const ratio = rate(variant) / rate(control);
  const se = Math.sqrt(
    1 / variant.successes - 1 / variant.trials + 1 / control.successes - 1 / control.trials,
  );
  const k = z(level);
  return { estimate: ratio - 1, low: ratio * Math.exp(-k * se) - 1, high: ratio * Math.exp(k * se) - 1 };
}

/**
 * Always-valid p-value of a difference of means (Johari, Pekelis, Walsh: "Always valid inference", mSPRT
 * with a normal mixture of variance `tau2` over the effect). `variance` is the variance of the observed
 * difference. Unlike a fixed-horizon test it may be read after every new observation: the chance that it
 * ever drops below alpha under no effect is at most alpha. Reported at the current look, which only makes
 * it more conservative than the running minimum.
 */
export function alwaysValidPValue(difference: number, variance: number, tau2: number): number {
  if (!(variance > 0)) return 1;
  const logLikelihoodRatio =
    0.5 * Math.log(variance / (variance + tau2)) +
    (tau2 * difference * difference) / (2 * variance * (variance + tau2));
  return Math.min(1, Math.exp(-logLikelihoodRatio));
}

/** Mixing variance for conversion rates: effects of a few percentage points are expected. */
export const PROPORTION_TAU2 = 0.05 ** 2;

/** The always-valid p-value of `variant - control` for conversion rates (plug-in Bernoulli variances). */
export function proportionPValue(variant: Proportion, control: Proportion, tau2 = PROPORTION_TAU2): number {
  if (variant.trials === 0 || control.trials === 0) return 1;
  const p1 = rate(variant);
  const p2 = rate(control);
  // A floor keeps the variance positive while an arm has no conversions yet.
  const floor = (trials: number) => 1 / (4 * trials * trials);
  const variance =
    Math.max(p1 * (1 - p1), floor(variant.trials)) / variant.trials +
    Math.max(p2 * (1 - p2), floor(control.trials)) / control.trials;
  return alwaysValidPValue(p1 - p2, variance, tau2);
}

export function sampleMean({ n, sum }: MeanSample): number {
  return n === 0 ? 0 : sum / n;
}

function sampleVariance({ n, sum, sumSquares }: MeanSample): number {
  if (n < 2) return 0;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

/**
 * Revenue per customer, `variant - control`: Welch's normal approximation for the difference of means, and
 * the probability the variant's mean is higher under flat priors (the same normal posterior). Always-valid
 * p-value with a mixing scale of a tenth of the pooled standard deviation.
 */
export function meanComparison(
  variant: MeanSample,
  control: MeanSample,
  level = 0.95,
): Estimate & { probabilityToBeat: number; pValue: number } {
  const estimate = sampleMean(variant) - sampleMean(control);
  const variance =
    (variant.n ? sampleVariance(variant) / variant.n : 0) +
    (control.n ? sampleVariance(control) / control.n : 0);
  if (!(variance > 0)) return { estimate, low: estimate, high: estimate, probabilityToBeat: 0.5, pValue: 1 };
  const se = Math.sqrt(variance);
  const k = z(level);
  const pooled = (sampleVariance(variant) + sampleVariance(control)) / 2;
  return {
    estimate,
    low: estimate - k * se,
    high: estimate + k * se,
    probabilityToBeat: jStat.normal.cdf(estimate / se, 0, 1),
    pValue: alwaysValidPValue(estimate, variance, 0.01 * pooled),
  };
}
