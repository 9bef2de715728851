// The benchmark journey's graph, matching the steps bench/analytics/seed.ts records.
import { abSplit } from '../../test/support/experiments.ts';
import { graph } from '../../test/support/journeys.ts';

const mail = (id: string) => ({ id, type: 'send', config: { channel: 'email', subject: id, body: 'Hi' } });

/** trigger -> split "ab" (an experiment on goal conversion) -> mailA / mailB -> wait -> exit; goal "purchased". */
export const benchGraph = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'browsed', reentry: 'always' } },
    abSplit(['Discount', 'Story'], { primaryMetric: 'conversion', minSample: 100 }),
    mail('mailA'),
    mail('mailB'),
    { id: 'hold', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
    { id: 'end', type: 'exit', config: {} },
    { id: 'bought', type: 'goal', config: { event: 'purchased' } },
  ],
  ['start->ab', 'ab:a->mailA', 'ab:b->mailB', 'mailA->hold', 'mailB->hold', 'hold->end'],
);
