import { type DragEvent, useState } from 'react';
import { paletteGroups, typeMatches } from '../graph/node-registry.ts';

export const DRAG_TYPE = 'application/x-itinera-node';

/**
 * Node types by category: drag one onto the canvas, or press Enter/click to drop it in free space. The search
 * box narrows the list by name, type or description; Enter in it adds the first match, Escape clears it.
 */
export function Palette({ onAdd, disabled }: { onAdd(type: string): void; disabled: boolean }) {
  const [search, setSearch] = useState('');
  const query = search.trim().toLowerCase();
  const groups = paletteGroups()
    .map(
      ([category, definitions]) =>
        [category, query ? definitions.filter((d) => typeMatches(d, query)) : definitions] as const,
    )
    .filter(([, definitions]) => definitions.length > 0);
  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(DRAG_TYPE, type);
    event.dataTransfer.setData('text/plain', type);
    event.dataTransfer.effectAllowed = 'move';
  };
  return (
    <aside className="palette" aria-label="Node palette">
      <input
        type="search"
        className="palette-search"
        aria-label="Search node types"
        placeholder="Search steps…"
        data-testid="palette-search"
        value={search}
        disabled={disabled}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          const first = groups[0]?.[1][0];
          if (e.key === 'Enter' && first) {
            e.preventDefault();
            onAdd(first.type);
          } else if (e.key === 'Escape' && search) {
            e.stopPropagation();
            setSearch('');
          }
        }}
      />
      {groups.length === 0 && <p className="muted">No step matches “{search}”.</p>}
      {groups.map(([category, definitions]) => (
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
