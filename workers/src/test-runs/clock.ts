import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
// The same switch @temporalio/testing uses to reach the test server's TestService.
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection.js';
import { msToTs, tsToMs } from '@temporalio/common/lib/time.js';

const GRPC_UNKNOWN = 2;
const GRPC_DEADLINE_EXCEEDED = 4;
/** Long enough for an idle unlocked server to answer a sleep at once, short enough for a worker's start. */
const PROBE_MS = 1_000;
const PROBES = 3;
/** A probe's sleep: an unlocked clock skips it, and then runs at least this far ahead of real time. */
const PROBE_SLEEP_MS = 3_600_000;

/** The client's usual retries, except of the UNKNOWN a refused unlock is answered with. */
const retries = defaultGrpcRetryOptions();
const retryInterceptor = makeGrpcRetryInterceptor({
  ...retries,
  retryableDecider: (attempt, status) =>
    status.code !== GRPC_UNKNOWN && retries.retryableDecider(attempt, status),
});

type TestServiceConnection = Connection & { testService: NonNullable<Connection['testService']> };

/**
 * Whether the server's clock already moves: a sleep of an hour of server time answers at once only then.
 * Locked, it would take an hour of real time.
 */
async function clockMoves(connection: TestServiceConnection): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + PROBE_MS, () =>
      connection.testService.sleep({ duration: msToTs(PROBE_SLEEP_MS) }),
    );
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === GRPC_DEADLINE_EXCEEDED) return false;
    throw error;
  }
}

/**
 * A clock that runs more than half a probe's sleep ahead of real time has been unlocked (by a probe, or by
 * skipping a test run's waits): no probe is needed, so none can be misread while a test run holds the clock.
 */
async function aheadOfRealTime(connection: TestServiceConnection): Promise<boolean> {
  const { time } = await connection.testService.getCurrentTime({});
  return tsToMs(time) - Date.now() > PROBE_SLEEP_MS / 2;
}

/**
 * The test server only moves its clock while time skipping is unlocked; it starts locked. Test runs need it
 * unlocked for good: every wait is then skipped as soon as no workflow task or activity is in flight.
 *
 * The server counts locks and unlocks. A second unlock is refused as unbalanced and leaves the clock broken
 * (a 30-day test run then timed out), so a worker restarting against a server it, or another worker, already
 * unlocked looks first and unlocks only a clock that stands still. A test run's task in flight also holds
 * the clock for a moment, hence a few looks.
 */
export async function unlockTimeSkipping(address: string): Promise<void> {
  const connection = await Connection.connect({
    address,
    interceptors: [retryInterceptor],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as Parameters<typeof Connection.connect>[0]);
  try {
    if (!connection.testService) throw new Error(`${address} is not a time-skipping test server`);
    const server = connection as TestServiceConnection;
    if (await aheadOfRealTime(server)) return;
    for (let probe = 0; probe < PROBES; probe++) if (await clockMoves(server)) return;
    // The probes' sleeps, skipped once it is unlocked, leave the clock an hour ahead for the next look.
    await server.testService.unlockTimeSkipping({});
  } finally {
    await connection.close();
  }
}
