import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../src/plugins/errors.ts';
import { renderPool } from '../src/services/render-pool.ts';
import { type ApiHarness, apiHarness } from './support/api.ts';

/** Busy for up to the 1 s render limit without producing output. */
const HEAVY = '{% assign s = 0 %}{% for i in (1..300000) %}{% assign s = s | plus: i %}{% endfor %}{{ s }}';

describe('template rendering off the event loop', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    await h.call('POST', '/v1/identify', { userId: 'ada', traits: { first_name: 'Ada' } }, 'ingest');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers a track while eight heavy previews are still rendering', async () => {
    const finished: string[] = [];
    const previews = Array.from({ length: 8 }, (_, i) =>
      h
        .call('POST', '/v1/templates/preview', { channel: 'sms', body: HEAVY, customerId: 'ada' })
        .then((r) => {
          finished.push(`preview ${i}: ${r.status}`);
          return r;
        }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const track = await h.call('POST', '/v1/track', { userId: 'ada', event: 'clicked' }, 'ingest');
    expect(track.status).toBe(200);
    const pendingWhenTracked = 8 - finished.length;
    const results = await Promise.all(previews);
    expect(pendingWhenTracked).toBeGreaterThan(0);
    for (const r of results) expect([200, 422, 503]).toContain(r.status);
    console.log(`previews still rendering when the track was answered: ${pendingWhenTracked} of 8`);
  });

  it('renders like delivery and refuses work beyond its queue with a 503', async () => {
    const pool = renderPool({ threads: 1, maxQueue: 2 });
    try {
      expect(await pool.render('Hi {{ profile.first_name }}', { profile: { first_name: 'Ada' } })).toBe(
        'Hi Ada',
      );
      await expect(pool.render('{{ x | nope }}', {})).rejects.toThrow(/nope/);
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => pool.render(HEAVY, {})));
      const refused = outcomes.filter(
        (o) => o.status === 'rejected' && o.reason instanceof HttpError && o.reason.statusCode === 503,
      );
      expect(refused.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});
