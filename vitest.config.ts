import { execFileSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// The mediasoup module reads MEDIASOUP_WORKER_BIN when first imported; point it
// at the cached worker (scripts/setup.sh builds it) unless the caller set it.
const workerBin =
  process.env.MEDIASOUP_WORKER_BIN ||
  execFileSync('bash', ['scripts/mediasoup-worker.sh', 'path'], { encoding: 'utf8' }).trim();

export default defineConfig({
  test: {
    env: { MEDIASOUP_WORKER_BIN: workerBin },
    // Integration and end-to-end files each start mediasoup workers (and
    // Chromium); on two cores they run one file at a time.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // A throwaway PostgreSQL cluster for the run: the tests that run on both backends.
          globalSetup: ['tests/support/postgresGlobal.ts'],
          env: { MEDIASOUP_WORKER_BIN: workerBin },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          env: { MEDIASOUP_WORKER_BIN: workerBin },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
