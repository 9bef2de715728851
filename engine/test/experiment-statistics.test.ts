import jstatModule from 'jstat';
import { describe, expect, it } from 'vitest';
import {
  alwaysValidPValue,
  credibleInterval,
  differenceInterval,
  meanComparison,
  probabilityToBeat,
  proportionPValue,
  relativeLift,
  wilsonInterval,
} from '../src/experiments/statistics.ts';

const { jStat } = jstatModule;
const arm = (successes: number, trials: number) => ({ successes, trials });

/** A small seeded generator, so the simulations are the same on every run. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('experiment statistics against published values', () => {
  it('Wilson intervals match Newcombe (1998), Statistics in Medicine 17:857, method 3', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, low, high] of cases) {
      const interval = wilsonInterval(arm(x, n));
      expect(interval.low).toBeCloseTo(low, 4);
      expect(interval.high).toBeCloseTo(high, 4);
    }
  });

  it('difference intervals match Newcombe (1998), Statistics in Medicine 17:873, method 10', () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
    ];
    for (const [x1, n1, x2, n2, low, high] of cases) {
      const difference = differenceInterval(arm(x1, n1), arm(x2, n2));
      expect(difference.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 10);
      expect(difference.low).toBeCloseTo(low, 4);
      expect(difference.high).toBeCloseTo(high, 4);
    }
  });

  it('credible intervals are Beta posterior quantiles: closed forms for tiny samples', () => {
    // Beta(1, 1) is uniform; Beta(2, 1) has CDF x^2, so its quantiles are square roots.
    expect(credibleInterval(arm(0, 0))).toEqual({
      low: expect.closeTo(0.025, 9),
      high: expect.closeTo(0.975, 9),
    });
    const interval = credibleInterval(arm(1, 1));
    expect(interval.low).toBeCloseTo(Math.sqrt(0.025), 9);
    expect(interval.high).toBeCloseTo(Math.sqrt(0.975), 9);
  });

  it('the probability to beat control equals jStat numerical integration of the two Beta posteriors', () => {
    expect(probabilityToBeat(arm(1, 1), arm(0, 0))).toBeCloseTo(2 / 3, 10);
    expect(probabilityToBeat(arm(12, 100), arm(12, 100))).toBeCloseTo(0.5, 10);
    for (const [xb, nb, xa, na] of [
      [30, 200, 20, 200],
      [7, 50, 9, 40],
      [120, 1000, 100, 1000],
    ]) {
      // P(B > A) = integral of f_B(x) F_A(x) dx, by Simpson's rule on 20,000 intervals.
      const steps = 20_000;
      let integral = 0;
      for (let i = 0; i <= steps; i++) {
        const x = i / steps;
        const weight = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
        integral += weight * jStat.beta.pdf(x, 1 + xb, 1 + nb - xb) * jStat.beta.cdf(x, 1 + xa, 1 + na - xa);
      }
      expect(probabilityToBeat(arm(xb, nb), arm(xa, na))).toBeCloseTo(integral / (3 * steps), 6);
    }
  });

  it('the normal approximation for very large samples agrees with the exact sum where both apply', () => {
    const exact = probabilityToBeat(arm(19_000, 100_000), arm(18_800, 100_000));
    const approx = probabilityToBeat(arm(21_000, 110_000), arm(20_780, 110_000));
    expect(exact).toBeGreaterThan(0.8);
    expect(approx).toBeGreaterThan(0.8);
    expect(Math.abs(exact - approx)).toBeLessThan(0.1);
  });

  it('relative lift uses the log risk-ratio interval and is undefined without conversions', () => {
    const lift = relativeLift(arm(56, 70), arm(48, 80))!;
    expect(lift.estimate).toBeCloseTo(0.8 / 0.6 - 1, 10);
    const se = Math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80);
    expect(Math.log(lift.high + 1) - Math.log(lift.estimate + 1)).toBeCloseTo(1.959964 * se, 5);
    expect(lift.low).toBeLessThan(lift.estimate);
    expect(relativeLift(arm(3, 70), arm(0, 80))).toBeNull();
  });

  it('revenue: Welch interval and normal posterior on the difference of means', () => {
    const sample = (values: number[]) => ({
      n: values.length,
      sum: values.reduce((a, b) => a + b, 0),
      sumSquares: values.reduce((a, b) => a + b * b, 0),
    });
    const variant = sample([10, 0, 30, 0, 20, 40]);
    const control = sample([0, 10, 0, 10, 0, 20]);
    const result = meanComparison(variant, control);
    // By hand: means 100/6 and 40/6, sample variances 800/3 and 200/3.
    const se = Math.sqrt(800 / 3 / 6 + 200 / 3 / 6);
    expect(result.estimate).toBeCloseTo(10, 10);
    expect(result.high - result.estimate).toBeCloseTo(1.959964 * se, 3);
    expect(result.probabilityToBeat).toBeCloseTo(jStat.normal.cdf(10 / se, 0, 1), 10);
  });
});

describe('always-valid p-values under daily looks', () => {
  /** Runs A/A or A/B experiments, looking after every batch; returns the share ever declared significant. */
  const falsePositives = (pa: number, pb: number, look: (a: number[], b: number[]) => number) => {
    const random = seeded(13);
    let rejected = 0;
    const experiments = 200;
    for (let e = 0; e < experiments; e++) {
      const a = [0, 0];
      const b = [0, 0];
      for (let day = 0; day < 30; day++) {
        for (let i = 0; i < 100; i++) {
          a[1]++;
          b[1]++;
          if (random() < pa) a[0]++;
          if (random() < pb) b[0]++;
        }
        if (look(a, b) < 0.05) {
          rejected++;
          break;
        }
      }
    }
    return rejected / experiments;
  };
  const naiveZ = (a: number[], b: number[]) => {
    const pooled = (a[0] + b[0]) / (a[1] + b[1]);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / a[1] + 1 / b[1]));
    return se === 0 ? 1 : 2 * (1 - jStat.normal.cdf(Math.abs(b[0] / b[1] - a[0] / a[1]) / se, 0, 1));
  };
  const msprt = (a: number[], b: number[]) => proportionPValue(arm(b[0], b[1]), arm(a[0], a[1]));

  it('keeps the false positive rate under 5% when peeking daily, where a fixed-horizon z-test does not', () => {
    expect(falsePositives(0.1, 0.1, naiveZ)).toBeGreaterThan(0.1);
    expect(falsePositives(0.1, 0.1, msprt)).toBeLessThanOrEqual(0.05);
  });

  it('still finds a real effect', () => {
    expect(falsePositives(0.1, 0.16, msprt)).toBeGreaterThan(0.8);
  });

  it('is 1 with no evidence and falls as the evidence grows', () => {
    expect(alwaysValidPValue(0, 0.001, 0.0025)).toBe(1);
    expect(alwaysValidPValue(0.05, 0.0001, 0.0025)).toBeLessThan(alwaysValidPValue(0.05, 0.0004, 0.0025));
  });
});
