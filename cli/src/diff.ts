import { type DocumentNode, type JourneyDocument, type JourneyEdge, sortKeys } from '@itinera/schemas';

/** One difference, as `diff` prints it: `+` added, `-` removed, `~` changed. */
export interface Change {
  sign: '+' | '-' | '~';
  what: string;
}

const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** Leaf-level differences between two values, as `path: old → new` (arrays compared whole). */
function valueChanges(path: string, from: unknown, to: unknown): string[] {
  if (same(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => valueChanges(`${path}.${key}`, from[key], to[key]));
  }
  return [`${path}: ${show(from)} → ${show(to)}`];
}

function byId<T extends { id: string }>(items: T[] = []): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function keyedChanges<T extends { id: string }>(
  kind: string,
  before: T[] | undefined,
  after: T[] | undefined,
  describe: (item: T) => string,
): Change[] {
  const from = byId(before);
  const to = byId(after);
  const changes: Change[] = [];
  for (const [id, item] of to) {
    const old = from.get(id);
    if (!old) changes.push({ sign: '+', what: `${kind} ${describe(item)}` });
    else
      for (const line of valueChanges('', old, item))
        changes.push({ sign: '~', what: `${kind} ${id}: ${line.slice(1)}` });
  }
  for (const [id, item] of from)
    if (!to.has(id)) changes.push({ sign: '-', what: `${kind} ${describe(item)}` });
  return changes;
}

/** Edges are compared by what they connect; their ids are bookkeeping. */
const edgeKey = (e: JourneyEdge) => `${e.source}:${e.sourcePort} → ${e.target}`;

function edgeChanges(before: JourneyEdge[], after: JourneyEdge[]): Change[] {
  const from = new Set(before.map(edgeKey));
  const to = new Set(after.map(edgeKey));
  return [
    ...[...to].filter((k) => !from.has(k)).map((k): Change => ({ sign: '+', what: `edge ${k}` })),
    ...[...from].filter((k) => !to.has(k)).map((k): Change => ({ sign: '-', what: `edge ${k}` })),
  ];
}

/**
 * Node-level changes from `live` to `file`: the journey's name and settings, nodes added, removed or changed
 * (type, label, each config value), edges, templates, promo pools and segments. Layout is not compared.
 */
export function documentChanges(live: JourneyDocument, file: JourneyDocument): Change[] {
  const describeNode = (n: DocumentNode) => `${n.id} (${n.type})`;
  return [
    ...valueChanges('name', live.journey.name, file.journey.name).map(
      (what): Change => ({ sign: '~', what }),
    ),
    ...valueChanges('settings', live.journey.settings ?? {}, file.journey.settings ?? {}).map(
      (what): Change => ({ sign: '~', what }),
    ),
    ...keyedChanges('node', live.journey.nodes, file.journey.nodes, describeNode),
    ...edgeChanges(live.journey.edges, file.journey.edges),
    ...keyedChanges('template', live.templates, file.templates, (t) => `${t.id} (${t.channel})`),
    ...keyedChanges('promo pool', live.promoPools, file.promoPools, (p) => `${p.id} (${p.kind})`),
    ...keyedChanges('segment', live.segments, file.segments, (s) => `${s.id} (${s.kind})`),
  ];
}

export function formatChanges(changes: Change[]): string {
  return changes.map((c) => `${c.sign} ${c.what}`).join('\n');
}
