import { timingSafeEqual } from 'node:crypto';
import { publicBaseUrl } from '@itinera/nodes/send';
import { ReceiptsAccepted } from '@itinera/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import {
  parseSendgridEvents,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  verifySendgridSignature,
} from '../services/receipts/sendgrid.ts';
import { parseSnsPost } from '../services/receipts/ses.ts';
import { receiptStore } from '../services/receipts/store.ts';
import { parseTwilioStatus, verifyTwilioSignature } from '../services/receipts/twilio.ts';

export const TWILIO_RECEIPTS_PATH = '/receipts/twilio';
export const SENDGRID_RECEIPTS_PATH = '/receipts/sendgrid';
export const SES_RECEIPTS_PATH = '/receipts/ses';

const schema = (summary: string, description: string) => ({
  tags: ['receipts'],
  summary,
  description,
  security: [],
  response: { 200: ReceiptsAccepted },
});
const unconfigured = (what: string) =>
  new HttpError(503, `Receipts from ${what} are not configured on this server`, 'service');

/** Basic auth as providers send it when the webhook URL carries `user:password@`. */
function basicAuthMatches(req: FastifyRequest, expected: string): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not valid JSON', 'body');
  }
}

/**
 * Provider delivery receipts (public, authenticated the way each provider signs its webhooks):
 * Twilio status callbacks, SendGrid's Event Webhook and Amazon SES notifications through SNS. Configuration is read per request from the
 * environment: TWILIO_AUTH_TOKEN (+ TWILIO_STATUS_CALLBACK_URL), SENDGRID_WEBHOOK_PUBLIC_KEY and/or
 * RECEIPTS_WEBHOOK_BASIC_AUTH (`user:password`).
 */
export async function receiptRoutes(app: FastifyInstance, { db, ingestion }: Services) {
  const store = receiptStore(db, ingestion);
  const env = process.env;
  // Signatures cover the bytes sent, so both parsers keep the raw body.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Amazon SNS posts JSON as text/plain.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post<{ Body: string }>(
    TWILIO_RECEIPTS_PATH,
    {
      schema: schema(
        'Twilio SMS status callback',
        'Form-encoded MessageSid/MessageStatus/ErrorCode, signed with X-Twilio-Signature (TWILIO_AUTH_TOKEN).',
      ),
    },
    async (req) => {
      const token = env.TWILIO_AUTH_TOKEN?.trim();
      if (!token) throw unconfigured('Twilio');
      if (typeof req.body !== 'string')
        throw new HttpError(415, 'Twilio posts application/x-www-form-urlencoded', 'content-type');
      const params = Object.fromEntries(new URLSearchParams(req.body));
      const url = env.TWILIO_STATUS_CALLBACK_URL?.trim() || `${publicBaseUrl(env)}${TWILIO_RECEIPTS_PATH}`;
      const signature = req.headers['x-twilio-signature'];
      if (!verifyTwilioSignature(token, url, params, typeof signature === 'string' ? signature : undefined))
        throw new HttpError(403, 'X-Twilio-Signature does not match', 'x-twilio-signature');
      return store.record([parseTwilioStatus(params, new Date().toISOString())]);
    },
  );

  app.post<{ Body: string }>(
    SENDGRID_RECEIPTS_PATH,
    {
      schema: schema(
        'SendGrid Event Webhook',
        'JSON array of events (delivered, bounce, dropped, spamreport), signed (SENDGRID_WEBHOOK_PUBLIC_KEY) or with basic auth (RECEIPTS_WEBHOOK_BASIC_AUTH).',
      ),
    },
    async (req) => {
      const publicKey = env.SENDGRID_WEBHOOK_PUBLIC_KEY?.trim();
      const basic = env.RECEIPTS_WEBHOOK_BASIC_AUTH?.trim();
      if (!publicKey && !basic) throw unconfigured('SendGrid');
      if (typeof req.body !== 'string')
        throw new HttpError(415, 'SendGrid posts application/json', 'content-type');
      const header = (name: string) => {
        const value = req.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const signed =
        !!publicKey &&
        verifySendgridSignature(
          publicKey,
          req.body,
          header(SENDGRID_SIGNATURE_HEADER),
          header(SENDGRID_TIMESTAMP_HEADER),
        );
      if (!signed && !(basic && basicAuthMatches(req, basic)))
        throw publicKey
          ? new HttpError(403, 'The event webhook signature does not match', SENDGRID_SIGNATURE_HEADER)
          : new HttpError(401, 'Basic auth credentials do not match', 'authorization');
      return store.record(parseSendgridEvents(parseJson(req.body), new Date().toISOString()));
    },
  );

  app.post<{ Body: string }>(
    SES_RECEIPTS_PATH,
    {
      schema: schema(
        'Amazon SES notifications through SNS',
        'SNS posts of SES Bounce, Complaint and Delivery notifications, with basic auth in the subscribed URL (RECEIPTS_WEBHOOK_BASIC_AUTH); a SubscriptionConfirmation is confirmed.',
      ),
    },
    async (req) => {
      const basic = env.RECEIPTS_WEBHOOK_BASIC_AUTH?.trim();
      if (!basic) throw unconfigured('Amazon SES');
      if (!basicAuthMatches(req, basic))
        throw new HttpError(401, 'Basic auth credentials do not match', 'authorization');
      if (typeof req.body !== 'string') throw new HttpError(415, 'SNS posts text/plain JSON', 'content-type');
      const post = parseSnsPost(parseJson(req.body), new Date().toISOString());
      const none = { received: 1, recorded: 0, duplicates: 0, matched: 0, unmatched: 0, ignored: 1 };
      if (post.kind === 'confirm') {
        const answer = await fetch(post.subscribeUrl, { signal: AbortSignal.timeout(5_000) }).catch(
          () => null,
        );
        if (!answer?.ok)
          throw new HttpError(503, 'Amazon SNS did not confirm the subscription', 'SubscribeURL');
        return none;
      }
      return post.kind === 'receipt' ? store.record([post.receipt]) : none;
    },
  );
}
