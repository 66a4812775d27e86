/**
 * vitest global setup of the integration layer: one throwaway PostgreSQL
 * cluster for the run (tests/support/postgres.ts), its URL provided to the test
 * files as `inject('postgresUrl')`, stopped and removed when the run ends, also
 * when tests failed.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
