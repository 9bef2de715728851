import type { JourneyGraph } from '@itinera/schemas';
import { type Connection, useEdgesState, useNodesState } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { safePorts } from '../canvas/decor.tsx';
import { freeSpotNear } from '../graph/free-spot.ts';
import { useHistory } from '../graph/history.ts';
import { type Direction, directionOf, type HandlesOf, layoutNodes } from '../graph/layout.ts';
import {
  edgeId,
  type FlowEdge,
  type FlowNode,
  flowToGraph,
  graphToFlow,
  INPUT_HANDLE,
  nextNodeId,
} from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

let clipboard: Snapshot | null = null;

/** Canvas state (React Flow's own hooks) plus the editing operations and undo/redo around it. */
export function useGraphEditor(initial: JourneyGraph) {
  const start = useMemo(() => graphToFlow(initial), [initial]);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<FlowEdge>(start.edges);
  const [direction, setDirection] = useState<Direction>(() => directionOf(initial));
  const current = useRef<Snapshot>({ nodes, edges });
  current.current = { nodes, edges };

  const read = useCallback(() => current.current, []);
  const restore = useCallback(
    (s: Snapshot) => {
      setNodes(s.nodes);
      setEdges(s.edges);
    },
    [setNodes, setEdges],
  );
  const history = useHistory(read, restore);
  const { takeSnapshot } = history;

  const lastConfigEdit = useRef({ id: '', at: 0 });
  /** Typing in the config panel records one undo step per node per pause, not per keystroke. */
  const snapshotForEdit = useCallback(
    (id: string) => {
      const now = Date.now();
      if (lastConfigEdit.current.id !== id || now - lastConfigEdit.current.at > 1500) takeSnapshot();
      lastConfigEdit.current = { id, at: now };
    },
    [takeSnapshot],
  );

  const addNode = useCallback(
    (type: string, position: { x: number; y: number }) => {
      const definition = nodeTypes.get(type);
      if (!definition) return;
      takeSnapshot();
      const id = nextNodeId(
        type,
        current.current.nodes.map((n) => n.id),
      );
      const config = structuredClone(definition.defaultConfig) as Record<string, unknown>;
      setNodes((list) => [
        ...list.map((n) => ({ ...n, selected: false })),
        { id, type: 'journey', position, data: { type, config }, selected: true },
      ]);
      return id;
    },
    [setNodes, takeSnapshot],
  );

  const connect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || c.source === c.target) return;
      takeSnapshot();
      const port = c.sourceHandle;
      // One edge per output port: reconnecting a port replaces its edge.
      setEdges((list) => [...withoutPort(list, c.source, port), link(c.source, port, c.target)]);
    },
    [setEdges, takeSnapshot],
  );

  const disconnect = useCallback(
    (source: string, port: string) => {
      takeSnapshot();
      setEdges((list) => withoutPort(list, source, port));
    },
    [setEdges, takeSnapshot],
  );

  /** Adds a node of `type` at `position` and connects `source`'s `port` to it (one undo step). */
  const addFromPort = useCallback(
    (source: string, port: string, type: string, position: { x: number; y: number }) => {
      const id = addNode(type, position);
      if (!id) return;
      setEdges((list) => [...withoutPort(list, source, port), link(source, port, id)]);
      return id;
    },
    [addNode, setEdges],
  );

  /** Adds a node of `type` in free space next to `source` and connects `port` to it (one undo step). */
  const addNext = useCallback(
    (source: string, port: string, type: string) => {
      const from = current.current.nodes.find((n) => n.id === source);
      if (!from) return;
      const ports = safePorts(nodeTypes.get(from.data.type), from.data.config);
      const slot = Math.max(
        0,
        ports.findIndex((p) => p.id === port),
      );
      addFromPort(source, port, type, freeSpotNear(from, current.current.nodes, direction, slot));
    },
    [addFromPort, direction],
  );

  /**
   * Puts a new node of `type` on an edge: the edge's source port leads to it and its first port to the edge's
   * old target. Returns undefined (nothing added) for types that cannot sit between two steps.
   */
  const insertOnEdge = useCallback(
    (edge: string, type: string, position: { x: number; y: number }) => {
      const old = current.current.edges.find((e) => e.id === edge);
      const definition = nodeTypes.get(type);
      const first = safePorts(definition, definition?.defaultConfig)[0];
      if (!old || !first || (definition?.role ?? 'step') !== 'step') return;
      const port = old.sourceHandle ?? 'next';
      const id = addNode(type, position);
      if (!id) return;
      setEdges((list) => [
        ...list.filter((e) => e.id !== edge),
        link(old.source, port, id),
        link(id, first.id, old.target),
      ]);
      return id;
    },
    [addNode, setEdges],
  );

  const updateNode = useCallback(
    (id: string, patch: { config?: Record<string, unknown>; label?: string }) => {
      snapshotForEdit(id);
      setNodes((list) => list.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
      if (patch.config) {
        const node = current.current.nodes.find((n) => n.id === id);
        const ports = new Set(safePorts(nodeTypes.get(node?.data.type ?? ''), patch.config).map((p) => p.id));
        // Edges from ports that disappeared (a removed split branch) go too.
        setEdges((list) => list.filter((e) => e.source !== id || ports.has(e.sourceHandle ?? '')));
      }
    },
    [setNodes, setEdges, snapshotForEdit],
  );

  const selectOnly = useCallback(
    (id: string | null) => setNodes((list) => list.map((n) => ({ ...n, selected: n.id === id }))),
    [setNodes],
  );

  const deleteNodes = useCallback(
    (ids: string[]) => {
      if (ids.length === 0) return;
      takeSnapshot();
      const gone = new Set(ids);
      setNodes((list) => list.filter((n) => !gone.has(n.id)));
      setEdges((list) => list.filter((e) => !gone.has(e.source) && !gone.has(e.target)));
    },
    [setNodes, setEdges, takeSnapshot],
  );

  const copy = useCallback(() => {
    const picked = current.current.nodes.filter((n) => n.selected);
    const ids = new Set(picked.map((n) => n.id));
    if (picked.length === 0) return false;
    clipboard = structuredClone({
      nodes: picked,
      edges: current.current.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
    });
    return true;
  }, []);

  const paste = useCallback(() => {
    if (!clipboard) return;
    takeSnapshot();
    const taken = current.current.nodes.map((n) => n.id);
    const renamed = new Map<string, string>();
    for (const node of clipboard.nodes) {
      const id = nextNodeId(node.data.type, [...taken, ...renamed.values()]);
      renamed.set(node.id, id);
    }
    const pastedNodes: FlowNode[] = clipboard.nodes.map((n) => ({
      ...structuredClone(n),
      id: renamed.get(n.id)!,
      position: { x: n.position.x + 40, y: n.position.y + 40 },
      selected: true,
      measured: undefined,
    }));
    const pastedEdges: FlowEdge[] = clipboard.edges.map((e) => {
      const source = renamed.get(e.source)!;
      const target = renamed.get(e.target)!;
      return { ...e, id: edgeId(source, e.sourceHandle ?? 'next', target), source, target, selected: false };
    });
    setNodes((list) => [...list.map((n) => ({ ...n, selected: false })), ...pastedNodes]);
    setEdges((list) => [...list, ...pastedEdges]);
    clipboard = { nodes: pastedNodes, edges: pastedEdges };
  }, [setNodes, setEdges, takeSnapshot]);

  /** Lays the journey out (top-down unless told otherwise) and returns the new nodes, for framing. */
  const autoLayout = useCallback(
    async (to: Direction = direction, handlesOf?: HandlesOf) => {
      const { nodes: list, edges: links } = current.current;
      const laid = await layoutNodes(list, links, to, handlesOf);
      takeSnapshot();
      setDirection(to);
      setNodes(laid.nodes);
      setEdges((all) =>
        all.map((e) => ({
          ...e,
          data: { port: e.data?.port ?? e.sourceHandle ?? 'next', route: laid.routes.get(e.id) },
        })),
      );
      return laid.nodes;
    },
    [setNodes, setEdges, takeSnapshot, direction],
  );

  const graph = useMemo(() => flowToGraph(nodes, edges), [nodes, edges]);

  return {
    nodes,
    edges,
    graph,
    onNodesChange,
    onEdgesChange,
    history,
    addNode,
    connect,
    updateNode,
    selectOnly,
    deleteNodes,
    copy,
    paste,
    autoLayout,
    direction,
    setDirection,
    disconnect,
    addNext,
    addFromPort,
    insertOnEdge,
  };
}

function link(source: string, port: string, target: string): FlowEdge {
  return {
    id: edgeId(source, port, target),
    source,
    sourceHandle: port,
    target,
    targetHandle: INPUT_HANDLE,
    data: { port },
  };
}

const withoutPort = (edges: FlowEdge[], source: string, port: string) =>
  edges.filter((e) => !(e.source === source && e.sourceHandle === port));

export type GraphEditor = ReturnType<typeof useGraphEditor>;
