import type { JourneyGraph } from '@itinera/schemas';
import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import { directionOf } from '../graph/layout.ts';
import { graphToFlow } from '../graph/mapping.ts';
import { type CanvasDecor, DecorContext, emptyDecor } from './decor.tsx';
import { withPortLabels } from './edge-labels.ts';
import { FIT_VIEW, FitOnceMeasured, ZOOM_RANGE } from './fit.ts';
import { flowNodeTypes } from './JourneyNodeCard.tsx';

/** A read-only canvas; `takenEdges` are highlighted (an enrollment's path); it opens framing `focus`. */
export function GraphView({
  graph,
  decor = emptyDecor,
  takenEdges,
  focus,
}: {
  graph: JourneyGraph;
  decor?: CanvasDecor;
  takenEdges?: Set<string>;
  focus?: string | null;
}) {
  const { nodes, edges } = useMemo(() => {
    const flow = graphToFlow(graph);
    return {
      nodes: flow.nodes,
      edges: withPortLabels(flow.nodes, flow.edges).map((e) =>
        takenEdges?.has(e.id) ? { ...e, animated: true, className: 'is-taken', zIndex: 1 } : e,
      ),
    };
  }, [graph, takenEdges]);
  const directed = useMemo(() => ({ ...decor, direction: directionOf(graph) }), [decor, graph]);
  return (
    <DecorContext.Provider value={directed}>
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
          <FitOnceMeasured focus={focus} />
        </ReactFlow>
      </ReactFlowProvider>
    </DecorContext.Provider>
  );
}
