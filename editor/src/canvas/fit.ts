import { type FitViewOptions, type ReactFlowState, useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/**
 * How every canvas frames a journey: pixel padding (a fraction would waste a fifth of a wide canvas on a
 * long, flat journey), a little extra at the top for the toolbar, and never zoomed in beyond 100 %.
 */
export const FIT_VIEW: FitViewOptions = {
  padding: { top: '56px', right: '32px', bottom: '32px', left: '32px' },
  maxZoom: 1,
  minZoom: 0.1,
};

/** The zoom range of every canvas; low enough that fitting a few hundred nodes is not clamped. */
export const ZOOM_RANGE = { minZoom: 0.1, maxZoom: 2 };

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

/**
 * Fits the whole journey into view once, as soon as all of its nodes are measured. The `fitView` prop
 * alone is not enough: it fires on the first measurement, which may cover only some nodes.
 */
export function FitOnceMeasured() {
  const done = useRef(false);
  const ready = useStore((s) => done.current || allMeasured(s));
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    void fitView(FIT_VIEW);
  }, [ready, fitView]);
  return null;
}
