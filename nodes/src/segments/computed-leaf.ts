import type { LeafRule } from '@itinera/schemas';
import { Query } from 'mingo';
import { comparison, relativeDateQuery } from './compile.ts';

type ComputedLeaf = Extract<LeafRule, { kind: 'computed' | 'computedDate' }>;

const DAY_MS = 86_400_000;
const SYMBOLS: Record<string, string> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const show = (value: unknown) =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'absent');

/**
 * A rule on a customer's computed attribute, with the same semantics as the matching trait rule (strict
 * equality, numbers as numbers, ISO 8601 dates as text). The reason names the value the attribute took:
 * "computed.total_spent became 512.4 > 500". A date rule asks to be re-checked when it flips.
 */
export function computedLeaf(
  rule: ComputedLeaf,
  values: Record<string, unknown>,
  now: Date,
  checkAt: (ms: number) => void,
): { match: boolean; reason: string } {
  const path = `computed.${rule.attribute}`;
  const value = values[rule.attribute];
  const query =
    rule.kind === 'computed' ? comparison(path, rule.op, rule.value) : relativeDateQuery(path, rule, now);
  const match = new Query(query).test({ computed: values });
  if (rule.kind === 'computedDate') {
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      checkAt(Date.parse(value) + rule.days * DAY_MS);
    const when =
      rule.relation === 'moreThanDaysAgo'
        ? `more than ${rule.days} days ago`
        : `within the last ${rule.days} days`;
    return { match, reason: `${path} is ${show(value)} (${match ? '' : 'not '}${when})` };
  }
  const wanted = rule.op === 'exists' || rule.op === 'notExists' ? '' : ` ${show(rule.value)}`;
  const test = `${SYMBOLS[rule.op] ?? rule.op}${wanted}`;
  return match
    ? { match, reason: `${path} became ${show(value)} ${test}` }
    : { match, reason: `${path} is ${show(value)}, not ${test}` };
}
