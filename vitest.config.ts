import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    include: ['{schemas,nodes,workers,engine,editor,cli,examples,test,bench}/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One time-skipping server serves the run; files must not skip time under each other.
    fileParallelism: false,
  },
});
