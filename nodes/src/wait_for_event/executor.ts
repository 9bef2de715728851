import { defineExecutor, type PropertyFilter } from '@itinera/schemas';
import { type Duration, describeDuration, durationMs } from '../shared/duration.ts';

interface WaitForEventConfig {
  event: string;
  where?: PropertyFilter;
  timeout: Duration;
}

export const waitForEventExecutor = defineExecutor<WaitForEventConfig>('wait_for_event', async (ctx) => {
  const { event, where, timeout } = ctx.config;
  const found = await ctx.waitForEvent(
    { event, where },
    durationMs(timeout),
    `for "${event}" up to ${describeDuration(timeout)}`,
  );
  if (!found) {
    return {
      port: 'timed_out',
      outcome: 'timed_out',
      reason: `No "${event}" within ${describeDuration(timeout)}`,
    };
  }
  return {
    port: 'happened',
    outcome: 'happened',
    reason: `"${event}" happened at ${found.timestamp}`,
    data: { messageId: found.messageId },
    vars: { event: found },
  };
});
