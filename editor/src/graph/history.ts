import { useCallback, useRef, useState } from 'react';

const LIMIT = 50;

/** A small undo/redo stack of snapshots, in the style of React Flow's undo/redo example. */
export function useHistory<T>(current: () => T, restore: (snapshot: T) => void) {
  const past = useRef<T[]>([]);
  const future = useRef<T[]>([]);
  const [, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);

  /** Call before a change: remembers the state to go back to. */
  const takeSnapshot = useCallback(() => {
    past.current = [...past.current.slice(-(LIMIT - 1)), current()];
    future.current = [];
    bump();
  }, [current, bump]);

  const undo = useCallback(() => {
    const previous = past.current.at(-1);
    if (previous === undefined) return;
    past.current = past.current.slice(0, -1);
    future.current = [...future.current, current()];
    restore(previous);
    bump();
  }, [current, restore, bump]);

  const redo = useCallback(() => {
    const next = future.current.at(-1);
    if (next === undefined) return;
    future.current = future.current.slice(0, -1);
    past.current = [...past.current, current()];
    restore(next);
    bump();
  }, [current, restore, bump]);

  return { takeSnapshot, undo, redo, canUndo: past.current.length > 0, canRedo: future.current.length > 0 };
}
