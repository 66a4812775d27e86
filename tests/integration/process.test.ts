/**
 * The built server as a process: clear failures at start, graceful shutdown
 * on SIGTERM, also while it is still starting. Runs dist/ (npm test builds it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ENTRY = 'dist/server/index.js';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mediation-process-'));

interface Run {
  code: number | null;
  output: string;
}

function run(
  env: Record<string, string | undefined>,
  onOutput?: (text: string, kill: () => void) => void,
): Promise<Run> {
  if (!existsSync(ENTRY))
    throw new Error(`${ENTRY} is missing: run \`npm test\` (it builds the server)`);
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'],
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    onOutput?.(output, () => child.kill('SIGTERM'));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('the server process', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start without a worker binary, naming the variable', async () => {
    const r = await run({ MEDIASOUP_WORKER_BIN: undefined });
    expect(r.code).toBe(2);
    expect(r.output).toContain('MEDIASOUP_WORKER_BIN is not set');
  });

  it('fails with a clear message when the worker cannot start', async () => {
    const r = await run({ MEDIASOUP_WORKER_BIN: '/bin/false' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('Cannot start the mediasoup worker (/bin/false)');
  });

  /** Starts the server, sends SIGTERM once `line` is logged; the exit code and log messages. */
  async function terminateAfter(
    line: string,
  ): Promise<{ code: number | null; messages: string[] }> {
    let killed = false;
    const r = await run(
      { MEDIASOUP_WORKER_BIN: process.env['MEDIASOUP_WORKER_BIN'], LOG_LEVEL: 'info' },
      (out, kill) => {
        if (!killed && out.includes(line)) {
          killed = true;
          kill();
        }
      },
    );
    expect(killed).toBe(true);
    const messages = r.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    return { code: r.code, messages };
  }

  it('shuts down gracefully on SIGTERM, taking its workers with it', async () => {
    const { code, messages } = await terminateAfter('mediation server listening');
    expect(code).toBe(0);
    expect(messages).toEqual(
      expect.arrayContaining([
        'mediasoup worker started',
        'signal received',
        'shutting down',
        'shut down',
      ]),
    );
    expect(messages.indexOf('shut down')).toBeGreaterThan(messages.indexOf('shutting down'));
  });

  it('shuts down gracefully on a SIGTERM that arrives while it is still starting', async () => {
    const { code, messages } = await terminateAfter('mediasoup worker started');
    expect(code).toBe(0);
    expect(messages).toEqual(expect.arrayContaining(['signal received', 'shut down']));
    expect(messages.indexOf('shut down')).toBeGreaterThan(messages.indexOf('signal received'));
  });
});
