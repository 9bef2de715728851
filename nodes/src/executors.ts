/** Built-in executors; the worker bundles this module into its workflow code. */
export { conditionExecutor } from './condition/executor.ts';
export { exitExecutor } from './exit/executor.ts';
export { goalExecutor } from './goal/executor.ts';
export { type SendResult, sendExecutor } from './send/executor.ts';
export { splitExecutor } from './split/executor.ts';
export { triggerExecutor } from './trigger/executor.ts';
export { updateProfileExecutor } from './update_profile/executor.ts';
export { waitExecutor } from './wait/executor.ts';
export { waitForEventExecutor } from './wait_for_event/executor.ts';
