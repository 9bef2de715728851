import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyToJSON } from './history-json.ts';

/** Each release records its own set under histories/<set>/; every set is replayed against the current code. */
export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

export interface HistoryFixture {
  /** `<set>/<name>`, also used as the replayed workflow id. */
  name: string;
  file: string;
  history: unknown;
}

export function loadHistoryFixtures(dir = HISTORIES_DIR): HistoryFixture[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(at, entry.name));
      else if (entry.name.endsWith('.json')) files.push(join(at, entry.name));
    }
  };
  walk(dir);
  return files.sort().map((file) => ({
    name: relative(dir, file).replace(/\.json$/, ''),
    file,
    history: JSON.parse(readFileSync(file, 'utf8')),
  }));
}

/**
 * Writes the history of every run of a workflow (following continue-as-new) as `<name>.json`,
 * or `<name>.run<N>.json` when it continued as new. Refuses to overwrite a set already recorded.
 */
export async function saveHistories(
  client: Client,
  setDir: string,
  name: string,
  workflowId: string,
  overwrite = false,
): Promise<string[]> {
  // The store marks an enrollment ended from inside the workflow task that then closes the run.
  await client.workflow.getHandle(workflowId).result();
  // Walk back from the latest run: each run's first event names the run it continued.
  const histories = [];
  let runId: string | undefined;
  do {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.unshift(history);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = started?.continuedExecutionRunId || undefined;
  } while (runId);
  mkdirSync(setDir, { recursive: true });
  return histories.map((history, i) => {
    const file = join(setDir, histories.length > 1 ? `${name}.run${i + 1}.json` : `${name}.json`);
    writeFileSync(file, `${historyToJSON(history)}\n`, { flag: overwrite ? 'w' : 'wx' });
    return file;
  });
}

interface JsonEvent {
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
}

/** The `patched()` ids a recorded history took (Temporal records each as a `core_patch` marker). */
export function patchesIn(history: unknown): string[] {
  return (history as { events: JsonEvent[] }).events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' && marker.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [JSON.parse(Buffer.from(data, 'base64').toString('utf8')).id as string] : [];
  });
}
