import {
  DEFAULT_SETTINGS,
  type DocumentPromoPool,
  type DocumentTemplate,
  type GraphProblem,
  type ImportAction,
  type ImportResult,
  type JourneyDocument,
  type JourneyGraph,
  sortKeys,
  validateGraph,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import { canonicalDocument, journeyExporter, referencedIds, templateFields } from './journey-export.ts';
import { namedSegments, planSegments, writeSegments } from './journey-segments.ts';
import type { JourneyService, JourneyWithRevision } from './journeys.ts';
import { checkPattern, promoCodeService } from './promo-codes.ts';
import type { SegmentService } from './segments.ts';
import { checkTemplate, templateService } from './templates.ts';

/** Where a node without a `layout` entry (and no current position) is placed: one column, top to bottom. */
const NEW_NODE_SPACING = 150;

const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/** Re-raises an error about a part of the document with the field named by its path in the document. */
async function at<T>(path: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(error.statusCode, `${path}: ${error.message}`, `${path}.${error.field}`);
  }
}

function problemPath(problem: GraphProblem, document: JourneyDocument): string {
  const { nodes, edges } = document.journey;
  if (problem.edgeId) return `journey.edges.${edges.findIndex((e) => e.id === problem.edgeId)}`;
  if (problem.nodeId) {
    const index = nodes.findIndex((n) => n.id === problem.nodeId);
    return [`journey.nodes.${index}`, problem.field && `config.${problem.field}`].filter(Boolean).join('.');
  }
  return 'journey';
}

function graphOf(document: JourneyDocument, current: JourneyGraph | undefined): JourneyGraph {
  const positions = new Map(current?.nodes.map((n) => [n.id, n.position]));
  let placed = 0;
  return {
    nodes: document.journey.nodes.map((node) => ({
      ...node,
      position: document.layout?.[node.id] ??
        positions.get(node.id) ?? { x: 0, y: NEW_NODE_SPACING * placed++ },
    })),
    edges: document.journey.edges,
  };
}

/** Imports journey documents: checks everything first, then writes pools, templates and the journey draft. */
export function journeyImporter(db: Db, journeys: JourneyService, segments: SegmentService) {
  const exporter = journeyExporter(db, journeys);
  const templates = templateService(db, journeys);
  const promo = promoCodeService(db);

  const existingJourney = async (id: string | undefined) => {
    if (!id) return null;
    try {
      return await journeys.get(id);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 404) return null;
      throw error;
    }
  };

  const checkDocument = async (document: JourneyDocument, graph: JourneyGraph) => {
    for (const [section, items] of [
      ['templates', document.templates ?? []],
      ['promoPools', document.promoPools ?? []],
    ] as const) {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id))
          throw new HttpError(422, `${section}.${i}.id "${item.id}" is listed twice`, `${section}.${i}.id`);
        seen.add(item.id);
      });
    }
    const nodeIds = new Set(document.journey.nodes.map((n) => n.id));
    for (const id of Object.keys(document.layout ?? {}))
      if (!nodeIds.has(id))
        throw new HttpError(422, `layout names node "${id}", which is not in the journey`, `layout.${id}`);
    const problems = validateGraph(graph);
    if (problems.length > 0) {
      const field = problemPath(problems[0], document);
      const listed = problems.map((p) => ({ ...p, path: problemPath(p, document) }));
      throw new HttpError(422, `${field}: ${problems[0].message}`, field, { problems: listed });
    }
    for (const [i, template] of (document.templates ?? []).entries())
      await at(`templates.${i}`, () => checkTemplate(template));
    for (const [i, pool] of (document.promoPools ?? []).entries()) {
      if (pool.kind === 'pattern' && !pool.pattern)
        throw new HttpError(422, 'A pattern pool needs a pattern', `promoPools.${i}.pattern`);
      if (pool.kind === 'list' && pool.pattern !== undefined)
        throw new HttpError(422, 'Only pattern pools take a pattern', `promoPools.${i}.pattern`);
      if (pool.pattern) await at(`promoPools.${i}`, () => checkPattern(pool.pattern!));
    }
  };

  /** Every template and pool a node names must come with the document or already be stored. */
  const checkReferences = async (document: JourneyDocument, graph: JourneyGraph) => {
    const ids = (items: { id: string }[] = []) => items.map((item) => item.id);
    const stored = await exporter.stored(
      [...referencedIds(graph, 'templateId'), ...ids(document.templates)],
      [...referencedIds(graph, 'promoPool'), ...ids(document.promoPools)],
    );
    for (const [key, listed, found] of [
      ['templateId', document.templates ?? [], stored.templates],
      ['promoPool', document.promoPools ?? [], stored.promoPools],
    ] as const) {
      const known = new Set([...listed, ...found].map((item) => item.id));
      const missing = referencedIds(graph, key).find((id) => !known.has(id));
      if (missing === undefined) continue;
      const index = document.journey.nodes.findIndex((n) => n.config[key] === missing);
      const field = `journey.nodes.${index}.config.${key}`;
      throw new HttpError(422, `${field}: "${missing}" is neither in the document nor stored`, field);
    }
    return stored;
  };

  const templateAction = (wanted: DocumentTemplate, stored: DocumentTemplate[]): ImportAction => {
    const current = stored.find((t) => t.id === wanted.id);
    if (!current) return 'create';
    return same(current, templateFields(wanted)) ? 'unchanged' : 'update';
  };

  const poolAction = (wanted: DocumentPromoPool, stored: DocumentPromoPool[], i: number): ImportAction => {
    const current = stored.find((p) => p.id === wanted.id);
    if (!current) return 'create';
    if (current.kind !== wanted.kind || (current.pattern ?? null) !== (wanted.pattern ?? null))
      throw new HttpError(
        409,
        `Promo pool "${wanted.id}" exists as a ${current.kind} pool${current.pattern ? ` (${current.pattern})` : ''}; a pool's kind and pattern cannot change`,
        `promoPools.${i}.kind`,
      );
    return 'unchanged';
  };

  const journeyAction = (
    document: JourneyDocument,
    graph: JourneyGraph,
    current: JourneyWithRevision | null,
  ): ImportAction => {
    if (!current) return 'create';
    if (current.status === 'archived')
      throw new HttpError(409, `Journey "${current.id}" is archived; unarchive it to import`, 'journey.id');
    const settings = { ...DEFAULT_SETTINGS, ...document.journey.settings };
    // Compared in canonical order: a draft saved by the editor in another node order is not a change.
    const wanted = canonicalDocument({ name: document.journey.name, settings, graph });
    const stored = canonicalDocument({
      name: current.name,
      settings: current.settings,
      graph: current.graph,
    });
    return same(stored, wanted) ? 'unchanged' : 'update';
  };

  const writeTemplate = async (template: DocumentTemplate, action: ImportAction) => {
    const { id, ...content } = template;
    const fields = { ...content, subject: content.subject ?? '', text: content.text ?? '' };
    if (action === 'update') return templates.update(id, fields);
    try {
      await templates.create(template);
    } catch (error) {
      // Created by a concurrent import since the check: this one's content wins, as an update would.
      if (!(error instanceof HttpError && error.statusCode === 409)) throw error;
      await templates.update(id, fields);
    }
  };

  const writeJourney = async (document: JourneyDocument, graph: JourneyGraph, action: ImportAction) => {
    const input = {
      name: document.journey.name,
      graph,
      settings: { ...DEFAULT_SETTINGS, ...document.journey.settings },
    };
    if (action === 'update') return journeys.update(document.journey.id!, input);
    try {
      return await journeys.create(input, document.journey.id);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      return journeys.update(document.journey.id!, input);
    }
  };

  return {
    async import(document: JourneyDocument, { dryRun = false } = {}): Promise<ImportResult> {
      const current = await existingJourney(document.journey.id);
      const graph = graphOf(document, current?.graph);
      await checkDocument(document, graph);
      const stored = await checkReferences(document, graph);
      const templatePlan = (document.templates ?? []).map((t) => ({
        ...t,
        action: templateAction(t, stored.templates),
      }));
      const poolPlan = (document.promoPools ?? []).map((p, i) => ({
        ...p,
        action: poolAction(p, stored.promoPools, i),
      }));
      const segmentPlan = await planSegments(
        db,
        document.segments ?? [],
        namedSegments(graph, { ...DEFAULT_SETTINGS, ...document.journey.settings }),
      );
      const action = journeyAction(document, graph, current);
      let id = document.journey.id ?? '(new)';
      if (!dryRun) {
        for (const pool of poolPlan) if (pool.action === 'create') await createPool(pool);
        for (const template of templatePlan)
          if (template.action !== 'unchanged') await writeTemplate(template, template.action);
        await writeSegments(segments, segmentPlan);
        if (action !== 'unchanged') id = (await writeJourney(document, graph, action)).id;
      }
      return {
        dryRun,
        journey: { id, action },
        templates: templatePlan.map((t) => ({ id: t.id, action: t.action })),
        promoPools: poolPlan.map((p) => ({ id: p.id, action: p.action })),
        ...(segmentPlan.length ? { segments: segmentPlan.map((s) => ({ id: s.id, action: s.action })) } : {}),
      };
    },
  };

  async function createPool({ id, name, kind, pattern }: DocumentPromoPool) {
    try {
      await promo.create({ id, name, kind, ...(pattern ? { pattern } : {}) });
    } catch (error) {
      if (!(error instanceof HttpError && error.statusCode === 409)) throw error;
    }
  }
}
