import { join } from 'node:path';
import type { DocumentScenario, ImportResult, JourneyDocument } from '@itinera/schemas';
import { type ApiClient, CliError, describeError, EXIT, isMissingRoute } from './api.ts';
import { documentChanges, formatChanges } from './diff.ts';
import {
  type DocumentFile,
  fileNameFor,
  readDocumentFile,
  withScenarios,
  writeDocumentFile,
} from './files.ts';

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

interface JourneyRow {
  id: string;
  name: string;
  status: string;
  liveVersion: number | null;
}

const enc = encodeURIComponent;
const exportPath = (id: string, query: Record<string, string | number | boolean | undefined>) => {
  const params = Object.entries(query).filter(([, v]) => v !== undefined);
  const search = new URLSearchParams(params.map(([k, v]) => [k, String(v)])).toString();
  return `/v1/journeys/${enc(id)}/export${search ? `?${search}` : ''}`;
};

/** Saved scenarios, or none when the server has no scenarios API yet. */
async function savedScenarios(api: ApiClient, id: string): Promise<DocumentScenario[]> {
  const answer = await api.request<DocumentScenario[] | { scenarios?: DocumentScenario[] }>(
    'GET',
    `/v1/journeys/${enc(id)}/scenarios`,
  );
  if (isMissingRoute(answer)) return [];
  if (answer.status !== 200)
    throw new CliError(`Reading scenarios of ${id} failed: ${describeError(answer)}`);
  return Array.isArray(answer.body) ? answer.body : (answer.body.scenarios ?? []);
}

export async function pull(
  api: ApiClient,
  io: Output,
  ids: string[],
  options: { out?: string; dir: string; version?: number; layout: boolean },
): Promise<number> {
  const all = (await api.expect<JourneyRow[]>('GET', '/v1/journeys')).body;
  const chosen = ids.length
    ? ids.map((id) => all.find((j) => j.id === id) ?? { id, name: id, status: 'unknown', liveVersion: null })
    : all.filter((j) => j.status !== 'archived');
  if (options.out && chosen.length !== 1) throw new CliError('--out needs exactly one journey id');
  const taken = new Set<string>();
  for (const journey of chosen) {
    const query = { version: options.version, layout: options.layout ? undefined : false };
    const yamlText = (await api.expect<string>('GET', exportPath(journey.id, query))).text;
    const text = withScenarios(yamlText, await savedScenarios(api, journey.id));
    let path = options.out ?? join(options.dir, fileNameFor(journey.name, journey.id));
    if (taken.has(path)) path = join(options.dir, `${journey.id}.yaml`);
    taken.add(path);
    await writeDocumentFile(path, text);
    io.out(
      `pulled ${journey.name} (${journey.id}${options.version ? ` v${options.version}` : ', draft'}) → ${path}`,
    );
  }
  return EXIT.ok;
}

async function importFile(api: ApiClient, file: DocumentFile, dryRun: boolean) {
  const answer = await api.request<ImportResult>(
    'POST',
    `/v1/journeys/import${dryRun ? '?dryRun=true' : ''}`,
    {
      text: file.text,
      type: file.type,
    },
  );
  if (answer.status >= 500 || answer.status === 401 || answer.status === 403)
    throw new CliError(`${file.path}: ${describeError(answer)}`);
  return answer;
}

const summary = (result: ImportResult) =>
  [
    `journey ${result.journey.id}: ${result.journey.action}`,
    ...result.templates.map((t) => `template ${t.id}: ${t.action}`),
    ...result.promoPools.map((p) => `promo pool ${p.id}: ${p.action}`),
  ].join(', ');

export async function validate(api: ApiClient, io: Output, paths: string[]): Promise<number> {
  let code: number = EXIT.ok;
  for (const path of paths) {
    const answer = await importFile(api, await readDocumentFile(path), true);
    if (answer.status === 200) io.out(`${path}: valid (${summary(answer.body)})`);
    else {
      io.err(`${path}: invalid: ${describeError(answer)}`);
      code = EXIT.finding;
    }
  }
  return code;
}

/** Exported without layout, as JSON: what `diff` and `push --publish` compare. */
const fetchDocument = async (api: ApiClient, id: string, version?: number) =>
  (await api.expect<JourneyDocument>('GET', exportPath(id, { version, format: 'json', layout: false }))).body;

export async function push(
  api: ApiClient,
  io: Output,
  paths: string[],
  options: { publish: boolean; note?: string; dryRun: boolean },
): Promise<number> {
  for (const path of paths) {
    const file = await readDocumentFile(path);
    const answer = await importFile(api, file, options.dryRun);
    if (answer.status !== 200) {
      io.err(`${path}: refused: ${describeError(answer)}`);
      return EXIT.finding;
    }
    const id = answer.body.journey.id;
    io.out(`${path}: ${options.dryRun ? 'would import' : 'imported'} (${summary(answer.body)})`);
    if (options.dryRun) continue;
    if (!file.document.journey.id)
      io.err(
        `warning: ${path} has no journey.id; add \`id: ${id}\` under \`journey:\` so the next push updates this journey`,
      );
    await saveScenarios(api, io, id, file.document.scenarios);
    if (options.publish) await publish(api, io, id, options.note);
  }
  return EXIT.ok;
}

async function saveScenarios(api: ApiClient, io: Output, id: string, scenarios?: DocumentScenario[]) {
  if (!scenarios) return;
  const answer = await api.request('PUT', `/v1/journeys/${enc(id)}/scenarios`, { scenarios });
  if (isMissingRoute(answer))
    io.err(`warning: this server has no scenarios API; the ${scenarios.length} scenario(s) were not saved`);
  else if (answer.status >= 300)
    throw new CliError(`Saving scenarios of ${id} failed: ${describeError(answer)}`);
  else io.out(`saved ${scenarios.length} scenario(s) of ${id}`);
}

/** Publishes the draft unless the live version already has the same content (so CI reruns are no-ops). */
async function publish(api: ApiClient, io: Output, id: string, note?: string) {
  const journey = (await api.expect<JourneyRow>('GET', `/v1/journeys/${enc(id)}`)).body;
  if (journey.liveVersion) {
    const changes = documentChanges(
      await fetchDocument(api, id, journey.liveVersion),
      await fetchDocument(api, id),
    );
    if (changes.length === 0) {
      io.out(`journey ${id}: v${journey.liveVersion} is live with this content; nothing to publish`);
      return;
    }
  }
  const published = await api.expect<{ version: number }>('POST', `/v1/journeys/${enc(id)}/publish`, {
    note: note ?? 'published by itinera journeys push',
  });
  io.out(`journey ${id}: published v${published.body.version}`);
}

export async function diff(
  api: ApiClient,
  io: Output,
  path: string,
  options: { version?: number; draft: boolean },
): Promise<number> {
  const file = await readDocumentFile(path);
  const id = file.document.journey.id;
  const found = id ? await api.request<JourneyRow>('GET', `/v1/journeys/${enc(id)}`) : null;
  if (found && found.status !== 200 && found.status !== 404)
    throw new CliError(`Reading journey ${id} failed: ${describeError(found)}`);
  const journey = found?.status === 200 ? found.body : null;
  const version = options.draft ? undefined : (options.version ?? journey?.liveVersion ?? undefined);
  const empty: JourneyDocument = {
    kind: file.document.kind,
    journey: { name: '', nodes: [], edges: [] },
  };
  const live = journey ? await fetchDocument(api, journey.id, version) : empty;
  const against = journey ? `${journey.id} ${version ? `v${version}` : 'draft'}` : 'nothing (new journey)';
  const changes = documentChanges(live, file.document);
  if (changes.length === 0) {
    io.out(`${path}: no changes against ${against}`);
    return EXIT.ok;
  }
  io.out(`${path} against ${against}: ${changes.length} change(s)\n${formatChanges(changes)}`);
  return EXIT.finding;
}

export async function test(api: ApiClient, io: Output, paths: string[]): Promise<number> {
  let failed = 0;
  for (const path of paths) {
    const { document } = await readDocumentFile(path);
    const id = document.journey.id;
    if (!id) throw new CliError(`${path}: the journey has no id; push it first`);
    for (const scenario of document.scenarios ?? []) {
      const { name: _, expect, steps, ...who } = scenario;
      const answer = await api.request<Record<string, unknown>>('POST', `/v1/journeys/${enc(id)}/test-runs`, {
        ...who,
        scenario: { steps },
      });
      if (isMissingRoute(answer))
        throw new CliError(
          `This server has no test-run API (POST /v1/journeys/{id}/test-runs); it cannot run scenarios`,
        );
      const verdict = judge(answer.status, answer.body, expect);
      if (!verdict.passed) failed++;
      io.out(
        `${verdict.passed ? 'pass' : 'FAIL'} ${path} › ${scenario.name}${verdict.detail ? `: ${verdict.detail}` : ''}`,
      );
    }
    if (!document.scenarios?.length) io.err(`${path}: no scenarios to run`);
  }
  return failed > 0 ? EXIT.finding : EXIT.ok;
}

/** The same verdict publishing gives: the run's path equals `expect.path`, or it passes `expect.reaches`. */
function judge(status: number, body: Record<string, unknown>, expect: unknown) {
  if (status >= 300) return { passed: false, detail: describeError({ status, body, text: '' }) };
  const path = Array.isArray(body.path) ? body.path.map(String) : [];
  const took = `path ${path.join(' → ')}`;
  const wanted = expect as { path?: string[]; reaches?: string } | undefined;
  if (wanted?.path) {
    const passed = JSON.stringify(path) === JSON.stringify(wanted.path);
    return { passed, detail: passed ? '' : `${took}, expected ${wanted.path.join(' → ')}` };
  }
  if (wanted?.reaches) {
    const passed = path.includes(wanted.reaches);
    return { passed, detail: passed ? '' : `${took}, expected it to reach ${wanted.reaches}` };
  }
  return { passed: true, detail: took };
}
