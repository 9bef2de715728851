/** Exit codes: 0 success, 1 a finding (differences, invalid document, failed test), 2 could not do the job. */
export const EXIT = { ok: 0, finding: 1, failure: 2 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** The API's error shape: `{ error, message, field }`. */
export interface ApiErrorBody {
  error?: string;
  message?: string;
  field?: string;
}

export interface ApiOptions {
  url: string;
  key: string;
}

/** A small client of the Itinera HTTP API with a bearer key. */
export function apiClient({ url, key }: ApiOptions) {
  const base = url.replace(/\/+$/, '');
  const request = async <T = unknown>(
    method: string,
    path: string,
    body?: { text: string; type: string } | object,
  ): Promise<ApiAnswer<T>> => {
    const raw = body && 'text' in body && 'type' in body ? (body as { text: string; type: string }) : null;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': raw ? raw.type : 'application/json' }),
        },
        body: body === undefined ? undefined : raw ? raw.text : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`Cannot reach the Itinera API at ${base}: ${(error as Error).message}`);
    }
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: (json && text ? JSON.parse(text) : text) as T, text };
  };

  return {
    base,
    request,
    /** Like `request`, but any answer other than 2xx becomes a CliError quoting the API's message. */
    async expect<T = unknown>(method: string, path: string, body?: { text: string; type: string } | object) {
      const answer = await request<T>(method, path, body);
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw new CliError(`${method} ${path} failed: ${describeError(answer)}`);
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export function describeError(answer: ApiAnswer): string {
  const body = answer.body as ApiErrorBody | string;
  if (typeof body === 'object' && body?.message)
    return `${answer.status} ${body.message}${body.field ? ` (field: ${body.field})` : ''}`;
  return `${answer.status} ${String(body).slice(0, 300)}`;
}

/** True when the server has no such route at all (an older server), as opposed to a missing resource. */
export function isMissingRoute(answer: ApiAnswer): boolean {
  const body = answer.body as ApiErrorBody;
  return answer.status === 404 && body?.field === 'url';
}
