/**
 * Records the histories of the broadcast and migration workflows (from release 0.3.2 on) next to the
 * journey and segment ones, into the same set. Run by `npm run record-histories`.
 */
import type { BroadcastView, MigrationRun, MigrationStatus } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { migrationWorkflowId } from '../../src/workflows/migration-workflow.ts';
import { saveHistories } from './fixtures.ts';
import { overwrite, setDir, timeSkippingRecording } from './recorder.ts';
import { journeys, VERSION_MOVE_MAPPING, versionMoveV2 } from './scenarios.ts';

describe('record the broadcast and migration workflows on the time-skipping server', () => {
  const s = timeSkippingRecording();
  const save = async (name: string, workflowId: string) => {
    const files = await saveHistories(s.h.env.client, setDir, name, workflowId, overwrite);
    console.log(`recorded ${files.join(', ')}`);
  };

  it('a broadcast to a segment, throttled, with a holdout', async () => {
    const journeyId = await s.h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
      'broadcast',
    );
    const customers = Array.from({ length: 6 }, (_, i) => `cast-${i}`);
    expect(
      (await s.h.call('POST', '/v1/segments', { id: 'cast', kind: 'manual', name: 'Cast' })).status,
    ).toBe(201);
    expect((await s.h.call('POST', '/v1/segments/cast/members', { add: customers })).status).toBe(200);
    const created = await s.h.call<BroadcastView>('POST', '/v1/broadcasts', {
      segmentId: 'cast',
      journeyId,
      schedule: { kind: 'now' },
      ratePerMinute: 3,
      holdoutPercent: 20,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await s.h.env.sleep(3 * 60_000);
    const done = await eventually(async () => {
      const { body } = await s.h.call<BroadcastView>('GET', `/v1/broadcasts/${id}`);
      return body.state === 'completed' && body;
    }, 60_000);
    expect(done.progress.entered + done.progress.heldOut).toBe(customers.length);
    await save('broadcast', `broadcast:${id}`);
  });

  it('a migration moving waiting customers to a new version', async () => {
    const journeyId = await s.h.publish(journeys.version_move, 'migration');
    for (const c of ['mover-1', 'mover-2']) {
      await s.h.identify(c, { email: `${c}@example.com` });
      await s.h.track(c, 'version_move');
    }
    for (const c of ['mover-1', 'mover-2'])
      await s.r.waiting(c, (e) => e.currentNodeId !== null && e.nextWakeAt !== null);
    expect((await s.h.call('PUT', `/v1/journeys/${journeyId}`, { graph: versionMoveV2 })).status).toBe(200);
    expect((await s.h.call('POST', `/v1/journeys/${journeyId}/publish`, { note: 'v2' })).status).toBe(201);
    const request = { fromVersion: 1, toVersion: 2, mapping: VERSION_MOVE_MAPPING };
    const run = await s.h.call<MigrationRun>('POST', `/v1/journeys/${journeyId}/migrations`, request);
    expect(run.status).toBe(202);
    await eventually(async () => {
      const url = `/v1/journeys/${journeyId}/migrations/${run.body.migrationId}`;
      const { body } = await s.h.call<MigrationStatus>('GET', url);
      return body.state === 'completed' && body.counts.moved === 2;
    });
    await save('migration', migrationWorkflowId(run.body.migrationId));
  });
});
