import type { JourneyGraph } from '@itinera/schemas';
import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import { directionOf } from '../graph/layout.ts';
import { graphToFlow } from '../graph/mapping.ts';
import { type CanvasDecor, DecorContext, emptyDecor } from './decor.tsx';
import { withPortLabels } from './edge-labels.ts';
import { FIT_VIEW, FitOnceMeasured, ZOOM_RANGE } from './fit.ts';
import { flowNodeTypes } from './JourneyNodeCard.tsx';

/**
 * A read-only canvas; `takenEdges` are highlighted (an enrollment's path); `edgeNotes` (by `source:port`)
 * are added to edge labels; it opens framing `focus`.
 */
export function GraphView({
  graph,
  decor = emptyDecor,
  takenEdges,
  edgeNotes,
  focus,
}: {
  graph: JourneyGraph;
  decor?: CanvasDecor;
  takenEdges?: Set<string>;
  edgeNotes?: Map<string, string>;
  focus?: string | null;
}) {
  const { nodes, edges } = useMemo(() => {
    const flow = graphToFlow(graph);
    return {
      nodes: flow.nodes,
      edges: withPortLabels(flow.nodes, flow.edges).map((e) => {
        const note = edgeNotes?.get(`${e.source}:${e.sourceHandle}`);
        const noted = note
          ? { ...e, label: e.label ? `${e.label} · ${note}` : note, className: 'has-label' }
          : e;
        return takenEdges?.has(e.id) ? { ...noted, animated: true, className: 'is-taken', zIndex: 1 } : noted;
      }),
    };
  }, [graph, takenEdges, edgeNotes]);
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
