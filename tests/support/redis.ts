/**
 * A throwaway Redis server for the tests: Debian's `redis-server` (installed by
 * scripts/install-system-deps.sh test) on a free loopback port, with a random
 * password, no persistence, in a temp directory, killed with its parent (the
 * vitest process) if that dies first; stopped and removed afterwards.
 *
 * vitest's global setup (tests/support/postgresGlobal.ts) starts one per run and
 * hands its URL to the test files as `inject('redisUrl')`; each server a test
 * starts takes its own key prefix (`redisPrefix()`), so files and tests never
 * share keys or channels.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.js';

export interface RedisServer {
  /** redis://:password@127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  if (found.status !== 0 || !bin) {
    throw new Error(
      'redis-server not found: run `bash scripts/install-system-deps.sh test` (npm test does)',
    );
  }
  return bin;
}

/** Answers PING (with AUTH) within `timeoutMs`, or throws. */
async function untilPong(port: number, password: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let seen = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('data', (chunk) => {
        seen += chunk.toString('utf8');
        if (seen.includes('+PONG')) {
          socket.end();
          resolve(true);
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(seen.includes('+PONG')));
      socket.write(`AUTH ${password}\r\nPING\r\n`);
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts Debian's redis-server on a free port of 127.0.0.1 (and of each address in `bind`:
 * a network-namespace rig's anchor, reachable from its namespaces), with a random password.
 */
export async function startRedis(options: { bind?: string[] } = {}): Promise<RedisServer> {
  const bin = redisServerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'mediation-redis-'));
  const password = randomBytes(18).toString('hex');
  const port = await freePort();
  const child = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'SIGKILL',
      '--',
      bin,
      '--port',
      String(port),
      '--bind',
      ['127.0.0.1', ...(options.bind ?? [])].join(' '),
      '--protected-mode',
      'yes',
      '--requirepass',
      password,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      untilPong(port, password, 10_000),
      exited.then(() => {
        throw new Error(`redis-server exited at start: ${stderr.trim()}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    password,
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** A key prefix of its own for one server of a test (REDIS_KEY_PREFIX). */
export function redisPrefix(label: string): string {
  return `t-${label.replace(/[^a-z0-9]/gi, '-').toLowerCase()}-${randomBytes(4).toString('hex')}:`;
}
