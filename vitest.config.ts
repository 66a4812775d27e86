import { execFileSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// The mediasoup module reads MEDIASOUP_WORKER_BIN when first imported; point it
// at the cached worker (scripts/setup.sh builds it) unless the caller set it.
const workerBin =
  process.env.MEDIASOUP_WORKER_BIN ||
  execFileSync('bash', ['scripts/mediasoup-worker.sh', 'path'], { encoding: 'utf8' }).trim();

/** Integration suites run a second time with their servers on PostgreSQL (see the project below). */
const POSTGRES_PASS = [
  'api-authorization-table',
  'email-channel',
  'organisations',
  'supervision',
  'risk-ledger',
  'dashboard',
  'reports',
  'roster',
  'sms-channel',
  'api-authorization',
  'bundles',
  'calendar-years',
  'collective-cases',
  'documents',
  'evidence',
  'evidence-session',
  'floor',
  'fuzz/http.fuzz',
  'http-edges',
  'inbound-referrals',
  'institutions',
  'multipart-fuzz',
  'online-applications',
  'payment-order',
  'procedural-side',
  'procedure-safeguards',
  'recording-crash',
  'referral-rules',
  'session-records',
  'sign-in-throttling',
  'socket-authorization',
  'stale-credentials',
  'upload-faults',
  'webhook-ssrf',
];

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
        // The integration suites whose subject is stored state, again on PostgreSQL: each
        // server they start gets a fresh database in the run's cluster (tests/support/server.ts).
        // The suites that open a database themselves already run on both backends
        // (repositories-both, case-lifecycle, crash-safety, sql-client, jobs-three-processes,
        // migrate-to-postgres); media-path suites (calls, transports, recording capture)
        // store through the same repositories and run once, on SQLite.
        test: {
          name: 'integration-postgres',
          include: POSTGRES_PASS.map((f) => `tests/integration/${f}.test.ts`),
          environment: 'node',
          globalSetup: ['tests/support/postgresGlobal.ts'],
          env: { MEDIASOUP_WORKER_BIN: workerBin, TEST_DATABASE: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // PostgreSQL and Redis for the call over two nodes (cluster.test.ts).
          globalSetup: ['tests/support/postgresGlobal.ts'],
          env: { MEDIASOUP_WORKER_BIN: workerBin },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Every `npm run bench:*` in smoke mode (tests/bench/smoke.test.ts): each starts
        // what it needs (PostgreSQL, Redis, Chromium, namespaces) and stops it.
        test: {
          name: 'bench-smoke',
          include: ['tests/bench/**/*.test.ts'],
          environment: 'node',
          env: { MEDIASOUP_WORKER_BIN: workerBin },
          testTimeout: 300_000,
          maxConcurrency: 2,
        },
      },
    ],
  },
});
