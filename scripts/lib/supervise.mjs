// Keeps one part of `npm start` running: when any of its processes exits unexpectedly, the part is stopped
// whole and started again after a backoff (1, 2, 5, 10, then 30 s), as a production supervisor would. A part
// that ran for a minute counts as healthy again; one that crashes ten times in a row gives up.

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const HEALTHY_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 10;

/**
 * @template {{ processes: import('./servers.d.mts').ManagedProcess[]; stop(timeoutMs?: number): Promise<void> }} T
 * @param {string} name
 * @param {() => Promise<T>} start starts the part (same ports and data every time)
 * @param {{ isStopping(): boolean; log(msg: string): void; giveUp(msg: string): void; logFileOf?: (part: T) => string | undefined }} opts
 * @returns {Promise<{ first: T; processes(): import('./servers.d.mts').ManagedProcess[]; stop(timeoutMs?: number): Promise<void> }>}
 *   once the first start succeeded
 */
export async function supervise(name, start, opts) {
  let current = await start();
  const first = current;
  let attempt = 0;
  let startedAt = Date.now();

  const watch = (part) => {
    Promise.race(part.processes.map((p) => p.exited.then((info) => ({ p, info })))).then(
      async ({ p, info }) => {
        if (opts.isStopping() || part !== current) return;
        const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
        await part.stop(5_000).catch(() => {});
        if (Date.now() - startedAt > HEALTHY_AFTER_MS) attempt = 0;
        attempt += 1;
        const log = opts.logFileOf?.(part) ?? p.logFile;
        if (attempt > MAX_ATTEMPTS) {
          opts.giveUp(`${name} crashed ${MAX_ATTEMPTS} times in a row (${how}); see ${log}`);
          return;
        }
        const delay = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
        opts.log(
          `${name} exited unexpectedly (${how}); restarting in ${delay / 1000} s (attempt ${attempt}); see ${log}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        while (!opts.isStopping()) {
          try {
            current = await start();
            startedAt = Date.now();
            opts.log(`${name} restarted`);
            watch(current);
            return;
          } catch (err) {
            attempt += 1;
            if (attempt > MAX_ATTEMPTS) {
              opts.giveUp(`${name} could not be restarted: ${err?.message ?? err}`);
              return;
            }
            const retry = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
            opts.log(`${name} failed to restart (${err?.message ?? err}); next try in ${retry / 1000} s`);
            await new Promise((resolve) => setTimeout(resolve, retry));
          }
        }
      },
    );
  };
  watch(current);
  return { first, processes: () => current.processes, stop: (timeoutMs) => current.stop(timeoutMs) };
}
