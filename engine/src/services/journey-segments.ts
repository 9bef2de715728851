import {
  COLLECTIONS,
  type DocumentSegment,
  decodeStored,
  type ImportAction,
  type JourneyGraph,
  type JourneySettings,
  type SegmentRule,
  segmentReads,
  segmentRuleProblem,
  sortKeys,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { SegmentService } from './segments.ts';

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface StoredSegment {
  _id: string;
  name: string;
  kind: 'rules' | 'manual';
  description?: string;
  rules?: unknown;
}

/** Segments a journey names itself: its audience and the condition rules "is in segment". */
export function namedSegments(graph: Pick<JourneyGraph, 'nodes'>, settings: Partial<JourneySettings>) {
  const ids = new Set<string>();
  if (settings.audienceSegment) ids.add(settings.audienceSegment);
  for (const node of graph.nodes) {
    const rules = node.type === 'condition' ? node.config.rules : undefined;
    if (!Array.isArray(rules)) continue;
    for (const rule of rules as { kind?: string; segment?: unknown }[])
      if (rule.kind === 'in_segment' && typeof rule.segment === 'string' && rule.segment)
        ids.add(rule.segment);
  }
  return ids;
}

const refsOf = (segment: Pick<DocumentSegment, 'rules'>) =>
  segment.rules ? segmentReads(segment.rules as SegmentRule).segments : [];

export function segmentFields(s: DocumentSegment): DocumentSegment {
  return sortKeys({
    id: s.id,
    name: s.name,
    kind: s.kind,
    ...(s.description ? { description: s.description } : {}),
    ...(s.rules ? { rules: s.rules } : {}),
  });
}

/** Stored, live segments by id, as document entries. */
export async function storedSegments(db: Db, ids: Iterable<string>): Promise<Map<string, DocumentSegment>> {
  const list = [...new Set(ids)];
  const docs = list.length
    ? await db
        .collection<StoredSegment & { deleted?: boolean }>(COLLECTIONS.segments)
        .find({ _id: { $in: list }, deleted: { $ne: true } })
        .toArray()
    : [];
  return new Map(
    docs.map(({ _id, rules, ...rest }) => [
      _id,
      segmentFields({ ...rest, id: _id, ...(rules ? { rules: decodeStored(rules) as SegmentRule } : {}) }),
    ]),
  );
}

/** The named segments and every segment their rules refer to, in id order (deleted ones left out). */
export async function exportSegments(db: Db, named: Set<string>): Promise<DocumentSegment[]> {
  const found = new Map<string, DocumentSegment>();
  let wanted = [...named];
  while (wanted.length) {
    const batch = await storedSegments(db, wanted);
    for (const [id, segment] of batch) found.set(id, segment);
    wanted = [...batch.values()].flatMap(refsOf).filter((id) => !found.has(id));
  }
  return [...found.values()].sort((a, b) => byCodePoint(a.id, b.id));
}

/**
 * Checks the document's segments before anything is written: each rule tree is well formed, and every segment
 * the journey or a segment names is in the document or stored. Returns each listed segment's action.
 */
export async function planSegments(
  db: Db,
  listed: DocumentSegment[],
  named: Set<string>,
): Promise<(DocumentSegment & { action: ImportAction })[]> {
  const seen = new Set<string>();
  for (const [i, segment] of listed.entries()) {
    const path = `segments.${i}`;
    if (seen.has(segment.id))
      throw new HttpError(422, `${path}.id "${segment.id}" is listed twice`, `${path}.id`);
    seen.add(segment.id);
    if ((segment.kind === 'rules') !== (segment.rules !== undefined))
      throw new HttpError(
        422,
        `${path}: a rules segment needs rules; a manual one has none`,
        `${path}.rules`,
      );
    const problem = segment.rules ? segmentRuleProblem(segment.rules) : null;
    if (problem)
      throw new HttpError(422, `${path}.${problem.path} ${problem.message}`, `${path}.${problem.path}`);
  }
  const wanted = [...named, ...listed.flatMap(refsOf)];
  const stored = await storedSegments(db, [...wanted, ...seen]);
  const missing = wanted.find((id) => !seen.has(id) && !stored.has(id));
  if (missing !== undefined)
    throw new HttpError(422, `segment "${missing}" is neither in the document nor stored`, 'segments');
  return listed.map((segment, i) => {
    const current = stored.get(segment.id);
    if (!current) return { ...segment, action: 'create' as const };
    if (current.kind !== segment.kind)
      throw new HttpError(
        409,
        `Segment "${segment.id}" exists as a ${current.kind} segment`,
        `segments.${i}.kind`,
      );
    const same = JSON.stringify(current) === JSON.stringify(segmentFields(segment));
    return { ...segment, action: same ? ('unchanged' as const) : ('update' as const) };
  });
}

/** Creates and updates segments, each after the segments its rules refer to. */
export async function writeSegments(
  segments: SegmentService,
  plan: (DocumentSegment & { action: ImportAction })[],
) {
  const pending = plan.filter((s) => s.action !== 'unchanged');
  const done = new Set(plan.filter((s) => s.action === 'unchanged').map((s) => s.id));
  const inPlan = new Set(plan.map((s) => s.id));
  while (pending.length) {
    const index = pending.findIndex((s) => refsOf(s).every((id) => done.has(id) || !inPlan.has(id)));
    // A cycle among the document's segments: writing one lets the service refuse it with its own message.
    const [next] = pending.splice(Math.max(0, index), 1);
    const { id, name, kind, description, rules } = next;
    if (next.action === 'create') await segments.create({ id, name, kind, description, rules });
    else await segments.update(id, { name, description, ...(rules ? { rules } : {}) });
    done.add(id);
  }
}
