import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // why: a test that runs the real tools under a second test file's load takes up to a minute on
    // two cores, and a CI machine may be twice as slow; a hung test still fails, only later.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // why: vitest's default is one worker fewer than the cores, so one on two, and a test spends much
    // of its time waiting on a tool it started (git, ansible-playbook, terraform, the CLI): two
    // workers ran six of the slowest files in 261 s instead of 331 s on two cores.
    maxWorkers: Math.max(2, os.availableParallelism()),
    globalSetup: ['test/support/cli-bundle.ts'],
  },
});
