import type { JourneyGraph } from '@itinera/schemas';
import {
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
} from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { graphToFlow } from '../graph/mapping.ts';
import { type CanvasDecor, DecorContext, emptyDecor } from './decor.tsx';
import { flowNodeTypes } from './JourneyNodeCard.tsx';

const FIT = { maxZoom: 1, padding: 0.15 };

/** Fits the view once the nodes have been measured (read-only canvases never report dimensions back). */
function FitOnLoad() {
  const ready = useNodesInitialized();
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (!ready) return;
    // One frame later the container and every node have settled.
    const frame = requestAnimationFrame(() => fitView(FIT));
    return () => cancelAnimationFrame(frame);
  }, [ready, fitView]);
  return null;
}

/** A read-only canvas; `takenEdges` are highlighted (an enrollment's path). */
export function GraphView({
  graph,
  decor = emptyDecor,
  takenEdges,
}: {
  graph: JourneyGraph;
  decor?: CanvasDecor;
  takenEdges?: Set<string>;
}) {
  const { nodes, edges } = useMemo(() => {
    const flow = graphToFlow(graph);
    return {
      nodes: flow.nodes,
      edges: flow.edges.map((e) =>
        takenEdges?.has(e.id) ? { ...e, animated: true, className: 'is-taken', zIndex: 1 } : e,
      ),
    };
  }, [graph, takenEdges]);
  return (
    <DecorContext.Provider value={decor}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={flowNodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={FIT}
        >
          <Background />
          <Controls showInteractive={false} />
          <FitOnLoad />
        </ReactFlow>
      </ReactFlowProvider>
    </DecorContext.Provider>
  );
}
