import { defineExecutor } from '@itinera/schemas';

export interface SendResult {
  status: 'sent' | 'duplicate' | 'skipped' | 'failed' | 'deferred';
  channel: string;
  messageId: string;
  detail: string;
  /** For `deferred`: when to try again (quiet hours ending, a frequency-cap slot freeing up). */
  retryAtMs?: number;
  response?: unknown;
}

const MAX_DEFERRALS = 60;

export const sendExecutor = defineExecutor<{ channel: string }>('send', async (ctx) => {
  const deferrals: string[] = [];
  for (;;) {
    const result = await ctx.activity<SendResult>('sendMessage', {
      idempotencyKey: ctx.idempotencyKey,
      enrollmentId: ctx.enrollmentId,
      journeyId: ctx.journey.id,
      journeyName: ctx.journey.name,
      journeyPriority: ctx.journey.settings.priority,
      nodeId: ctx.node.id,
      customerId: ctx.customerId,
      nowMs: ctx.now(),
      // The activity reads the profile anyway; asking it to resolve the timezone saves a history event.
      ...(ctx.patched('send-resolves-timezone')
        ? { defaultTimezone: ctx.journey.settings.defaultTimezone }
        : { timezone: await ctx.timezone() }),
      config: ctx.config,
      vars: ctx.vars,
    });
    if (result.status === 'deferred' && result.retryAtMs && deferrals.length < MAX_DEFERRALS) {
      deferrals.push(result.detail);
      await ctx.sleepUntil(result.retryAtMs, result.detail);
      continue;
    }
    const sent = result.status === 'sent' || result.status === 'duplicate';
    const waited = deferrals.length > 0 ? ` after waiting (${deferrals.join('; ')})` : '';
    return {
      port: 'next',
      outcome: sent ? 'sent' : result.status,
      reason: sent
        ? `Sent ${result.channel}${waited}: ${result.detail}`
        : `Not sent (${result.status})${waited}: ${result.detail}`,
      data: { messageId: result.messageId, channel: result.channel, deferrals },
      vars: result.response === undefined ? undefined : { response: result.response },
    };
  }
});
