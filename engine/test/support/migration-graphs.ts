import type { JourneyGraph } from '@itinera/schemas';
import { graph } from '../../../test/support/journeys.ts';

const segmentIs = (value: string) => ({
  combinator: 'and',
  rules: [{ kind: 'attribute', path: 'segment', op: 'eq', value }],
});
export const email = (body: string) => ({ channel: 'email', subject: body, body });
export const waitDays = (amount: number) => ({ mode: 'duration', duration: { amount, unit: 'days' } });

/** Welcome, then by segment: a: wait 2 days; b: wait for "purchased"; c: wait 4 days; others: wait 3 days. */
export const v1: JourneyGraph = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
    { id: 'welcome', type: 'send', config: email('v1 welcome') },
    { id: 'route', type: 'condition', config: segmentIs('a') },
    { id: 'nap', type: 'wait', config: waitDays(2) },
    { id: 'route2', type: 'condition', config: segmentIs('b') },
    {
      id: 'watch',
      type: 'wait_for_event',
      config: { event: 'purchased', timeout: { amount: 5, unit: 'days' } },
    },
    { id: 'thanks', type: 'send', config: email('v1 thanks') },
    { id: 'route3', type: 'condition', config: segmentIs('c') },
    { id: 'pause', type: 'wait', config: waitDays(4) },
    { id: 'hold', type: 'wait', config: waitDays(3) },
    { id: 'remind', type: 'send', config: email('v1 reminder') },
    { id: 'end', type: 'exit', config: {} },
  ],
  [
    'start->welcome',
    'welcome->route',
    'route:yes->nap',
    'route:no->route2',
    'nap->remind',
    'route2:yes->watch',
    'route2:no->route3',
    'watch:happened->thanks',
    'watch:timed_out->end',
    'thanks->end',
    'route3:yes->pause',
    'route3:no->hold',
    'pause->remind',
    'hold->remind',
    'remind->end',
  ],
);

/** v2: new message texts, `watch` waits for "ordered", `pause` renamed `linger` (1 day), `hold` gone. */
export const v2: JourneyGraph = {
  nodes: v1.nodes
    .filter((n) => n.id !== 'hold')
    .map((n) => {
      if (n.id === 'pause') return { ...n, id: 'linger', config: waitDays(1) };
      if (n.id === 'watch') return { ...n, config: { ...n.config, event: 'ordered' } };
      if (n.type === 'send') return { ...n, config: email(String(n.config.body).replace('v1', 'v2')) };
      return n;
    }),
  edges: v1.edges
    .filter((e) => e.target !== 'hold' && e.source !== 'hold')
    .map((e) => ({
      ...e,
      source: e.source === 'pause' ? 'linger' : e.source,
      target: e.target === 'pause' ? 'linger' : e.target,
    }))
    .concat([{ id: 'e-end', source: 'route3', sourcePort: 'no', target: 'end' }]),
};
