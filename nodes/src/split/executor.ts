import { defineExecutor } from '@itinera/schemas';
import { pickBranch, stickyPercentile } from './bucket.ts';

interface SplitConfig {
  branches: { id: string; label: string; percent: number }[];
}

export const splitExecutor = defineExecutor<SplitConfig>('split', async (ctx) => {
  const percentile = stickyPercentile(ctx.customerId, `${ctx.journey.id}:${ctx.node.id}`);
  const branch = pickBranch(ctx.config.branches, percentile);
  return {
    port: branch.id,
    outcome: branch.id,
    reason: `Branch "${branch.label}" (${branch.percent}%): customer bucket ${percentile.toFixed(2)}`,
  };
});
