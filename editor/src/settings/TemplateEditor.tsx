import type { CustomerSummary, RenderedMessage, TemplateView } from '@itinera/schemas';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, post, put } from '../api/client.ts';
import { RenderedPreview } from '../inspector/MessagePreview.tsx';
import { useApi } from '../ui/useApi.ts';

type Draft = Pick<TemplateView, 'name' | 'channel' | 'subject' | 'body' | 'text'>;
const CHANNELS: Draft['channel'][] = ['email', 'sms', 'push', 'webhook'];
const PREVIEW_DELAY_MS = 400;
export const BLANK_TEMPLATE: Draft = { name: '', channel: 'email', subject: '', body: '', text: '' };

/** Edits one template (HTML and text parts for email) with a preview rendered by the server for a customer. */
export function TemplateEditor({
  id,
  initial,
  canWrite,
  onSaved,
}: {
  id: string | null;
  initial: Draft;
  canWrite: boolean;
  onSaved(template: TemplateView): void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const recent = useApi<CustomerSummary[]>('/v1/customers?limit=1');
  const [customerId, setCustomerId] = useState('');
  const previewAs = customerId.trim() || recent.data?.[0]?.customerId || '';
  const [preview, setPreview] = useState<RenderedMessage | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const titled = draft.channel === 'email' || draft.channel === 'push';
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  useEffect(() => {
    if (!previewAs || !draft.body) return;
    let current = true;
    const timer = setTimeout(() => {
      const { name: _, ...content } = draft;
      post<RenderedMessage>('/v1/templates/preview', {
        channel: content.channel,
        body: content.body,
        ...(titled && content.subject ? { subject: content.subject } : {}),
        ...(content.channel === 'email' && content.text ? { text: content.text } : {}),
        customerId: previewAs,
      })
        .then((rendered) => current && (setPreview(rendered), setPreviewError(null)))
        .catch((e) => current && setPreviewError(errorMessage(e)));
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [draft, previewAs, titled]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      name: draft.name.trim(),
      channel: draft.channel,
      body: draft.body,
      ...(titled ? { subject: draft.subject ?? '' } : {}),
      ...(draft.channel === 'email' ? { text: draft.text ?? '' } : {}),
    };
    try {
      onSaved(
        id
          ? await put<TemplateView>(`/v1/templates/${encodeURIComponent(id)}`, body)
          : await post<TemplateView>('/v1/templates', body),
      );
      setProblem(null);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };

  return (
    <div className="template-editor">
      <form className="card dialog-form" onSubmit={submit} data-testid="template-form">
        <label htmlFor="template-name">Name</label>
        <input
          id="template-name"
          data-testid="template-name"
          required
          readOnly={!canWrite}
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
        />
        <label htmlFor="template-channel">Channel</label>
        <select
          id="template-channel"
          value={draft.channel}
          disabled={!canWrite}
          onChange={(e) => set({ channel: e.target.value as Draft['channel'] })}
        >
          {CHANNELS.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        {titled && (
          <>
            <label htmlFor="template-subject">{draft.channel === 'email' ? 'Subject' : 'Title'}</label>
            <input
              id="template-subject"
              data-testid="template-subject"
              readOnly={!canWrite}
              value={draft.subject ?? ''}
              onChange={(e) => set({ subject: e.target.value })}
            />
          </>
        )}
        <label htmlFor="template-body">{draft.channel === 'email' ? 'HTML' : 'Message'}</label>
        <textarea
          id="template-body"
          data-testid="template-body"
          className="code"
          rows={draft.channel === 'email' ? 10 : 4}
          required
          readOnly={!canWrite}
          value={draft.body}
          onChange={(e) => set({ body: e.target.value })}
        />
        {draft.channel === 'email' && (
          <>
            <label htmlFor="template-text">Plain text</label>
            <textarea
              id="template-text"
              className="code"
              rows={4}
              readOnly={!canWrite}
              value={draft.text ?? ''}
              onChange={(e) => set({ text: e.target.value })}
            />
          </>
        )}
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {canWrite && (
          <div className="dialog-actions">
            <button type="submit" className="primary" data-testid="template-save">
              {id ? 'Save template' : 'Create template'}
            </button>
          </div>
        )}
      </form>
      <section className="card template-live-preview" data-testid="template-live-preview" aria-live="polite">
        <h2>Preview</h2>
        <label>
          As customer{' '}
          <input
            data-testid="template-preview-customer"
            placeholder={recent.data?.[0]?.customerId ?? 'customer id'}
            value={customerId}
            onChange={(e) => setCustomerId(e.target.value)}
          />
        </label>
        {!previewAs && <p className="muted">No customers yet to preview with.</p>}
        {previewError && <p className="preview-error">{previewError}</p>}
        {preview && !previewError && (
          <>
            {preview.subject !== null && (
              <p data-testid="template-preview-subject">
                <strong>{preview.subject}</strong>
              </p>
            )}
            <RenderedPreview channel={draft.channel} body={preview.body} title="Template preview" />
            {preview.text && <pre className="message-text">{preview.text}</pre>}
          </>
        )}
      </section>
    </div>
  );
}
