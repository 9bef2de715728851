import { readdirSync, readFileSync } from 'node:fs';
import { getUnsafeNumberReason, parse } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { profileActivities } from '../../workers/src/activities/profiles.ts';

const FIXTURES = new URL('./fixtures/events/', import.meta.url);

/** Parses JSON text so that equal numbers compare equal and numbers a double cannot hold compare by text. */
const exact = (text: string) =>
  parse(text, null, (n) => {
    const reason = getUnsafeNumberReason(n);
    return reason === undefined || reason === 'truncate_float' ? Number(n) : { exactNumber: n };
  }) as Record<string, unknown>;

describe('ingestion stores any JSON losslessly', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (url: string, text: string) =>
    h.app.inject({
      method: 'POST',
      url,
      payload: text,
      headers: { authorization: `Bearer ${h.keys.ingest}`, 'content-type': 'application/json' },
    });
  const get = async (url: string) => {
    const response = await h.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${h.keys.admin}` },
    });
    expect(response.statusCode).toBe(200);
    return exact(response.body);
  };

  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    it(`round-trips ${file} exactly through the API`, async () => {
      const text = readFileSync(new URL(file, FIXTURES), 'utf8');
      const sent = exact(text);
      const accepted = await post(`/v1/${sent.type}`, text);
      expect(accepted.statusCode, accepted.body).toBe(200);
      const customer = (sent.userId ?? sent.anonymousId) as string;
      if (sent.type === 'identify') {
        const profile = await get(`/v1/customers/${encodeURIComponent(customer)}`);
        expect(profile.traits).toEqual(sent.traits);
        return;
      }
      const events = (await get(`/v1/customers/${encodeURIComponent(customer)}/events`)) as unknown as Array<
        Record<string, unknown>
      >;
      const stored = events.find((e) => e.messageId === sent.messageId);
      const named = sent.type === 'track' ? {} : { name: sent.name };
      expect(stored?.properties).toEqual({ ...named, ...(sent.properties as object) });
      expect(stored?.context).toEqual(sent.context);
      expect(stored?.event).toBe(sent.type === 'track' ? sent.event : sent.type);
    });
  }

  it('writes numbers a double cannot hold as the numbers they were sent as', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/v1/customers/fx-rudder/events',
      headers: { authorization: `Bearer ${h.keys.admin}` },
    });
    expect(response.body).toContain('"too_big":1e400');
    expect(response.body).toContain('"twitter_id":12345678901234567890');
  });

  it('filters, event-history conditions and templates work on keys with "$" and dots', async () => {
    const journeyId = await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: {
              kind: 'event',
              event: 'dollar_evt',
              reentry: 'once',
              where: [
                { path: '$browser', op: 'eq', value: 'Chrome' },
                { path: 'utm.source', op: 'eq', value: 'newsletter' },
                { path: 'context.$os', op: 'exists' },
              ],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
      'Dollar keys',
    );
    const props = (browser: string) => ({
      $browser: browser,
      'utm.source': 'newsletter',
      context: { $os: 'iOS' },
    });
    await h.track('dollar-firefox', 'dollar_evt', props('Firefox'));
    await h.track('dollar-chrome', 'dollar_evt', props('Chrome'));
    const entered = (await h.call('GET', `/v1/enrollments?journeyId=${journeyId}`)).body;
    expect(entered.map((e: { customerId: string }) => e.customerId)).toEqual(['dollar-chrome']);
    const history = await profileActivities(h.db).countEvents({
      customerId: 'dollar-chrome',
      event: 'dollar_evt',
      where: [
        { path: '$browser', op: 'eq', value: 'Chrome' },
        { path: 'utm.source', op: 'eq', value: 'newsletter' },
        { path: 'context.$os', op: 'eq', value: 'iOS' },
        { path: '$missing', op: 'not_exists' },
      ],
      sinceMs: 0,
      untilMs: Date.now() + 60_000,
    });
    expect(history).toBe(1);

    await h.identify('dollar-chrome', { $name: 'Dee', 'utm.source': 'ads' });
    const preview = await h.call('POST', '/v1/templates', {
      name: 'Dollar preview',
      channel: 'sms',
      body: 'Hi {{ profile["$name"] }} from {{ profile["utm.source"] }}',
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    const rendered = await h.call('POST', `/v1/templates/${preview.body.id}/preview`, {
      customerId: 'dollar-chrome',
    });
    expect(rendered.body.body).toBe('Hi Dee from ads');
  });
});
