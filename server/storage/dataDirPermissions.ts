/**
 * The data directory holds case files, evidence, recordings, keys and
 * secrets: only the service's user may read it. Files are created 0600 and
 * directories 0700 (explicit modes where they are created, and a 0077 umask
 * in the process entry point for what child processes such as FFmpeg
 * write); at start, anything looser (an older installation, a copied
 * backup) is tightened, and what was fixed is logged.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the directory if needed and tightens every file and directory below it. */
export function secureDataDir(dataDir: string, logger: Logger): { fixed: string[] } {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fixed: string[] = [];
  const visit = (p: string): void => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) {
        chmodSync(p, PRIVATE_DIR_MODE);
        fixed.push(`${path.relative(dataDir, p) || '.'}/ ${(st.mode & 0o777).toString(8)}→700`);
      }
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (st.isFile() && (st.mode & 0o077) !== 0) {
      chmodSync(p, st.mode & 0o700);
      fixed.push(
        `${path.relative(dataDir, p)} ${(st.mode & 0o777).toString(8)}→${(st.mode & 0o700).toString(8)}`,
      );
    }
  };
  visit(dataDir);
  if (fixed.length > 0) {
    logger.warn(
      { dataDir, count: fixed.length, fixed: fixed.slice(0, 50) },
      'data directory had files or directories others could read; tightened to 0600/0700',
    );
  }
  return { fixed };
}
