import type { NodeView } from '../views.ts';

export const triggerView: NodeView = {
  summary: (config) => (config.kind === 'api' ? 'via API' : `on ${config.event || '?'}`),
};
