import type { CanvasNote } from '@itinera/schemas';
import { applyNodeChanges, type Node, type NodeChange } from '@xyflow/react';
import { createContext, useCallback, useMemo, useState } from 'react';
import { nextNodeId } from '../graph/mapping.ts';

export type NoteNode = Node<{ noteId: string; text: string }, 'note'>;

/** Journey node ids never contain ':', so a note's canvas id cannot collide with a step's. */
const PREFIX = 'note:';
export const isNoteNode = (id: string) => id.startsWith(PREFIX);

const toNode = (note: CanvasNote): NoteNode => ({
  id: `${PREFIX}${note.id}`,
  type: 'note',
  position: { ...note.position },
  data: { noteId: note.id, text: note.text },
  zIndex: -1,
});

/** What a note card may do: edit and delete unless the canvas is read-only. */
export interface NoteActions {
  readOnly: boolean;
  update(id: string, text: string): void;
  remove(id: string): void;
}

export const NotesContext = createContext<NoteActions>({ readOnly: true, update() {}, remove() {} });

/**
 * Sticky notes on the canvas, kept apart from the journey's nodes: they are saved with the draft as
 * editor-only data and never reach validation, the graph or the workflow.
 */
export function useCanvasNotes(initial: CanvasNote[] | undefined, readOnly: boolean) {
  const [nodes, setNodes] = useState<NoteNode[]>(() => (initial ?? []).map(toNode));

  const onChanges = useCallback(
    (changes: NodeChange<NoteNode>[]) => setNodes((list) => applyNodeChanges(changes, list)),
    [],
  );
  const add = useCallback((position: { x: number; y: number }) => {
    setNodes((list) => {
      const id = nextNodeId(
        'note',
        list.map((n) => n.data.noteId),
      );
      return [...list, toNode({ id, text: '', position })];
    });
  }, []);
  const update = useCallback(
    (id: string, text: string) =>
      setNodes((list) => list.map((n) => (n.data.noteId === id ? { ...n, data: { ...n.data, text } } : n))),
    [],
  );
  const remove = useCallback(
    (id: string) => setNodes((list) => list.filter((n) => n.data.noteId !== id)),
    [],
  );

  const notes = useMemo<CanvasNote[]>(
    () =>
      nodes.map((n) => ({
        id: n.data.noteId,
        text: n.data.text,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      })),
    [nodes],
  );
  const actions = useMemo<NoteActions>(() => ({ readOnly, update, remove }), [readOnly, update, remove]);
  return { nodes, notes, onChanges, add, actions };
}

export type CanvasNotesState = ReturnType<typeof useCanvasNotes>;
