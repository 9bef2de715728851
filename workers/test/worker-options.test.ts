import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CACHED_WORKFLOWS,
  DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS,
  maxCachedWorkflowsFromEnv,
  maxConcurrentWorkflowTasksFromEnv,
} from '../src/worker.ts';

describe('worker sizing from the environment', () => {
  it('takes whole numbers it can use and falls back to the defaults otherwise', () => {
    expect(maxConcurrentWorkflowTasksFromEnv({ ITINERA_MAX_CONCURRENT_WORKFLOW_TASKS: '4' })).toBe(4);
    // The SDK needs one task slot for the sticky queue and one for the normal queue.
    for (const asked of ['1', '0', '-3', '2.5', 'many', ''])
      expect(maxConcurrentWorkflowTasksFromEnv({ ITINERA_MAX_CONCURRENT_WORKFLOW_TASKS: asked })).toBe(
        DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS,
      );
    expect(maxConcurrentWorkflowTasksFromEnv({})).toBe(10);
    expect(maxCachedWorkflowsFromEnv({ ITINERA_MAX_CACHED_WORKFLOWS: '0' })).toBe(0);
    expect(maxCachedWorkflowsFromEnv({ ITINERA_MAX_CACHED_WORKFLOWS: 'x' })).toBe(
      DEFAULT_MAX_CACHED_WORKFLOWS,
    );
  });
});
