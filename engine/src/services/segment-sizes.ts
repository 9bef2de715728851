import { COLLECTIONS, type SegmentSizeBucket, type SegmentSizeHistory } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';

const BUCKET_MS: Record<SegmentSizeBucket, number> = { hour: 3_600_000, day: 86_400_000 };
const DEFAULT_RANGE_MS = 30 * 86_400_000;
const MAX_BUCKETS = 1_000;

interface Range {
  from?: string;
  to?: string;
  bucket?: SegmentSizeBucket;
}

/**
 * A segment's size per hour or day, from `segment_changes`: the members at the start are the entries
 * minus the exits before it (one grouped count), then the range's changes stream through the
 * `{ segmentId, kind, at }` index into per-bucket counters, so memory grows with buckets, not changes.
 */
export function segmentSizes(db: Db) {
  const changes = db.collection<{ segmentId: string; kind: 'entered' | 'exited'; at: string }>(
    COLLECTIONS.segmentChanges,
  );
  const members = db.collection(COLLECTIONS.segmentMembers);

  return async (segmentId: string, range: Range): Promise<SegmentSizeHistory> => {
    const bucket = range.bucket ?? 'day';
    const step = BUCKET_MS[bucket];
    const toMs = range.to ? Date.parse(range.to) : Date.now();
    const asked = range.from ? Date.parse(range.from) : toMs - DEFAULT_RANGE_MS;
    const fromMs = Math.floor(asked / step) * step;
    if (!(toMs > fromMs)) throw new HttpError(400, 'from must be before to', 'from');
    const buckets = Math.ceil((toMs - fromMs) / step);
    if (buckets > MAX_BUCKETS)
      throw new HttpError(400, `the range holds ${buckets} ${bucket}s; at most ${MAX_BUCKETS}`, 'from');
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();

    const kinds = { segmentId, kind: { $in: ['entered', 'exited'] as ('entered' | 'exited')[] } };
    const before = async () => {
      const counts = await changes
        .aggregate<{ _id: 'entered' | 'exited'; n: number }>([
          { $match: { ...kinds, at: { $lt: from } } },
          { $group: { _id: '$kind', n: { $sum: 1 } } },
        ])
        .toArray();
      return counts.reduce((size, c) => size + (c._id === 'entered' ? c.n : -c.n), 0);
    };
    const perBucket = async () => {
      const entered = new Array<number>(buckets).fill(0);
      const exited = new Array<number>(buckets).fill(0);
      const cursor = changes.find(
        { ...kinds, at: { $gte: from, $lt: to } },
        { projection: { _id: 0, kind: 1, at: 1 } },
      );
      for await (const { kind, at } of cursor)
        (kind === 'entered' ? entered : exited)[Math.floor((Date.parse(at) - fromMs) / step)]++;
      return { entered, exited };
    };
    const [atStart, { entered, exited }, current] = await Promise.all([
      before(),
      perBucket(),
      members.countDocuments({ segmentId }),
    ]);
    let size = atStart;
    const points = entered.map((n, i) => {
      size += n - exited[i];
      return { at: new Date(fromMs + i * step).toISOString(), size, entered: n, exited: exited[i] };
    });
    return { segmentId, bucket, current, points };
  };
}
