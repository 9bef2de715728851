import { Value } from '@sinclair/typebox/value';
import type { JourneyGraph, JourneyNode } from './graph.ts';
import { type NodeTypeDefinition, type NodeTypeRegistry, nodeTypes, portsOf } from './node-types.ts';

export interface GraphProblem {
  code:
    | 'unknown_type'
    | 'invalid_config'
    | 'duplicate_node'
    | 'dangling_edge'
    | 'duplicate_edge'
    | 'unknown_port'
    | 'unconnected_port'
    | 'unreachable'
    | 'trigger_count'
    | 'edge_into_trigger'
    | 'cycle_without_wait';
  nodeId?: string;
  edgeId?: string;
  field?: string;
  message: string;
}

function configProblems(
  node: JourneyNode,
  definition: NodeTypeDefinition,
  graph: JourneyGraph,
): GraphProblem[] {
  const problems: GraphProblem[] = [];
  for (const error of Value.Errors(definition.configSchema, node.config)) {
    const field = error.path.replace(/^\//, '').replaceAll('/', '.') || undefined;
    problems.push({
      code: 'invalid_config',
      nodeId: node.id,
      field,
      message: `${definition.title} "${node.id}": ${field ?? 'config'} ${error.message.toLowerCase()}`,
    });
    if (problems.length >= 5) break;
  }
  if (problems.length === 0 && definition.validate) {
    for (const message of definition.validate(node.config as never, graph)) {
      problems.push({
        code: 'invalid_config',
        nodeId: node.id,
        message: `${definition.title} "${node.id}": ${message}`,
      });
    }
  }
  return problems;
}

function reachableFrom(start: string, graph: JourneyGraph): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const edge of graph.edges) {
      if (edge.source === current && !seen.has(edge.target)) {
        seen.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return seen;
}

/** Finds a cycle made only of nodes that cannot wait; returns its node ids, or null. */
function cycleWithoutWait(graph: JourneyGraph, canWait: (id: string) => boolean): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 'visiting');
    path.push(id);
    for (const edge of graph.edges) {
      if (edge.source !== id || canWait(edge.target)) continue;
      const targetState = state.get(edge.target);
      if (targetState === 'visiting') return path.slice(path.indexOf(edge.target));
      if (targetState === undefined) {
        const found = visit(edge.target);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const node of graph.nodes) {
    if (canWait(node.id) || state.has(node.id)) continue;
    const found = visit(node.id);
    if (found) return found;
  }
  return null;
}

/** Returns every problem in the graph; an empty list means it can be published. */
export function validateGraph(graph: JourneyGraph, registry: NodeTypeRegistry = nodeTypes): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const nodes = new Map<string, JourneyNode>();
  const definitions = new Map<string, NodeTypeDefinition>();

  for (const node of graph.nodes) {
    if (nodes.has(node.id)) {
      problems.push({
        code: 'duplicate_node',
        nodeId: node.id,
        message: `Node id "${node.id}" is used twice`,
      });
      continue;
    }
    nodes.set(node.id, node);
    const definition = registry.get(node.type);
    if (!definition) {
      problems.push({
        code: 'unknown_type',
        nodeId: node.id,
        message: `Node "${node.id}" has unknown type "${node.type}"`,
      });
      continue;
    }
    definitions.set(node.id, definition);
    problems.push(...configProblems(node, definition, graph));
  }

  const triggers = [...nodes.values()].filter((n) => definitions.get(n.id)?.role === 'trigger');
  if (triggers.length !== 1) {
    problems.push({
      code: 'trigger_count',
      nodeId: triggers[1]?.id,
      message: `A journey needs exactly one trigger; found ${triggers.length}`,
    });
  }

  const usedPorts = new Set<string>();
  const edgeIds = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) {
      problems.push({
        code: 'duplicate_edge',
        edgeId: edge.id,
        message: `Edge id "${edge.id}" is used twice`,
      });
    }
    edgeIds.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target) {
      const missing = source ? edge.target : edge.source;
      problems.push({
        code: 'dangling_edge',
        edgeId: edge.id,
        nodeId: source ? edge.source : undefined,
        message: `Edge "${edge.id}" points to missing node "${missing}"`,
      });
      continue;
    }
    if (definitions.get(target.id)?.role === 'trigger') {
      problems.push({
        code: 'edge_into_trigger',
        edgeId: edge.id,
        nodeId: target.id,
        message: `Nothing may lead into the trigger "${target.id}"`,
      });
    }
    const sourceDefinition = definitions.get(source.id);
    if (!sourceDefinition) continue;
    const ports = portsOf(sourceDefinition, source.config).map((p) => p.id);
    if (!ports.includes(edge.sourcePort)) {
      problems.push({
        code: 'unknown_port',
        edgeId: edge.id,
        nodeId: source.id,
        message: `Node "${source.id}" has no output "${edge.sourcePort}" (it has: ${ports.join(', ') || 'none'})`,
      });
      continue;
    }
    const portKey = `${edge.source}\u0000${edge.sourcePort}`;
    if (usedPorts.has(portKey)) {
      problems.push({
        code: 'duplicate_edge',
        edgeId: edge.id,
        nodeId: source.id,
        message: `Output "${edge.sourcePort}" of node "${source.id}" is connected more than once`,
      });
    }
    usedPorts.add(portKey);
  }

  for (const [id, definition] of definitions) {
    const node = nodes.get(id)!;
    for (const port of portsOf(definition, node.config)) {
      if (!usedPorts.has(`${id}\u0000${port.id}`)) {
        problems.push({
          code: 'unconnected_port',
          nodeId: id,
          field: port.id,
          message: `Output "${port.label}" of node "${id}" is not connected`,
        });
      }
    }
  }

  if (triggers.length === 1) {
    const reachable = reachableFrom(triggers[0].id, graph);
    for (const [id] of nodes) {
      if (!reachable.has(id) && definitions.get(id)?.role !== 'goal') {
        problems.push({
          code: 'unreachable',
          nodeId: id,
          message: `Node "${id}" cannot be reached from the trigger`,
        });
      }
    }
  }

  const cycle = cycleWithoutWait(graph, (id) => definitions.get(id)?.canWait === true);
  if (cycle) {
    problems.push({
      code: 'cycle_without_wait',
      nodeId: cycle[0],
      message: `Loop ${[...cycle, cycle[0]].join(' -> ')} has no wait; add a wait node to it`,
    });
  }
  return problems;
}
