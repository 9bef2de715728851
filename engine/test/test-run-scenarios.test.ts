import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../test/support/harness.ts';
import { testRunHarness, thirtyDayJourney } from '../../test/support/test-runs.ts';

const converts = {
  name: 'converts through the SMS nudge',
  profile: { traits: { email: 'eve@example.com', phone: '+15550123', first_name: 'Eve' } },
  steps: [
    { after: '1 day', event: 'viewed_item', properties: { name: 'boots' } },
    { after: '3 days', event: 'purchased', properties: { amount: 40 } },
  ],
  expect: { path: ['start', 'welcome', 'browse', 'nudge', 'buy', 'thanks', 'bought'] },
};
const winsBack = {
  name: 'a silent customer is won back',
  profile: { traits: { email: 'sam@example.com' } },
  steps: [],
  expect: { reaches: 'winback' },
};

describe('saved scenarios guard publishing', () => {
  let h: Harness;
  let journeyId: string;

  beforeAll(async () => {
    h = await testRunHarness();
    await h.call('POST', '/v1/templates', { id: 'welcome', name: 'Welcome', channel: 'email', body: 'Hi' });
    journeyId = await h.publish(thirtyDayJourney(), 'Guarded onboarding');
  });
  afterAll(async () => {
    await h?.close();
  });

  const publish = () => h.call('POST', `/v1/journeys/${journeyId}/publish`, { note: 'change' });
  const setDraft = async (buyTimeoutDays: number) => {
    const saved = await h.call('PUT', `/v1/journeys/${journeyId}`, {
      graph: thirtyDayJourney(buyTimeoutDays),
    });
    expect(saved.status).toBe(200);
  };

  it('saves scenarios with the journey and reads them back', async () => {
    const saved = await h.call('PUT', `/v1/journeys/${journeyId}/scenarios`, {
      scenarios: [converts, winsBack],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const read = await h.call('GET', `/v1/journeys/${journeyId}/scenarios`);
    expect(read.body.scenarios).toEqual([converts, winsBack]);
  });

  it('refuses duplicate names and unknown journeys', async () => {
    const twice = await h.call('PUT', `/v1/journeys/${journeyId}/scenarios`, {
      scenarios: [converts, converts],
    });
    expect([twice.status, twice.body.field]).toEqual([400, 'scenarios.1.name']);
    const missing = await h.call('PUT', '/v1/journeys/nope/scenarios', { scenarios: [] });
    expect(missing.status).toBe(404);
  });

  it('refuses a version that breaks a scenario, naming it and showing the paths', async () => {
    await setDraft(1);
    const refused = await publish();
    expect(refused.status).toBe(422);
    expect(refused.body.field).toBe('scenarios');
    expect(refused.body.message).toContain('converts through the SMS nudge');
    expect(refused.body.failures).toEqual([
      {
        name: 'converts through the SMS nudge',
        expected: converts.expect,
        actual: ['start', 'welcome', 'browse', 'nudge', 'buy', 'lapsed'],
        diff: ['  start', '  welcome', '  browse', '  nudge', '  buy', '- thanks', '- bought', '+ lapsed'],
      },
    ]);
    expect((await h.call('GET', `/v1/journeys/${journeyId}/versions`)).body).toHaveLength(1);
  });

  it('publishes a version that keeps every scenario', async () => {
    await setDraft(10);
    const published = await publish();
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.version).toBe(2);
  });
});
