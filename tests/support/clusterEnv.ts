/**
 * The environment of a test's service nodes (several nodes, issue 19): one fresh database in
 * the run's PostgreSQL cluster, the run's Redis under a key prefix of the test's own, one media
 * worker each and the sealing secret of the keys every node shares.
 */
import { inject } from 'vitest';
import { freshDatabase } from './postgres.js';
import { redisPrefix } from './redis.js';

export async function clusterEnv(label: string): Promise<Record<string, string>> {
  return {
    DATABASE_URL: await freshDatabase(inject('postgresUrl'), label),
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: redisPrefix(label),
    MEDIASOUP_NUM_WORKERS: '1',
    SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
  };
}
