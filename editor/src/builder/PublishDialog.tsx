import { type FormEvent, useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';

/** Asks what changed (a note is required) before publishing a new version. */
export function PublishDialog({
  onPublish,
  onCancel,
  changes,
}: {
  onPublish(note: string): Promise<void>;
  onCancel(): void;
  /** A line such as "2 nodes changed since v1". */
  changes?: string;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) return;
    setBusy(true);
    try {
      await onPublish(note.trim());
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog title="Publish" onClose={onCancel} testId="publish-dialog">
      <form className="dialog-form" onSubmit={submit}>
        {changes && <p className="muted">{changes}</p>}
        <label htmlFor="publish-note">What changed? (required)</label>
        <textarea
          id="publish-note"
          data-testid="publish-note"
          rows={3}
          required
          value={note}
          onChange={(e) => setNote(e.target.value)}
          autoFocus
        />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || !note.trim()}
            data-testid="publish-confirm"
          >
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
