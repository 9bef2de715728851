import type { JourneyGraph } from '@itinera/schemas';
import { graph } from './journeys.ts';

/** A split "ab" sending half to branch "a" and half to "b", an experiment when `experiment` is given. */
export const abSplit = (labels: [string, string], experiment?: Record<string, unknown>) => ({
  id: 'ab',
  type: 'split',
  config: {
    branches: [
      { id: 'a', label: labels[0], percent: 50 },
      { id: 'b', label: labels[1], percent: 50 },
    ],
    ...(experiment ? { experiment } : {}),
  },
});

/**
 * trigger on `event` -> split "ab" (branches a and b, 50/50, an experiment on goal conversion) -> wait
 * `waitDays` -> exit, with a goal on `goalEvent`.
 */
export function experimentJourney(
  event: string,
  goalEvent: string,
  labels: [string, string],
  minSample: number,
  waitDays = 1,
): JourneyGraph {
  return graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'once' } },
      abSplit(labels, { primaryMetric: 'conversion', minSample }),
      {
        id: 'wait',
        type: 'wait',
        config: { mode: 'duration', duration: { amount: waitDays, unit: 'days' } },
      },
      { id: 'end', type: 'exit', config: {} },
      { id: 'goal', type: 'goal', config: { event: goalEvent } },
    ],
    ['start->ab', 'ab:a->wait', 'ab:b->wait', 'wait->end'],
  );
}
