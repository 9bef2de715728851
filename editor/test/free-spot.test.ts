import { describe, expect, it } from 'vitest';
import { freeSpotFrom, freeSpotNear } from '../src/graph/free-spot.ts';
import type { FlowNode } from '../src/graph/mapping.ts';

const node = (id: string, x: number, y: number): FlowNode => ({
  id,
  type: 'journey',
  position: { x, y },
  measured: { width: 220, height: 100 },
  data: { type: 'wait', config: {} },
});

describe('free space for a new node', () => {
  it('keeps the starting spot when nothing covers it', () => {
    expect(freeSpotFrom({ x: 0, y: 400 }, [node('a', 0, 0)], 'across')).toEqual({ x: 0, y: 400 });
  });

  it('moves across (top-down) or down (left-to-right) past every node in the way', () => {
    const row = [node('a', 0, 0), node('b', 280, 0), node('c', 560, 0)];
    expect(freeSpotFrom({ x: 10, y: 10 }, row, 'across')).toEqual({ x: 10 + 3 * 280, y: 10 });
    const column = [node('a', 0, 0), node('b', 0, 160)];
    expect(freeSpotFrom({ x: 0, y: 0 }, column, 'down')).toEqual({ x: 0, y: 320 });
  });

  it('places the next step below the selected node, beside what is already there', () => {
    const trigger = node('t', 0, 0);
    const below = node('w', 0, 160);
    expect(freeSpotNear(trigger, [trigger], 'TB')).toEqual({ x: 0, y: 160 });
    expect(freeSpotNear(trigger, [trigger, below], 'TB')).toEqual({ x: 280, y: 160 });
    expect(freeSpotNear(trigger, [trigger], 'LR')).toEqual({ x: 280, y: 0 });
  });
});
