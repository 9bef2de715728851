import { type Duration, describeDuration, durationMs } from '@itinera/nodes/duration';
import type {
  JourneyGraph,
  JourneyNode,
  JourneyVersion,
  MigrationGroup,
  MigrationMapping,
  NextSend,
} from '@itinera/schemas';
import { HttpError } from '../plugins/errors.ts';

/** Node types whose wait a move interrupts; the interpreter keeps the deadline onto a node of the same type. */
const PLAIN_WAITS = new Set(['wait', 'wait_for_event']);
const ENDS = new Set(['exit', 'goal']);
const MAX_WALK = 200;

/** Same id and same type in both versions. */
export function suggestMapping(from: JourneyGraph, to: JourneyGraph): Record<string, string> {
  const targets = new Map(to.nodes.map((n) => [n.id, n.type]));
  return Object.fromEntries(
    from.nodes.filter((n) => targets.get(n.id) === n.type).map((n) => [n.id, n.id] as const),
  );
}

/** The request's entries over the suggestions, checked against both graphs (400 naming `mapping.<node>`). */
export function effectiveMapping(
  from: JourneyVersion,
  to: JourneyVersion,
  requested: MigrationMapping = {},
): Record<string, string> {
  const fromIds = new Set(from.graph.nodes.map((n) => n.id));
  const toIds = new Set(to.graph.nodes.map((n) => n.id));
  const mapping: Record<string, string> = suggestMapping(from.graph, to.graph);
  for (const [source, target] of Object.entries(requested)) {
    if (!fromIds.has(source))
      throw new HttpError(400, `Version ${from.version} has no node "${source}"`, `mapping.${source}`);
    if (target === null) {
      delete mapping[source];
      continue;
    }
    if (!toIds.has(target))
      throw new HttpError(400, `Version ${to.version} has no node "${target}"`, `mapping.${source}`);
    mapping[source] = target;
  }
  return mapping;
}

/** What an enrollment's document says about where it waits. */
export interface WaitingEnrollment {
  currentNodeId: string | null;
  nextWakeAt: string | null;
}

/** The edge a customer most likely follows: `next`, else the node's first edge. */
function onwardTarget(graph: JourneyGraph, nodeId: string): string | undefined {
  const out = graph.edges.filter((e) => e.source === nodeId);
  return (out.find((e) => e.sourcePort === 'next') ?? out[0])?.target;
}

function describeWait(node: JourneyNode): { text: string; ms: number | null } {
  const config = node.config as { mode?: string; duration?: Duration; event?: string; timeout?: Duration };
  if (node.type === 'wait' && (config.mode ?? 'duration') === 'duration' && config.duration)
    return { text: `wait ${describeDuration(config.duration)}`, ms: durationMs(config.duration) };
  if (node.type === 'wait_for_event' && config.timeout)
    return { text: `wait for "${config.event}" up to ${describeDuration(config.timeout)}`, ms: null };
  return { text: `${node.type} ${node.label ?? node.id}`, ms: null };
}

/**
 * Follows the likely path from `startId` to the first send. `window` is when the first node's wait ends
 * when its deadline is kept; other fixed-duration waits add their length, any other wait makes the time unknown.
 */
export function nextSend(
  graph: JourneyGraph,
  startId: string,
  now: number,
  window: { earliest: number; latest: number } | null,
): NextSend | null {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const after: string[] = [];
  let range: { earliest: number; latest: number } | null = { earliest: now, latest: now };
  let id: string | undefined = startId;
  for (let step = 0; id && step < MAX_WALK; step++) {
    const node = nodes.get(id);
    if (!node || ENDS.has(node.type)) return null;
    if (node.type === 'send') {
      const config = node.config as { channel?: string };
      return {
        nodeId: node.id,
        channel: config.channel ?? null,
        label: node.label ?? null,
        after: after.length > 0 ? after.join(', then ') : 'at once',
        earliestAt: range ? new Date(range.earliest).toISOString() : null,
        latestAt: range ? new Date(range.latest).toISOString() : null,
      };
    }
    if (step === 0 && window) {
      after.push(`the kept deadline of ${node.id}`);
      range = { ...window };
    } else if (PLAIN_WAITS.has(node.type)) {
      const wait = describeWait(node);
      after.push(wait.text);
      range =
        range && wait.ms !== null
          ? { earliest: range.earliest + wait.ms, latest: range.latest + wait.ms }
          : null;
    }
    id = onwardTarget(graph, node.id);
  }
  return null;
}

/** Why customers at `fromNodeId` (unmapped) finish on the version they entered. */
export function stayReason(from: JourneyVersion, to: JourneyVersion, fromNodeId: string): string {
  const source = from.graph.nodes.find((n) => n.id === fromNodeId);
  return source
    ? `Node ${fromNodeId} (${source.type}) has no counterpart in v${to.version}; they finish on v${from.version}`
    : `Not started on a node yet; they finish on v${from.version}`;
}

/** Groups the waiting enrollments by node and says where each group lands and what it meets next. */
export function previewGroups(
  from: JourneyVersion,
  to: JourneyVersion,
  mapping: Record<string, string>,
  suggestions: Record<string, string>,
  waiting: WaitingEnrollment[],
  now: number,
): MigrationGroup[] {
  const fromNodes = new Map(from.graph.nodes.map((n) => [n.id, n]));
  const toNodes = new Map(to.graph.nodes.map((n) => [n.id, n]));
  const byNode = new Map<string, WaitingEnrollment[]>();
  for (const enrollment of waiting) {
    const key = enrollment.currentNodeId ?? '';
    byNode.set(key, [...(byNode.get(key) ?? []), enrollment]);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([fromNodeId, members]) => {
      const source = fromNodes.get(fromNodeId);
      const target = toNodes.get(mapping[fromNodeId] ?? '');
      const keepsDeadline =
        !!source && !!target && PLAIN_WAITS.has(source.type) && source.type === target.type;
      const wakes = members.flatMap((m) => (m.nextWakeAt ? [Date.parse(m.nextWakeAt)] : []));
      const window =
        keepsDeadline && wakes.length > 0
          ? { earliest: Math.min(...wakes), latest: Math.max(...wakes) }
          : null;
      return {
        fromNodeId,
        fromNodeType: source?.type ?? 'unknown',
        customers: members.length,
        toNodeId: target?.id ?? null,
        toNodeType: target?.type ?? null,
        suggested: !!target && suggestions[fromNodeId] === target.id,
        keepsDeadline,
        wakeAt: window
          ? {
              earliest: new Date(window.earliest).toISOString(),
              latest: new Date(window.latest).toISOString(),
            }
          : null,
        next: target ? nextSend(to.graph, target.id, now, window) : null,
        stayReason: target ? null : stayReason(from, to, fromNodeId),
      };
    });
}
