import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTimeSkippingServer } from '../../scripts/lib/servers.mjs';
import { PATHS_FILE } from '../../scripts/lib/tools.mjs';
import { unlockTimeSkipping } from '../src/test-runs/worker.ts';

/** `npm start` keeps the time-skipping server up while it restarts a worker that died. */
describe('the test-run clock across worker restarts', () => {
  let server: Awaited<ReturnType<typeof startTimeSkippingServer>>;
  beforeAll(async () => {
    // A server of its own: unlocking the shared one would change its clock under other test files.
    const bin = (JSON.parse(readFileSync(PATHS_FILE, 'utf8')) as { temporalTestServer: string })
      .temporalTestServer;
    server = await startTimeSkippingServer({ bin });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a restarted worker unlocks time skipping again without failing', async () => {
    // The first worker unlocks the server's clock and keeps it so.
    await (await unlockTimeSkipping(server.address)).release();
    // Each restart asks again: the server refuses an unbalanced unlock, which must not stop the worker.
    for (let restart = 0; restart < 2; restart++)
      await expect(
        unlockTimeSkipping(server.address).then((clock) => clock.release()),
      ).resolves.toBeUndefined();
  });

  it('still fails when the server cannot be reached', async () => {
    await expect(unlockTimeSkipping('127.0.0.1:1')).rejects.toThrow();
  });
});
