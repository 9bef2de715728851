import { defineExecutor } from '@itinera/schemas';

interface Operation {
  path: string;
  op: 'set' | 'increment' | 'unset';
  value?: unknown;
}

export const updateProfileExecutor = defineExecutor<{ operations: Operation[] }>(
  'update_profile',
  async (ctx) => {
    const applied = await ctx.activity<boolean>('updateProfile', {
      idempotencyKey: ctx.idempotencyKey,
      customerId: ctx.customerId,
      operations: ctx.config.operations,
    });
    const summary = ctx.config.operations
      .map((o) => (o.op === 'unset' ? `unset ${o.path}` : `${o.op} ${o.path} ${JSON.stringify(o.value)}`))
      .join(', ');
    return {
      port: 'next',
      outcome: 'updated',
      reason: applied ? `Updated profile: ${summary}` : `Already applied: ${summary}`,
    };
  },
);
