import { loadRuleSegments, type SegmentDoc } from '@itinera/nodes/segments';
import { decodeKey, SEGMENT_EVENTS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { EventDoc } from './event-parsing.ts';

/** How stale a process's list of segments may be. */
export const SEGMENT_INDEX_TTL_MS = 1_000;
/**
 * A backfill waits this long after its segment changed, so that every process's list of segments has the
 * change by then: an event evaluated with the old list was stored before the backfill reads its customer.
 */
export const BACKFILL_SETTLE_MS = 3 * SEGMENT_INDEX_TTL_MS;

/** The live rule segments, read from the store at most once per TTL (and again after a local change). */
export function segmentIndex(db: Db, ttlMs = SEGMENT_INDEX_TTL_MS) {
  let cached: { at: number; docs: Promise<SegmentDoc[]> } | null = null;
  return {
    get(): Promise<SegmentDoc[]> {
      if (cached && Date.now() - cached.at < ttlMs) return cached.docs;
      const docs = loadRuleSegments(db);
      cached = { at: Date.now(), docs };
      docs.catch(() => {
        cached = null;
      });
      return docs;
    },
    invalidate() {
      cached = null;
    },
  };
}

/**
 * The segments an event can change: those reading its event or one of the traits it sets; for a
 * `segment_entered` / `segment_exited` event only those that refer to that segment.
 */
export function affectedBy(
  docs: SegmentDoc[],
  doc: Pick<EventDoc, 'event' | 'properties' | 'traits'>,
): SegmentDoc[] {
  const traits = new Set(Object.keys(doc.traits ?? {}).map(decodeKey));
  const changed =
    doc.event === SEGMENT_EVENTS.entered || doc.event === SEGMENT_EVENTS.exited
      ? (doc.properties as { segment?: unknown } | undefined)?.segment
      : undefined;
  return docs.filter((s) =>
    typeof changed === 'string'
      ? s.reads.segments.includes(changed)
      : s.reads.events.includes(doc.event) || s.reads.traits.some((t) => traits.has(t)),
  );
}
