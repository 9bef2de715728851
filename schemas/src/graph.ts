import { type Static, Type } from '@sinclair/typebox';

export const NodeId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const JourneyNode = Type.Object(
  {
    id: NodeId,
    type: Type.String({ minLength: 1 }),
    config: Type.Record(Type.String(), Type.Unknown()),
    position: Type.Object({ x: Type.Number(), y: Type.Number() }),
    label: Type.Optional(Type.String({ maxLength: 120 })),
  },
  { additionalProperties: false },
);
export type JourneyNode = Static<typeof JourneyNode>;

export const JourneyEdge = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    source: NodeId,
    sourcePort: Type.String({ minLength: 1 }),
    target: NodeId,
  },
  { additionalProperties: false },
);
export type JourneyEdge = Static<typeof JourneyEdge>;

export const JourneyGraph = Type.Object(
  { nodes: Type.Array(JourneyNode, { maxItems: 2000 }), edges: Type.Array(JourneyEdge, { maxItems: 5000 }) },
  { additionalProperties: false },
);
export type JourneyGraph = Static<typeof JourneyGraph>;

/** A sticky note on the canvas: editor-only, stored with the draft and its versions, never run. */
export const CanvasNote = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    text: Type.String({ maxLength: 2000 }),
    position: Type.Object({ x: Type.Number(), y: Type.Number() }),
  },
  { additionalProperties: false },
);
export type CanvasNote = Static<typeof CanvasNote>;
export const CanvasNotes = Type.Array(CanvasNote, { maxItems: 200 });

export const JourneyStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('live'),
  Type.Literal('paused'),
  Type.Literal('archived'),
]);
export type JourneyStatus = Static<typeof JourneyStatus>;

export const JourneySettings = Type.Object(
  {
    defaultTimezone: Type.String({ default: 'UTC' }),
    maxLoopIterations: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
    /** 1-10; when frequency caps bind, journeys below 5 leave the last slot to higher-priority ones. */
    priority: Type.Integer({ minimum: 1, maximum: 10, default: 5 }),
    /** Share of entrants (stable per customer) held out: enrolled and counted, sent nothing. */
    holdoutPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 50 })),
    /** Transactional journeys ignore the workspace's global control group. */
    transactional: Type.Optional(Type.Boolean()),
    /** Only members of this segment may enter (checked at entry; a missing segment admits no one). */
    audienceSegment: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 200, 'x-widget': 'segment' }), Type.Null()], {
        description: 'null (or absent): everyone may enter',
      }),
    ),
  },
  { additionalProperties: false },
);
export type JourneySettings = Static<typeof JourneySettings>;

export const JourneyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    graph: JourneyGraph,
    settings: Type.Optional(Type.Partial(JourneySettings)),
    notes: Type.Optional(CanvasNotes),
  },
  { additionalProperties: false },
);
export type JourneyInput = Static<typeof JourneyInput>;

export interface Journey {
  id: string;
  name: string;
  status: JourneyStatus;
  graph: JourneyGraph;
  settings: JourneySettings;
  /** Sticky notes on the editor's canvas; never part of what runs. */
  notes?: CanvasNote[];
  liveVersion: number | null;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** A published, immutable snapshot of a journey's graph; enrollments pin one. */
export interface JourneyVersion {
  journeyId: string;
  version: number;
  name: string;
  graph: JourneyGraph;
  settings: JourneySettings;
  /** The draft's canvas notes when it was published, shown read-only; the workflow never sees them. */
  notes?: CanvasNote[];
  note: string;
  publishedAt: string;
  /** What the version's nodes listen for, computed at publish (absent on versions published before). */
  listensFor?: import('./interest.ts').EventInterest;
}

export const DEFAULT_SETTINGS: JourneySettings = {
  defaultTimezone: 'UTC',
  maxLoopIterations: 100,
  priority: 5,
};

export function outgoingEdge(
  graph: Pick<JourneyGraph, 'edges'>,
  nodeId: string,
  port: string,
): JourneyEdge | undefined {
  return graph.edges.find((e) => e.source === nodeId && e.sourcePort === port);
}
