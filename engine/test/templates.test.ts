import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';

describe('message templates and their preview', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
    await h.call(
      'POST',
      '/v1/identify',
      {
        userId: 'ada',
        traits: {
          email: 'ada@example.com',
          first_name: 'Ada',
          timezone: 'America/New_York',
          balance: 1234.5,
        },
      },
      'ingest',
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  const del = async (id: string, role: 'admin' | 'support' = 'admin') => {
    const response = await h.app.inject({
      method: 'DELETE',
      url: `/v1/templates/${id}`,
      headers: { authorization: `Bearer ${h.keys[role]}` },
    });
    return { status: response.statusCode, body: response.body ? response.json() : null };
  };
  /** Ad hoc preview of one SMS body for Ada. */
  const render = (body: string, event?: unknown) =>
    h.call('POST', '/v1/templates/preview', { channel: 'sms', body, customerId: 'ada', event });

  it('creates, lists, reads, updates and deletes templates', async () => {
    const created = await h.call('POST', '/v1/templates', {
      name: 'Welcome Émail!',
      channel: 'email',
      subject: 'Hi {{ profile.first_name }}',
      body: '<p>Welcome, {{ profile.first_name }}</p>',
      text: 'Welcome, {{ profile.first_name }}',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'welcome-email', channel: 'email' });
    expect(created.body.createdAt).toBe(created.body.updatedAt);

    const again = await h.call('POST', '/v1/templates', { name: 'Welcome Email', channel: 'sms', body: 'x' });
    expect(again.status).toBe(201);
    expect(again.body.id).toMatch(/^welcome-email-[0-9a-f]{6}$/);
    const given = await h.call('POST', '/v1/templates', {
      id: 'promo_sms',
      name: 'Promo',
      channel: 'sms',
      body: 'x',
    });
    expect(given).toMatchObject({ status: 201, body: { id: 'promo_sms' } });
    const taken = await h.call('POST', '/v1/templates', {
      id: 'promo_sms',
      name: 'P',
      channel: 'sms',
      body: 'y',
    });
    expect(taken).toMatchObject({ status: 409, body: { field: 'id' } });
    const badSlug = await h.call('POST', '/v1/templates', {
      id: 'Not A Slug',
      name: 'P',
      channel: 'sms',
      body: 'y',
    });
    expect(badSlug).toMatchObject({ status: 400, body: { field: 'id' } });
    const noSubject = await h.call('POST', '/v1/templates', { name: 'E', channel: 'email', body: 'y' });
    expect(noSubject).toMatchObject({ status: 422, body: { field: 'subject' } });

    const list = (await h.call('GET', '/v1/templates')).body as { id: string }[];
    expect(list.map((t) => t.id).sort()).toEqual([again.body.id, 'promo_sms', 'welcome-email'].sort());

    const updated = await h.call('PUT', '/v1/templates/welcome-email', {
      subject: 'Hello {{ profile.first_name }}',
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { subject: 'Hello {{ profile.first_name }}', name: 'Welcome Émail!' },
    });
    expect((await h.call('GET', '/v1/templates/welcome-email')).body.subject).toBe(
      'Hello {{ profile.first_name }}',
    );

    expect(await del('promo_sms')).toMatchObject({ status: 204 });
    expect(await h.call('GET', '/v1/templates/promo_sms')).toMatchObject({
      status: 404,
      body: { field: 'id' },
    });
    expect(await del('promo_sms')).toMatchObject({ status: 404 });
  });

  it('validates Liquid on save with a 422 naming the field', async () => {
    const unknownFilter = await h.call('POST', '/v1/templates', {
      name: 'Bad',
      channel: 'email',
      subject: 'Hi',
      body: '{{ profile.first_name | shout }}',
    });
    expect(unknownFilter).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(unknownFilter.body.message).toMatch(/undefined filter: shout/);
    const badSyntax = await h.call('POST', '/v1/templates', {
      name: 'Bad',
      channel: 'email',
      subject: '{% if %}',
      body: 'ok',
    });
    expect(badSyntax).toMatchObject({ status: 422, body: { field: 'subject' } });
    const badText = await h.call('PUT', '/v1/templates/welcome-email', { text: '{{ "x" | nope }}' });
    expect(badText).toMatchObject({ status: 422, body: { field: 'text' } });
    expect((await h.call('GET', '/v1/templates/welcome-email')).body.text).toBe(
      'Welcome, {{ profile.first_name }}',
    );
  });

  it('previews a stored template against the real customer and an event', async () => {
    const preview = await h.call('POST', '/v1/templates/welcome-email/preview', {
      customerId: 'ada',
      event: { event: 'ordered', properties: { total: 99 } },
    });
    expect(preview).toMatchObject({
      status: 200,
      body: { subject: 'Hello Ada', body: '<p>Welcome, Ada</p>', text: 'Welcome, Ada' },
    });
    const withEvent = await render('{{ event.event }}/{{ trigger.properties.total }}/{{ customer_id }}', {
      event: 'ordered',
      properties: { total: 99 },
    });
    expect(withEvent).toMatchObject({
      status: 200,
      body: { body: 'ordered/99/ada', subject: null, text: null },
    });
    const unknown = await h.call('POST', '/v1/templates/welcome-email/preview', { customerId: 'nobody' });
    expect(unknown).toMatchObject({ status: 404, body: { field: 'customerId' } });
    expect(unknown.body.message).toMatch(/nobody/);
    const noTemplate = await h.call('POST', '/v1/templates/missing/preview', { customerId: 'ada' });
    expect(noTemplate).toMatchObject({ status: 404, body: { field: 'id' } });
  });

  it('keeps templates sandboxed: no prototypes, bounded loops and output, unknown filters named', async () => {
    for (const probe of [
      '{{ profile.constructor }}',
      '{{ profile.constructor.constructor }}',
      '{{ profile["constructor"] }}',
      '{{ profile.__proto__ }}',
      '{{ "x".constructor }}',
      '{{ profile.first_name.toString }}',
      '{% assign f = profile.constructor %}{{ f.name }}{{ f.prototype }}',
    ]) {
      const result = await render(probe);
      expect(result.status === 200 ? result.body.body : result.status, probe).toSatisfy(
        (v: unknown) => v === '' || v === 422,
      );
    }
    for (const fileProbe of [
      "{% render 'package.json' %}",
      "{% include 'README.md' %}",
      "{% layout '.data/admin-key.txt' %}x",
    ]) {
      const result = await render(fileProbe);
      expect(result, fileProbe).toMatchObject({ status: 422, body: { field: 'body' } });
      expect(JSON.stringify(result.body)).not.toContain('itinera');
    }
    const filterProbe = await render('{{ "x" | constructor }}');
    expect(filterProbe).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(filterProbe.body.message).toMatch(/undefined filter: constructor/);

    const started = Date.now();
    const huge = await render('{% for i in (1..100000000) %}x{% endfor %}');
    expect(huge).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(huge.body.message).toMatch(/limit exceeded/);
    const nested = await render(
      '{% for i in (1..1000000) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}',
    );
    expect(nested).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(nested.body.message).toMatch(/render limit exceeded/);
    expect(Date.now() - started).toBeLessThan(5_000);

    const big = await render('{% for i in (1..100000) %}xxxxxxxxxx{% endfor %}');
    expect(big).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(big.body.message).toMatch(/output longer than/);

    const subjectError = await h.call('POST', '/v1/templates/preview', {
      channel: 'push',
      subject: '{{ profile.first_name | nope }}',
      body: 'fine',
      customerId: 'ada',
    });
    expect(subjectError).toMatchObject({ status: 422, body: { field: 'subject' } });
    expect(subjectError.body.message).toMatch(/undefined filter: nope/);
    expect((await h.call('GET', '/v1/templates')).status).toBe(200);
  });

  it('formats dates in a timezone (DST-aware) and money per locale', async () => {
    const dates = await render(
      [
        '{{ "2026-03-08T06:30:00Z" | date_in_tz: profile.timezone, "yyyy-LL-dd HH:mm ZZZZ" }}',
        '{{ "2026-03-08T07:30:00Z" | date_in_tz: profile.timezone, "yyyy-LL-dd HH:mm ZZZZ" }}',
        '{{ "2026-03-08T07:30:00Z" | date_in_tz }}',
        '{{ 1700000000 | date_in_tz: "Europe/Berlin" }}',
        '{{ event.timestamp | date_in_tz: "Asia/Tokyo", "dd LLL yyyy HH:mm" }}',
        '{{ "not a date" | date_in_tz: "UTC" }}',
        '{{ profile.missing | date_in_tz: "UTC" }}',
      ].join('|'),
      { event: 'ordered', timestamp: '2026-10-25T00:30:00Z' },
    );
    expect(dates.body.body.split('|')).toEqual([
      '2026-03-08 01:30 EST',
      '2026-03-08 03:30 EDT',
      '2026-03-08 03:30',
      '2023-11-14 23:13',
      '25 Oct 2026 09:30',
      'not a date',
      '',
    ]);
    const money = await render(
      '{{ 1234.5 | money: "EUR", "de-DE" }}|{{ profile.balance | money: "USD" }}|{{ "12" | money: "JPY", "ja-JP" }}',
    );
    expect(money.body.body.split('|')).toEqual(['1.234,50\u00a0€', '$1,234.50', '￥12']);
    const badCurrency = await render('{{ 5 | money: "EURO" }}');
    expect(badCurrency).toMatchObject({ status: 422, body: { field: 'body' } });
    expect(badCurrency.body.message).toMatch(/money: .*EURO/);
  });

  it('lets support preview but not write, refuses ingest, and protects templates in use', async () => {
    const preview = await h.call(
      'POST',
      '/v1/templates/welcome-email/preview',
      { customerId: 'ada' },
      'support',
    );
    expect(preview.status).toBe(200);
    expect((await h.call('GET', '/v1/templates', undefined, 'support')).status).toBe(200);
    const write = await h.call('POST', '/v1/templates', { name: 'S', channel: 'sms', body: 'x' }, 'support');
    expect(write.status).toBe(403);
    expect((await h.call('PUT', '/v1/templates/welcome-email', { name: 'S' }, 'support')).status).toBe(403);
    expect((await del('welcome-email', 'support')).status).toBe(403);
    expect((await h.call('GET', '/v1/templates', undefined, 'ingest')).status).toBe(403);
    const ingestPreview = await h.call(
      'POST',
      '/v1/templates/preview',
      { channel: 'sms', body: 'x', customerId: 'ada' },
      'ingest',
    );
    expect(ingestPreview.status).toBe(403);

    const journey = await h.call('POST', '/v1/journeys', {
      name: 'Uses welcome',
      graph: {
        nodes: [
          {
            id: 's',
            type: 'send',
            position: { x: 0, y: 0 },
            config: { channel: 'email', templateId: 'welcome-email' },
          },
        ],
        edges: [],
      },
    });
    expect(journey.status).toBe(201);
    const inUse = await del('welcome-email');
    expect(inUse).toMatchObject({ status: 409, body: { field: 'id', journeys: ['Uses welcome'] } });
  });
});
