import { type Static, Type } from '@sinclair/typebox';

/** A segment's size over time, from its recorded entries and exits; shared by the API and the editor. */

export const SegmentSizeBucket = Type.Union([Type.Literal('hour'), Type.Literal('day')]);
export type SegmentSizeBucket = Static<typeof SegmentSizeBucket>;

export const SegmentSizeQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start, rounded down to the bucket; default 30 days ago',
      }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive); default now' })),
    bucket: Type.Optional(SegmentSizeBucket),
  },
  { additionalProperties: false },
);
export type SegmentSizeQuery = Static<typeof SegmentSizeQuery>;

const Count = Type.Integer({ minimum: 0 });

export const SegmentSizePoint = Type.Object({
  /** The bucket's start (UTC). */
  at: Type.String({ format: 'date-time' }),
  /** Members at the bucket's end (or at `to`, for the last bucket). */
  size: Type.Integer(),
  entered: Count,
  exited: Count,
});
export type SegmentSizePoint = Static<typeof SegmentSizePoint>;

export const SegmentSizeHistory = Type.Object({
  segmentId: Type.String(),
  bucket: SegmentSizeBucket,
  /** Members now. */
  current: Count,
  points: Type.Array(SegmentSizePoint),
});
export type SegmentSizeHistory = Static<typeof SegmentSizeHistory>;
