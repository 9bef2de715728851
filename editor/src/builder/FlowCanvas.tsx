import { Background, Controls, MiniMap, Panel, ReactFlow, useReactFlow } from '@xyflow/react';
import { type DragEvent, useCallback, useMemo, useRef } from 'react';
import { withPortLabels } from '../canvas/edge-labels.ts';
import { FIT_VIEW, FitOnceMeasured, viewportFraming, ZOOM_RANGE } from '../canvas/fit.ts';
import { flowNodeTypes } from '../canvas/JourneyNodeCard.tsx';
import { freeSpotFrom, freeSpotNear } from '../graph/free-spot.ts';
import type { Direction } from '../graph/layout.ts';
import { useStructureVersion } from '../graph/structure.ts';
import { DRAG_TYPE } from './Palette.tsx';
import type { GraphEditor } from './useGraphEditor.ts';

const NODE_SIZE = { width: 220, height: 90 };

/** The editable React Flow canvas. Exposes `addAtCentre` through `centreRef` for the keyboard palette. */
export function FlowCanvas({
  editor,
  readOnly,
  centreRef,
}: {
  editor: GraphEditor;
  readOnly: boolean;
  centreRef: React.RefObject<((type: string) => void) | null>;
}) {
  const wrapper = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, setViewport } = useReactFlow();
  const { addNode, history } = editor;
  const structure = useStructureVersion(editor.nodes, editor.edges);
  // biome-ignore lint/correctness/useExhaustiveDependencies: labels depend on ports, not on positions
  const edges = useMemo(() => withPortLabels(editor.nodes, editor.edges), [structure]);

  /** Lays out and frames the whole result, whatever it looked like before. */
  const layout = async (direction?: Direction) => {
    const laid = await editor.autoLayout(direction);
    const box = wrapper.current?.getBoundingClientRect();
    // Framed from the new positions themselves: React Flow may not have applied them yet.
    if (box && laid.length > 0)
      await setViewport(viewportFraming(laid, box.width, box.height), { duration: 300 });
  };

  centreRef.current = (type: string) => {
    const selected = editor.nodes.find((n) => n.selected);
    if (selected) {
      addNode(type, freeSpotNear(selected, editor.nodes, editor.direction));
      return;
    }
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    const centre = screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    const start = { x: centre.x - NODE_SIZE.width / 2, y: centre.y - NODE_SIZE.height / 2 };
    addNode(type, freeSpotFrom(start, editor.nodes, editor.direction === 'TB' ? 'across' : 'down'));
  };

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const type = event.dataTransfer.getData(DRAG_TYPE) || event.dataTransfer.getData('text/plain');
      if (!type || readOnly) return;
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: point.x - 20, y: point.y - 20 });
    },
    [addNode, readOnly, screenToFlowPosition],
  );

  return (
    <div className="canvas" ref={wrapper} data-testid="canvas">
      <ReactFlow
        nodes={editor.nodes}
        edges={edges}
        nodeTypes={flowNodeTypes}
        onNodesChange={editor.onNodesChange}
        onEdgesChange={editor.onEdgesChange}
        onConnect={editor.connect}
        onNodeDragStart={history.takeSnapshot}
        onBeforeDelete={async () => {
          history.takeSnapshot();
          return true;
        }}
        isValidConnection={(c) => c.source !== c.target}
        onDragOver={onDragOver}
        onDrop={onDrop}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        defaultEdgeOptions={{ type: 'smoothstep' }}
        fitView
        fitViewOptions={FIT_VIEW}
        {...ZOOM_RANGE}
      >
        <FitOnceMeasured />
        <Background />
        <Controls />
        <MiniMap pannable zoomable style={{ width: 150, height: 100 }} />
        {!readOnly && (
          <Panel position="top-right" className="canvas-tools">
            <button
              type="button"
              onClick={history.undo}
              disabled={!history.canUndo}
              title="Undo (Ctrl+Z)"
              data-testid="undo"
            >
              ↶ Undo
            </button>
            <button
              type="button"
              onClick={history.redo}
              disabled={!history.canRedo}
              title="Redo (Ctrl+Shift+Z)"
              data-testid="redo"
            >
              ↷ Redo
            </button>
            <button type="button" data-testid="auto-layout" onClick={() => void layout()}>
              Auto-layout
            </button>
            <select
              aria-label="Layout direction"
              data-testid="layout-direction"
              value={editor.direction}
              onChange={(e) => void layout(e.target.value as Direction)}
            >
              <option value="TB">↓ Top to bottom</option>
              <option value="LR">→ Left to right</option>
            </select>
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}
