import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** `npm run record-histories`: runs only the recorder, against the same servers the test suite starts. */
export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  test: {
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    include: [
      'workers/test/replay/record.ts',
      'workers/test/replay/record-0.3.ts',
      'workers/test/replay/record-0.3.2.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
