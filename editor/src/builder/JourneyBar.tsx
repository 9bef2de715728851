import type { ReactNode } from 'react';
import type { JourneyDetail, VersionDetail } from '../api/types.ts';
import { href } from '../app/router.ts';
import type { SaveState } from './useAutosave.ts';
import { VersionsMenu } from './VersionsMenu.tsx';

const SAVE_TEXT: Record<SaveState, string> = {
  saved: 'All changes saved',
  dirty: 'Unsaved changes…',
  saving: 'Saving…',
  error: 'Not saved',
  conflict: 'Not saved: someone else saved first',
};

interface Props {
  journey: JourneyDetail;
  version?: VersionDetail;
  name: string;
  onName(name: string): void;
  canWrite: boolean;
  readOnly: boolean;
  saveState: SaveState;
  problemCount: number;
  /** Why publishing is pointless right now (nothing changed since the live version), if it is. */
  unchanged?: string;
  onPublish(): void;
  onLifecycle(action: 'pause' | 'resume'): void;
  onRestore(): void;
  /** Draft-vs-live note, compare picker and presence. */
  children?: ReactNode;
}

export function JourneyBar(props: Props) {
  const { journey, version, name, canWrite, readOnly, saveState, problemCount, unchanged } = props;
  const publishBlocked =
    problemCount > 0 ? `Fix ${problemCount} problem(s) before publishing` : (unchanged ?? null);
  return (
    <div className="journey-bar">
      <a href={href('journeys')} className="back" aria-label="Back to journeys">
        ←
      </a>
      <input
        className="journey-name"
        aria-label="Journey name"
        data-testid="journey-name"
        value={name}
        readOnly={readOnly}
        onChange={(e) => props.onName(e.target.value)}
      />
      <span className={`status status-${journey.status}`} data-testid="journey-status">
        {journey.status}
        {journey.liveVersion ? ` · v${journey.liveVersion}` : ''}
      </span>
      {version ? (
        <span className="banner-inline" data-testid="version-banner">
          Viewing v{version.version} (read-only) — <a href={href('journeys', journey.id)}>back to draft</a>
        </span>
      ) : (
        !readOnly && (
          <span className={`save-state save-${saveState}`} data-testid="save-state" aria-live="polite">
            {SAVE_TEXT[saveState]}
          </span>
        )
      )}
      {props.children}
      <span className="spacer" />
      <VersionsMenu journeyId={journey.id} />
      {canWrite && version && journey.status !== 'archived' && (
        <button type="button" onClick={props.onRestore} data-testid="restore-version">
          Restore as draft
        </button>
      )}
      {canWrite && journey.status === 'live' && (
        <button type="button" onClick={() => props.onLifecycle('pause')} data-testid="pause">
          Pause
        </button>
      )}
      {canWrite && journey.status === 'paused' && (
        <button type="button" onClick={() => props.onLifecycle('resume')} data-testid="resume">
          Resume
        </button>
      )}
      {canWrite && !version && (
        <button
          type="button"
          className="primary"
          data-testid="publish-button"
          disabled={readOnly || publishBlocked !== null}
          title={publishBlocked ?? 'Publish a new version'}
          onClick={props.onPublish}
        >
          Publish
        </button>
      )}
    </div>
  );
}
