import {
  defineExecutor,
  describePredicate,
  type ExecutionContext,
  type PropertyFilter,
  type PropertyPredicate,
  predicateHolds,
} from '@itinera/schemas';
import { predicateMatches } from '../filters/index.ts';

interface Rule {
  kind: 'attribute' | 'event_count' | 'context' | 'in_segment';
  segment?: string;
  path?: string;
  op?: PropertyPredicate['op'];
  value?: unknown;
  event?: string;
  where?: PropertyFilter;
  atLeast?: number;
  withinDays?: number;
}

interface ConditionConfig {
  combinator: 'and' | 'or';
  rules: Rule[];
}

/** Enrollments recorded before the shared filter semantics keep their old answers on replay. */
const holds = (ctx: ExecutionContext<ConditionConfig>) =>
  ctx.patched('itinera-0.3-filters') ? predicateMatches : predicateHolds;

async function evaluate(
  ctx: ExecutionContext<ConditionConfig>,
  rule: Rule,
): Promise<{ held: boolean; text: string }> {
  if (rule.kind === 'context') {
    const predicate = { path: rule.path ?? '', op: rule.op ?? 'eq', value: rule.value };
    const held = holds(ctx)(ctx.vars, predicate);
    return { held, text: `journey ${describePredicate(predicate)} ${held ? 'held' : 'did not hold'}` };
  }
  // Only new journeys can hold this rule; the marker keeps the rule honoured that workflow changes are patched.
  if (rule.kind === 'in_segment' && ctx.patched('itinera-0.3-segment-condition')) {
    const member = await ctx.activity<boolean>('isSegmentMember', {
      segmentId: rule.segment,
      customerId: ctx.customerId,
    });
    return { held: member, text: `${member ? 'in' : 'not in'} segment "${rule.segment}"` };
  }
  if (rule.kind === 'attribute') {
    const predicate = { path: rule.path ?? '', op: rule.op ?? 'eq', value: rule.value };
    const profile = await ctx.loadProfile();
    // `computed.<name>` reads a computed attribute; older enrollments only ever read traits.
    const readsComputed = ctx.patched('itinera-0.3-filters') && predicate.path.startsWith('computed.');
    const source = readsComputed ? { computed: profile.computed ?? {} } : profile.traits;
    const held = holds(ctx)(source, predicate);
    return { held, text: `${describePredicate(predicate)} ${held ? 'held' : 'did not hold'}` };
  }
  const atLeast = rule.atLeast ?? 1;
  const withinDays = rule.withinDays ?? 30;
  const count = await ctx.activity<number>('countEvents', {
    customerId: ctx.customerId,
    event: rule.event,
    where: rule.where ?? [],
    sinceMs: ctx.now() - withinDays * 86_400_000,
    untilMs: ctx.now(),
  });
  const held = count >= atLeast;
  return { held, text: `"${rule.event}" ${count} time(s) in ${withinDays} days (needed ${atLeast})` };
}

export const conditionExecutor = defineExecutor<ConditionConfig>('condition', async (ctx) => {
  const results = [];
  for (const rule of ctx.config.rules) results.push(await evaluate(ctx, rule));
  const passed = ctx.config.combinator === 'and' ? results.every((r) => r.held) : results.some((r) => r.held);
  const port = passed ? 'yes' : 'no';
  const joined = results.map((r) => r.text).join(` ${ctx.config.combinator} `);
  return { port, outcome: port, reason: `${passed ? 'Yes' : 'No'}: ${joined}` };
});
