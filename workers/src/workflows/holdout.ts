import type { ControlGroup, EnrollmentInput, ExecutionResult, WorkflowGraph } from '@itinera/schemas';
import { patched } from '@temporalio/workflow';

/**
 * A held-out entrant walks the journey like everyone else (so its goal conversions are tracked over the same
 * time), but its send steps deliver nothing. The global control group still gets transactional sends.
 * Returns null for enrollments that are not held out; runs recorded before 0.3 never carry `control`.
 */
export function holdoutRule(input: EnrollmentInput) {
  const group: ControlGroup | undefined = input.control;
  if (!group || !patched('itinera-0.3-holdout')) return null;
  return (node: WorkflowGraph['nodes'][number]): ExecutionResult | null => {
    if (node.type !== 'send') return null;
    if (group === 'global' && node.config.transactional === true) return null;
    return {
      port: 'next',
      outcome: 'held_out',
      reason:
        group === 'holdout'
          ? `Not sent: held out (control group of journey "${input.journey.name}")`
          : 'Not sent: held out (global control group)',
    };
  };
}
