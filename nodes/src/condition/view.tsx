import type { NodeView } from '../views.ts';

export const conditionView: NodeView = {
  summary: (config) => {
    const rules = Array.isArray(config.rules) ? config.rules.length : 0;
    return `${rules} rule${rules === 1 ? '' : 's'} (${config.combinator ?? 'and'})`;
  },
};
