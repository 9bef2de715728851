import { type LinkPayload, loadLinkSecret, verifyToken } from '@itinera/nodes/send';
import { COLLECTIONS, foldKeyOf } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { consentChanges } from '../services/consent-changes.ts';

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 4096 }) });
type TokenParams = Static<typeof TokenParams>;
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const page = (reply: FastifyReply, title: string, body: string) =>
  reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><meta name="viewport" content="width=device-width"><title>${title}</title><body style="font-family:system-ui;max-width:32rem;margin:4rem auto">${body}</body>`,
    );

/** Public endpoints behind signed links in messages: one-click unsubscribe, open pixel, click redirect. */
export async function linkRoutes(app: FastifyInstance, { db, ingestion, enrollments, erasure }: Services) {
  const secret = loadLinkSecret(db);
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const consent = consentChanges(db, ingestion);
  const open = async (token: string, kind: LinkPayload['k']) => {
    const payload = verifyToken<LinkPayload>(await secret, token);
    if (!payload || payload.k !== kind) throw new HttpError(404, 'This link is not valid', 'token');
    // Links in messages sent before an erasure must not re-create the customer.
    if (await erasure.isErased(payload.c)) throw new HttpError(404, 'This link is no longer valid', 'token');
    return payload;
  };
  const emit = (
    payload: LinkPayload,
    event: string,
    messageId: string,
    properties: Record<string, unknown>,
  ) =>
    ingestion.accept(
      [
        {
          type: 'track',
          userId: payload.c,
          event,
          messageId,
          properties: { messageId: payload.m, ...properties },
        },
      ],
      false,
    );

  const unsubscribe = async (payload: LinkPayload) => {
    const isTopic = payload.topic && payload.topic !== 'marketing';
    await consent.unsubscribe(payload.c, isTopic ? { topic: payload.topic } : { channel: payload.ch });
    // A link without a topic (or channel) must not send `undefined`, which ingestion refuses.
    await emit(payload, 'unsubscribed', `unsubscribe:${payload.m}`, {
      ...(payload.ch !== undefined ? { channel: payload.ch } : {}),
      ...(payload.topic !== undefined ? { topic: payload.topic } : {}),
    });
  };
  // `$inc` is atomic on MongoDB; FerretDB applies it as read-then-write, so simultaneous opens may count once.
  const count = (payload: LinkPayload, field: 'opens' | 'clicks') =>
    deliveries.updateOne(
      { _id: payload.m as never },
      {
        $inc: { [field]: 1 },
        $set: {
          [`last${field === 'opens' ? 'Opened' : 'Clicked'}At`]: new Date().toISOString(),
          foldKey: foldKeyOf(),
        },
      },
    );
  const what = (p: LinkPayload) =>
    p.topic && p.topic !== 'marketing' ? `"${p.topic}" messages` : `${p.ch ?? 'email'} messages`;

  const schema = { hide: true, params: TokenParams };
  app.get<{ Params: TokenParams }>('/u/:token', { schema }, async (req, reply) => {
    const payload = await open(req.params.token, 'u');
    return page(
      reply,
      'Unsubscribe',
      `<p>Stop receiving ${what(payload)}?</p><form method="post"><button type="submit">Unsubscribe</button></form>`,
    );
  });
  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the same URL.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.post<{ Params: TokenParams }>('/u/:token', { schema }, async (req, reply) => {
    const payload = await open(req.params.token, 'u');
    await unsubscribe(payload);
    return page(reply, 'Unsubscribed', `<p>You will no longer receive ${what(payload)}.</p>`);
  });
  app.get<{ Params: TokenParams }>('/t/o/:token', { schema }, async (req, reply) => {
    const payload = await open(req.params.token.replace(/\.gif$/, ''), 'o').catch(() => null);
    if (payload) await count(payload, 'opens');
    if (payload)
      await emit(payload, 'email_opened', `open:${payload.m}:${Date.now()}`, {
        journeyId: payload.j,
        nodeId: payload.n,
      });
    return reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL);
  });
  app.get<{ Params: TokenParams }>('/t/c/:token', { schema }, async (req, reply) => {
    const payload = await open(req.params.token, 'c');
    await count(payload, 'clicks');
    await emit(payload, 'email_clicked', `click:${payload.m}:${Date.now()}`, {
      url: payload.u,
      journeyId: payload.j,
      nodeId: payload.n,
    });
    return reply.redirect(payload.u!, 302);
  });
}
