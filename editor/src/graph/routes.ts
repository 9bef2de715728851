import type { XY } from './layout.ts';

/** How far (px) a handle may be from where the layout left it before the route counts as out of date. */
const SLACK = 12;

const far = (a: XY, b: XY) => Math.hypot(a.x - b.x, a.y - b.y) > SLACK;

/**
 * The laid-out route moved onto the handles' exact places (the segments next to each end shift with them,
 * staying horizontal or vertical), or null once a node has moved away from where the layout put it.
 */
export function fitRoute(route: XY[] | undefined, source: XY, target: XY): XY[] | null {
  if (!route || route.length < 2 || far(route[0], source) || far(route[route.length - 1], target))
    return null;
  const points = route.map((p) => ({ ...p }));
  const pin = (end: number, next: number, to: XY) => {
    if (points.length > 2) {
      if (points[end].x === points[next].x) points[next].x = to.x;
      else points[next].y = to.y;
    }
    points[end] = { ...to };
  };
  pin(0, 1, source);
  pin(points.length - 1, points.length - 2, target);
  return points;
}

export const polylinePath = (points: XY[]) => `M ${points.map((p) => `${p.x},${p.y}`).join(' L ')}`;

/** The point `fraction` of the way along the polyline, measured by length. */
export function pointAlong(points: XY[], fraction: number): XY {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i].x, p.y - points[i].y));
  let left = lengths.reduce((a, b) => a + b, 0) * fraction;
  for (let i = 0; i < lengths.length; i++) {
    if (left <= lengths[i] && lengths[i] > 0) {
      const t = left / lengths[i];
      return {
        x: points[i].x + (points[i + 1].x - points[i].x) * t,
        y: points[i].y + (points[i + 1].y - points[i].y) * t,
      };
    }
    left -= lengths[i];
  }
  return points[points.length - 1];
}
