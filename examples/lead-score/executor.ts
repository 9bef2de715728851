import { defineExecutor } from '@itinera/schemas';

/** Runs inside the workflow: deterministic, all I/O through the plugin's activity. */
export const leadScoreExecutor = defineExecutor<{ points: number; threshold: number }>(
  'lead_score',
  async (ctx) => {
    const score = await ctx.activity<number>('addLeadScore', {
      idempotencyKey: ctx.idempotencyKey,
      customerId: ctx.customerId,
      points: ctx.config.points,
    });
    const hot = score >= ctx.config.threshold;
    return {
      port: hot ? 'hot' : 'cold',
      outcome: hot ? 'hot' : 'cold',
      reason: `Lead score is ${score} (hot at ${ctx.config.threshold})`,
      vars: { leadScore: score },
    };
  },
);
