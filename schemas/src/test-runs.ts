import type { EnrollmentInput, EnrollmentStatus } from './enrollment.ts';
import type { CustomerEvent } from './events.ts';

/** Test runs execute on the time-skipping Temporal server, on their own task queue. */
export const TEST_RUN_WORKFLOW = 'testRunWorkflow';
export const DEFAULT_TEST_RUN_TASK_QUEUE = 'itinera-test-runs';

/**
 * The collections a test run's activities use in place of the real ones: the customer's data is copied in
 * under a test-only customer id before the run and removed after it, so nothing real changes. Promo codes are
 * the exception: reserved in the real pool (never handed to anyone else meanwhile) and released after the run.
 */
export const TEST_RUN_SANDBOX = {
  profiles: 'test_run_profiles',
  events: 'test_run_events',
  subscriptions: 'test_run_subscriptions',
  frequency_cap_slots: 'test_run_frequency_cap_slots',
  deliveries: 'test_run_deliveries',
  messages: 'test_run_messages',
  enrollments: 'test_run_enrollments',
  enrollment_steps: 'test_run_steps',
} as const;

export interface TestRunStepInput {
  /** Simulated milliseconds after the customer entered. */
  afterMs: number;
  event: string;
  properties: Record<string, unknown>;
}

export interface TestRunInput {
  runId: string;
  /** The sandbox customer id the enrollment runs as. */
  customerId: string;
  journey: EnrollmentInput['journey'];
  triggerEvent: string;
  triggerProperties: Record<string, unknown>;
  steps: TestRunStepInput[];
  horizonMs: number;
  /** When the run was asked for (real time): the simulated start keeps its weekday and time of day. */
  requestedAtMs: number;
}

export interface TestRunOutcome {
  status: EnrollmentStatus | 'waiting';
  startedAt: string;
  endedAt: string;
  /** The scenario events in the order they were signalled, with their simulated times. */
  events: { at: string; event: string; delivered: boolean }[];
  trigger: CustomerEvent;
}
