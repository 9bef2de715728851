import {
  COLLECTIONS,
  decodeStored,
  type LeafRule,
  ruleLeaves,
  SEGMENT_EVENTS,
  type SegmentRule,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';

/** Every leaf of a rule tree with its path (`rules.all[2]`), for errors that name it. */
export function leafPaths(rule: SegmentRule, path = 'rules'): { path: string; leaf: LeafRule }[] {
  if ('all' in rule) return rule.all.flatMap((r, i) => leafPaths(r, `${path}.all[${i}]`));
  if ('any' in rule) return rule.any.flatMap((r, i) => leafPaths(r, `${path}.any[${i}]`));
  if ('not' in rule) return leafPaths(rule.not, `${path}.not`);
  return [{ path, leaf: rule }];
}

const SEGMENT_EVENT_NAMES: string[] = Object.values(SEGMENT_EVENTS);

/**
 * Whether a segment (found by what it reads) can change with this event. A `segment_entered` / `segment_exited`
 * event concerns only the segments that refer to the one it names, or that count such events themselves, and
 * never the named segment: its exit is emitted before its member document goes, and re-evaluating it then would
 * leave it again, emitting the same event, without end.
 */
export function readsEvent(
  segment: { _id: string; rules?: unknown; reads: { segments: string[] } },
  event: { event: string; properties?: Record<string, unknown> },
): boolean {
  if (!SEGMENT_EVENT_NAMES.includes(event.event)) return true;
  const named = event.properties?.segment;
  if (named === segment._id) return false;
  if (typeof named === 'string' && segment.reads.segments.includes(named)) return true;
  const rules = segment.rules ? (decodeStored(segment.rules) as SegmentRule) : undefined;
  return !!rules && ruleLeaves(rules).some((leaf) => 'event' in leaf && leaf.event === event.event);
}

interface ComputedDefinition {
  _id: string;
  event: string;
  kind: string;
}
const DATE_KINDS = ['first_at', 'last_at'];
/** As the computed-attribute service: a process may route with a definition list this old. */
const DEFINITIONS_TTL_MS = 1_000;

/** What segment rules need to know of computed attributes: that they exist, and which events change them. */
export function computedRefs(db: Db) {
  const definitions = db.collection<ComputedDefinition>(COLLECTIONS.computedAttributes);
  let cached: { at: number; list: Promise<ComputedDefinition[]> } | null = null;
  const all = () => {
    if (!cached || Date.now() - cached.at > DEFINITIONS_TTL_MS)
      cached = {
        at: Date.now(),
        list: definitions.find({}, { projection: { event: 1, kind: 1 } }).toArray(),
      };
    return cached.list;
  };

  return {
    /** Refuses a rule on a computed attribute that does not exist, or a date rule on one that is no date. */
    async check(rules: SegmentRule) {
      for (const { path, leaf } of leafPaths(rules)) {
        if (leaf.kind !== 'computed' && leaf.kind !== 'computedDate') continue;
        const def = await definitions.findOne({ _id: leaf.attribute });
        const at = `${path}.attribute`;
        if (!def)
          throw new HttpError(
            400,
            `${at} names computed attribute "${leaf.attribute}", which does not exist`,
            at,
          );
        if (leaf.kind === 'computedDate' && !DATE_KINDS.includes(def.kind))
          throw new HttpError(
            400,
            `${at} names computed attribute "${leaf.attribute}", a ${def.kind}; a date rule needs first_at or last_at`,
            at,
          );
      }
    },
    /** The computed attributes an event of this name recomputes. */
    async changedBy(event: string): Promise<string[]> {
      return (await all()).filter((d) => d.event === event).map((d) => d._id);
    },
  };
}
