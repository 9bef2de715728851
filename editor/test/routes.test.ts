import { describe, expect, it } from 'vitest';
import { fitRoute, pointAlong, polylinePath } from '../src/graph/routes.ts';

describe('laid-out edge routes', () => {
  const route = [
    { x: 100, y: 50 },
    { x: 100, y: 80 },
    { x: 300, y: 80 },
    { x: 300, y: 120 },
  ];

  it('moves the ends onto the handles, keeping the segments beside them straight', () => {
    expect(fitRoute(route, { x: 102, y: 54 }, { x: 297, y: 118 })).toEqual([
      { x: 102, y: 54 },
      { x: 102, y: 80 },
      { x: 297, y: 80 },
      { x: 297, y: 118 },
    ]);
  });

  it('gives the route up once a node was moved away from where the layout put it', () => {
    expect(fitRoute(route, { x: 100, y: 50 }, { x: 400, y: 120 })).toBeNull();
    expect(fitRoute(undefined, { x: 0, y: 0 }, { x: 0, y: 0 })).toBeNull();
  });

  it('finds the middle by length and draws straight segments', () => {
    expect(pointAlong(route, 0.5)).toEqual({ x: 205, y: 80 });
    expect(polylinePath(route.slice(0, 2))).toBe('M 100,50 L 100,80');
  });
});
