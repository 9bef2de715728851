import type { SegmentRule, SegmentView } from '@itinera/schemas';

type SegmentKind = SegmentView['kind'];

import { useState } from 'react';
import { api, del, errorMessage, post } from '../api/client.ts';
import { href, navigate } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { SelectInput, TextInput } from '../ui/LabeledInputs.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';
import { CsvImport } from './CsvImport.tsx';
import { LivePreview, type RuleProblem } from './LivePreview.tsx';
import { MembersList } from './MembersList.tsx';
import { EMPTY_RULES, RuleBuilder } from './RuleBuilder.tsx';
import { SegmentStatus } from './SegmentsPage.tsx';
import { SizeChart } from './SizeChart.tsx';
import './segments.css';

interface Draft {
  name: string;
  description: string;
  kind: SegmentKind;
  rules: SegmentRule;
}

const draftOf = (s: SegmentView | null): Draft => ({
  name: s?.name ?? '',
  description: s?.description ?? '',
  kind: s?.kind ?? 'rules',
  rules: s?.rules ?? EMPTY_RULES,
});

/** Creates or edits a segment; a saved one also shows its size over time, its members and, if manual, CSV import. */
export function SegmentPage({ segmentId }: { segmentId: string | null }) {
  const existing = useApi<SegmentView>(segmentId ? `/v1/segments/${encodeURIComponent(segmentId)}` : null);
  useRefresh([existing.reload]);
  if (segmentId && !existing.data) {
    return (
      <section className="page">
        {existing.error ? <p className="error">{existing.error}</p> : <p className="loading">Loading…</p>}
      </section>
    );
  }
  return <SegmentForm key={segmentId ?? 'new'} segment={existing.data} />;
}

function SegmentForm({ segment }: { segment: SegmentView | null }) {
  const canWrite = useCan('journeys:write');
  const toast = useToast();
  const [draft, setDraft] = useState(() => draftOf(segment));
  const [problem, setProblem] = useState<RuleProblem | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const readOnly = !canWrite;
  const segments = useApi<SegmentView[]>('/v1/segments');
  const events = useApi<string[]>(readOnly ? null : '/v1/events/names');
  const attributes = useApi<string[]>(readOnly ? null : '/v1/customers/attributes');

  const save = async () => {
    setSaving(true);
    try {
      const body = {
        name: draft.name,
        // An edit sends the description even when emptied, and rules only when changed (new rules recompute).
        ...(draft.description || segment ? { description: draft.description } : {}),
        ...(draft.kind === 'rules' && JSON.stringify(draft.rules) !== JSON.stringify(segment?.rules)
          ? { rules: draft.rules }
          : {}),
      };
      if (segment) {
        await api<SegmentView>(`/v1/segments/${encodeURIComponent(segment.id)}`, { method: 'PATCH', body });
        toast.info('Segment saved');
      } else {
        const created = await post<SegmentView>('/v1/segments', { ...body, kind: draft.kind });
        toast.info('Segment created');
        navigate('segments', created.id);
      }
    } catch (e) {
      toast.error(e);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!segment) return;
    try {
      await del(`/v1/segments/${encodeURIComponent(segment.id)}`);
      toast.info(`Segment "${segment.name}" deleted`);
      navigate('segments');
    } catch (e) {
      toast.error(errorMessage(e));
      setConfirmDelete(false);
    }
  };

  return (
    <section className="page segment-page">
      <div className="page-head">
        <h1>
          <a href={href('segments')}>Segments</a> / {segment?.name ?? 'New segment'}
        </h1>
        {segment && <SegmentStatus segment={segment} />}
      </div>
      <div className="segment-edit">
        <div className="card">
          <TextInput
            id="segment-name"
            label="Name"
            readOnly={readOnly}
            value={draft.name}
            onChange={(name) => set({ name })}
          />
          <TextInput
            id="segment-description"
            label="Description"
            readOnly={readOnly}
            value={draft.description}
            onChange={(description) => set({ description })}
          />
          {!segment && (
            <SelectInput
              id="segment-kind"
              label="Members"
              value={draft.kind}
              onChange={(kind) => set({ kind: kind as SegmentKind })}
              choices={[
                ['rules', 'Computed from rules'],
                ['manual', 'A manual list (CSV or API)'],
              ]}
            />
          )}
          {draft.kind === 'rules' && (
            <RuleBuilder
              rules={draft.rules}
              onChange={(rules) => set({ rules })}
              env={{
                readOnly,
                problemPath: problem?.field,
                eventNames: events.data ?? [],
                attributes: attributes.data ?? [],
                segments: (segments.data ?? []).map((s) => s.id).filter((id) => id !== segment?.id),
              }}
            />
          )}
          {canWrite && (
            <div className="rule-actions">
              <button
                type="button"
                className="primary"
                data-testid="segment-save"
                disabled={saving || !draft.name.trim()}
                onClick={save}
              >
                {segment ? 'Save' : 'Create segment'}
              </button>
              {segment && !confirmDelete && (
                <button type="button" data-testid="segment-delete" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              )}
              {segment && confirmDelete && (
                <>
                  <button
                    type="button"
                    className="danger"
                    data-testid="segment-delete-confirm"
                    onClick={remove}
                  >
                    Delete “{segment.name}” and its memberships
                  </button>
                  <button type="button" className="link" onClick={() => setConfirmDelete(false)}>
                    keep it
                  </button>
                </>
              )}
            </div>
          )}
        </div>
        {draft.kind === 'rules' && <LivePreview rules={draft.rules} onProblem={setProblem} />}
      </div>
      {segment && <SizeChart segmentId={segment.id} />}
      {segment?.kind === 'manual' && canWrite && <CsvImport segmentId={segment.id} />}
      {segment && <MembersList segmentId={segment.id} />}
    </section>
  );
}
