import { readFileSync } from 'node:fs';
import * as definitions from '@itinera/nodes/definitions';
import type { EnrollmentInput } from '@itinera/schemas';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../../test/support/servers.ts';
import { type HistoryFixture, loadHistoryFixtures, patchesIn } from './fixtures.ts';
import { historyFromJSON } from './history-json.ts';

interface StartedEvent {
  workflowExecutionStartedEventAttributes?: {
    workflowType?: { name?: string };
    input?: { payloads?: { data: string }[] };
  };
}
type JsonHistory = { events: StartedEvent[] };

/** Replays histories on the worker's own bundle (interpreter + built-in executors); returns the failures. */
async function replay(fixtures: HistoryFixture[]): Promise<{ replayed: number; failures: string[] }> {
  const results = Worker.runReplayHistories(
    { workflowBundle: await workflowBundle() },
    fixtures.map(({ name, history }) => ({ workflowId: name, history: historyFromJSON(history) })),
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { replayed, failures };
}

/** The first run's input payload: the enrollment the history started with. */
function startInput(history: unknown): { payload: { data: string }; input: EnrollmentInput } | undefined {
  const started = (history as JsonHistory).events[0].workflowExecutionStartedEventAttributes;
  // Other workflow types (segment timers) carry no journey.
  if (started?.workflowType?.name !== 'journeyWorkflow') return undefined;
  const payload = started.input?.payloads?.[0];
  if (!payload) return undefined;
  return { payload, input: JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) };
}

/**
 * Scenarios the engine no longer starts, with the set from which they are no longer recorded; their
 * recorded histories still replay (running workflows of that type finish on the current code).
 */
const RETIRED: Record<string, string> = { segment_timer: 'v0.3.2' };

/**
 * Every history recorded from a released version must replay on the current workflow code and the
 * built-in executors; a nondeterminism error means a running enrollment would break on deploy.
 */
describe('recorded histories replay on the current workflow code', () => {
  const fixtures = loadHistoryFixtures();

  it('covers every built-in node type', () => {
    const recorded = new Set(
      fixtures.flatMap(
        ({ history }) => startInput(history)?.input.journey.graph.nodes.map((n) => n.type) ?? [],
      ),
    );
    const builtIn = Object.values(definitions).map((d) => d.type);
    expect(builtIn.filter((type) => !recorded.has(type))).toEqual([]);
  });

  it('holds every release set, each recording at least the scenarios of the set before it', () => {
    const scenarios = new Map<string, Set<string>>();
    for (const { name } of fixtures) {
      const [set, scenario] = name.split('/');
      scenarios.set(set, (scenarios.get(set) ?? new Set()).add(scenario));
    }
    const sets = [...scenarios.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(sets).toEqual(expect.arrayContaining(['v0.1.0', 'v0.2.0', 'v0.3.0', 'v0.3.1', 'v0.3.2']));
    for (let i = 1; i < sets.length; i++) {
      const missing = [...scenarios.get(sets[i - 1])!].filter(
        (s) => !scenarios.get(sets[i])!.has(s) && RETIRED[s] !== sets[i],
      );
      expect({ set: sets[i], missing }).toEqual({ set: sets[i], missing: [] });
    }
  });

  it('takes the 0.3 workflow patches in the v0.3.1 set: holdouts, segment conditions, version moves', () => {
    const taken = new Set(
      fixtures.filter((f) => f.name.startsWith('v0.3.1/')).flatMap((f) => patchesIn(f.history)),
    );
    for (const patch of ['itinera-0.3-holdout', 'itinera-0.3-segment-condition', 'itinera-0.3-migrate'])
      expect(taken).toContain(patch);
  });

  it('records a history for every workflow type the worker registers, but the short-lived test runs', () => {
    const index = readFileSync(new URL('../../src/workflows/index.ts', import.meta.url), 'utf8');
    const registered = [...index.matchAll(/export \{([^}]+)\}/g)].flatMap((m) =>
      m[1].split(',').map((name) => name.trim()),
    );
    const recorded = new Set(
      fixtures.map(
        ({ history }) =>
          (history as JsonHistory).events[0].workflowExecutionStartedEventAttributes?.workflowType?.name,
      ),
    );
    // A test run or a test send lasts seconds; neither waits for days across a deploy as customers do.
    const shortLived = ['testRunWorkflow', 'testSendWorkflow'];
    expect(registered).toEqual(expect.arrayContaining(['journeyWorkflow', 'segmentClockWorkflow']));
    expect(registered.filter((name) => !recorded.has(name) && !shortLived.includes(name))).toEqual([]);
  });

  it('replays every fixture without nondeterminism', async () => {
    const { replayed, failures } = await replay(fixtures);
    expect(failures).toEqual([]);
    expect(replayed).toBe(fixtures.length);
  }, 120_000);

  it('reports a history whose recorded commands the code no longer makes', async () => {
    const original = fixtures.find((f) => f.name.endsWith('/wait_duration'))!;
    const history = structuredClone(original.history);
    const started = startInput(history)!;
    // The recorded run sent an email after the wait; the "changed code" goes straight to the exit.
    const nodes = started.input.journey.graph.nodes.map((n) =>
      n.id === 'later' ? { ...n, type: 'exit', config: {} } : n,
    );
    const changed = {
      ...started.input,
      journey: { ...started.input.journey, graph: { ...started.input.journey.graph, nodes } },
    };
    started.payload.data = Buffer.from(JSON.stringify(changed)).toString('base64');
    const { failures } = await replay([{ ...original, history }]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/nondetermin/i);
  }, 120_000);
});
