import './notes.css';
import type { NodeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { type NoteNode, NotesContext } from './useCanvasNotes.ts';

/** A sticky note on the canvas: drag it by its frame, type in it, delete it with ×. Read-only on versions. */
function NoteCardInner({ data, selected }: NodeProps<NoteNode>) {
  const { readOnly, update, remove } = useContext(NotesContext);
  const id = data.noteId;
  return (
    <div className={`canvas-note${selected ? ' is-selected' : ''}`} data-testid={`note-${id}`}>
      <div className="canvas-note-head">
        <span>🗒 Note</span>
        {!readOnly && (
          <button
            type="button"
            className="nodrag"
            aria-label="Delete note"
            data-testid={`note-delete-${id}`}
            onClick={() => remove(id)}
          >
            ×
          </button>
        )}
      </div>
      {readOnly ? (
        <div className="canvas-note-text" data-testid={`note-text-${id}`}>
          {data.text}
        </div>
      ) : (
        <textarea
          className="canvas-note-text nodrag nowheel"
          aria-label="Note text"
          placeholder="Write a note…"
          data-testid={`note-text-${id}`}
          value={data.text}
          maxLength={2000}
          onChange={(e) => update(id, e.target.value)}
        />
      )}
    </div>
  );
}

export const NoteCard = memo(NoteCardInner);
