const SECRET_LOOKING_SEGMENT = /^[A-Za-z0-9_\-.~%]{20,}$/;

/**
 * A URL fit for error messages: userinfo dropped, query values masked and long opaque path
 * segments (the secret part of Slack-style hook URLs) shortened to `…`.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '<invalid url>';
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (SECRET_LOOKING_SEGMENT.test(segment) ? '…' : segment))
    .join('/');
  const query = [...url.searchParams.keys()].map((key) => `${key}=***`).join('&');
  return `${url.protocol}//${url.host}${path}${query ? `?${query}` : ''}`;
}

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) with `***`. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join('***');
  }
  return result;
}

/** The parts of a URL that must not reach an error message: the whole URL, its userinfo and query values. */
export function urlSecrets(raw: string): string[] {
  try {
    const url = new URL(raw);
    const secrets = [raw, url.href, url.username, url.password, ...url.searchParams.values()];
    const masked = url.pathname.split('/').filter((segment) => SECRET_LOOKING_SEGMENT.test(segment));
    return [...secrets, ...masked].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  } catch {
    return [raw];
  }
}

/** A short reason for a failed fetch (`ECONNREFUSED`, `timed out`, …) with the given secrets masked. */
export function describeFetchError(error: unknown, secrets: string[]): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  const reason =
    failure.name === 'TimeoutError'
      ? 'timed out'
      : (failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error));
  return redactSecrets(String(reason), secrets);
}
