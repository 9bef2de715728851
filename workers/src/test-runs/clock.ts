import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
// The same switch @temporalio/testing uses to reach the test server's TestService.
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection.js';
import { msToTs, tsToMs } from '@temporalio/common/lib/time.js';

const GRPC_UNKNOWN = 2;
/** The probe: a sleep of server time that a moving clock skips at once, leaving it this far ahead of real time. */
const PROBE_SLEEP_MS = 3_600_000;
/** How long the probe may wait for tasks in flight (a workflow task times out after 10 s) to let the clock move. */
const PROBE_WAIT_MS = 15_000;
const LOOK_EVERY_MS = 250;

/** The client's usual retries, except of the UNKNOWN a refused unlock is answered with. */
const retries = defaultGrpcRetryOptions();
const retryInterceptor = makeGrpcRetryInterceptor({
  ...retries,
  retryableDecider: (attempt, status) =>
    status.code !== GRPC_UNKNOWN && retries.retryableDecider(attempt, status),
});

type TestService = NonNullable<Connection['testService']>;

/** More than half a probe ahead of real time: the clock has moved on its own (a probe, or a test run's waits). */
async function aheadOfRealTime(testService: TestService): Promise<boolean> {
  const { time } = await testService.getCurrentTime({});
  return tsToMs(time) - Date.now() > PROBE_SLEEP_MS / 2;
}

/**
 * Whether time skipping is already on: leaves an hour-long sleep with the server and watches its clock. A
 * moving clock skips the sleep as soon as no task is in flight; a locked one keeps real time.
 */
async function clockMoves(testService: TestService): Promise<boolean> {
  if (await aheadOfRealTime(testService)) return true;
  // Never answered when locked; unlocked below, the server then skips it.
  testService.sleep({ duration: msToTs(PROBE_SLEEP_MS) }).catch(() => undefined);
  for (const until = Date.now() + PROBE_WAIT_MS; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
    if (await aheadOfRealTime(testService)) return true;
  }
  return false;
}

/**
 * The test server only moves its clock while time skipping is unlocked. `npm start` starts it unlocked
 * (`--enable-time-skipping`); a server started without that flag is locked, and test runs need it unlocked
 * for good: every wait is then skipped as soon as no workflow task or activity is in flight.
 *
 * The server keeps one count of locks, its own (one per task in flight) included, so an unlock it does not
 * refuse can still be one too many and break its clock (a 30-day test run then timed out). A worker
 * therefore unlocks only a clock it saw stand still, and the probe's skipped hour leaves the clock ahead of
 * real time, so a worker restarting later sees it moved. Two workers starting in the same seconds against
 * one locked server can both unlock it; start that server with `--enable-time-skipping` instead.
 */
export async function unlockTimeSkipping(address: string): Promise<void> {
  const connection = await Connection.connect({
    address,
    interceptors: [retryInterceptor],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as Parameters<typeof Connection.connect>[0]);
  try {
    const { testService } = connection;
    if (!testService) throw new Error(`${address} is not a time-skipping test server`);
    if (await clockMoves(testService)) return;
    await testService.unlockTimeSkipping({});
    // Skipped at once now (or as soon as tasks in flight finish): the clock is then ahead for the next look.
    await connection
      .withDeadline(Date.now() + PROBE_WAIT_MS, () => testService.sleep({ duration: msToTs(PROBE_SLEEP_MS) }))
      .catch(() => undefined);
  } finally {
    await connection.close();
  }
}
