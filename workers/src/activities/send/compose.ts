import {
  addEmailTracking,
  type Channel,
  renderTemplate,
  templateContext,
  unsubscribeUrl,
} from '@itinera/nodes/send';
import type { RenderedMessage } from '../../providers/types.ts';
import type { SendInput } from './index.ts';

export interface LinkOptions {
  baseUrl: string;
  secret: string;
  /** A test send: links must not act for the customer, so no unsubscribe link and no tracking. */
  inert?: boolean;
}

/** Renders the message for the chosen channel, adding unsubscribe and (for email) tracking links. */
export async function composeMessage(
  input: SendInput,
  channel: Channel,
  to: string,
  traits: Record<string, unknown>,
  content: { subject?: string; body: string; text?: string },
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
  };
}
