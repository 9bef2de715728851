// @vitest-environment jsdom
import '@itinera/nodes/definitions';
import { nodeTypes } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaForm } from '../src/form/SchemaForm.tsx';
import type { JsonSchema } from '../src/graph/json-schema.ts';

afterEach(cleanup);

function Harness(props: {
  schema: unknown;
  initial: Record<string, unknown>;
  env: object;
  emitted: unknown[];
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <SchemaForm
      schema={props.schema as JsonSchema}
      value={value}
      env={props.env}
      onChange={(next) => {
        props.emitted.push(next);
        setValue(next);
      }}
    />
  );
}

/** Renders a form for a schema and records every config it emits. */
function renderForm(schema: unknown, initial: Record<string, unknown>, env = {}) {
  const emitted: Record<string, unknown>[] = [];
  render(<Harness schema={schema} initial={initial} env={env} emitted={emitted} />);
  return { last: () => emitted.at(-1) ?? {}, emitted };
}

const byTestId = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('SchemaForm', () => {
  it('renders wait-for-event fields with friendly widgets and edits them', () => {
    const schema = nodeTypes.get('wait_for_event')!.configSchema;
    const { last } = renderForm(
      schema,
      { event: 'order_completed', timeout: { amount: 3, unit: 'days' } },
      { eventNames: ['purchase', 'signed_up'] },
    );
    const event = byTestId('field-event');
    expect(event.value).toBe('order_completed');
    expect(screen.getByLabelText('Event name')).toBe(event);
    const options = [...document.querySelectorAll(`#${event.getAttribute('list')} option`)].map((o) =>
      o.getAttribute('value'),
    );
    expect(options).toEqual(['purchase', 'signed_up']);

    fireEvent.change(event, { target: { value: 'purchase' } });
    expect(last()).toEqual({ event: 'purchase', timeout: { amount: 3, unit: 'days' } });

    fireEvent.change(byTestId('field-timeout.amount'), { target: { value: '5' } });
    fireEvent.change(byTestId('field-timeout.unit'), { target: { value: 'hours' } });
    expect(last()).toEqual({ event: 'purchase', timeout: { amount: 5, unit: 'hours' } });

    // The optional property filter starts collapsed and can be added.
    fireEvent.click(screen.getByTestId('add-where'));
    expect(last().where).toEqual([]);
    fireEvent.click(screen.getByTestId('add-where'));
    expect(last().where).toEqual([{ path: '', op: 'eq' }]);
  });

  it('edits enums, optional strings, templates and records on the send node', () => {
    const schema = nodeTypes.get('send')!.configSchema;
    const { last } = renderForm(schema, { channel: 'email', subject: 'Hi', body: 'Hello' });
    const channel = byTestId('field-channel') as unknown as HTMLSelectElement;
    expect([...channel.options].map((o) => o.textContent)).toEqual(['Email', 'SMS', 'Push', 'Webhook']);
    // An email shows its subject and tracking but no webhook fields.
    expect(screen.queryByTestId('field-track')).not.toBeNull();
    expect(screen.queryByTestId('field-url')).toBeNull();
    expect(byTestId('field-body').tagName).toBe('TEXTAREA');
    fireEvent.change(byTestId('field-subject'), { target: { value: '' } });
    expect(last()).not.toHaveProperty('subject');

    // An SMS shows neither a subject, nor email tracking, nor webhook fields.
    fireEvent.change(channel, { target: { value: '1' } });
    expect(last()).toMatchObject({ channel: 'sms' });
    for (const hidden of ['field-subject', 'field-track', 'field-url', 'add-headers'])
      expect(screen.queryByTestId(hidden)).toBeNull();

    fireEvent.change(channel, { target: { value: '3' } });
    expect(screen.queryByTestId('field-url')).not.toBeNull();

    fireEvent.click(screen.getByTestId('add-headers'));
    expect(last().headers).toEqual({});
    fireEvent.click(screen.getByTestId('add-headers'));
    expect(last().headers).toEqual({ key1: '' });
    fireEvent.change(byTestId('field-headers.0-key'), { target: { value: 'X-Token' } });
    fireEvent.change(byTestId('field-headers.X-Token'), { target: { value: 'abc' } });
    expect(last().headers).toEqual({ 'X-Token': 'abc' });
  });

  it('shows only the wait fields of the chosen mode, with words for choices', () => {
    const { last } = renderForm(nodeTypes.get('wait')!.configSchema, {
      mode: 'duration',
      duration: { amount: 1, unit: 'days' },
    });
    const mode = byTestId('field-mode') as unknown as HTMLSelectElement;
    expect([...mode.options].map((o) => o.textContent)).toContain('Until a time of day');
    expect(screen.queryByTestId('field-time')).toBeNull();
    fireEvent.change(mode, { target: { value: '1' } });
    expect(screen.queryByTestId('field-duration.amount')).toBeNull();
    fireEvent.change(byTestId('field-time'), { target: { value: '09:00' } });
    for (const day of [1, 2, 3, 4, 5]) fireEvent.click(screen.getByTestId(`field-weekdays-${day}`));
    expect(last()).toMatchObject({ mode: 'time_of_day', time: '09:00', weekdays: [1, 2, 3, 4, 5] });
    expect(screen.queryByTestId('field-attribute')).toBeNull();
  });

  it('adds and removes array items of objects (split branches)', () => {
    const schema = nodeTypes.get('split')!.configSchema;
    const initial = nodeTypes.get('split')!.defaultConfig as Record<string, unknown>;
    const { last } = renderForm(schema, structuredClone(initial));
    expect(byTestId('field-branches.1.label').value).toBe('Variant B');
    fireEvent.click(screen.getByTestId('add-branches'));
    expect((last().branches as unknown[]).length).toBe(3);
    fireEvent.change(byTestId('field-branches.2.percent'), { target: { value: '10' } });
    expect((last().branches as { percent: number }[])[2]).toEqual({ id: '', label: '', percent: 10 });
    fireEvent.click(screen.getByTestId('remove-branches.0'));
    expect((last().branches as { label: string }[]).map((b) => b.label)).toEqual(['Variant B', '']);
  });

  it('handles booleans, integers, free values and marks invalid fields', () => {
    const schema = Type.Object({
      enabled: Type.Boolean({ title: 'Enabled' }),
      count: Type.Optional(Type.Integer({ title: 'Count' })),
      value: Type.Optional(Type.Unknown({ title: 'Value' })),
    });
    const { last } = renderForm(schema, { enabled: false }, { invalid: new Set(['count']) });
    fireEvent.click(screen.getByLabelText('Enabled'));
    expect(last()).toEqual({ enabled: true });
    fireEvent.change(screen.getByLabelText('Count'), { target: { value: '7' } });
    expect(last()).toEqual({ enabled: true, count: 7 });
    expect(screen.getByLabelText('Count').closest('.field')?.classList.contains('field-invalid')).toBe(true);
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: '42' } });
    expect(last().value).toBe(42);
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: 'pro' } });
    expect(last().value).toBe('pro');
    fireEvent.change(screen.getByLabelText('Count'), { target: { value: '' } });
    expect(last()).not.toHaveProperty('count');
  });

  it('builds a form for a custom node schema received as plain JSON', () => {
    const json = JSON.parse(
      JSON.stringify(
        Type.Object({
          channel: Type.String({ title: 'Slack channel' }),
          priority: Type.Union([Type.Literal('low'), Type.Literal('high')], { title: 'Priority' }),
        }),
      ),
    );
    const { last } = renderForm(json, { channel: '#a', priority: 'low' });
    fireEvent.change(screen.getByLabelText('Slack channel'), { target: { value: '#growth' } });
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: '1' } });
    expect(last()).toEqual({ channel: '#growth', priority: 'high' });
  });
});
