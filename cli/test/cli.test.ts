import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createApiKey } from '../../engine/src/plugins/auth.ts';
import { ROOT } from '../../scripts/lib/tools.mjs';
import { eventually } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import {
  type ProductProcesses,
  startProductProcesses,
  terminateActiveEnrollments,
} from '../../test/support/processes.ts';
import { startOwnTimeSkippingServer, testDatabase, uniqueTaskQueue } from '../../test/support/servers.ts';

const BIN = join(ROOT, 'node_modules/.bin/itinera');

describe('the itinera CLI against a running API process, worker, store and Temporal', () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let product: ProductProcesses;
  let key: string;
  let adminKey: string;
  let dir: string;
  let journeyId: string;
  let testRunServer: Awaited<ReturnType<typeof startOwnTimeSkippingServer>>;

  /** Runs `itinera <args>` as CI would: the npm-linked binary, the API URL and key from the environment. */
  const itinera = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        BIN,
        args,
        { cwd: dir, env: { ...process.env, ITINERA_API_URL: product.apis[0], ITINERA_API_KEY: key, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${product.apis[0]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'itinera-cli-'));
    ({ db, close: closeDb } = await testDatabase());
    key = await createApiKey(db, 'marketer', 'ci pipeline');
    adminKey = await createApiKey(db, 'admin', 'test setup');
    // Started locked: the product's worker unlocks it.
    testRunServer = await startOwnTimeSkippingServer({ logFile: join(dir, 'temporal-test-server.log') });
    product = await startProductProcesses({
      dbName: db.databaseName,
      taskQueue: uniqueTaskQueue(),
      apiCount: 1,
      workerCount: 1,
      testRunAddress: testRunServer.address,
    });
    const template = {
      id: 'hello-sms',
      name: 'Hello SMS',
      channel: 'sms',
      body: 'Hello {{ profile.first_name }}',
    };
    expect((await call('POST', '/v1/templates', template)).status).toBe(201);
    const vips = { id: 'vips', kind: 'manual', name: 'VIPs' };
    expect((await call('POST', '/v1/segments', vips)).status).toBe(201);
    const isVip = { combinator: 'and', rules: [{ kind: 'in_segment', segment: 'vips' }] };
    const welcome = graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
        { id: 'hello', type: 'send', config: { channel: 'sms', templateId: 'hello-sms', body: '-' } },
        { id: 'vip', type: 'condition', config: isVip },
        { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->hello', 'hello->vip', 'vip:yes->wait', 'vip:no->wait', 'wait->end'],
    );
    journeyId = (await call('POST', '/v1/journeys', { name: 'CLI welcome', graph: welcome })).body.id;
  }, 180_000);
  afterAll(async () => {
    await terminateActiveEnrollments(db);
    await product?.stop();
    await testRunServer?.stop();
    await closeDb?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls, diffs, validates and pushes with --publish, idempotently, and the published journey runs', async () => {
    const pulled = await itinera(['journeys', 'pull', journeyId, '-o', 'welcome.yaml']);
    expect(pulled).toMatchObject({ code: 0, stdout: expect.stringContaining('welcome.yaml') });
    const text = await readFile(file('welcome.yaml'), 'utf8');
    const exported = await fetch(`${product.apis[0]}/v1/journeys/${journeyId}/export`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(text).toBe(await exported.text());
    expect(await itinera(['journeys', 'diff', 'welcome.yaml'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('no changes'),
    });

    // The edit a pull request would hold: a longer wait, a new step, another SMS text.
    const document = parse(text);
    document.journey.nodes.find((n: { id: string }) => n.id === 'wait').config.duration.amount = 2;
    document.journey.nodes.push({ id: 'bye', type: 'send', config: { channel: 'sms', body: 'Bye' } });
    const edge = document.journey.edges.find((e: { source: string }) => e.source === 'wait');
    edge.target = 'bye';
    document.journey.edges.push({ id: 'e9', source: 'bye', sourcePort: 'next', target: 'end' });
    document.templates[0].body = 'Hi {{ profile.first_name }}';
    document.segments[0].name = 'Very important';
    await writeFile(file('welcome.yaml'), stringify(document));

    const changed = await itinera(['journeys', 'diff', 'welcome.yaml']);
    expect(changed.code).toBe(1);
    expect(changed.stdout.trim().split('\n').slice(1).sort()).toEqual(
      [
        '~ node wait: config.duration.amount: 1 → 2',
        '+ node bye (send)',
        '+ edge wait:next → bye',
        '+ edge bye:next → end',
        '- edge wait:next → end',
        '~ template hello-sms: body: "Hello {{ profile.first_name }}" → "Hi {{ profile.first_name }}"',
        '~ segment vips: name: "VIPs" → "Very important"',
      ].sort(),
    );
    expect(await itinera(['journeys', 'validate', 'welcome.yaml'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`journey ${journeyId}: update`),
    });

    const pushed = await itinera(['journeys', 'push', 'welcome.yaml', '--publish', '--note', 'PR #12']);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain('published v1');
    const live = (await call('GET', `/v1/journeys/${journeyId}`)).body;
    expect(live).toMatchObject({ status: 'live', liveVersion: 1 });
    const again = await itinera(['journeys', 'push', 'welcome.yaml', '--publish']);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to publish') });
    expect((await call('GET', `/v1/journeys/${journeyId}/versions`)).body).toHaveLength(1);
    expect(await itinera(['journeys', 'diff', 'welcome.yaml'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`against ${journeyId} v1`),
    });

    await call('POST', '/v1/identify', { userId: 'kim', traits: { first_name: 'Kim', phone: '+15550111' } });
    expect((await call('POST', `/v1/journeys/${journeyId}/entries`, { customerIds: ['kim'] })).status).toBe(
      200,
    );
    const messages = await eventually(async () => {
      const list = (await call('GET', '/v1/customers/kim/messages')).body;
      return list.length > 0 ? list : undefined;
    }, 60_000);
    expect(messages[0]).toMatchObject({ channel: 'sms', body: 'Hi Kim' });
  }, 180_000);

  it('refuses invalid documents with the path, creates journeys without an id, and exits 2 on failures', async () => {
    const document = parse(await readFile(file('welcome.yaml'), 'utf8'));
    document.journey.nodes[0].type = 'teleport';
    await writeFile(file('broken.yaml'), stringify(document));
    const invalid = await itinera(['journeys', 'validate', 'broken.yaml']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/broken\.yaml: invalid: 422 .*teleport.*\(field: journey\.nodes\.0\)/);
    expect((await itinera(['journeys', 'push', 'broken.yaml'])).code).toBe(1);

    const copy = parse(await readFile(file('welcome.yaml'), 'utf8'));
    delete copy.journey.id;
    copy.journey.name = 'CLI welcome (copy)';
    await writeFile(file('copy.json'), JSON.stringify(copy));
    const created = await itinera(['journeys', 'push', 'copy.json']);
    expect(created.code).toBe(0);
    const newId = /journey ([\w-]+): create/.exec(created.stdout)?.[1];
    expect(newId).toBeDefined();
    expect(newId).not.toBe(journeyId);
    expect(created.stderr).toContain(`add \`id: ${newId}\``);
    expect((await call('GET', `/v1/journeys/${newId}`)).body.name).toBe('CLI welcome (copy)');

    const all = await itinera(['journeys', 'pull', '--dir', 'pulled']);
    expect(all.code).toBe(0);
    expect(parse(await readFile(file('pulled/cli-welcome-copy.yaml'), 'utf8')).journey.id).toBe(newId);

    const wrongKey = await itinera(['journeys', 'validate', 'welcome.yaml'], {
      ITINERA_API_KEY: 'itk_wrong',
    });
    expect(wrongKey).toMatchObject({ code: 2, stderr: expect.stringContaining('401') });
    const missing = await itinera(['journeys', 'diff', 'nowhere.yaml']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('Cannot read nowhere.yaml') });
  }, 120_000);

  it('carries saved scenarios in the document and `test` runs them on the time-skipping server', async () => {
    const document = parse(await readFile(file('welcome.yaml'), 'utf8'));
    const path = ['start', 'hello'];
    document.scenarios = [
      {
        name: 'says hello',
        profile: { traits: { first_name: 'Ana' } },
        steps: [],
        expect: { reaches: 'hello' },
      },
      { name: 'wrong turn', profile: { traits: { first_name: 'Ana' } }, steps: [], expect: { path } },
    ];
    await writeFile(file('tested.yaml'), stringify(document));
    expect(await itinera(['journeys', 'validate', 'tested.yaml'])).toMatchObject({ code: 0 });
    expect(await itinera(['journeys', 'push', 'tested.yaml'])).toMatchObject({ code: 0 });
    const saved = await fetch(`${product.apis[0]}/v1/journeys/${document.journey.id}/scenarios`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(((await saved.json()) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name)).toEqual([
      'says hello',
      'wrong turn',
    ]);
    const tested = await itinera(['journeys', 'test', 'tested.yaml']);
    expect(tested.stdout).toContain('pass tested.yaml › says hello');
    // The journey goes on after `hello`, so a path that stops there is a failed scenario: exit 1.
    expect(tested.stdout).toContain('FAIL tested.yaml › wrong turn: path start → hello →');
    expect(tested.code).toBe(1);
  }, 180_000);
});
