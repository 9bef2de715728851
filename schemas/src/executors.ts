import type { CustomerEvent, Profile } from './events.ts';
import type { EventMatcher } from './filters.ts';
import type { JourneySettings } from './graph.ts';

/**
 * What a node executor sees. It runs inside the Temporal workflow, so it must be deterministic:
 * every I/O goes through `activity()`, and time comes from `now()`.
 */
export interface ExecutionContext<C = Record<string, unknown>> {
  readonly config: C;
  readonly node: { id: string; type: string; label?: string };
  readonly journey: { id: string; version: number; name: string; settings: JourneySettings };
  readonly enrollmentId: string;
  readonly customerId: string;
  /** How many times this enrollment has entered this node, starting at 1. */
  readonly visit: number;
  /** Stable per (enrollment, node, visit): pass it to every side effect. */
  readonly idempotencyKey: string;
  /** Journey context: `trigger` holds the entry event, `event` the last awaited one, plus what nodes stored. */
  readonly vars: Record<string, unknown>;
  now(): number;
  loadProfile(): Promise<Profile>;
  /** The customer's timezone: profile `timezone`, else the journey default, else UTC. */
  timezone(): Promise<string>;
  /** Sleeps until the instant; `why` is shown to support staff while the customer waits. */
  sleepUntil(epochMs: number, why: string): Promise<void>;
  /** Resolves with the first matching event that arrives after the call, or null on timeout. */
  waitForEvent(matcher: EventMatcher, timeoutMs: number, why: string): Promise<CustomerEvent | null>;
  /** Runs a registered activity (built-in or custom) with retries; its result is recorded in history. */
  activity<T = unknown>(name: string, input: unknown): Promise<T>;
  /**
   * Temporal's `patched(id)`: true for enrollments that reach this point on code with the change, false when
   * replaying one recorded before it. Guard any change to what an executor schedules with it.
   */
  patched(id: string): boolean;
}

export interface ExecutionResult {
  /** The output port to follow; omit for terminal nodes. */
  port?: string;
  /** Short machine-readable outcome, e.g. `sent`, `yes`, `timed_out`. */
  outcome: string;
  /** A sentence for support staff: why this happened. */
  reason: string;
  /** Extra details for the timeline. */
  data?: Record<string, unknown>;
  /** Values to merge into the journey context for later nodes. */
  vars?: Record<string, unknown>;
  /** Ends the enrollment. */
  end?: 'completed' | 'converted' | 'exited';
}

export type NodeExecutor<C = never> = (ctx: ExecutionContext<C>) => Promise<ExecutionResult>;

const executors = new Map<string, NodeExecutor<unknown>>();

/** Registers how a node type runs. Call it from a module that the worker bundles into its workflows. */
export function defineExecutor<C>(type: string, executor: NodeExecutor<C>): NodeExecutor<C> {
  executors.set(type, executor as NodeExecutor<unknown>);
  return executor;
}

/** The node types this process can run (the ones whose executor modules it loaded). */
export function registeredExecutorTypes(): string[] {
  return [...executors.keys()].sort();
}

export function executorFor(type: string): NodeExecutor<unknown> | undefined {
  return executors.get(type);
}
