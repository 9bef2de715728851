import { defineExecutor } from '@itinera/schemas';

export interface SendResult {
  status: 'sent' | 'duplicate' | 'skipped' | 'failed';
  channel: string;
  messageId: string;
  detail: string;
  response?: unknown;
}

export const sendExecutor = defineExecutor<{ channel: string }>('send', async (ctx) => {
  const result = await ctx.activity<SendResult>('sendMessage', {
    idempotencyKey: ctx.idempotencyKey,
    enrollmentId: ctx.enrollmentId,
    journeyId: ctx.journey.id,
    journeyName: ctx.journey.name,
    nodeId: ctx.node.id,
    customerId: ctx.customerId,
    config: ctx.config,
    vars: ctx.vars,
  });
  const sent = result.status === 'sent' || result.status === 'duplicate';
  return {
    port: 'next',
    outcome: sent ? 'sent' : result.status,
    reason: sent
      ? `Sent ${result.channel}: ${result.detail}`
      : `Not sent (${result.status}): ${result.detail}`,
    data: { messageId: result.messageId, channel: result.channel },
    vars: result.response === undefined ? undefined : { response: result.response },
  };
});
