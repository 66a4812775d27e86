/**
 * Rotates the service's signing key:
 *
 *   npm run rotate-key
 *
 * A new Ed25519 key becomes the one that signs (manifests, sealed agreements,
 * references, webhooks) once the service restarts; the old public keys stay
 * in /.well-known/jwks.json, so everything signed before still verifies.
 * Uses DATA_DIR like the service. Exit 0 rotated, 2 the key store is unusable.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDataDir } from '../config.js';
import { ServiceKeys } from '../signing/ServiceKeys.js';

export async function rotateKey(
  dataDir: string,
): Promise<{ exitCode: number; lines: string[]; kid?: string }> {
  try {
    const keys = await ServiceKeys.open(path.join(dataDir, 'keys'));
    const previous = keys.activeKid;
    const kid = await keys.rotate();
    return {
      exitCode: 0,
      kid,
      lines: [
        `签名密钥已轮换 / signing key rotated: ${previous} → ${kid}`,
        `重启服务后生效；旧公钥仍在发布 / takes effect at the next start; old public keys stay published (${keys.jwks().keys.length} keys)`,
      ],
    };
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法轮换密钥 / cannot rotate the key: ${(error as Error).message}`],
    };
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invoked).href) {
  const { exitCode, lines } = await rotateKey(loadDataDir());
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = exitCode;
}
