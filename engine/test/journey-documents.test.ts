import type { JourneyGraph } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';
import { type ApiHarness, apiHarness } from './support/api.ts';

/** api trigger -> SMS from a saved template with a promo code -> wait 3 days -> inline email -> exit. */
const welcome: JourneyGraph = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
    {
      id: 'sms',
      type: 'send',
      label: 'Welcome SMS',
      config: { channel: 'sms', templateId: 'welcome-sms', body: 'unused', promoPool: 'spring' },
    },
    { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { unit: 'days', amount: 3 } } },
    {
      id: 'email',
      type: 'send',
      config: { channel: 'email', subject: 'Still there?', body: 'Hi {{ profile.first_name }}' },
    },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->sms', 'sms->wait', 'wait->email', 'email->end'],
);

const templates = [
  {
    id: 'welcome-sms',
    name: 'Welcome SMS',
    channel: 'sms',
    body: 'Welcome {{ profile.first_name }}!\nYour code: {{ promo_code }}',
  },
];

describe('journeys as code: export and import', () => {
  let source: ApiHarness;
  let target: Awaited<ReturnType<typeof timeSkippingHarness>>;
  let journeyId: string;

  const exportText = async (h: Pick<ApiHarness, 'app' | 'keys'>, id: string, query = '') => {
    const response = await h.app.inject({
      method: 'GET',
      url: `/v1/journeys/${id}/export${query}`,
      headers: { authorization: `Bearer ${h.keys.admin}` },
    });
    expect(response.statusCode).toBe(200);
    return { text: response.body, type: String(response.headers['content-type']) };
  };
  const importText = async (h: Pick<ApiHarness, 'app' | 'keys'>, text: string, query = '') => {
    const response = await h.app.inject({
      method: 'POST',
      url: `/v1/journeys/import${query}`,
      headers: { authorization: `Bearer ${h.keys.admin}`, 'content-type': 'application/yaml' },
      payload: text,
    });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    [source, target] = await Promise.all([apiHarness(), timeSkippingHarness({})]);
    for (const template of templates)
      expect((await source.call('POST', '/v1/templates', template)).status).toBe(201);
    const pool = { id: 'spring', name: 'Spring sale', kind: 'pattern', pattern: 'SPRING-{X:6}' };
    expect((await source.call('POST', '/v1/promo-pools', pool)).status).toBe(201);
    const created = await source.call('POST', '/v1/journeys', { name: 'Welcome', graph: welcome });
    journeyId = created.body.id;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
  });

  it('exports the draft as canonical YAML with its template, pool and a separate layout', async () => {
    const { text, type } = await exportText(source, journeyId);
    expect(type).toContain('application/yaml');
    const document = parse(text);
    expect(Object.keys(document)).toEqual(['kind', 'journey', 'templates', 'promoPools', 'layout']);
    expect(document.journey.id).toBe(journeyId);
    expect(document.journey.nodes.map((n: { id: string }) => n.id)).toEqual([
      'email',
      'end',
      'sms',
      'start',
      'wait',
    ]);
    expect(document.journey.nodes[2]).toEqual({
      id: 'sms',
      type: 'send',
      label: 'Welcome SMS',
      config: { body: 'unused', channel: 'sms', promoPool: 'spring', templateId: 'welcome-sms' },
    });
    expect(document.templates).toEqual(templates);
    expect(document.promoPools).toEqual([
      { id: 'spring', name: 'Spring sale', kind: 'pattern', pattern: 'SPRING-{X:6}' },
    ]);
    expect(document.layout.wait).toEqual({ x: 400, y: 0 });
    // Multi-line Liquid stays readable, as a block scalar.
    expect(text).toContain(
      'body: |-\n      Welcome {{ profile.first_name }}!\n      Your code: {{ promo_code }}',
    );

    const withoutLayout = parse((await exportText(source, journeyId, '?layout=false')).text);
    expect(withoutLayout.layout).toBeUndefined();
    const json = await exportText(source, journeyId, '?format=json');
    expect(json.type).toContain('application/json');
    expect(JSON.parse(json.text)).toEqual(document);
  });

  it('round-trips byte for byte into an empty install, where a customer goes through the journey', async () => {
    const { text } = await exportText(source, journeyId);
    const imported = await importText(target, text);
    expect(imported).toEqual({
      status: 200,
      body: {
        dryRun: false,
        journey: { id: journeyId, action: 'create' },
        templates: [{ id: 'welcome-sms', action: 'create' }],
        promoPools: [{ id: 'spring', action: 'create' }],
      },
    });
    expect((await exportText(target, journeyId)).text).toBe(text);
    const again = await importText(target, text);
    expect(again.body).toMatchObject({
      journey: { action: 'unchanged' },
      templates: [{ action: 'unchanged' }],
    });
    expect((await target.call('GET', `/v1/journeys/${journeyId}`)).body.revision).toBe(0);

    expect(
      (await target.call('POST', `/v1/journeys/${journeyId}/publish`, { note: 'from code' })).status,
    ).toBe(201);
    await target.identify('lin', { first_name: 'Lin', phone: '+15550100', email: 'lin@example.com' });
    const entered = await target.call('POST', `/v1/journeys/${journeyId}/entries`, { customerIds: ['lin'] });
    expect(entered.status).toBe(200);
    await eventually(async () => (await target.messages('lin')).length === 1);
    await target.env.sleep(days(4));
    const steps = await target.stepsWhenEnded('lin', 'end');
    expect(steps).toHaveLength(1);
    const messages = await target.messages<{ channel: string; body: string }>('lin');
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(messages.find((m) => m.channel === 'sms')?.body).toMatch(
      /^Welcome Lin!\nYour code: SPRING-[A-Z0-9]{6}$/,
    );
  }, 120_000);

  it('carries the segments a journey names, and those they refer to, into an empty install', async () => {
    const spenders = {
      id: 'spenders',
      name: 'Spenders',
      rules: { kind: 'attribute', trait: 'spent', op: 'gt', value: 100 },
    };
    const vip = {
      id: 'vip',
      name: 'VIP',
      rules: {
        all: [
          { kind: 'inSegment', segment: 'spenders' },
          { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
        ],
      },
    };
    for (const segment of [spenders, vip])
      expect((await source.call('POST', '/v1/segments', segment)).status).toBe(201);
    const gated = graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
        {
          id: 'is_vip',
          type: 'condition',
          config: { combinator: 'and', rules: [{ kind: 'in_segment', segment: 'vip' }] },
        },
        { id: 'yes', type: 'exit', config: {} },
        { id: 'no', type: 'exit', config: {} },
      ],
      ['start->is_vip', 'is_vip:yes->yes', 'is_vip:no->no'],
    );
    const created = await source.call('POST', '/v1/journeys', {
      name: 'VIP only',
      graph: gated,
      settings: { audienceSegment: 'spenders' },
    });
    const { text } = await exportText(source, created.body.id);
    expect(parse(text).segments).toEqual([
      { id: 'spenders', kind: 'rules', name: 'Spenders', rules: spenders.rules },
      { id: 'vip', kind: 'rules', name: 'VIP', rules: vip.rules },
    ]);
    // A document that names a segment neither in it nor stored is refused before anything is written.
    const orphan = text.replace(/segments:[\s\S]*?(?=layout:)/, '');
    expect(await importText(target, orphan)).toMatchObject({ status: 422, body: { field: 'segments' } });
    const imported = await importText(target, text);
    expect(imported.body.segments).toEqual([
      { id: 'spenders', action: 'create' },
      { id: 'vip', action: 'create' },
    ]);
    expect((await exportText(target, created.body.id)).text).toBe(text);
    expect((await importText(target, text)).body.segments).toEqual([
      { id: 'spenders', action: 'unchanged' },
      { id: 'vip', action: 'unchanged' },
    ]);
    expect((await target.call('GET', '/v1/segments/vip')).body).toMatchObject({
      name: 'VIP',
      rules: vip.rules,
    });
  }, 120_000);

  it('updates the draft from an edited document; a dry run reports the same and writes nothing', async () => {
    // The draft was saved with its nodes in another order than the document's: that is no change.
    const unedited = (await exportText(source, journeyId)).text;
    expect((await importText(source, unedited)).body.journey).toEqual({ id: journeyId, action: 'unchanged' });
    const document = parse((await exportText(source, journeyId, '?layout=false')).text);
    document.journey.nodes.find((n: { id: string }) => n.id === 'wait').config.duration.amount = 5;
    document.templates[0].body = 'Hello again {{ profile.first_name }}';
    const before = (await source.call('GET', `/v1/journeys/${journeyId}`)).body;

    const dry = await source.call('POST', '/v1/journeys/import?dryRun=true', document);
    expect(dry).toMatchObject({
      status: 200,
      body: {
        dryRun: true,
        journey: { action: 'update' },
        templates: [{ action: 'update' }],
        promoPools: [{ action: 'unchanged' }],
      },
    });
    expect((await source.call('GET', `/v1/journeys/${journeyId}`)).body.revision).toBe(before.revision);
    expect((await source.call('GET', '/v1/templates/welcome-sms')).body.body).toBe(templates[0].body);

    expect((await source.call('POST', '/v1/journeys/import', document)).body.journey).toEqual({
      id: journeyId,
      action: 'update',
    });
    const after = (await source.call('GET', `/v1/journeys/${journeyId}`)).body;
    expect(after.revision).toBe(before.revision + 1);
    // Without a layout section, nodes keep the positions they have.
    expect(after.graph.nodes.find((n: { id: string }) => n.id === 'wait')).toMatchObject({
      position: { x: 400, y: 0 },
      config: { duration: { amount: 5 } },
    });
    expect((await source.call('GET', '/v1/templates/welcome-sms')).body.body).toBe(
      'Hello again {{ profile.first_name }}',
    );
  });

  it('exports a published version, not the draft, when asked for one', async () => {
    const published = await source.call('POST', `/v1/journeys/${journeyId}/publish`, {});
    await source.call('PUT', `/v1/journeys/${journeyId}`, { name: 'Welcome (next)' });
    const version = parse((await exportText(source, journeyId, `?version=${published.body.version}`)).text);
    const draft = parse((await exportText(source, journeyId)).text);
    expect([version.journey.name, draft.journey.name]).toEqual(['Welcome', 'Welcome (next)']);
    const missing = await source.call('GET', `/v1/journeys/${journeyId}/export?version=99`);
    expect(missing).toMatchObject({ status: 404, body: { field: 'version' } });
  });

  it('lets concurrent imports of one new document end with one journey and one template', async () => {
    const document = parse((await exportText(source, journeyId)).text);
    document.journey.id = 'imported-in-parallel';
    document.templates[0].id = 'parallel-sms';
    document.journey.nodes.find((n: { id: string }) => n.id === 'sms').config.templateId = 'parallel-sms';
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => source.call('POST', '/v1/journeys/import', document)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const journeys = (await source.call('GET', '/v1/journeys')).body as { id: string }[];
    expect(journeys.filter((j) => j.id === 'imported-in-parallel')).toHaveLength(1);
    const list = (await source.call('GET', '/v1/templates')).body as { id: string }[];
    expect(list.filter((t) => t.id === 'parallel-sms')).toHaveLength(1);
    expect(parse((await exportText(source, 'imported-in-parallel')).text)).toEqual(document);
  });

  it('refuses bad documents with the path of what is wrong, and changes nothing', async () => {
    const good = parse((await exportText(source, journeyId)).text);
    const variant = (change: (d: typeof good) => void) => {
      const copy = structuredClone(good);
      change(copy);
      return copy;
    };
    const cases: [unknown, number, string][] = [
      [variant((d) => delete d.journey.nodes[1].type), 400, 'journey.nodes.1.type'],
      [
        variant((d) => (d.journey.nodes[4].config.duration.unit = 'fortnights')),
        422,
        'journey.nodes.4.config.duration.unit',
      ],
      [variant((d) => (d.journey.edges[0].target = 'nowhere')), 422, 'journey.edges.0'],
      [
        variant((d) => (d.journey.nodes[2].config.templateId = 'ghost')),
        422,
        'journey.nodes.2.config.templateId',
      ],
      [variant((d) => (d.templates[0].channel = 'email')), 422, 'templates.0.subject'],
      [variant((d) => (d.promoPools[0].pattern = 'SPRING-{X:8}')), 409, 'promoPools.0.kind'],
      [variant((d) => (d.layout.ghost = { x: 1, y: 1 })), 422, 'layout.ghost'],
      [variant((d) => (d.kind = 'something-else')), 400, 'kind'],
    ];
    const before = (await source.call('GET', `/v1/journeys/${journeyId}`)).body.revision;
    for (const [document, status, field] of cases) {
      const { status: got, body } = await source.call('POST', '/v1/journeys/import', document);
      expect([got, body.field]).toEqual([status, field]);
    }
    const badYaml = await importText(source, 'kind: itinera/journey@1\njourney: [unclosed');
    expect(badYaml.status).toBe(400);
    expect(badYaml.body).toMatchObject({ field: 'body', message: expect.stringContaining('line') });
    expect((await source.call('GET', `/v1/journeys/${journeyId}`)).body.revision).toBe(before);
  });
});
