/**
 * The case database the configuration names, opened and migrated as the
 * service opens it: PostgreSQL when DATABASE_URL is set, else the SQLite file
 * in the data directory. For the command-line tools that write (seed-demo,
 * calendar-year); `npm run verify` opens read-only on its own.
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { SqliteDatabase, databaseFile } from './SqliteDatabase.js';
import { PostgresClient } from './sql/PostgresClient.js';
import type { SqlClient } from './sql/SqlClient.js';

export async function openDatabase(
  database: Config['database'],
  dataDir: string,
  logger: Logger,
): Promise<SqlClient> {
  return database.url
    ? PostgresClient.open(database.url, { max: database.poolSize }, logger)
    : SqliteDatabase.open(databaseFile(dataDir), logger);
}
