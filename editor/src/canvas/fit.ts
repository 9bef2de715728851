import { type FitViewOptions, type ReactFlowState, useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/** Node cards' smallest text is 11 px: at this zoom it is still 9 px on screen. */
export const READABLE_ZOOM = 9 / 11;

/**
 * How every canvas frames a journey: pixel padding (a fraction would waste a fifth of a wide canvas on a
 * long, flat journey), a little extra at the top for the toolbar, and never zoomed in beyond 100 %.
 */
export const FIT_VIEW: FitViewOptions = {
  padding: { top: '56px', right: '32px', bottom: '32px', left: '32px' },
  maxZoom: 1,
  minZoom: 0.1,
};
const PADDING = { x: 64, y: 88 };

/** The zoom range of every canvas; low enough that fitting a few hundred nodes is not clamped. */
export const ZOOM_RANGE = { minZoom: 0.1, maxZoom: 2 };

/**
 * The viewport that shows all of `nodes` (at their given positions, which may not have reached React Flow
 * yet) in a `width` x `height` canvas, never zoomed in beyond 100 %.
 */
export function viewportFraming(
  nodes: { position: { x: number; y: number }; measured?: { width?: number; height?: number } }[],
  width: number,
  height: number,
) {
  const right = (n: (typeof nodes)[number]) => n.position.x + (n.measured?.width ?? 220);
  const bottom = (n: (typeof nodes)[number]) => n.position.y + (n.measured?.height ?? 90);
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const bw = Math.max(...nodes.map(right)) - minX;
  const bh = Math.max(...nodes.map(bottom)) - minY;
  const zoom = Math.max(
    ZOOM_RANGE.minZoom,
    Math.min(1, (width - PADDING.x) / Math.max(bw, 1), (height - PADDING.y) / Math.max(bh, 1)),
  );
  // Centred, a little lower than the middle to leave room for the toolbar.
  return {
    zoom,
    x: (width - bw * zoom) / 2 - minX * zoom,
    y: (height - bh * zoom + (PADDING.y - PADDING.x)) / 2 - minY * zoom,
  };
}

/** How many nodes the opening view tries to frame when the whole journey cannot be read at once. */
const OPENING_NODES = 5;

/**
 * True once every node React Flow knows has been measured. Works on read-only canvases too, where the
 * measured sizes never reach the `nodes` prop (so `useNodesInitialized` stays false there).
 */
const allMeasured = (s: ReactFlowState): boolean => {
  if (s.nodeLookup.size === 0 || !s.width || !s.height) return false;
  for (const node of s.nodeLookup.values()) {
    if (!node.internals.handleBounds || !node.measured.width || !node.measured.height) return false;
  }
  return true;
};

/** The entry nodes (nothing leads into them), or a focus, and the steps right after them, breadth first. */
export function openingNodeIds(
  nodes: { id: string }[],
  edges: { source: string; target: string }[],
  focus?: string | null,
): string[] {
  const targets = new Set(edges.map((e) => e.target));
  // Around a focus (where a customer is): it, the step that led there, then what comes next.
  const before = focus ? edges.filter((e) => e.target === focus).map((e) => e.source) : [];
  const start = focus ? [focus, ...before] : nodes.filter((n) => !targets.has(n.id)).map((n) => n.id);
  const seen = new Set(start.slice(0, OPENING_NODES));
  const queue = [...seen];
  while (queue.length > 0 && seen.size < OPENING_NODES) {
    const id = queue.shift()!;
    for (const e of edges) {
      if (e.source !== id || seen.has(e.target) || seen.size >= OPENING_NODES) continue;
      seen.add(e.target);
      queue.push(e.target);
    }
  }
  return [...seen];
}

/**
 * Frames the journey once all of its nodes are measured: all of it when it is readable that way (text at
 * least 9 px on screen), else the trigger and its first steps (or `focus`, such as where a customer is) at a
 * readable zoom. The `fitView` prop alone is not enough: it fires on the first measurement, which may cover
 * only some nodes.
 */
export function FitOnceMeasured({ focus }: { focus?: string | null }) {
  const done = useRef(false);
  const ready = useStore((s) => done.current || allMeasured(s));
  const { fitView, getNodes, getEdges, getNodesBounds } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    const nodes = getNodes();
    const bounds = getNodesBounds(nodes);
    const fitAll = Math.min(
      (width - PADDING.x) / Math.max(bounds.width, 1),
      (height - PADDING.y) / Math.max(bounds.height, 1),
    );
    if (fitAll >= READABLE_ZOOM && !focus) {
      void fitView(FIT_VIEW);
      return;
    }
    // As many of the first steps as can be read at once (at least the first one).
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const ordered = openingNodeIds(nodes, getEdges(), focus).flatMap((id) => byId.get(id) ?? []);
    let count = ordered.length;
    while (count > 1) {
      const b = getNodesBounds(ordered.slice(0, count));
      if ((width - PADDING.x) / b.width >= READABLE_ZOOM && (height - PADDING.y) / b.height >= READABLE_ZOOM)
        break;
      count--;
    }
    const framed = ordered.slice(0, count).map((n) => ({ id: n.id }));
    void fitView({ ...FIT_VIEW, nodes: framed, minZoom: READABLE_ZOOM });
  }, [ready, fitView, getNodes, getEdges, getNodesBounds, width, height, focus]);
  return null;
}
