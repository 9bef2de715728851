import { defineExecutor } from '@itinera/schemas';

export const exitExecutor = defineExecutor('exit', async () => ({
  outcome: 'completed',
  reason: 'Reached the exit',
  end: 'completed',
}));
