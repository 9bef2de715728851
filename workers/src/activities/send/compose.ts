import {
  addEmailTracking,
  type Channel,
  renderTemplate,
  TemplateError,
  templateContext,
  unsubscribeUrl,
} from '@itinera/nodes/send';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { RenderedMessage } from '../../providers/types.ts';
import type { SendInput } from './index.ts';

export interface LinkOptions {
  baseUrl: string;
  secret: string;
  /** A test send: links must not act for the customer, so no unsubscribe link and no tracking. */
  inert?: boolean;
}

export type MessageContent = { subject?: string; body: string; text?: string };

/** The node's saved template when it names one (null if that template is gone), else its inline content. */
export async function messageContent(db: Db, config: SendInput['config']): Promise<MessageContent | null> {
  if (!config.templateId) return config;
  const template = await db.collection(COLLECTIONS.templates).findOne({ _id: config.templateId as never });
  if (!template) return null;
  return {
    subject: template.subject as string | undefined,
    body: template.body as string,
    text: template.text as string | undefined,
  };
}

/** Renders the message for the chosen channel, adding unsubscribe and (for email) tracking links. */
export async function composeMessage(
  input: SendInput,
  channel: Channel,
  to: string,
  traits: Record<string, unknown>,
  content: MessageContent,
  extra: Record<string, unknown>,
  links: LinkOptions,
  /** A recipient written in the node (webhook URL, fixed inbox) is a template; profile addresses are not. */
  addressTemplate?: string,
): Promise<RenderedMessage> {
  const topic = input.config.topic ?? 'marketing';
  const unsubscribe =
    channel === 'webhook' || links.inert
      ? undefined
      : unsubscribeUrl(links.baseUrl, links.secret, {
          c: input.customerId,
          m: input.idempotencyKey,
          ch: channel,
          topic,
        });
  const context = templateContext({
    customerId: input.customerId,
    traits,
    journey: { id: input.journeyId, name: input.journeyName },
    vars: input.vars,
    extra: { ...extra, unsubscribe_url: unsubscribe ?? '' },
  });
  let body = await renderTemplate(content.body, context);
  if (channel === 'email' && input.config.track !== false && !links.inert) {
    body = addEmailTracking(body, links.baseUrl, links.secret, {
      c: input.customerId,
      m: input.idempotencyKey,
      j: input.journeyId,
      n: input.nodeId,
    });
  }
  return {
    channel,
    to: addressTemplate ? (await renderTemplate(addressTemplate, context)).trim() : to,
    subject: content.subject ? await renderTemplate(content.subject, context) : undefined,
    text: channel === 'email' && content.text ? await renderTemplate(content.text, context) : undefined,
    body,
    method: input.config.method,
    headers: input.config.headers,
    unsubscribeUrl: unsubscribe,
    customerId: input.customerId,
    journeyId: input.journeyId,
    nodeId: input.nodeId,
    enrollmentId: input.enrollmentId,
    ...(links.inert ? { test: true as const } : {}),
  };
}

/** As composeMessage, but a template the customer's data cannot render is an outcome, not an error. */
export async function composeOrExplain(
  ...args: Parameters<typeof composeMessage>
): Promise<RenderedMessage | { templateError: string }> {
  try {
    return await composeMessage(...args);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { templateError: `template error: ${error.message}` };
  }
}
