import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

const draft = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->end'],
);

describe('drafts: revisions, presence and undoable archive', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a save based on a stale revision with 409 naming who changed the draft', async () => {
    const created = await h.call('POST', '/v1/journeys', { name: 'Race', graph: draft }, 'marketer');
    expect(created.body.revision).toBe(0);
    const id = created.body.id;
    const first = await h.call('PUT', `/v1/journeys/${id}`, { name: 'Race A', revision: 0 }, 'marketer');
    expect(first).toMatchObject({ status: 200, body: { revision: 1, updatedBy: 'marketer (test)' } });
    const stale = await h.call('PUT', `/v1/journeys/${id}`, { name: 'Race B', revision: 0 }, 'admin');
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ field: 'revision', revision: 1, updatedBy: 'marketer (test)' });
    expect(stale.body.message).toContain('marketer (test)');
    expect((await h.call('GET', `/v1/journeys/${id}`)).body).toMatchObject({ name: 'Race A', revision: 1 });
    // Saving over it names the revision the conflict reported; a save without one is not checked.
    const over = await h.call('PUT', `/v1/journeys/${id}`, { name: 'Race B', revision: 1 }, 'admin');
    expect(over.body).toMatchObject({ name: 'Race B', revision: 2, updatedBy: 'admin (test)' });
    expect((await h.call('PUT', `/v1/journeys/${id}`, { name: 'Race C' })).body.revision).toBe(3);
    const bad = await h.call('PUT', `/v1/journeys/${id}`, { revision: -1 });
    expect(bad).toMatchObject({ status: 400, body: { field: 'revision' } });
  });

  it('lists who else has a journey open, by key name, until they leave', async () => {
    const { body } = await h.call('POST', '/v1/journeys', { name: 'Shared', graph: draft });
    const beat = (role: 'marketer' | 'support' | 'admin') =>
      h.call('PUT', `/v1/journeys/${body.id}/presence`, undefined, role);
    expect((await beat('marketer')).body.others).toEqual([]);
    expect((await beat('support')).body.others.map((o: { name: string }) => o.name)).toEqual([
      'marketer (test)',
    ]);
    expect((await beat('marketer')).body.others.map((o: { name: string }) => o.name)).toEqual([
      'support (test)',
    ]);
    const left = await h.app.inject({
      method: 'DELETE',
      url: `/v1/journeys/${body.id}/presence`,
      headers: { authorization: `Bearer ${h.keys.support}` },
    });
    expect(left.statusCode).toBe(204);
    expect((await beat('marketer')).body.others).toEqual([]);
    // Heartbeats of one key at once (a tab becoming visible as its timer fires) all succeed.
    const burst = await Promise.all(Array.from({ length: 8 }, () => beat('admin')));
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await h.call('PUT', '/v1/journeys/nope/presence')).status).toBe(404);
    expect((await h.call('PUT', `/v1/journeys/${body.id}/presence`, undefined, 'ingest')).status).toBe(403);
  });

  it('unarchives a journey back to the status it had', async () => {
    const id = await h.publish(draft, 'Undo archive');
    expect((await h.call('POST', `/v1/journeys/${id}/archive`)).body.status).toBe('archived');
    expect((await h.call('PUT', `/v1/journeys/${id}`, { name: 'x' })).status).toBe(409);
    expect((await h.call('POST', `/v1/journeys/${id}/unarchive`, undefined, 'support')).status).toBe(403);
    expect((await h.call('POST', `/v1/journeys/${id}/unarchive`)).body.status).toBe('live');
    expect((await h.call('GET', `/v1/journeys/${id}`)).body.status).toBe('live');
    expect((await h.call('POST', `/v1/journeys/${id}/unarchive`)).status).toBe(409);
  });
});
