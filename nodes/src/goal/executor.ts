import { defineExecutor } from '@itinera/schemas';

export const goalExecutor = defineExecutor<{ event: string }>('goal', async (ctx) => ({
  outcome: 'converted',
  reason: `Reached the goal "${ctx.config.event}"`,
  end: 'converted',
}));
