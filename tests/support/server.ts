/** Starts a real MediationServer on a loopback port with a temp data directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { MediationServer, type MediationServerOptions } from '../../server/MediationServer.js';
import type { SessionClaims } from '../../signaling/index.js';
import { connectClient, type TestClient } from './client.js';
import { enrolledToken } from './enrol.js';

import { freshDatabase } from './postgres.js';
import { TEST_SECRET } from './secrets.js';

export { TEST_SECRET };

export interface TestServer {
  server: MediationServer;
  url: string;
  dataDir: string;
  /** A session token, its case, session and holder entered in the case file (see enrol.ts). */
  token(
    claims: Partial<SessionClaims> & Pick<SessionClaims, 'sub'>,
    ttlSeconds?: number,
  ): Promise<string>;
  close(): Promise<void>;
}

/** TEST_DATABASE=postgres: each data directory's database, for servers started again on it. */
const databasesByDataDir = new Map<string, string>();

export async function startTestServer(
  env: Record<string, string> = {},
  options: MediationServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mediation-test-'));
  // TEST_DATABASE=postgres: the server on a fresh database in the run's PostgreSQL cluster
  // (integration layer; tests/support/postgresGlobal.ts). Otherwise SQLite in dataDir.
  // A server started again on an earlier one's DATA_DIR (a restart) gets that one's database.
  const reused = env['DATA_DIR'] ? databasesByDataDir.get(env['DATA_DIR']) : undefined;
  const databaseUrl =
    env['DATABASE_URL'] ??
    (process.env['TEST_DATABASE'] === 'postgres'
      ? (reused ?? (await freshDatabase(inject('postgresUrl'), 'server')))
      : '');
  if (databaseUrl) databasesByDataDir.set(env['DATA_DIR'] ?? dataDir, databaseUrl);
  const config = loadConfig(process.env, {
    DATABASE_URL: databaseUrl,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    PUBLIC_URL: '',
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_SECRET,
    MEDIASOUP_NUM_WORKERS: '2',
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    MEDIASOUP_ANNOUNCED_IP: '',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // Test clients act as their own proxy: sign-ins claim fresh addresses (freshAddress()).
    TRUSTED_PROXIES: '127.0.0.1',
    ...env,
  });
  const server = await MediationServer.create(config, createLogger(config.logLevel), options);
  const url = `http://127.0.0.1:${server.port}`;
  return {
    server,
    url,
    dataDir,
    token(claims, ttlSeconds = 600) {
      return enrolledToken(
        server,
        { caseId: 'CASE-1', sessionId: 'SESSION-1', role: 'party', name: claims.sub, ...claims },
        ttlSeconds,
      );
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One server for the describe block it is called in, and the clients opened
 * against it, closed after each test; the server is closed after the block.
 */
export function sharedTestServer(env: Record<string, string> = {}): {
  readonly t: TestServer;
  client(claims: Parameters<TestServer['token']>[0]): Promise<TestClient>;
} {
  let current: TestServer | undefined;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    current = await startTestServer(env);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get t() {
      if (!current) throw new Error('the shared server starts in beforeAll');
      return current;
    },
    async client(claims) {
      const c = await connectClient(this.t.url, await this.t.token(claims));
      clients.push(c);
      return c;
    },
  };
}

/**
 * A server started per test (with its own settings) and the clients opened
 * against it, all closed after each test.
 */
export function perTestServer(): {
  start(env?: Record<string, string>): Promise<TestServer>;
  client(claims: Parameters<TestServer['token']>[0]): Promise<TestClient>;
} {
  let current: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await current?.close();
    current = undefined;
  });
  return {
    async start(env = {}) {
      current = await startTestServer(env);
      return current;
    },
    async client(claims) {
      if (!current) throw new Error('start() the server first');
      const c = await connectClient(current.url, await current.token(claims));
      clients.push(c);
      return c;
    },
  };
}
