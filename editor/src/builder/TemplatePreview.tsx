import { useEffect, useId, useMemo, useState } from 'react';
import type { CustomerSummary } from '../api/types.ts';
import { CustomerOptions } from '../ui/CustomerOptions.tsx';
import { useApi } from '../ui/useApi.ts';
import { useDebounced } from '../ui/useDebounced.ts';
import { previewContext, type RenderedField, renderFields, type TemplateField } from './template-preview.ts';

const NOBODY = { customerId: '', traits: {} };

/**
 * Renders a node's template fields in the browser against a customer picked by id or email (their traits
 * are `{{ profile.* }}`). Only a preview: trigger and event data are empty, and delivery renders again.
 */
export function TemplatePreview({
  fields,
  journey,
}: {
  fields: TemplateField[];
  journey: { id: string; name: string };
}) {
  const listId = useId();
  const [text, setText] = useState('');
  const typed = useDebounced(text.trim(), 250);
  const search = useApi<CustomerSummary[]>(`/v1/customers?search=${encodeURIComponent(typed)}`);
  const customer =
    typed === ''
      ? null
      : (search.data?.find((c) => c.customerId === typed || c.traits.email === typed) ?? null);
  const context = useMemo(() => previewContext(customer ?? NOBODY, journey), [customer, journey]);

  const [rendered, setRendered] = useState<RenderedField[]>([]);
  useEffect(() => {
    let current = true;
    renderFields(fields, context).then((result) => current && setRendered(result));
    return () => {
      current = false;
    };
  }, [fields, context]);

  return (
    <section className="template-preview" data-testid="template-preview">
      <h3>
        Preview <span className="preview-tag">not sent</span>
      </h3>
      <div className="field">
        <label htmlFor={`${listId}-customer`}>Customer</label>
        <input
          id={`${listId}-customer`}
          list={listId}
          placeholder="Customer id or email"
          autoComplete="off"
          data-testid="preview-customer"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <CustomerOptions id={listId} customers={search.data} />
      </div>
      <p className="muted" data-testid="preview-note">
        {customer
          ? `As ${customer.customerId} would see it; {{ event }} and {{ trigger }} are empty in a preview.`
          : typed && !search.loading
            ? `No customer “${typed}” — showing the template with an empty profile.`
            : 'Pick a customer to fill in {{ profile.* }}; until then the profile is empty.'}
      </p>
      {search.error && <p className="preview-error">{search.error}</p>}
      {rendered.map((field) => (
        <div className="preview-field" key={field.key} data-testid={`preview-${field.key}`}>
          <div className="muted">{field.title}</div>
          {field.error !== undefined ? (
            <p className="preview-error" role="alert">
              Template error: {field.error}
            </p>
          ) : (
            <pre className="preview-text">{field.text || '(empty)'}</pre>
          )}
        </div>
      ))}
    </section>
  );
}
