/** Built-in node types, registered through the same public API custom node types use. */
export { conditionNode } from './condition/definition.ts';
export { exitNode } from './exit/definition.ts';
export { goalNode } from './goal/definition.ts';
export { sendNode } from './send/definition.ts';
export { splitNode } from './split/definition.ts';
export { triggerNode } from './trigger/definition.ts';
export { updateProfileNode } from './update_profile/definition.ts';
export { waitNode } from './wait/definition.ts';
export { waitForEventNode } from './wait_for_event/definition.ts';
