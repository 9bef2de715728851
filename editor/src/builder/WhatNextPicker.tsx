import { useEffect, useRef, useState } from 'react';
import { stepTypes, typeMatches } from '../graph/node-registry.ts';

/**
 * The "what next?" menu shown where a connection dragged from a port was dropped on empty canvas: pick (or
 * search and press Enter for) a step type to add it there, connected to that port. Escape or a click
 * elsewhere closes it.
 */
export function WhatNextPicker({
  at,
  onPick,
  onClose,
}: {
  /** Where to show it, relative to the canvas. */
  at: { x: number; y: number };
  onPick(type: string): void;
  onClose(): void;
}) {
  const [search, setSearch] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const query = search.trim().toLowerCase();
  const types = stepTypes().filter((d) => !query || typeMatches(d, query));

  useEffect(() => {
    const outside = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, [onClose]);

  return (
    <div
      ref={box}
      className="what-next card"
      role="dialog"
      aria-label="What next?"
      data-testid="what-next"
      style={{ left: at.x, top: at.y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        type="search"
        aria-label="Search step types"
        placeholder="What next?"
        data-testid="what-next-search"
        // biome-ignore lint/a11y/noAutofocus: the menu opens for typing, where the pointer left the connection
        autoFocus
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && types[0]) {
            e.preventDefault();
            onPick(types[0].type);
          }
        }}
      />
      <ul>
        {types.map((d) => (
          <li key={d.type}>
            <button type="button" data-testid={`what-next-${d.type}`} onClick={() => onPick(d.type)}>
              <span className="type-icon" aria-hidden="true">
                {d.icon}
              </span>{' '}
              {d.title}
            </button>
          </li>
        ))}
        {types.length === 0 && <li className="muted">No step matches “{search}”.</li>}
      </ul>
    </div>
  );
}
