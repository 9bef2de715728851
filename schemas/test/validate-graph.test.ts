import '@itinera/nodes/definitions';
import { describe, expect, it } from 'vitest';
import { graph } from '../../test/support/journeys.ts';
import { type GraphProblem, type JourneyGraph, validateGraph } from '../src/index.ts';

const valid = () =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
      {
        id: 'check',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
      },
      { id: 'end', type: 'exit', config: {} },
      { id: 'goal', type: 'goal', config: { event: 'purchased' } },
    ],
    ['start->wait', 'wait->check', 'check:yes->end', 'check:no->end'],
  );

const codes = (g: JourneyGraph) => validateGraph(g).map((p: GraphProblem) => [p.code, p.nodeId ?? p.edgeId]);

describe('validateGraph', () => {
  it('accepts a well-formed journey with a free-standing goal', () => {
    expect(validateGraph(valid())).toEqual([]);
  });

  it('names an unknown node type', () => {
    const g = valid();
    g.nodes[3].type = 'teleport';
    expect(validateGraph(g)).toContainEqual(
      expect.objectContaining({
        code: 'unknown_type',
        nodeId: 'end',
        message: 'Node "end" has unknown type "teleport"',
      }),
    );
  });

  it('reports config that does not match the schema, with the field', () => {
    const g = valid();
    g.nodes[1].config = { mode: 'duration', duration: { amount: -1, unit: 'days' } };
    const [problem] = validateGraph(g);
    expect(problem).toMatchObject({ code: 'invalid_config', nodeId: 'wait', field: 'duration.amount' });
  });

  it("runs a node type's own checks (split percentages)", () => {
    const g = valid();
    g.nodes.push({
      id: 'ab',
      type: 'split',
      position: { x: 0, y: 0 },
      config: {
        branches: [
          { id: 'a', label: 'A', percent: 50 },
          { id: 'b', label: 'B', percent: 40 },
        ],
      },
    });
    expect(validateGraph(g)).toContainEqual(
      expect.objectContaining({
        code: 'invalid_config',
        nodeId: 'ab',
        message: expect.stringContaining('add up to 90'),
      }),
    );
  });

  it('finds dangling edges, unknown ports and ports connected twice', () => {
    const g = valid();
    g.edges.push({ id: 'x1', source: 'end', sourcePort: 'next', target: 'ghost' });
    g.edges.push({ id: 'x2', source: 'check', sourcePort: 'maybe', target: 'end' });
    g.edges.push({ id: 'x3', source: 'check', sourcePort: 'yes', target: 'wait' });
    expect(codes(g)).toEqual(
      expect.arrayContaining([
        ['dangling_edge', 'end'],
        ['unknown_port', 'check'],
        ['duplicate_edge', 'check'],
      ]),
    );
  });

  it('finds an unconnected output port', () => {
    const g = valid();
    g.edges = g.edges.filter((e) => e.sourcePort !== 'no');
    expect(validateGraph(g)).toEqual([
      expect.objectContaining({ code: 'unconnected_port', nodeId: 'check', field: 'no' }),
    ]);
  });

  it('finds unreachable nodes', () => {
    const g = valid();
    g.nodes.push({ id: 'island', type: 'exit', position: { x: 0, y: 0 }, config: {} });
    expect(codes(g)).toEqual([['unreachable', 'island']]);
  });

  it('requires exactly one trigger', () => {
    const none = valid();
    none.nodes = none.nodes.filter((n) => n.type !== 'trigger');
    none.edges = none.edges.filter((e) => e.source !== 'start');
    expect(codes(none)).toContainEqual(['trigger_count', undefined]);
    const two = valid();
    two.nodes.push({
      id: 'start2',
      type: 'trigger',
      position: { x: 0, y: 0 },
      config: { kind: 'api', reentry: 'once' },
    });
    two.edges.push({ id: 'e9', source: 'start2', sourcePort: 'next', target: 'wait' });
    expect(codes(two)).toContainEqual(['trigger_count', 'start2']);
  });

  it('refuses a loop without a wait but accepts one through a wait', () => {
    const loop = valid();
    loop.edges = loop.edges.map((e) => (e.sourcePort === 'no' ? { ...e, target: 'check' } : e));
    expect(validateGraph(loop)).toContainEqual(
      expect.objectContaining({
        code: 'cycle_without_wait',
        message: 'Loop check -> check has no wait; add a wait node to it',
      }),
    );
    const throughWait = valid();
    throughWait.edges = throughWait.edges.map((e) => (e.sourcePort === 'no' ? { ...e, target: 'wait' } : e));
    expect(validateGraph(throughWait)).toEqual([]);
  });

  it('catches node combinations that could never work', () => {
    const g = valid();
    g.nodes.push({
      id: 'buy',
      type: 'wait_for_event',
      position: { x: 0, y: 0 },
      config: { event: 'purchased', timeout: { amount: 1, unit: 'days' } },
    });
    g.edges = g.edges.map((e) => (e.sourcePort === 'yes' ? { ...e, target: 'buy' } : e));
    g.edges.push(
      { id: 'b1', source: 'buy', sourcePort: 'happened', target: 'end' },
      { id: 'b2', source: 'buy', sourcePort: 'timed_out', target: 'end' },
    );
    expect(validateGraph(g)).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        nodeId: 'buy',
        message: expect.stringContaining('a goal listens for "purchased" too'),
      }),
    ]);
    const clash = valid();
    clash.nodes.push({
      id: 'upd',
      type: 'update_profile',
      position: { x: 0, y: 0 },
      config: {
        operations: [
          { path: 'plan', op: 'set', value: 'pro' },
          { path: 'plan.tier', op: 'set', value: 1 },
        ],
      },
    });
    clash.edges = clash.edges.map((e) => (e.sourcePort === 'yes' ? { ...e, target: 'upd' } : e));
    clash.edges.push({ id: 'u1', source: 'upd', sourcePort: 'next', target: 'end' });
    expect(validateGraph(clash)).toEqual([
      expect.objectContaining({
        nodeId: 'upd',
        message: expect.stringContaining('change the same attribute "plan"'),
      }),
    ]);
  });
});
