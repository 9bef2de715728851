import { type JourneySettings, validateGraph } from '@itinera/schemas';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError, post } from '../api/client.ts';
import { ConflictError, type DraftJourney, type PublishedVersion, saveDraft } from '../api/drafts.ts';
import type { VersionDetail } from '../api/types.ts';
import { navigate } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { type CanvasDecor, DecorContext, problemsByNode } from '../canvas/decor.tsx';
import { nodeName } from '../graph/labels.ts';
import { INPUT_HANDLE } from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';
import { useStructureVersion } from '../graph/structure.ts';
import { customersWaitIn, MigrationDialog } from '../migrations/MigrationDialog.tsx';
import { useCanvasNotes } from '../notes/useCanvasNotes.ts';
import { TestRunPanel } from '../testrun/TestRunPanel.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { ConfigPanel } from './ConfigPanel.tsx';
import { ConflictBanner } from './ConflictBanner.tsx';
import { CompareSelect, CompareStrip, LiveDiffNote, PresenceNote } from './DraftStatus.tsx';
import { FlowCanvas } from './FlowCanvas.tsx';
import { JourneyBar } from './JourneyBar.tsx';
import { JourneySettingsDialog } from './JourneySettingsDialog.tsx';
import { Palette } from './Palette.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import { useAutosave } from './useAutosave.ts';
import { useDraftDiff } from './useDraftDiff.ts';
import { useGraphEditor } from './useGraphEditor.ts';
import { useLiveStats } from './useLiveStats.ts';
import { usePresence } from './usePresence.ts';
import { useShortcuts } from './useShortcuts.ts';

const NONE: never[] = [];

interface Props {
  journey: DraftJourney;
  version?: VersionDetail;
  onJourneyChanged(): void;
  /** Throws this editor's state away and opens the draft as the server has it. */
  onReloadDraft(): void;
}

export function Editor({ journey, version, onJourneyChanged, onReloadDraft }: Props) {
  const canWrite = useCan('journeys:write');
  const readOnly = !canWrite || version !== undefined || journey.status === 'archived';
  const toast = useToast();
  const [initialGraph] = useState(() => version?.graph ?? journey.graph);
  const editor = useGraphEditor(initialGraph);
  const notes = useCanvasNotes(version ? version.notes : journey.notes, readOnly);
  const [name, setName] = useState(journey.name);
  const [settings, setSettings] = useState<JourneySettings>(() => version?.settings ?? journey.settings);
  const [publishing, setPublishing] = useState(false);
  const [migrating, setMigrating] = useState<{ from: number; to: number } | null>(null);
  const [editingSettings, setEditingSettings] = useState(false);
  const [testing, setTesting] = useState(false);
  const [testPath, setTestPath] = useState<string[] | null>(null);
  const centreRef = useRef<((type: string) => void) | null>(null);
  const { setCenter, getZoom } = useReactFlow();

  // Validation ignores positions: re-run it when nodes or edges change, not on every frame of a drag.
  const structure = useStructureVersion(editor.nodes, editor.edges);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revalidate only when the graph's structure changes
  const problems = useMemo(() => validateGraph(editor.graph, nodeTypes), [structure]);
  const draft = useMemo(
    () => ({ name, graph: editor.graph, settings, notes: notes.notes }),
    [name, editor.graph, settings, notes.notes],
  );
  const autosave = useAutosave(journey.id, draft, journey.revision ?? 0, !readOnly);
  const others = usePresence(journey.id);
  const diff = useDraftDiff(journey.id, version ? null : journey.liveVersion, draft, structure);
  const live = journey.status === 'live' || journey.status === 'paused';
  const stats = useLiveStats(journey.id, live && !version);
  const events = useApi<string[]>(readOnly ? null : '/v1/events/names');
  const attributes = useApi<string[]>(readOnly ? null : '/v1/customers/attributes');
  const templates = useApi<{ id: string }[]>(readOnly ? null : '/v1/templates');
  const templateIds = useMemo(() => (templates.data ?? []).map((t) => t.id), [templates.data]);
  const segments = useApi<{ id: string }[]>(readOnly ? null : '/v1/segments');
  const segmentIds = useMemo(() => (segments.data ?? []).map((s) => s.id), [segments.data]);
  const pools = useApi<{ id: string }[]>(readOnly ? null : '/v1/promo-pools');
  const promoPoolIds = useMemo(() => (pools.data ?? []).map((p) => p.id), [pools.data]);

  const shortcuts = useMemo(
    () => ({
      copy: editor.copy,
      paste: editor.paste,
      undo: editor.history.undo,
      redo: editor.history.redo,
    }),
    [editor.copy, editor.paste, editor.history.undo, editor.history.redo],
  );
  useShortcuts(!readOnly, shortcuts);

  const decor = useMemo<CanvasDecor>(
    () => ({
      problems: problemsByNode(problems),
      stats: stats?.nodes ?? null,
      trail: testPath && { visited: new Set(testPath), current: testPath.at(-1) ?? null },
      diff: diff.compareDiff?.nodes ?? null,
      direction: editor.direction,
    }),
    [problems, stats, diff.compareDiff, editor.direction, testPath],
  );
  const selected = editor.nodes.filter((n) => n.selected);
  const single = selected.length === 1 ? selected[0] : null;
  const singleId = single?.id;
  const { updateNode, deleteNodes } = editor;
  // Stable callbacks let the (memoised) config panel skip re-rendering while its node is dragged.
  const onConfigChange = useCallback(
    (patch: { config?: Record<string, unknown>; label?: string }) => singleId && updateNode(singleId, patch),
    [singleId, updateNode],
  );
  const journeyRef = useMemo(() => ({ id: journey.id, name }), [journey.id, name]);
  const onConfigDelete = useCallback(() => singleId && deleteNodes([singleId]), [singleId, deleteNodes]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: names and roles change with the structure only
  const choices = useMemo(
    () =>
      editor.nodes
        .filter((n) => (nodeTypes.get(n.data.type)?.role ?? 'step') === 'step')
        .map((n) => ({ id: n.id, name: nodeName(editor.graph, n.id) })),
    [structure],
  );
  const links = useMemo(
    () =>
      Object.fromEntries(
        editor.edges.filter((e) => e.source === singleId).map((e) => [e.sourceHandle ?? 'next', e.target]),
      ),
    [editor.edges, singleId],
  );
  const { connect, disconnect, addNext } = editor;
  const onConnectPort = useCallback(
    (port: string, target: string | null) => {
      if (!singleId) return;
      if (target) connect({ source: singleId, sourceHandle: port, target, targetHandle: INPUT_HANDLE });
      else disconnect(singleId, port);
    },
    [singleId, connect, disconnect],
  );
  const onAddNext = useCallback(
    (port: string, type: string) => singleId && addNext(singleId, port, type),
    [singleId, addNext],
  );

  function focusNode(id: string) {
    const node = editor.nodes.find((n) => n.id === id);
    if (!node) return;
    editor.selectOnly(id);
    const w = node.measured?.width ?? 220;
    const h = node.measured?.height ?? 90;
    setCenter(node.position.x + w / 2, node.position.y + h / 2, {
      zoom: Math.max(getZoom(), 0.8),
      duration: 300,
    });
  }

  async function publish(note: string) {
    try {
      await autosave.flush();
      const result = await post<{ version: number }>(
        `/v1/journeys/${encodeURIComponent(journey.id)}/publish`,
        { note },
      );
      toast.info(`Published version ${result.version}`);
      setPublishing(false);
      onJourneyChanged();
      const from = journey.liveVersion;
      if (from && (await customersWaitIn(journey.id, from, result.version)))
        setMigrating({ from, to: result.version });
    } catch (e) {
      const detail =
        e instanceof ApiError && e.problems?.length ? `: ${e.problems.map((p) => p.message).join('; ')}` : '';
      toast.error(new Error(`${e instanceof Error ? e.message : String(e)}${detail}`));
    }
  }

  async function restore() {
    if (!version) return;
    try {
      await saveDraft(
        journey.id,
        {
          name: (version as PublishedVersion).name ?? journey.name,
          graph: version.graph,
          settings: version.settings,
          notes: version.notes ?? [],
        },
        journey.revision ?? 0,
      );
      toast.info(`Version ${version.version} restored as the draft`);
      navigate('journeys', journey.id);
    } catch (e) {
      toast.error(e instanceof ConflictError ? new Error(`Not restored: ${e.message}`) : e);
    }
  }

  async function lifecycle(action: 'pause' | 'resume') {
    try {
      await post(`/v1/journeys/${encodeURIComponent(journey.id)}/${action}`);
      toast.info(action === 'pause' ? 'Journey paused' : 'Journey resumed');
      onJourneyChanged();
    } catch (e) {
      toast.error(e);
    }
  }

  return (
    <DecorContext.Provider value={decor}>
      <div className="builder">
        <JourneyBar
          journey={journey}
          version={version}
          name={name}
          onName={setName}
          canWrite={canWrite}
          readOnly={readOnly}
          saveState={autosave.state}
          problemCount={problems.length}
          unchanged={diff.unchanged}
          onPublish={() => setPublishing(true)}
          onLifecycle={lifecycle}
          onRestore={restore}
        >
          {journey.liveVersion && !version && (
            <LiveDiffNote live={journey.liveVersion} diff={diff.liveDiff} />
          )}
          {!version && (
            <CompareSelect journeyId={journey.id} value={diff.compareTo} onChange={diff.setCompareTo} />
          )}
          <PresenceNote others={others} />
          <button type="button" onClick={() => setEditingSettings(true)} data-testid="journey-settings-open">
            Settings
          </button>
          {canWrite && (
            <button type="button" onClick={() => setTesting(true)} data-testid="test-run-open">
              Test run
            </button>
          )}
        </JourneyBar>
        {autosave.conflict && (
          <ConflictBanner
            journeyId={journey.id}
            conflict={autosave.conflict}
            mine={editor.graph}
            onReload={onReloadDraft}
            onKeepMine={() => autosave.keepMine().catch(() => {})}
          />
        )}
        {diff.compareTo && diff.compareDiff && (
          <CompareStrip version={diff.compareTo} diff={diff.compareDiff} />
        )}
        {live && stats && (
          <div className="live-strip" data-testid="live-stats">
            Live: {stats.entered} entered · {stats.active} active · {stats.completed} completed ·{' '}
            {stats.converted} converted · {stats.exited} exited
            {stats.asOf && ` (as of ${new Date(stats.asOf).toLocaleTimeString()})`}
          </div>
        )}
        <div className="builder-body">
          {!readOnly && <Palette disabled={readOnly} onAdd={(type) => centreRef.current?.(type)} />}
          <FlowCanvas editor={editor} notes={notes} readOnly={readOnly} centreRef={centreRef} />
          <aside className="side">
            {testing ? (
              <TestRunPanel
                journeyId={journey.id}
                version={version?.version}
                beforeRun={readOnly ? async () => {} : autosave.flush}
                onPath={setTestPath}
                onClose={() => setTesting(false)}
              />
            ) : single ? (
              <ConfigPanel
                key={single.id}
                nodeId={single.id}
                data={single.data}
                links={links}
                choices={choices}
                onConnect={onConnectPort}
                onAddNext={onAddNext}
                problems={decor.problems.get(single.id) ?? NONE}
                readOnly={readOnly}
                eventNames={events.data ?? NONE}
                attributes={attributes.data ?? NONE}
                templateIds={templateIds}
                segmentIds={segmentIds}
                promoPoolIds={promoPoolIds}
                journey={journeyRef}
                onChange={onConfigChange}
                onDelete={onConfigDelete}
              />
            ) : (
              <p className="muted hint-box">
                {readOnly
                  ? 'Select a node to see its settings.'
                  : 'Drag a node from the palette, or select one to edit it.'}
              </p>
            )}
            <ProblemsList problems={problems} onPick={focusNode} />
          </aside>
        </div>
        {editingSettings && (
          <JourneySettingsDialog
            settings={settings}
            segmentIds={segmentIds}
            readOnly={readOnly}
            onChange={setSettings}
            onClose={() => setEditingSettings(false)}
          />
        )}
        {publishing && (
          <PublishDialog
            onPublish={publish}
            onCancel={() => setPublishing(false)}
            changes={
              diff.liveDiff && journey.liveVersion
                ? `${diff.liveDiff.count} node(s) changed since live v${journey.liveVersion}`
                : undefined
            }
          />
        )}
        {migrating && (
          <MigrationDialog
            journeyId={journey.id}
            fromVersion={migrating.from}
            toVersion={migrating.to}
            onClose={() => setMigrating(null)}
          />
        )}
      </div>
    </DecorContext.Provider>
  );
}
