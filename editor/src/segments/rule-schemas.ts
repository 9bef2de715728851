import { LEAF_RULES, type LeafKind, type SegmentRule } from '@itinera/schemas';
import { defaultFor, type JsonSchema } from '../graph/json-schema.ts';

/** Words for the rule kinds, in the order the picker offers them. */
export const RULE_KINDS: Record<LeafKind, string> = {
  attribute: 'Profile attribute',
  computed: 'Computed attribute',
  computedDate: 'Computed date relative to now',
  attributeDate: 'Date attribute relative to now',
  anniversary: 'Anniversary in the next days',
  performed: 'Performed an event',
  notPerformed: 'Did not perform an event',
  performedAt: 'First / last time an event was performed',
  aggregate: 'Sum / average / min / max / count of an event property',
  subscribed: 'Subscribed to a topic',
  reachable: 'Reachable on a channel',
  inSegment: 'In another segment',
  bucket: 'Random bucket (holdouts, tests)',
};

/** Pickers the generated form offers for names the store already knows. */
const WIDGETS: Record<string, string> = {
  event: 'event-name',
  trait: 'profile-attribute',
  segment: 'segment',
};

/** The leaf's schema without `kind` (the picker sets it), with pickers on names. */
export function leafFormSchema(kind: LeafKind): JsonSchema {
  const schema = LEAF_RULES[kind] as unknown as JsonSchema;
  const properties: Record<string, JsonSchema> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (key === 'kind') continue;
    properties[key] = WIDGETS[key] ? { ...child, 'x-widget': WIDGETS[key] } : child;
  }
  return { ...schema, properties, required: (schema.required ?? []).filter((k) => k !== 'kind') };
}

export function newLeaf(kind: LeafKind): SegmentRule {
  return { ...(defaultFor(leafFormSchema(kind)) as object), kind } as SegmentRule;
}

/** `rules.all[2].count.n` under the leaf `rules.all[2]` is the form's field `count.n`. */
export function invalidFieldOf(problemPath: string | undefined, leafPath: string): string | null {
  if (!problemPath?.startsWith(`${leafPath}.`)) return null;
  return problemPath
    .slice(leafPath.length + 1)
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
}
