/**
 * Rotates the service's signing key:
 *
 *   npm run rotate-key
 *
 * A new Ed25519 key becomes the one that signs (manifests, sealed agreements,
 * references, webhooks); the old public keys stay in /.well-known/jwks.json,
 * so everything signed before still verifies. Key files in DATA_DIR: from the
 * service's next start. Shared keys (SERVICE_KEYS_SECRET, with DATABASE_URL as
 * the service has it): every running node signs with the new key within
 * seconds. Exit 0 rotated, 2 the key store is unusable.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDatabaseConfig, loadDataDir, loadServiceKeysSecret, type Config } from '../config.js';
import { SqlServiceKeyVault } from '../db/SqlServiceKeyVault.js';
import { openDatabase } from '../db/openDatabase.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import { createLogger } from '../logger.js';
import { ServiceKeys } from '../signing/ServiceKeys.js';

export async function rotateKey(
  dataDir: string,
  shared?: { secret: string; database: Config['database'] },
): Promise<{ exitCode: number; lines: string[]; kid?: string }> {
  let sql: SqlClient | undefined;
  let keys: ServiceKeys | undefined;
  try {
    if (shared) {
      sql = await openDatabase(shared.database, dataDir, createLogger('warn'));
      keys = await ServiceKeys.openShared(new SqlServiceKeyVault(sql), shared.secret, {
        importFrom: path.join(dataDir, 'keys'),
      });
    } else {
      keys = await ServiceKeys.open(path.join(dataDir, 'keys'));
    }
    const previous = keys.activeKid;
    const kid = await keys.rotate();
    return {
      exitCode: 0,
      kid,
      lines: [
        `签名密钥已轮换 / signing key rotated: ${previous} → ${kid}`,
        shared
          ? `各节点数秒内改用新密钥；旧公钥仍在发布 / every node signs with it within seconds; old public keys stay published (${keys.jwks().keys.length} keys)`
          : `重启服务后生效；旧公钥仍在发布 / takes effect at the next start; old public keys stay published (${keys.jwks().keys.length} keys)`,
      ],
    };
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法轮换密钥 / cannot rotate the key: ${(error as Error).message}`],
    };
  } finally {
    keys?.close();
    await sql?.close();
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invoked).href) {
  const secret = loadServiceKeysSecret();
  const { exitCode, lines } = await rotateKey(
    loadDataDir(),
    secret ? { secret, database: loadDatabaseConfig() } : undefined,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = exitCode;
}
