import { defineExecutor } from '@itinera/schemas';

export const triggerExecutor = defineExecutor<{ kind: 'event' | 'api'; event?: string }>(
  'trigger',
  async (ctx) => {
    const trigger = ctx.vars.trigger as { event?: string } | undefined;
    const reason =
      ctx.config.kind === 'event'
        ? `Entered on event "${trigger?.event ?? ctx.config.event}"`
        : 'Entered through the API';
    return { port: 'next', outcome: 'entered', reason };
  },
);
