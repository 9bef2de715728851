import type { GraphProblem } from '@itinera/schemas';

const KEY_STORAGE = 'itinera.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly problems?: GraphProblem[],
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
    throw new ApiError(0, 'Cannot reach the Itinera server. Check your connection.');
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
    };
    const message = body.message ?? body.error ?? `Request failed (${response.status})`;
    if (response.status === 401 && !init.key) onUnauthorized?.();
    throw new ApiError(response.status, message, body.error, body.problems);
  }
  return data as T;
}

export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
