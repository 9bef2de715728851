import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkflowBundle,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Db } from 'mongodb';
import { builtInActivities, defaultProviders } from './activities/index.ts';
import type { ProviderMap } from './activities/send/index.ts';
import { executableNodeTypes, reportCapabilities } from './capabilities.ts';

type Activity = (input: never) => Promise<unknown>;

/**
 * How outside code extends the worker: a module that calls `defineExecutor` (bundled into the
 * deterministic workflow code) and the activities its executors call.
 */
export interface WorkerPlugin {
  executorsModule?: string;
  activities?: (db: Db) => Record<string, Activity>;
}

/**
 * Workflows kept in the worker's sticky cache. Waiting customers beyond it are evicted and replayed when they
 * next wake, so memory stays flat however many wait (ITINERA_MAX_CACHED_WORKFLOWS overrides it).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

export function maxCachedWorkflowsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.ITINERA_MAX_CACHED_WORKFLOWS);
  return Number.isInteger(asked) && asked >= 0 ? asked : DEFAULT_MAX_CACHED_WORKFLOWS;
}

/**
 * Workflow tasks one worker runs at once. Beyond what its cores can process, polled tasks only queue in the
 * process and outlive Temporal's 10 s task timeout under load, wasting the work; left in Temporal's queue they
 * wait for free. ITINERA_MAX_CONCURRENT_WORKFLOW_TASKS overrides it.
 */
export const DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS = 10;

export function maxConcurrentWorkflowTasksFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.ITINERA_MAX_CONCURRENT_WORKFLOW_TASKS);
  // The SDK needs at least two: one for the sticky queue and one for the normal queue.
  return Number.isInteger(asked) && asked >= 2 ? asked : DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS;
}

export interface ItineraWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  db: Db;
  plugins?: WorkerPlugin[];
  providers?: Partial<ProviderMap>;
  workflowBundle?: WorkflowBundleOption;
  /** Must match the clients' (for example the payload codec from `temporalSettingsFromEnv`). */
  dataConverter?: DataConverter;
  /** The node types this worker reports it can run; default: the built-in and plugin executors. */
  nodeTypes?: string[];
  maxCachedWorkflows?: number;
}

// Running from src/ (tsx, tests) or from the compiled dist/ (production): the entry has this file's extension.
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const WORKFLOWS_ENTRY = fileURLToPath(new URL(`./workflows/index.${EXT}`, import.meta.url));
/** Written by `npm run build` next to the compiled worker; absent when running from source. */
export const PREBUILT_BUNDLE = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));

/** The release's prebuilt bundle when present and no plugin adds executors; otherwise bundles now. */
export async function journeyWorkflowBundle(plugins: WorkerPlugin[] = []): Promise<WorkflowBundleOption> {
  const extended = plugins.some((p) => p.executorsModule);
  if (!extended && existsSync(PREBUILT_BUNDLE)) return { codePath: PREBUILT_BUNDLE };
  return bundleJourneyWorkflows(plugins);
}

/** Bundles the interpreter with the built-in executors and any plugin executors. */
export async function bundleJourneyWorkflows(plugins: WorkerPlugin[] = []): Promise<WorkflowBundle> {
  const modules = plugins.flatMap((p) => (p.executorsModule ? [p.executorsModule] : []));
  let workflowsPath = WORKFLOWS_ENTRY;
  if (modules.length > 0) {
    // Inside the package so the bundler resolves @temporalio/workflow from this project.
    const dir = fileURLToPath(new URL('../.generated/', import.meta.url));
    await mkdir(dir, { recursive: true });
    workflowsPath = join(
      dir,
      `workflows-${createHash('sha1').update(modules.join('|')).digest('hex').slice(0, 12)}.${EXT}`,
    );
    const lines = [
      `export * from ${JSON.stringify(WORKFLOWS_ENTRY)};`,
      ...modules.map((m) => `import ${JSON.stringify(m)};`),
    ];
    await writeFile(workflowsPath, `${lines.join('\n')}\n`);
  }
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

const HEARTBEAT_MS = 5_000;

/**
 * Every activity heartbeats while it runs, so Temporal notices a dead worker within the heartbeat timeout
 * (not the much longer start-to-close timeout), and a slow but live send is never retried under its feet.
 */
function withHeartbeats(activity: Activity): Activity {
  return async (input) => {
    const context = Context.current();
    if (context.info.isLocal) return activity(input);
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    try {
      return await activity(input);
    } finally {
      clearInterval(timer);
    }
  };
}

export async function createItineraWorker(options: ItineraWorkerOptions): Promise<Worker> {
  const plugins = options.plugins ?? [];
  const activities: Record<string, Activity> = {
    ...builtInActivities(options.db, { ...defaultProviders(options.db), ...options.providers }),
  };
  for (const plugin of plugins) Object.assign(activities, plugin.activities?.(options.db));
  for (const [name, activity] of Object.entries(activities)) activities[name] = withHeartbeats(activity);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle ?? (await journeyWorkflowBundle(plugins)),
    activities,
    dataConverter: options.dataConverter,
    maxCachedWorkflows: options.maxCachedWorkflows ?? maxCachedWorkflowsFromEnv(),
    maxConcurrentWorkflowTaskExecutions: maxConcurrentWorkflowTasksFromEnv(),
  });
  const nodeTypes = options.nodeTypes ?? (await executableNodeTypes(plugins));
  // While it runs, the worker tells the API which node types it can run (publishing checks them).
  const run = worker.run.bind(worker);
  worker.run = async () => {
    const report = reportCapabilities(options.db, options.taskQueue, nodeTypes);
    try {
      return await run();
    } finally {
      await report.stop();
    }
  };
  return worker;
}
