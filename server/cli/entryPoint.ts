/**
 * Whether the module at `moduleUrl` is the program node was started with, so
 * a command-line tool runs its main only then and tests can import it. Node
 * resolves symlinks for the main module, so real paths are compared.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}
