import type { GraphProblem } from '@itinera/schemas';
import { reportAvailability } from './availability.ts';

const KEY_STORAGE = 'itinera.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly problems?: GraphProblem[],
    /** The request field the error names, when it names one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export function storedApiKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}

export function storeApiKey(key: string | null): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Fetches `/v1/...` with the stored API key; throws ApiError with a readable message on failure. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {},
): Promise<T> {
  const key = init.key ?? storedApiKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    const message = 'Cannot reach the Itinera server. Check your connection.';
    reportAvailability(message);
    throw new ApiError(0, message);
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const body = (data && typeof data === 'object' ? data : {}) as {
      message?: string;
      error?: string;
      problems?: GraphProblem[];
      field?: string;
    };
    const message = body.message ?? body.error ?? `Request failed (${response.status})`;
    reportAvailability(response.status === 503 ? message : null);
    if (response.status === 401 && !init.key) onUnauthorized?.();
    throw new ApiError(response.status, message, body.error, body.problems, body.field);
  }
  reportAvailability(null);
  return data as T;
}

export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
