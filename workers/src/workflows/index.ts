/** The workflow bundle's entry: the interpreter plus the built-in executors. */
import '@itinera/nodes/executors';

export { broadcastWorkflow } from './broadcast-workflow.ts';
export { journeyWorkflow } from './journey-workflow.ts';
export { migrationWorkflow } from './migration-workflow.ts';
export { segmentClockWorkflow, segmentTimerWorkflow } from './segment-timer.ts';
export { testRunWorkflow } from './test-run.ts';
export { testSendWorkflow } from './test-send.ts';
