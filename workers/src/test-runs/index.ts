export { sandboxDb } from './sandbox.ts';
