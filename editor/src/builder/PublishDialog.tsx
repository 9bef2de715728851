import { type FormEvent, useState } from 'react';

export function PublishDialog({
  onPublish,
  onCancel,
}: {
  onPublish(note: string): Promise<void>;
  onCancel(): void;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await onPublish(note.trim());
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="dialog-backdrop">
      <form className="dialog card" onSubmit={submit} aria-label="Publish journey">
        <h2>Publish</h2>
        <label htmlFor="publish-note">What changed?</label>
        <textarea
          id="publish-note"
          data-testid="publish-note"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog exists to take this note
          autoFocus
        />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="publish-confirm">
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </form>
    </div>
  );
}
