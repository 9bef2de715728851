import type { JourneyGraph } from '@itinera/schemas';
import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import { graphToFlow } from '../graph/mapping.ts';
import { type CanvasDecor, DecorContext, emptyDecor } from './decor.tsx';
import { FIT_VIEW, FitOnceMeasured, ZOOM_RANGE } from './fit.ts';
import { flowNodeTypes } from './JourneyNodeCard.tsx';

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
          fitViewOptions={FIT_VIEW}
          {...ZOOM_RANGE}
        >
          <Background />
          <Controls showInteractive={false} />
          <FitOnceMeasured />
        </ReactFlow>
      </ReactFlowProvider>
    </DecorContext.Provider>
  );
}
