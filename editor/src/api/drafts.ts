import type { CanvasNote, JourneyGraph, JourneySettings } from '@itinera/schemas';
import { ApiError, api, storedApiKey } from './client.ts';
import type { JourneyDetail, VersionDetail } from './types.ts';

/** A journey's draft as the API returns it since drafts carry a revision. */
export type DraftJourney = JourneyDetail & { revision?: number; updatedBy?: string };

export interface DraftConflict {
  revision: number;
  updatedBy: string | null;
  updatedAt: string;
  message: string;
}

export class ConflictError extends Error {
  constructor(readonly conflict: DraftConflict) {
    super(conflict.message);
  }
}

export interface PresenceEntry {
  name: string;
  lastSeen: string;
}

const journeyPath = (id: string) => `/v1/journeys/${encodeURIComponent(id)}`;

/**
 * Saves the draft based on `revision`. `keepalive` lets the request outlive the page (tab closed, reload),
 * so it goes through fetch directly; a stale revision throws ConflictError.
 */
export async function saveDraft(
  journeyId: string,
  draft: { name: string; graph: JourneyGraph; settings?: JourneySettings; notes?: CanvasNote[] },
  revision: number,
  keepalive = false,
): Promise<DraftJourney> {
  const key = storedApiKey();
  let response: Response;
  try {
    response = await fetch(journeyPath(journeyId), {
      method: 'PUT',
      keepalive,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ ...draft, revision }),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the Itinera server. Your changes are not saved yet.');
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 409 && body.field === 'revision') throw new ConflictError(body as DraftConflict);
  if (!response.ok) throw new ApiError(response.status, body.message ?? `Save failed (${response.status})`);
  return body as DraftJourney;
}

export const loadDraft = (journeyId: string) => api<DraftJourney>(journeyPath(journeyId));

export const heartbeat = (journeyId: string) =>
  api<{ others: PresenceEntry[] }>(`${journeyPath(journeyId)}/presence`, { method: 'PUT' });

/** Leaving the journey: survives the page going away. */
export function leave(journeyId: string): void {
  const key = storedApiKey();
  void fetch(`${journeyPath(journeyId)}/presence`, {
    method: 'DELETE',
    keepalive: true,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  }).catch(() => {});
}

export const unarchive = (journeyId: string) =>
  api<DraftJourney>(`${journeyPath(journeyId)}/unarchive`, { method: 'POST' });

/** A published version as the API returns it (with the journey name it was published under). */
export type PublishedVersion = VersionDetail & { name?: string };
