import {
  COLLECTIONS,
  DOCUMENT_KIND,
  type DocumentPromoPool,
  type DocumentSegment,
  type DocumentTemplate,
  type JourneyDocument,
  type JourneyGraph,
  type JourneySettings,
  type PromoPoolDoc,
  sortKeys,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { stringify } from 'yaml';
import { exportSegments, namedSegments, segmentFields } from './journey-segments.ts';
import type { JourneyService } from './journeys.ts';

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Ids a graph's nodes name in `config[key]` (Send nodes: `templateId`, `promoPool`), sorted, once each. */
export function referencedIds(graph: Pick<JourneyGraph, 'nodes'>, key: 'templateId' | 'promoPool'): string[] {
  const ids = new Set<string>();
  for (const node of graph.nodes) {
    const value = node.config[key];
    if (typeof value === 'string' && value) ids.add(value);
  }
  return [...ids].sort(byCodePoint);
}

/**
 * The canonical document of a graph: nodes by id, edges by (source, port, target, id), config keys sorted,
 * empty sections left out. Export writes it; import compares against it, so a round trip changes nothing.
 */
export function canonicalDocument(parts: {
  id?: string;
  name: string;
  settings: Partial<JourneySettings>;
  graph: JourneyGraph;
  templates?: DocumentTemplate[];
  promoPools?: DocumentPromoPool[];
  segments?: DocumentSegment[];
  layout?: boolean;
}): JourneyDocument {
  const nodes = [...parts.graph.nodes].sort((a, b) => byCodePoint(a.id, b.id));
  const edges = [...parts.graph.edges].sort(
    (a, b) =>
      byCodePoint(a.source, b.source) ||
      byCodePoint(a.sourcePort, b.sourcePort) ||
      byCodePoint(a.target, b.target) ||
      byCodePoint(a.id, b.id),
  );
  const templates = [...(parts.templates ?? [])].sort((a, b) => byCodePoint(a.id, b.id));
  const promoPools = [...(parts.promoPools ?? [])].sort((a, b) => byCodePoint(a.id, b.id));
  return {
    kind: DOCUMENT_KIND,
    journey: {
      ...(parts.id ? { id: parts.id } : {}),
      name: parts.name,
      settings: sortKeys(parts.settings),
      nodes: nodes.map(({ id, type, label, config }) => ({
        id,
        type,
        ...(label !== undefined ? { label } : {}),
        config: sortKeys(config),
      })),
      edges: edges.map(({ id, source, sourcePort, target }) => ({ id, source, sourcePort, target })),
    },
    ...(templates.length ? { templates: templates.map(templateFields) } : {}),
    ...(promoPools.length ? { promoPools: promoPools.map(poolFields) } : {}),
    ...(parts.segments?.length
      ? { segments: [...parts.segments].sort((a, b) => byCodePoint(a.id, b.id)).map(segmentFields) }
      : {}),
    ...(parts.layout === false
      ? {}
      : { layout: Object.fromEntries(nodes.map((n) => [n.id, { x: n.position.x, y: n.position.y }])) }),
  };
}

export function templateFields(t: DocumentTemplate): DocumentTemplate {
  return {
    id: t.id,
    name: t.name,
    channel: t.channel,
    ...(t.subject ? { subject: t.subject } : {}),
    body: t.body,
    ...(t.text ? { text: t.text } : {}),
  };
}

export function poolFields(p: DocumentPromoPool): DocumentPromoPool {
  return { id: p.id, name: p.name, kind: p.kind, ...(p.pattern ? { pattern: p.pattern } : {}) };
}

/** YAML for people and diffs: no line folding, no anchors, block scalars for multi-line text. */
export function documentYaml(document: JourneyDocument): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function journeyExporter(db: Db, journeys: JourneyService) {
  const templates = db.collection<DocumentTemplate & { _id: string }>(COLLECTIONS.templates);
  const pools = db.collection<PromoPoolDoc>(COLLECTIONS.promoPools);

  /** The stored templates and pools among these ids. */
  const stored = async (templateIds: string[], poolIds: string[]) => {
    const [templateDocs, poolDocs] = await Promise.all([
      templateIds.length ? templates.find({ _id: { $in: templateIds } }).toArray() : [],
      poolIds.length ? pools.find({ _id: { $in: poolIds } }).toArray() : [],
    ]);
    return {
      templates: templateDocs.map(({ _id, ...t }) => templateFields({ ...t, id: _id })),
      promoPools: poolDocs.map(({ _id, ...p }) => poolFields({ ...p, id: _id })),
    };
  };
  /** The stored templates and pools a graph names; ones deleted since are left out (import reports them). */
  const referenced = (graph: JourneyGraph) =>
    stored(referencedIds(graph, 'templateId'), referencedIds(graph, 'promoPool'));

  return {
    stored,
    /** The draft (no version) or a published version, with what it references. */
    async export(id: string, options: { version?: number; layout?: boolean }): Promise<JourneyDocument> {
      const source = options.version ? await journeys.version(id, options.version) : await journeys.get(id);
      return canonicalDocument({
        id,
        name: source.name,
        settings: source.settings,
        graph: source.graph,
        ...(await referenced(source.graph)),
        segments: await exportSegments(db, namedSegments(source.graph, source.settings)),
        layout: options.layout,
      });
    },
  };
}
