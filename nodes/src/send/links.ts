import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Signed, unguessable tokens for unsubscribe and tracking links: base64url(JSON) + "." + HMAC-SHA256. */
export function signToken(secret: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export function verifyToken<T>(secret: string, token: string): T | null {
  const [body, mac] = token.split('.');
  if (!body || !mac) return null;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString()) as T;
  } catch {
    return null;
  }
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `u`: unsubscribe from a channel (and topic); `o`: email opened; `c`: link clicked. */
export interface LinkPayload {
  k: 'u' | 'o' | 'c';
  /** customer id */
  c: string;
  /** message (delivery) id */
  m: string;
  ch?: string;
  topic?: string;
  /** the original URL of a clicked link */
  u?: string;
  j?: string;
  n?: string;
}

export function unsubscribeUrl(baseUrl: string, secret: string, payload: Omit<LinkPayload, 'k'>): string {
  return `${baseUrl}/u/${signToken(secret, { ...payload, k: 'u' })}`;
}

/** Routes every http(s) link through a signed click redirect and appends an open pixel. */
export function addEmailTracking(
  html: string,
  baseUrl: string,
  secret: string,
  payload: Omit<LinkPayload, 'k' | 'u'>,
): string {
  const tracked = html.replace(/href=(["'])(https?:\/\/[^"']+)\1/gi, (_match, quote: string, url: string) => {
    const token = signToken(secret, { ...payload, k: 'c', u: url.replaceAll('&amp;', '&') });
    return `href=${quote}${baseUrl}/t/c/${token}${quote}`;
  });
  const pixel = `<img src="${baseUrl}/t/o/${signToken(secret, { ...payload, k: 'o' })}.gif" width="1" height="1" alt="" style="display:none">`;
  return /<\/body>/i.test(tracked) ? tracked.replace(/<\/body>/i, `${pixel}</body>`) : `${tracked}${pixel}`;
}
