import type { TemplateView } from '@itinera/schemas';
import { href, navigate } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { formatTime } from '../ui/format.ts';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { BLANK_TEMPLATE, TemplateEditor } from './TemplateEditor.tsx';

/** Saved message templates: the list, and the one chosen (or a new one) in the editor beside it. */
export function TemplatesPage({ selected }: { selected?: string }) {
  const { data, error, reload } = useApi<TemplateView[]>('/v1/templates');
  const canWrite = useCan('journeys:write');
  const toast = useToast();
  const current = data?.find((t) => t.id === selected);
  const editing = selected === 'new' ? BLANK_TEMPLATE : current;
  return (
    <section className="page settings-page">
      <div className="page-head">
        <h1>Templates</h1>
        {canWrite && (
          <a
            className="button primary"
            href={href('settings', 'templates', 'new')}
            data-testid="template-new"
          >
            New template
          </a>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {data && data.length === 0 && <p className="muted">No templates yet.</p>}
      {data && data.length > 0 && (
        <table className="table" data-testid="templates">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Channel</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.map((t) => (
              <tr key={t.id} aria-selected={t.id === selected}>
                <td>
                  <a href={href('settings', 'templates', t.id)}>{t.name}</a>
                </td>
                <td>
                  <code>{t.id}</code>
                </td>
                <td>{t.channel}</td>
                <td>{formatTime(t.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <TemplateEditor
          key={selected}
          id={selected === 'new' ? null : (selected ?? null)}
          initial={editing}
          canWrite={canWrite}
          onSaved={(saved) => {
            toast.info(`Template "${saved.name}" saved`);
            reload();
            if (selected === 'new') navigate('settings', 'templates', saved.id);
          }}
        />
      )}
    </section>
  );
}
