import '@itinera/nodes/definitions';
import { nodeTypes } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { previewContext, renderFields, templateFields } from '../src/builder/template-preview.ts';
import type { JsonSchema } from '../src/graph/json-schema.ts';

const sendSchema = () => nodeTypes.get('send')?.configSchema as JsonSchema;
const ada = { customerId: 'ada', traits: { first_name: 'Ada', plan: 'pro' } };
const journey = { id: 'j1', name: 'Welcome' };

describe('template preview', () => {
  it('finds the template fields of a send config that have a value', () => {
    const fields = templateFields(sendSchema(), { channel: 'email', subject: 'Hi', body: 'Hello', to: 'x' });
    expect(fields.map((f) => f.key)).toEqual(['subject', 'body']);
    expect(templateFields(sendSchema(), { channel: 'sms', body: ' ' })).toEqual([]);
  });

  it('renders with the customer traits as profile, like the worker', async () => {
    const fields = templateFields(sendSchema(), {
      subject: 'Welcome, {{ profile.first_name | default: "friend" }}!',
      body: '{{ profile.id }} on {{ profile.plan | upcase }} in {{ journey.name }}',
    });
    const [subject, body] = await renderFields(fields, previewContext(ada, journey));
    expect(subject.text).toBe('Welcome, Ada!');
    expect(body.text).toBe('ada on PRO in Welcome');
    const [anonymous] = await renderFields(fields, previewContext({ customerId: '', traits: {} }, journey));
    expect(anonymous.text).toBe('Welcome, friend!');
  });

  it('turns template errors into a readable message per field', async () => {
    const [broken, unknownFilter, fine] = await renderFields(
      [
        { key: 'subject', title: 'Subject', template: 'Hi {{ profile.first_name' },
        { key: 'body', title: 'Body', template: '{{ profile.first_name | shout }}' },
        { key: 'to', title: 'To', template: 'ok' },
      ],
      previewContext(ada, journey),
    );
    expect(broken.error).toMatch(/not closed/);
    expect(broken.error).not.toContain('\n');
    expect(unknownFilter.error).toMatch(/undefined filter: shout/);
    expect(fine).toMatchObject({ text: 'ok' });
  });
});
