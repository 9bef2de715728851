import {
  COLLECTIONS,
  customerTimezone,
  decodeRecord,
  type LeafRule,
  type PropertyFilter,
  readPath,
  type SegmentRule,
} from '@itinera/schemas';
import { DateTime } from 'luxon';
import { Query } from 'mingo';
import type { Db } from 'mongodb';
import { subscriptionStore } from '../send/subscriptions.ts';
import { suppressionOf, suppressionStore } from '../send/suppressions.ts';
import { stickyPercentile } from '../split/bucket.ts';
import { daysBefore, type MongoQuery, profileLeafQuery, propertyFilterQuery, traitPath } from './compile.ts';
import { computedLeaf } from './computed-leaf.ts';
import { computedValuesOf } from './computed-values.ts';
import type { CustomerSnapshot } from './snapshot.ts';

export interface SegmentDefinition {
  id: string;
  name: string;
  kind: 'rules' | 'manual';
  rules?: SegmentRule;
}

export interface Evaluation {
  member: boolean;
  /** Why, in words: "total_spent is 512.4 (gt 500)". */
  reason: string;
  /** The earliest future moment a time-relative rule may change the answer (ISO), if any. */
  nextCheckAt?: string;
}

const DAY_MS = 86_400_000;
const show = (value: unknown) =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'absent');
const COUNT_TEST = {
  atLeast: (c: number, n: number) => c >= n,
  atMost: (c: number, n: number) => c <= n,
  exactly: (c: number, n: number) => c === n,
};
const COMPARE = {
  eq: (a: number, b: number) => a === b,
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
};

/** Reads what a customer's membership depends on: their profile, events, consent and other memberships. */
export function segmentEvaluator(db: Db) {
  const profiles = db.collection<{ _id: string; traits?: Record<string, unknown> }>(COLLECTIONS.profiles);
  const events = db.collection<{ _id: string; timestamp: string; properties?: Record<string, unknown> }>(
    COLLECTIONS.events,
  );
  const members = db.collection<{ _id: string }>(COLLECTIONS.segmentMembers);
  const consent = subscriptionStore(db);
  const suppressed = suppressionStore(db);

  /** One evaluation's reads, each made at most once. */
  const context = (
    segment: SegmentDefinition,
    customerId: string,
    now: Date,
    snapshot?: CustomerSnapshot,
  ) => {
    let profile: Promise<{ traits?: Record<string, unknown> } | null> | undefined;
    let subscriptions: ReturnType<typeof consent.read> | undefined;
    let computed: Promise<Record<string, unknown>> | undefined;
    const checks: number[] = [];
    return {
      segment,
      customerId,
      now,
      checks,
      snapshot,
      profile: () => {
        profile ??= snapshot
          ? snapshot.profile()
          : profiles.findOne({ _id: customerId }, { projection: { traits: 1 } });
        return profile;
      },
      subscriptions: () => {
        subscriptions ??= consent.read(customerId);
        return subscriptions;
      },
      computed: () => {
        computed ??= computedValuesOf(db, customerId);
        return computed;
      },
      /** Re-evaluate at this moment (ms) if it is still ahead. */
      checkAt: (ms: number) => {
        if (ms > now.getTime()) checks.push(ms);
      },
    };
  };
  type Context = ReturnType<typeof context>;

  const eventQuery = (ctx: Context, leaf: { event: string; where?: PropertyFilter }, withinDays?: number) => {
    const query: MongoQuery = { customerId: ctx.customerId, event: leaf.event };
    // An event exactly D days old is out of the window: that is the moment a timer re-checks.
    if (withinDays !== undefined) query.timestamp = { $gt: daysBefore(ctx.now, withinDays).toISOString() };
    const filters = propertyFilterQuery(
      (leaf as { where?: Parameters<typeof propertyFilterQuery>[0] }).where,
    );
    return filters.length ? { $and: [query, ...filters] } : query;
  };

  /** Matching events in time order (oldest first unless `order` is -1), at most `limit`. */
  const matching = async (ctx: Context, query: MongoQuery, limit?: number, order: 1 | -1 = 1) => {
    const loaded = ctx.snapshot?.events;
    if (loaded) {
      const test = new Query(query);
      const found = loaded.filter((e) => test.test(e as unknown as Record<string, unknown>));
      if (order === -1) found.reverse();
      return limit === undefined ? found : found.slice(0, limit);
    }
    const cursor = events
      .find(query as never, { projection: { timestamp: 1, properties: 1 } })
      .sort({ timestamp: order });
    return (limit === undefined ? cursor : cursor.limit(limit)).toArray();
  };
  const timestamps = async (ctx: Context, query: MongoQuery, limit: number, order: 1 | -1 = 1) =>
    (await matching(ctx, query, limit, order)).map((e) => Date.parse(e.timestamp));

  const leaf = async (ctx: Context, rule: LeafRule): Promise<{ match: boolean; reason: string }> => {
    const profileQuery = profileLeafQuery(rule, ctx.now);
    if (profileQuery && (rule.kind === 'attribute' || rule.kind === 'attributeDate')) {
      const profile = (await ctx.profile()) ?? { traits: {} };
      const match = new Query(profileQuery).test(profile);
      const value = readPath(decodeRecord(profile.traits), rule.trait);
      if (rule.kind === 'attributeDate' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
        const flip = Date.parse(value) + rule.days * DAY_MS;
        ctx.checkAt(flip);
      }
      const wanted =
        rule.kind === 'attribute' ? `${rule.op} ${show(rule.value)}` : `${rule.relation} ${rule.days}`;
      return { match, reason: `${rule.trait} is ${show(value)} (${wanted})` };
    }
    switch (rule.kind) {
      case 'anniversary': {
        const profile = await ctx.profile();
        const traits = decodeRecord(profile?.traits);
        const zone = customerTimezone(traits.timezone, 'UTC');
        const today = DateTime.fromJSDate(ctx.now, { zone }).startOf('day');
        ctx.checkAt(today.plus({ days: 1 }).toMillis());
        const date =
          typeof traits[rule.trait] === 'string' ? DateTime.fromISO(traits[rule.trait] as string) : null;
        if (!date?.isValid) return { match: false, reason: `${rule.trait} is not a date` };
        let next = today.set({ month: date.month, day: date.day });
        if (next < today) next = next.plus({ years: 1 });
        const inDays = Math.round(next.diff(today, 'days').days);
        return {
          match: inDays <= rule.withinNextDays,
          reason: `${rule.trait} anniversary is in ${inDays} days (within ${rule.withinNextDays}, ${zone})`,
        };
      }
      case 'performed': {
        const count = rule.count ?? { op: 'atLeast' as const, n: 1 };
        // Newest first: the answer can only change as the n-th or (n+1)-th newest leaves the window.
        const found = await timestamps(ctx, eventQuery(ctx, rule, rule.withinDays), count.n + 1, -1);
        const leaves = (i: number) => {
          if (rule.withinDays !== undefined && i >= 0 && i < found.length)
            ctx.checkAt(found[i] + rule.withinDays * DAY_MS);
        };
        if (count.op !== 'atMost' && found.length >= count.n) leaves(count.n - 1);
        if (count.op !== 'atLeast') leaves(count.n);
        const shown = found.length > count.n ? `more than ${count.n}` : String(found.length);
        const window = rule.withinDays === undefined ? 'ever' : `in ${rule.withinDays} days`;
        return {
          match: COUNT_TEST[count.op](found.length, count.n),
          reason: `performed ${rule.event} ${shown} times ${window} (${count.op} ${count.n})`,
        };
      }
      case 'notPerformed': {
        const [last] = await timestamps(ctx, eventQuery(ctx, rule, rule.withinDays), 1, -1);
        if (last !== undefined) ctx.checkAt(last + rule.withinDays * DAY_MS);
        return {
          match: last === undefined,
          reason:
            last === undefined
              ? `no ${rule.event} in ${rule.withinDays} days`
              : `last ${rule.event} at ${new Date(last).toISOString()}, within ${rule.withinDays} days`,
        };
      }
      case 'performedAt': {
        const [at] = await timestamps(ctx, eventQuery(ctx, rule), 1, rule.which === 'first' ? 1 : -1);
        const bound =
          rule.at !== undefined ? Date.parse(rule.at) : ctx.now.getTime() - (rule.daysAgo ?? 0) * DAY_MS;
        if (at !== undefined && rule.daysAgo !== undefined) ctx.checkAt(at + rule.daysAgo * DAY_MS);
        const match = at !== undefined && (rule.op === 'before' ? at <= bound : at > bound);
        const when = at === undefined ? 'never' : new Date(at).toISOString();
        return {
          match,
          reason: `${rule.which} ${rule.event} at ${when} (${rule.op} ${new Date(bound).toISOString()})`,
        };
      }
      case 'aggregate':
        return aggregate(ctx, rule);
      case 'computed':
      case 'computedDate':
        return computedLeaf(rule, await ctx.computed(), ctx.now, ctx.checkAt);
      case 'subscribed': {
        const subscribed = (await ctx.subscriptions()).topics[rule.topic] === true;
        return { match: subscribed, reason: `${subscribed ? '' : 'not '}subscribed to ${rule.topic}` };
      }
      case 'reachable': {
        const trait = rule.channel === 'email' ? 'email' : 'phone';
        const profile = await ctx.profile();
        const has = new Query({ [traitPath(trait)]: { $nin: [null, ''] } }).test(profile ?? {});
        const optedOut = (await ctx.subscriptions()).channels[rule.channel] === false;
        const address = String((profile?.traits as Record<string, unknown> | undefined)?.[trait] ?? '');
        const bounced =
          has && suppressionOf(await suppressed.read(ctx.customerId), rule.channel, address, false);
        return {
          match: has && !optedOut && !bounced,
          reason: !has
            ? `has no ${trait}`
            : optedOut
              ? `unsubscribed from ${rule.channel}`
              : bounced
                ? `suppressed on ${rule.channel} (${bounced.kind.replace('_', ' ')})`
                : `reachable by ${rule.channel}`,
        };
      }
      case 'inSegment': {
        const member = ctx.snapshot
          ? ctx.snapshot.members.has(rule.segment)
          : (await members.countDocuments({ _id: `${rule.segment}:${ctx.customerId}` }, { limit: 1 })) > 0;
        return { match: member, reason: `${member ? 'in' : 'not in'} segment ${rule.segment}` };
      }
      case 'bucket': {
        const bucket = Math.floor(stickyPercentile(ctx.customerId, rule.seed ?? ctx.segment.id));
        return {
          match: bucket >= rule.from && bucket <= rule.to,
          reason: `bucket ${bucket} (${rule.from}-${rule.to})`,
        };
      }
      default:
        return { match: false, reason: `unknown rule ${(rule as { kind: string }).kind}` };
    }
  };

  const aggregate = async (ctx: Context, rule: Extract<LeafRule, { kind: 'aggregate' }>) => {
    const docs = await matching(ctx, eventQuery(ctx, rule, rule.withinDays));
    if (rule.withinDays !== undefined && docs.length)
      ctx.checkAt(Date.parse(docs[0].timestamp) + rule.withinDays * DAY_MS);
    const values =
      rule.fn === 'count'
        ? docs.map(() => 1)
        : docs
            .map((d) => Number(decodeRecord(d.properties)[rule.property as string] ?? Number.NaN))
            .filter((n) => Number.isFinite(n));
    const total = values.reduce((a, b) => a + b, 0);
    const result = {
      sum: total,
      count: values.length,
      avg: values.length ? total / values.length : Number.NaN,
      min: values.length ? Math.min(...values) : Number.NaN,
      max: values.length ? Math.max(...values) : Number.NaN,
    }[rule.fn];
    const label =
      rule.fn === 'count' ? `count of ${rule.event}` : `${rule.fn} of ${rule.event}.${rule.property}`;
    const rounded = Number.isFinite(result) ? Number(result.toFixed(6)) : 'none';
    return {
      match: Number.isFinite(result) && COMPARE[rule.op](result, rule.value),
      reason: `${label} is ${rounded} (${rule.op} ${rule.value})`,
    };
  };

  const tree = async (ctx: Context, rule: SegmentRule): Promise<{ match: boolean; reason: string }> => {
    if ('all' in rule) {
      const reasons: string[] = [];
      for (const child of rule.all) {
        const result = await tree(ctx, child);
        if (!result.match) return result;
        reasons.push(result.reason);
      }
      return { match: true, reason: reasons.join('; ') };
    }
    if ('any' in rule) {
      const reasons: string[] = [];
      for (const child of rule.any) {
        const result = await tree(ctx, child);
        if (result.match) return result;
        reasons.push(result.reason);
      }
      return { match: false, reason: reasons.join('; ') };
    }
    if ('not' in rule) {
      const inner = await tree(ctx, rule.not);
      return { match: !inner.match, reason: `not (${inner.reason})` };
    }
    return leaf(ctx, rule);
  };

  return {
    /** Whether the customer matches the segment's rules now; a manual segment is never evaluated. */
    /** With a `snapshot` (see loadSnapshots) it reads nothing from the store but consent. */
    async evaluate(
      segment: SegmentDefinition,
      customerId: string,
      now = new Date(),
      snapshot?: CustomerSnapshot,
    ): Promise<Evaluation> {
      if (segment.kind === 'manual' || !segment.rules) return { member: false, reason: 'manual segment' };
      const ctx = context(segment, customerId, now, snapshot);
      const result = await tree(ctx, segment.rules);
      const next = ctx.checks.length ? new Date(Math.min(...ctx.checks)).toISOString() : undefined;
      return { member: result.match, reason: result.reason, ...(next ? { nextCheckAt: next } : {}) };
    },
  };
}

export type SegmentEvaluator = ReturnType<typeof segmentEvaluator>;
