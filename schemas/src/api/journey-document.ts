import { type Static, Type } from '@sinclair/typebox';
import { JourneyEdge, JourneySettings, NodeId } from '../graph.ts';
import { RuleTree, SegmentKind } from './segments.ts';
import { MessageChannel } from './settings.ts';

/**
 * A journey as code: the journey with everything it references, as the export route writes it (YAML or
 * JSON) and the import route, the CLI and the editor read it. Ids are the store's, so a document maps onto
 * the same journey, templates and promo pools wherever it is imported. Editor positions live apart in
 * `layout`, so a review can ignore them.
 */
export const DOCUMENT_KIND = 'itinera/journey@1';

const Slug = (maxLength: number, description: string) =>
  Type.String({ pattern: `^[a-z0-9][a-z0-9_-]{0,${maxLength - 1}}$`, description });

export const DocumentNode = Type.Object(
  {
    id: NodeId,
    type: Type.String({ minLength: 1 }),
    label: Type.Optional(Type.String({ maxLength: 120 })),
    config: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type DocumentNode = Static<typeof DocumentNode>;

export const DocumentTemplate = Type.Object(
  {
    id: Slug(100, 'Template id (slug)'),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    channel: MessageChannel,
    subject: Type.Optional(Type.String({ maxLength: 2_000 })),
    body: Type.String({ maxLength: 100_000 }),
    text: Type.Optional(Type.String({ maxLength: 100_000 })),
  },
  { additionalProperties: false },
);
export type DocumentTemplate = Static<typeof DocumentTemplate>;

export const DocumentPromoPool = Type.Object(
  {
    id: Slug(64, 'Promo pool id (slug); Send nodes name it in `promoPool`'),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union([Type.Literal('list'), Type.Literal('pattern')]),
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type DocumentPromoPool = Static<typeof DocumentPromoPool>;

/** A saved test scenario, in the shape of `GET/PUT /v1/journeys/{id}/scenarios`; carried, not interpreted. */
export const DocumentScenario = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    profile: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    steps: Type.Array(
      Type.Object(
        {
          after: Type.Union([Type.String({ minLength: 1 }), Type.Number()], {
            description: 'Simulated time of the step, as the test-run API reads it (e.g. "1d")',
          }),
          event: Type.String({ minLength: 1, maxLength: 200 }),
          properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: true },
      ),
      { maxItems: 200 },
    ),
    expect: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type DocumentScenario = Static<typeof DocumentScenario>;

/** A segment the journey names (its audience, an "is in segment" rule), or one such a segment refers to. */
export const DocumentSegment = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, description: 'Segment id' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: SegmentKind,
    description: Type.Optional(Type.String({ maxLength: 2_000 })),
    rules: Type.Optional(RuleTree),
  },
  { additionalProperties: false },
);
export type DocumentSegment = Static<typeof DocumentSegment>;

export const JourneyDocument = Type.Object(
  {
    kind: Type.Literal(DOCUMENT_KIND),
    journey: Type.Object(
      {
        id: Type.Optional(
          Type.String({
            pattern: '^[A-Za-z0-9_-]{1,100}$',
            description: 'Absent: import creates a new journey',
          }),
        ),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        settings: Type.Optional(Type.Partial(JourneySettings)),
        nodes: Type.Array(DocumentNode, { maxItems: 2000 }),
        edges: Type.Array(JourneyEdge, { maxItems: 5000 }),
      },
      { additionalProperties: false },
    ),
    templates: Type.Optional(Type.Array(DocumentTemplate, { maxItems: 500 })),
    promoPools: Type.Optional(Type.Array(DocumentPromoPool, { maxItems: 100 })),
    /** Definitions only: a manual segment's members stay where they are. */
    segments: Type.Optional(Type.Array(DocumentSegment, { maxItems: 100 })),
    scenarios: Type.Optional(Type.Array(DocumentScenario, { maxItems: 100 })),
    /** Editor positions by node id; nodes without one keep their current position or are laid out anew. */
    layout: Type.Optional(
      Type.Record(
        NodeId,
        Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type JourneyDocument = Static<typeof JourneyDocument>;

export const ExportQuery = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'A published version; the draft if absent' }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')], { default: 'yaml' })),
    layout: Type.Optional(Type.Boolean({ default: true, description: 'false leaves out editor positions' })),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Check and report, change nothing' })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

const ImportAction = Type.Union(['create', 'update', 'unchanged'].map((a) => Type.Literal(a)));
export type ImportAction = 'create' | 'update' | 'unchanged';
const Applied = Type.Object({ id: Type.String(), action: ImportAction }, { additionalProperties: true });

export const ImportResult = Type.Object(
  {
    dryRun: Type.Boolean(),
    journey: Applied,
    templates: Type.Array(Applied),
    promoPools: Type.Array(Applied),
    segments: Type.Optional(Type.Array(Applied)),
  },
  { additionalProperties: true },
);
export type ImportResult = Static<typeof ImportResult>;

/** The value with every object's keys in code-point order (arrays keep theirs): one spelling per value. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)])) as T;
}
