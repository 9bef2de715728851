import { clip, comparisonText } from '../shared/words.ts';
import type { NodeView } from '../views.ts';

interface Rule {
  kind?: string;
  path?: string;
  op?: string;
  value?: unknown;
  event?: string;
  atLeast?: number;
  withinDays?: number;
}

function ruleText(rule: Rule): string {
  if (rule.kind === 'event_count')
    return `did ${rule.event || '?'} ≥ ${rule.atLeast ?? 1}× in ${rule.withinDays ?? 30} days`;
  return comparisonText(rule.path, rule.op, rule.value);
}

/** "plan = pro and orders ≥ 3". */
export const conditionView: NodeView = {
  summary: (config) => {
    const rules = Array.isArray(config.rules) ? (config.rules as Rule[]) : [];
    return clip(rules.map(ruleText).join(` ${config.combinator === 'or' ? 'or' : 'and'} `), 80);
  },
};
