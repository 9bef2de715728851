import { useEffect } from 'react';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Ctrl/Cmd + C, V, Z, Shift+Z (and Y) on the canvas; ignored while typing in a field. */
export function useShortcuts(
  enabled: boolean,
  actions: { copy(): void; paste(): void; undo(): void; redo(): void },
) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'c') actions.copy();
      else if (key === 'v') actions.paste();
      else if (key === 'z' && event.shiftKey) actions.redo();
      else if (key === 'z') actions.undo();
      else if (key === 'y') actions.redo();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled, actions]);
}
