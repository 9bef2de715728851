import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { isTemporalUnavailable } from '../src/services/routing.ts';

/** A gRPC error as @grpc/grpc-js raises it, wrapped the way the Temporal client wraps a failed start. */
const failedStart = (code: number, details: string) =>
  new ServiceError('Failed to start Workflow', {
    cause: Object.assign(new Error(`${code} ${details}`), { code }),
  });

describe('which Temporal failures keep an event pending (503 / deferred) rather than failing it (500)', () => {
  it('treats unreachable, out of time, cancelled at its deadline and rate-limited as transient', () => {
    expect(isTemporalUnavailable(failedStart(14, 'UNAVAILABLE: No connection established'))).toBe(true);
    expect(isTemporalUnavailable(failedStart(4, 'DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(true);
    // Seen under heavy load: "Failed to start Workflow: CANCELLED" once the call's deadline passed.
    expect(isTemporalUnavailable(failedStart(1, 'CANCELLED: Call cancelled'))).toBe(true);
    expect(isTemporalUnavailable(failedStart(8, 'RESOURCE_EXHAUSTED: namespace rate limit exceeded'))).toBe(
      true,
    );
  });

  it('lets a refusal about the request itself through as an error', () => {
    expect(isTemporalUnavailable(failedStart(3, 'INVALID_ARGUMENT: bad input'))).toBe(false);
    expect(isTemporalUnavailable(failedStart(6, 'ALREADY_EXISTS: workflow already started'))).toBe(false);
    expect(isTemporalUnavailable(new Error('no code'))).toBe(false);
  });
});
