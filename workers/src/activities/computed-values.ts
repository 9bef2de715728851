/** Kept for the `@itinera/workers/computed` entry point: the reader lives with segment evaluation. */
export { type ComputedRevision, computedValuesOf } from '@itinera/nodes/segments';
