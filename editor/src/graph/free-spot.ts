import type { Direction } from './layout.ts';
import type { FlowNode } from './mapping.ts';

const SIZE = { width: 220, height: 100 };
const GAP = 60;

const overlaps = (a: { x: number; y: number }, b: FlowNode) => {
  const w = b.measured?.width ?? SIZE.width;
  const h = b.measured?.height ?? SIZE.height;
  return (
    a.x < b.position.x + w + 20 &&
    a.x + SIZE.width + 20 > b.position.x &&
    a.y < b.position.y + h + 20 &&
    a.y + SIZE.height + 20 > b.position.y
  );
};

/**
 * Where a node added next to `source` goes: one step further along the flow (below it top-down, right of it
 * left-to-right), `slot` places across for a node's second, third… port, then moved across until free.
 */
export function freeSpotNear(
  source: FlowNode,
  nodes: FlowNode[],
  direction: Direction,
  slot = 0,
): { x: number; y: number } {
  const w = source.measured?.width ?? SIZE.width;
  const h = source.measured?.height ?? SIZE.height;
  const spot =
    direction === 'TB'
      ? { x: source.position.x + slot * (SIZE.width + GAP), y: source.position.y + h + GAP }
      : { x: source.position.x + w + GAP, y: source.position.y + slot * (SIZE.height + GAP) };
  return freeSpotFrom(spot, nodes, direction === 'TB' ? 'across' : 'down');
}

/** `start`, or the first place from it (moving across or down a node's size at a time) that no node covers. */
export function freeSpotFrom(
  start: { x: number; y: number },
  nodes: FlowNode[],
  move: 'across' | 'down',
): { x: number; y: number } {
  const spot = { ...start };
  for (let tries = 0; tries < 200 && nodes.some((n) => overlaps(spot, n)); tries++) {
    if (move === 'across') spot.x += SIZE.width + GAP;
    else spot.y += SIZE.height + GAP;
  }
  return spot;
}
