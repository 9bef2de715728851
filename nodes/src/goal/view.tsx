import type { NodeView } from '../views.ts';

export const goalView: NodeView = {
  summary: (config) => `when ${config.event || '?'}`,
};
