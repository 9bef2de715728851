import { defineNodeType } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const sendNode = defineNodeType({
  type: 'send',
  title: 'Send message',
  category: 'action',
  icon: '✉️',
  description:
    'Sends an email, SMS, push or webhook rendered from a Liquid template with {{ profile }}, {{ event }}, {{ trigger }} and {{ journey }}.',
  configSchema: Type.Object(
    {
      channel: Type.Union(
        [Type.Literal('email'), Type.Literal('sms'), Type.Literal('push'), Type.Literal('webhook')],
        {
          title: 'Channel',
          default: 'email',
        },
      ),
      to: Type.Optional(
        Type.String({ title: 'Recipient (template; defaults to the profile email, phone or push token)' }),
      ),
      subject: Type.Optional(Type.String({ title: 'Subject / title', 'x-widget': 'template' })),
      body: Type.String({ title: 'Body', 'x-widget': 'template' }),
      url: Type.Optional(Type.String({ title: 'Webhook URL', pattern: '^https?://' })),
      method: Type.Optional(
        Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH')], {
          title: 'Webhook method',
          default: 'POST',
        }),
      ),
      headers: Type.Optional(Type.Record(Type.String(), Type.String(), { title: 'Webhook headers' })),
    },
    { additionalProperties: false },
  ),
  defaultConfig: {
    channel: 'email',
    subject: 'Welcome, {{ profile.first_name | default: "friend" }}!',
    body: 'Hello!',
  },
  ports: [{ id: 'next', label: 'next' }],
  validate: (config) =>
    config.channel === 'webhook' && !config.url ? ['url is required for a webhook'] : [],
});
