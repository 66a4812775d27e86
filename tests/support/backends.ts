/**
 * The two database backends, for tests that run the same assertions on each:
 * embedded SQLite in a temp directory, and a fresh database in the run's
 * throwaway PostgreSQL cluster (tests/support/postgresGlobal.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { databaseFile, SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import { createLogger } from '../../server/logger.js';
import { freshDatabase } from './postgres.js';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

export interface OpenedBackend {
  sql: SqlClient;
  /** The SQLite database (its file), when the backend is SQLite. */
  sqlite?: SqliteDatabase;
  /** postgres://… of the test's own database, when the backend is PostgreSQL. */
  url?: string;
  close(): Promise<void>;
}

export async function openBackend(backend: Backend, label: string): Promise<OpenedBackend> {
  const logger = createLogger('silent');
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    const sqlite = SqliteDatabase.open(databaseFile(dir), logger);
    return {
      sql: sqlite,
      sqlite,
      async close() {
        await sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = await freshDatabase(inject('postgresUrl'), label);
  const sql = await PostgresClient.open(url, { max: 5 }, logger);
  return { sql, url, close: () => sql.close() };
}
