import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A real HTTP server on 127.0.0.1 that records every request and answers with `reply`. */
export async function startHttpServer(reply: (request: RecordedRequest) => Reply) {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    requests.push(request);
    const answer = reply(request);
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  username?: string;
  password?: string;
  raw: string;
}

/**
 * A real SMTP server (no STARTTLS) on 127.0.0.1. Recipients whose local part is `reject-<code>`
 * are refused with that reply code; logins other than the given user/password fail with 535.
 */
export async function startSmtpServer(credentials?: { user: string; pass: string }) {
  const received: ReceivedMail[] = [];
  const logins = new Map<string, { username?: string; password?: string }>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, session, callback) {
      if (credentials && (auth.username !== credentials.user || auth.password !== credentials.pass)) {
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
      logins.set(session.id, { username: auth.username, password: auth.password ?? undefined });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const refusal = /^reject-(\d{3})@/.exec(address.address);
      if (!refusal) return callback();
      const error: SMTPServerError = Object.assign(new Error(`Mailbox refused (${refusal[1]})`), {
        responseCode: Number(refusal[1]),
      });
      callback(error);
    },
    async onData(stream, session, callback) {
      let raw = '';
      for await (const chunk of stream) raw += chunk;
      const { envelope } = session;
      received.push({
        mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
        rcptTo: envelope.rcptTo.map((r) => r.address),
        ...logins.get(session.id),
        raw,
      });
      callback();
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  const auth = credentials
    ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`
    : '';
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Just enough MIME for the tests: unfolded headers (lower-case names) and decoded leaf parts. */
export function parseMime(raw: string): MimePart & { parts: MimePart[] } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) return { headers, body: decode(body, headers), parts: [] };
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((chunk) => {
      const part = parseMime(chunk.replace(/^\r?\n/, ''));
      return part.parts.length > 0 ? part.parts : [{ headers: part.headers, body: part.body }];
    });
  return { headers, body, parts };
}

/** Decodes a leaf part and turns the wire's CRLF line ends back into LF. */
function decode(body: string, headers: Record<string, string>): string {
  return decodeTransfer(body, headers).replace(/\r\n/g, '\n');
}

function decodeTransfer(body: string, headers: Record<string, string>): string {
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/%/g, '%25')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex) => `%${hex}`);
    return decodeURIComponent(bytes).replace(/\r?\n$/, '');
  }
  return body.replace(/\r?\n$/, '');
}
