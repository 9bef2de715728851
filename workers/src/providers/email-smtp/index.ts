import { createTransport } from 'nodemailer';
import { redactSecrets, redactUrl } from '../redact.ts';
import { type DeliveryProvider, PermanentDeliveryError, type RenderedMessage } from '../types.ts';
import { emailParts, messageIdFor } from './content.ts';

export interface SmtpEmailOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (implicit TLS); query options pass to nodemailer. */
  url: string;
  /** Sender, e.g. `Itinera <no-reply@example.com>`; its domain also names the Message-ID. */
  from: string;
  /** Fallback unsubscribe link when the rendered message carries none. */
  unsubscribeUrl?: (message: RenderedMessage) => string | undefined;
  /** Upper bound for one send; keep it under the activity heartbeat timeout. Default 15 s. */
  timeoutMs?: number;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** Email over SMTP: HTML and text parts, one-click unsubscribe headers and a retry-stable Message-ID. */
export function smtpEmailProvider(options: SmtpEmailOptions): DeliveryProvider {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const server = redactUrl(options.url);
  const password = safePassword(options.url);
  const transport = createTransport({
    url: options.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });

  return {
    name: 'smtp',
    async send(message, { idempotencyKey }) {
      const messageId = messageIdFor(idempotencyKey, options.from);
      const unsubscribeUrl = message.unsubscribeUrl ?? options.unsubscribeUrl?.(message);
      const headers: Record<string, string> = { 'X-Itinera-Idempotency-Key': idempotencyKey };
      if (unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          ...emailParts(message.body),
          ...(message.text ? { text: message.text } : {}),
          messageId,
          headers,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return {
          providerMessageId: messageId,
          response: { accepted: info.accepted, rejected: info.rejected, response: info.response },
        };
      } catch (error) {
        throw classifySmtpError(error as SmtpError, { server, to: message.to, password });
      }
    },
  };
}

/** 5xx replies (and envelopes nodemailer refuses to send) cannot succeed on retry; the rest can. */
function classifySmtpError(error: SmtpError, context: { server: string; to: string; password?: string }) {
  const reason = redactSecrets(error.response ?? error.message, [context.password]);
  const code = error.responseCode;
  if (code !== undefined && code >= 500) {
    return new PermanentDeliveryError(
      `SMTP ${context.server} rejected email to ${context.to} (${code}): ${reason}`,
    );
  }
  if (code === undefined && error.code === 'EENVELOPE') {
    return new PermanentDeliveryError(`Email to ${context.to} has an invalid envelope: ${reason}`);
  }
  const status = code === undefined ? (error.code ?? 'error') : String(code);
  return new Error(`SMTP ${context.server} failed for email to ${context.to} (${status}): ${reason}`);
}

function safePassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
