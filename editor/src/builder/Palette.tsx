import type { DragEvent } from 'react';
import { paletteGroups } from '../graph/node-registry.ts';

export const DRAG_TYPE = 'application/x-itinera-node';

/** Node types by category: drag one onto the canvas, or press Enter/click to drop it at the centre. */
export function Palette({ onAdd, disabled }: { onAdd(type: string): void; disabled: boolean }) {
  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(DRAG_TYPE, type);
    event.dataTransfer.setData('text/plain', type);
    event.dataTransfer.effectAllowed = 'move';
  };
  return (
    <aside className="palette" aria-label="Node palette">
      {paletteGroups().map(([category, definitions]) => (
        <section key={category}>
          <h3>{category}</h3>
          {definitions.map((d) => (
            <button
              type="button"
              key={d.type}
              className="palette-item"
              data-testid={`palette-${d.type}`}
              title={d.description}
              disabled={disabled}
              draggable={!disabled}
              onDragStart={(e) => onDragStart(e, d.type)}
              onClick={() => onAdd(d.type)}
            >
              <span className="type-icon" aria-hidden="true">
                {d.icon}
              </span>{' '}
              <span className="palette-title">{d.title}</span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
