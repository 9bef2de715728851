import { describe, expect, it } from 'vitest';
import { type ArmCounts, analyseExperiment } from '../src/experiments/analysis.ts';

const arm = (id: string, entered: number, converted: number, revenue: number[] = []): ArmCounts => ({
  id,
  label: id.toUpperCase(),
  entered,
  converted,
  clicked: 0,
  revenue: {
    n: entered,
    sum: revenue.reduce((x, y) => x + y, 0),
    sumSquares: revenue.reduce((x, y) => x + y * y, 0),
  },
});

/** Arm `a` is the control; the minimum sample is 100 unless given. */
const decide = (arms: ArmCounts[], metric: 'conversion' | 'revenue' = 'conversion', minSample = 100) =>
  analyseExperiment({ arms, controlId: 'a', metric, minSample });

describe('experiment decision rule', () => {
  it('names no winner before every variant reaches the minimum sample, however large the gap', () => {
    const result = decide([arm('a', 500, 10), arm('b', 40, 39)]);
    expect(result.winner).toBeNull();
    expect(result.decision).toBe('Collecting data: every variant needs 100 customers; "B" has 40');
  });

  it('splits alpha over the comparisons and names the best significant variant', () => {
    const result = decide([arm('a', 2000, 200), arm('b', 2000, 205), arm('c', 2000, 320)]);
    expect(result.winner).toBe('c');
    expect(result.decision).toContain('needed below 0.025');
    const b = result.arms.find((x) => x.id === 'b')!;
    expect(b.versusControl!.pValue).toBeGreaterThan(0.025);
  });

  it('names the control when it beats every variant, and nobody while they are level', () => {
    const worse = decide([arm('a', 3000, 450), arm('b', 3000, 240)]);
    expect(worse.winner).toBe('a');
    const level = decide([arm('a', 3000, 300), arm('b', 3000, 305)]);
    expect(level.winner).toBeNull();
    expect(level.decision).toContain('No variant differs');
  });

  it('compares revenue per customer with a lift relative to the control mean', () => {
    const spend = (n: number, amount: number) => Array.from({ length: n }, () => amount);
    const result = decide([arm('a', 200, 20, spend(20, 50)), arm('b', 200, 40, spend(40, 50))], 'revenue');
    const b = result.arms.find((x) => x.id === 'b')!;
    expect(b.value).toBeCloseTo(10, 10);
    expect(b.versusControl!.difference.estimate).toBeCloseTo(5, 10);
    expect(b.versusControl!.lift!.estimate).toBeCloseTo(1, 10);
    expect(b.versusControl!.probabilityToBeat).toBeGreaterThan(0.95);
  });
});
