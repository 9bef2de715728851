import { defineNodeType } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

const ChannelName = Type.Union(
  [Type.Literal('email'), Type.Literal('sms'), Type.Literal('push'), Type.Literal('webhook')],
  {
    title: 'Channel',
    default: 'email',
  },
);

export const sendNode = defineNodeType({
  type: 'send',
  title: 'Send message',
  category: 'action',
  icon: '✉️',
  description:
    'Sends an email, SMS, push or webhook rendered from a Liquid template with {{ profile }}, {{ event }}, {{ trigger }}, {{ journey }} and {{ promo_code }}.',
  configSchema: Type.Object(
    {
      channel: ChannelName,
      fallbackChannels: Type.Optional(
        Type.Array(ChannelName, { title: 'Else try (in order)', uniqueItems: true, maxItems: 3 }),
      ),
      topic: Type.Optional(Type.String({ title: 'Topic', default: 'marketing', pattern: '^[a-z0-9_-]+$' })),
      transactional: Type.Optional(
        Type.Boolean({
          title: 'Transactional (ignores marketing opt-outs, quiet hours and caps)',
          default: false,
        }),
      ),
      templateId: Type.Optional(
        Type.String({ title: 'Saved template (overrides subject and body)', 'x-widget': 'template-id' }),
      ),
      to: Type.Optional(Type.String({ title: 'Recipient (template; defaults to the profile address)' })),
      subject: Type.Optional(
        Type.String({
          title: 'Subject (email) / title (push)',
          'x-widget': 'template',
          'x-when': { channel: ['email', 'push'], fallbackChannels: ['email', 'push'] },
        }),
      ),
      body: Type.String({ title: 'Body', 'x-widget': 'template' }),
      promoPool: Type.Optional(
        Type.String({ title: 'Promo-code pool ({{ promo_code }})', 'x-widget': 'promo-pool' }),
      ),
      onCap: Type.Optional(
        Type.Union([Type.Literal('defer'), Type.Literal('skip')], {
          title: 'Over a frequency cap',
          default: 'defer',
          'x-labels': { defer: 'Send later, when the cap allows', skip: 'Skip this message' },
        }),
      ),
      track: Type.Optional(
        Type.Boolean({
          title: 'Track email opens and clicks',
          default: true,
          'x-when': { channel: ['email'], fallbackChannels: ['email'] },
        }),
      ),
      url: Type.Optional(
        Type.String({
          title: 'Webhook URL',
          pattern: '^https?://',
          'x-when': { channel: ['webhook'], fallbackChannels: ['webhook'] },
        }),
      ),
      method: Type.Optional(
        Type.Union(
          ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].map((m) => Type.Literal(m)),
          {
            title: 'Webhook method',
            default: 'POST',
            'x-when': { channel: ['webhook'], fallbackChannels: ['webhook'] },
          },
        ),
      ),
      headers: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          title: 'Webhook headers',
          'x-when': { channel: ['webhook'], fallbackChannels: ['webhook'] },
        }),
      ),
    },
    { additionalProperties: false },
  ),
  defaultConfig: {
    channel: 'email',
    subject: 'Welcome, {{ profile.first_name | default: "friend" }}!',
    body: 'Hello!',
  },
  ports: [{ id: 'next', label: 'next' }],
  validate: (config) => {
    const problems: string[] = [];
    const channels = [config.channel, ...(config.fallbackChannels ?? [])];
    if (channels.includes('webhook') && !config.url) problems.push('url is required for a webhook');
    if (config.to && channels.length > 1) problems.push('to cannot be combined with fallback channels');
    return problems;
  },
});
