import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../engine/src/services/receipts/twilio.ts';

export interface StatusCallback {
  sid: string;
  status: string;
  /** The API's answer to the callback. */
  answer: number;
}

/** What happens to an SMS to `to`: its final status and Twilio error code. */
export type SmsOutcome = (to: string) => {
  status: 'delivered' | 'undelivered' | 'failed';
  errorCode?: string;
};

/**
 * A local Twilio Messages API: answers 201 with a message sid, then, as Twilio does, posts signed status
 * callbacks (`sent`, then the final status, the final one twice as Twilio's retries may) to the
 * `StatusCallback` URL given with the message.
 */
export async function startFakeTwilio(options: {
  accountSid: string;
  authToken: string;
  outcome: SmsOutcome;
}) {
  const callbacks: StatusCallback[] = [];
  const inFlight: Promise<void>[] = [];
  let next = 0;
  const post = async (url: string, params: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(options.authToken, url, params),
      },
      body: new URLSearchParams(params),
    });
    await response.text();
    callbacks.push({ sid: params.MessageSid, status: params.MessageStatus, answer: response.status });
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    if (!req.url?.endsWith(`/Accounts/${options.accountSid}/Messages.json`)) {
      res.writeHead(404).end('{"code":20404}');
      return;
    }
    const sid = `SM${(++next).toString(16).padStart(32, '0')}`;
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ sid, status: 'queued', to: form.To }));
    if (!form.StatusCallback) return;
    const { status, errorCode } = options.outcome(form.To);
    const base = {
      AccountSid: options.accountSid,
      MessageSid: sid,
      SmsSid: sid,
      From: form.From,
      To: form.To,
    };
    const final = {
      ...base,
      MessageStatus: status,
      SmsStatus: status,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
    inFlight.push(
      (async () => {
        await post(form.StatusCallback, { ...base, MessageStatus: 'sent', SmsStatus: 'sent' });
        await post(form.StatusCallback, final);
        await post(form.StatusCallback, final);
      })(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    callbacks,
    /** Waits for every callback started so far. */
    settled: () => Promise.all(inFlight),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
