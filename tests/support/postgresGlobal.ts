/**
 * vitest global setup of the integration layer: one throwaway PostgreSQL
 * cluster (tests/support/postgres.ts) and one Redis server
 * (tests/support/redis.ts) for the run, their URLs provided to the test files
 * as `inject('postgresUrl')` and `inject('redisUrl')`, stopped and removed when
 * the run ends, also when tests failed.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';
import { startRedis } from './redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  let redis;
  try {
    redis = await startRedis();
  } catch (error) {
    cluster.stop();
    throw error;
  }
  project.provide('postgresUrl', cluster.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    try {
      await redis.stop();
    } finally {
      cluster.stop();
    }
  };
}
