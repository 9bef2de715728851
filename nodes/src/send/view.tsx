import { clip } from '../shared/words.ts';
import type { NodeView } from '../views.ts';

const CHANNEL = { email: 'Email', sms: 'SMS', push: 'Push', webhook: 'Webhook' } as Record<string, string>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** What the customer gets on this channel: the email subject, the SMS text, the push title, the webhook call. */
export const sendView: NodeView = {
  summary: (config) => {
    const channel = text(config.channel) || 'email';
    const name = CHANNEL[channel] ?? channel;
    if (config.templateId) return `${name}: template ${text(config.templateId)}`;
    if (channel === 'webhook')
      return `${name}: ${text(config.method) || 'POST'} ${clip(text(config.url), 50)}`;
    const content = channel === 'sms' ? text(config.body) : text(config.subject) || text(config.body);
    return `${name}: ${clip(content)}`;
  },
};
