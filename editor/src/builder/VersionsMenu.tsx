import { useEffect, useState } from 'react';
import type { VersionSummary } from '../api/types.ts';
import { href } from '../app/router.ts';
import { formatTime } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';

/** Published versions; each opens read-only. */
export function VersionsMenu({ journeyId }: { journeyId: string }) {
  const [open, setOpen] = useState(false);
  const { data, error } = useApi<VersionSummary[]>(
    open ? `/v1/journeys/${encodeURIComponent(journeyId)}/versions` : null,
  );
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <div className="menu">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="versions-button">
        Versions ▾
      </button>
      {open && (
        <div className="menu-list" data-testid="versions-list">
          {error && <p className="error">{error}</p>}
          {data?.length === 0 && <p className="muted">Not published yet.</p>}
          {data?.map((v) => (
            <a
              key={v.version}
              href={href('journeys', journeyId, 'versions', v.version)}
              onClick={() => setOpen(false)}
            >
              <strong>v{v.version}</strong> {formatTime(v.publishedAt)}
              {v.note && <span className="muted"> — {v.note}</span>}
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
