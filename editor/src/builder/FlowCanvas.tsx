import {
  Background,
  Controls,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  Panel,
  Position,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';
import { withPortLabels } from '../canvas/edge-labels.ts';
import { FIT_VIEW, FitOnceMeasured, viewportFraming, ZOOM_RANGE } from '../canvas/fit.ts';
import { flowNodeTypes } from '../canvas/JourneyNodeCard.tsx';
import { flowEdgeTypes } from '../canvas/RoutedEdge.tsx';
import { freeSpotFrom, freeSpotNear } from '../graph/free-spot.ts';
import type { Direction, HandlesOf } from '../graph/layout.ts';
import { type FlowNode, INPUT_HANDLE } from '../graph/mapping.ts';
import { useStructureVersion } from '../graph/structure.ts';
import { NoteCard } from '../notes/NoteCard.tsx';
import { type CanvasNotesState, isNoteNode, type NoteNode, NotesContext } from '../notes/useCanvasNotes.ts';
import { DRAG_TYPE } from './Palette.tsx';
import type { GraphEditor } from './useGraphEditor.ts';
import { WhatNextPicker } from './WhatNextPicker.tsx';

const NODE_SIZE = { width: 220, height: 90 };
const PICKER = { width: 240, height: 320 };
const canvasNodeTypes = { ...flowNodeTypes, note: NoteCard };

/** The edge under a screen point, unless a node covers it there. */
function edgeAt(x: number, y: number): string | null {
  for (const element of document.elementsFromPoint(x, y)) {
    if (element.closest('.react-flow__node')) return null;
    const edge = element.closest('.react-flow__edge');
    if (edge) return edge.getAttribute('data-id');
  }
  return null;
}

/** A port whose connection was dropped on empty canvas, waiting for the "what next?" choice. */
interface Loose {
  source: string;
  port: string;
  /** Where the menu shows, relative to the canvas, and where the node goes, in flow coordinates. */
  at: { x: number; y: number };
  flow: { x: number; y: number };
}

/** The editable React Flow canvas. Exposes `addAtCentre` through `centreRef` for the keyboard palette. */
export function FlowCanvas({
  editor,
  notes,
  readOnly,
  centreRef,
}: {
  editor: GraphEditor;
  notes: CanvasNotesState;
  readOnly: boolean;
  centreRef: React.RefObject<((type: string) => void) | null>;
}) {
  const wrapper = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, setViewport, getInternalNode } = useReactFlow();
  const { addNode, insertOnEdge, addFromPort, history, direction } = editor;
  const structure = useStructureVersion(editor.nodes, editor.edges);
  // biome-ignore lint/correctness/useExhaustiveDependencies: labels depend on ports, not on positions
  const labelled = useMemo(() => withPortLabels(editor.nodes, editor.edges), [structure]);
  /** The edge a palette node dragged over the canvas would be inserted into. */
  const [dropEdge, setDropEdge] = useState<string | null>(null);
  const [loose, setLoose] = useState<Loose | null>(null);
  const edges = useMemo(
    () =>
      dropEdge
        ? labelled.map((e) =>
            e.id === dropEdge ? { ...e, className: `${e.className ?? ''} is-drop-target`.trim() } : e,
          )
        : labelled,
    [labelled, dropEdge],
  );

  /** Each handle's centre on its node, as React Flow measured it: where the layout's routes start and end. */
  const handlesOf: HandlesOf = (id) => {
    const bounds = getInternalNode(id)?.internals.handleBounds;
    return [...(bounds?.source ?? []), ...(bounds?.target ?? [])].map((h) => ({
      id: h.id ?? (h.type === 'source' ? 'next' : INPUT_HANDLE),
      type: h.type,
      centre: { x: h.x + h.width / 2, y: h.y + h.height / 2 },
    }));
  };

  /** True once React Flow has measured every node's handles on the sides `to` puts them. */
  const handlesFace = (to: Direction) =>
    editor.nodes.every((n) =>
      (getInternalNode(n.id)?.internals.handleBounds?.source ?? []).every(
        (h) => h.position === (to === 'TB' ? Position.Bottom : Position.Right),
      ),
    );

  /** Lays out and frames the whole result, whatever it looked like before. */
  const layout = async (to: Direction = editor.direction) => {
    if (to !== editor.direction) {
      // The routes start at the handles, which move to other sides of the cards first.
      editor.setDirection(to);
      for (let frame = 0; frame < 120 && !handlesFace(to); frame++)
        await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const laid = await editor.autoLayout(to, handlesOf);
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

  const onDragOver = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      setDropEdge(readOnly ? null : edgeAt(event.clientX, event.clientY));
    },
    [readOnly],
  );

  /** Dropped on an edge, the node goes between its two ends; anywhere else it just lands there. */
  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      setDropEdge(null);
      const type = event.dataTransfer.getData(DRAG_TYPE) || event.dataTransfer.getData('text/plain');
      if (!type || readOnly) return;
      const point = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const edge = edgeAt(event.clientX, event.clientY);
      const centred = { x: point.x - NODE_SIZE.width / 2, y: point.y - NODE_SIZE.height / 2 };
      if (edge && insertOnEdge(edge, type, centred)) return;
      addNode(type, { x: point.x - 20, y: point.y - 20 });
    },
    [addNode, insertOnEdge, readOnly, screenToFlowPosition],
  );

  /** A connection from an output port let go over empty canvas asks what should come next, right there. */
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const from = state.fromHandle;
      const box = wrapper.current?.getBoundingClientRect();
      if (readOnly || state.isValid || !from || from.type !== 'source' || !box) return;
      if ((event.target as Element | null)?.closest?.('.react-flow__node')) return;
      const { clientX, clientY } = 'changedTouches' in event ? event.changedTouches[0] : event;
      setLoose({
        source: from.nodeId,
        port: from.id ?? 'next',
        // Kept inside the canvas near its right and bottom edges.
        at: {
          x: Math.max(0, Math.min(clientX - box.left, box.width - PICKER.width)),
          y: Math.max(0, Math.min(clientY - box.top, box.height - PICKER.height)),
        },
        flow: screenToFlowPosition({ x: clientX, y: clientY }),
      });
    },
    [readOnly, screenToFlowPosition],
  );

  // Notes sit under the steps; their changes (moves, selection, Delete) go to the notes, the rest to the graph.
  const nodes = useMemo<(FlowNode | NoteNode)[]>(
    () => (notes.nodes.length ? [...notes.nodes, ...editor.nodes] : editor.nodes),
    [notes.nodes, editor.nodes],
  );
  const { onChanges: onNoteChanges } = notes;
  const { onNodesChange } = editor;
  const onChanges = useCallback(
    (changes: NodeChange<FlowNode | NoteNode>[]) => {
      const forNotes = changes.filter((c) => 'id' in c && isNoteNode(c.id));
      if (forNotes.length) onNoteChanges(forNotes as NodeChange<NoteNode>[]);
      if (forNotes.length < changes.length)
        onNodesChange(changes.filter((c) => !forNotes.includes(c)) as NodeChange<FlowNode>[]);
    },
    [onNoteChanges, onNodesChange],
  );
  const addNote = () => {
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    const at = screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 3 });
    notes.add({ x: Math.round(at.x - 100), y: Math.round(at.y) });
  };

  const closeLoose = useCallback(() => setLoose(null), []);
  const pickNext = (type: string) => {
    if (!loose) return;
    const { x, y } = loose.flow;
    // The new node's input sits where the connection was let go.
    const position =
      direction === 'TB' ? { x: x - NODE_SIZE.width / 2, y } : { x, y: y - NODE_SIZE.height / 2 };
    addFromPort(loose.source, loose.port, type, position);
    setLoose(null);
  };

  return (
    <div className="canvas" ref={wrapper} data-testid="canvas">
      <NotesContext.Provider value={notes.actions}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={canvasNodeTypes}
          edgeTypes={flowEdgeTypes}
          onNodesChange={onChanges}
          onEdgesChange={editor.onEdgesChange}
          onConnect={editor.connect}
          onConnectEnd={onConnectEnd}
          onNodeDragStart={(_, node) => isNoteNode(node.id) || history.takeSnapshot()}
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
          defaultEdgeOptions={{ type: 'routed' }}
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
              <button type="button" data-testid="add-note" onClick={addNote} title="Add a sticky note">
                + Note
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
      </NotesContext.Provider>
      {loose && <WhatNextPicker at={loose.at} onPick={pickNext} onClose={closeLoose} />}
    </div>
  );
}
