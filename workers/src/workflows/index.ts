/** The workflow bundle's entry: the interpreter plus the built-in executors. */
import '@itinera/nodes/executors';

export { journeyWorkflow } from './journey-workflow.ts';
export { segmentTimerWorkflow } from './segment-timer.ts';
