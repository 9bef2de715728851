// The 20 segments the benchmark defines: every rule kind the issue names, nested and referring to each other.
import type { SegmentRule } from '@itinera/schemas';

const purchasedWithin = (days: number, n: number): SegmentRule => ({
  kind: 'performed',
  event: 'purchased',
  withinDays: days,
  count: { op: 'atLeast', n },
});
const spent = (op: 'gt' | 'lt', value: number, withinDays?: number): SegmentRule => ({
  kind: 'aggregate',
  event: 'purchased',
  fn: 'sum',
  property: 'amount',
  op,
  value,
  ...(withinDays ? { withinDays } : {}),
});

/** In creation order: a segment named by `inSegment` comes before those that name it. */
export const SEGMENTS: { id: string; name: string; rules: SegmentRule }[] = [
  { id: 'b-pro', name: 'Pro plan', rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' } },
  { id: 'b-vip', name: 'VIP plan', rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'vip' } },
  {
    id: 'b-south',
    name: 'South',
    rules: { kind: 'attribute', trait: 'city', op: 'in', value: ['Madrid', 'Rome', 'Lisbon'] },
  },
  { id: 'b-over-40', name: 'Over 40', rules: { kind: 'attribute', trait: 'age', op: 'gte', value: 40 } },
  {
    id: 'b-old-signup',
    name: 'Signed up over 30 days ago',
    rules: { kind: 'attributeDate', trait: 'signedUpAt', relation: 'moreThanDaysAgo', days: 30 },
  },
  { id: 'b-email', name: 'Reachable by email', rules: { kind: 'reachable', channel: 'email' } },
  { id: 'b-buyer', name: 'Purchased ever', rules: { kind: 'performed', event: 'purchased' } },
  { id: 'b-frequent', name: 'Two purchases in 90 days', rules: purchasedWithin(90, 2) },
  { id: 'b-big-spender', name: 'Spent over 500 in 90 days', rules: spent('gt', 500, 90) },
  {
    id: 'b-lapsed',
    name: 'No purchase in 30 days',
    rules: { kind: 'notPerformed', event: 'purchased', withinDays: 30 },
  },
  {
    id: 'b-shoe-browser',
    name: 'Viewed shoes in 60 days',
    rules: {
      kind: 'performed',
      event: 'viewed',
      withinDays: 60,
      where: [{ path: 'category', op: 'eq', value: 'shoes' }],
    },
  },
  {
    id: 'b-avg-basket',
    name: 'Average basket over 150',
    rules: { kind: 'aggregate', event: 'purchased', fn: 'avg', property: 'amount', op: 'gt', value: 150 },
  },
  {
    id: 'b-recent-buyer',
    name: 'Last purchase in 45 days',
    rules: { kind: 'performedAt', event: 'purchased', which: 'last', op: 'after', daysAgo: 45 },
  },
  {
    id: 'b-browsing-only',
    name: 'Views, never a purchase',
    rules: {
      all: [{ kind: 'performed', event: 'viewed' }, { not: { kind: 'inSegment', segment: 'b-buyer' } }],
    },
  },
  {
    id: 'b-vip-spender',
    name: 'Big-spending pro or VIP',
    rules: {
      all: [
        { kind: 'inSegment', segment: 'b-big-spender' },
        {
          any: [
            { kind: 'inSegment', segment: 'b-pro' },
            { kind: 'inSegment', segment: 'b-vip' },
          ],
        },
      ],
    },
  },
  {
    id: 'b-winback',
    name: 'Frequent buyer gone quiet',
    rules: {
      all: [
        { kind: 'inSegment', segment: 'b-buyer' },
        { kind: 'notPerformed', event: 'purchased', withinDays: 14 },
        { kind: 'attribute', trait: 'plan', op: 'ne', value: 'free' },
      ],
    },
  },
  {
    id: 'b-young-active',
    name: 'Under 30, viewed in 30 days',
    rules: {
      all: [
        { kind: 'attribute', trait: 'age', op: 'lt', value: 30 },
        { kind: 'performed', event: 'viewed', withinDays: 30 },
      ],
    },
  },
  {
    id: 'b-holdout',
    name: 'Holdout 10%',
    rules: {
      all: [
        { kind: 'bucket', from: 0, to: 9 },
        { kind: 'inSegment', segment: 'b-email' },
      ],
    },
  },
  {
    id: 'b-ltv-high',
    name: 'Lifetime value over 600',
    rules: { any: [spent('gt', 600), { all: [{ kind: 'inSegment', segment: 'b-vip' }, spent('gt', 300)] }] },
  },
  {
    id: 'b-low-value',
    name: 'Low value south',
    rules: { all: [{ kind: 'inSegment', segment: 'b-south' }, spent('lt', 100, 90)] },
  },
];

/** The segment whose backfill over every customer is timed: its rules rule out nobody in the store query. */
export const BACKFILL_SEGMENT = (id: string): { id: string; name: string; rules: SegmentRule } => ({
  id,
  name: `Backfill probe ${id}`,
  rules: {
    any: [
      purchasedWithin(60, 2),
      { all: [{ kind: 'attribute', trait: 'age', op: 'gte', value: 50 }, spent('gt', 200)] },
    ],
  },
});
