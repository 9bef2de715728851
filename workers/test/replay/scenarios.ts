import type { JourneyGraph } from '@itinera/schemas';
import { graph } from '../../../test/support/journeys.ts';

const trigger = (event: string) => ({
  id: 'start',
  type: 'trigger',
  config: { kind: 'event', event, reentry: 'concurrent' },
});
const exit = { id: 'end', type: 'exit', config: {} };
const email = (id: string, subject: string) => ({
  id,
  type: 'send',
  config: { channel: 'email', subject, body: 'Hello {{ profile.first_name }}' },
});

/** One small journey per built-in node type and path; each is entered by the event of the same name. */
export const journeys: Record<string, JourneyGraph> = {
  send_outbox: graph([trigger('send_outbox'), email('send', 'Welcome'), exit], ['start->send', 'send->end']),
  condition: graph(
    [
      trigger('condition'),
      {
        id: 'pro',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
      },
      exit,
    ],
    ['start->pro', 'pro:yes->end', 'pro:no->end'],
  ),
  split: graph(
    [
      trigger('split'),
      {
        id: 'ab',
        type: 'split',
        config: {
          branches: [
            { id: 'a', label: 'A', percent: 50 },
            { id: 'b', label: 'B', percent: 50 },
          ],
        },
      },
      exit,
    ],
    ['start->ab', 'ab:a->end', 'ab:b->end'],
  ),
  update_profile: graph(
    [
      trigger('update_profile'),
      {
        id: 'tag',
        type: 'update_profile',
        config: {
          operations: [
            { path: 'stage', op: 'set', value: 'onboarded' },
            { path: 'visits', op: 'increment', value: 1 },
            { path: 'trial', op: 'unset' },
          ],
        },
      },
      exit,
    ],
    ['start->tag', 'tag->end'],
  ),
  wait_for_event: graph(
    [
      trigger('wait_for_event'),
      {
        id: 'buy',
        type: 'wait_for_event',
        config: {
          event: 'order_completed',
          where: [{ path: 'total', op: 'gte', value: 10 }],
          timeout: { amount: 2, unit: 'days' },
        },
      },
      email('thanks', 'Thanks for {{ event.properties.total }}'),
      email('nudge', 'Still thinking?'),
      exit,
    ],
    ['start->buy', 'buy:happened->thanks', 'buy:timed_out->nudge', 'thanks->end', 'nudge->end'],
  ),
  goal_mid_wait: graph(
    [
      trigger('goal_mid_wait'),
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 10, unit: 'days' } } },
      email('upsell', 'Upgrade'),
      exit,
      { id: 'goal', type: 'goal', config: { event: 'subscribed' } },
    ],
    ['start->wait', 'wait->upsell', 'upsell->end'],
  ),
  exit_by_request: graph(
    [
      trigger('exit_by_request'),
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 10, unit: 'days' } } },
      exit,
    ],
    ['start->wait', 'wait->end'],
  ),
  wait_duration: graph(
    [
      trigger('wait_duration'),
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
      email('later', 'Three days later'),
      exit,
    ],
    ['start->wait', 'wait->later', 'later->end'],
  ),
  wait_time_of_day: graph(
    [
      trigger('wait_time_of_day'),
      { id: 'wait', type: 'wait', config: { mode: 'time_of_day', time: '09:30', weekdays: [1, 2, 3, 4, 5] } },
      exit,
    ],
    ['start->wait', 'wait->end'],
  ),
  wait_date_attribute: graph(
    [
      trigger('wait_date_attribute'),
      {
        id: 'wait',
        type: 'wait',
        config: {
          mode: 'date_attribute',
          attribute: 'renews_at',
          offset: { amount: 1, unit: 'days' },
          offsetDirection: 'before',
        },
      },
      exit,
    ],
    ['start->wait', 'wait->end'],
  ),
  send_deferred: graph(
    [trigger('send_deferred'), email('send', 'Deferred'), exit],
    ['start->send', 'send->end'],
  ),
  activity_failed: graph(
    [
      trigger('activity_failed'),
      {
        id: 'hook',
        type: 'send',
        // Nothing listens on port 9: every attempt fails until the retry policy gives up.
        config: { channel: 'webhook', method: 'POST', url: 'http://127.0.0.1:9/hook', body: '{}' },
      },
      exit,
    ],
    ['start->hook', 'hook->end'],
  ),
  holdout: graph([trigger('holdout'), email('send', 'Held back'), exit], ['start->send', 'send->end']),
  in_segment: graph(
    [
      trigger('in_segment'),
      {
        id: 'vip',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'in_segment', segment: 'vips' }] },
      },
      email('perk', 'A perk for you'),
      exit,
    ],
    ['start->vip', 'vip:yes->perk', 'vip:no->end', 'perk->end'],
  ),
  version_move: movable('v1'),
};

/** The manual segment the `in_segment` journey asks about. */
export const VIP_SEGMENT = 'vips';

/** Journey settings that hold half the entrants out (the most a journey allows). */
export const HOLDOUT_SETTINGS = { holdoutPercent: 50 };

/**
 * pro customers wait at `nap`, others at `hold`, then get `later`. Version 2 says the same in new words; a
 * migration moves `nap` onto `nap` (the deadline kept) and `hold` onto the send `later` (sent at once).
 */
function movable(label: string): JourneyGraph {
  const threeDays = { mode: 'duration', duration: { amount: 3, unit: 'days' } };
  return graph(
    [
      trigger('version_move'),
      {
        id: 'pro',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
      },
      { id: 'nap', type: 'wait', config: threeDays },
      { id: 'hold', type: 'wait', config: threeDays },
      email('later', `${label} later`),
      exit,
    ],
    ['start->pro', 'pro:yes->nap', 'pro:no->hold', 'nap->later', 'hold->later', 'later->end'],
  );
}

export const versionMoveV2 = movable('v2');
export const VERSION_MOVE_MAPPING = { nap: 'nap', hold: 'later' };
