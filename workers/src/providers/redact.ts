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
