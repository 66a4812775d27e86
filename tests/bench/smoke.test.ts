/**
 * Benchmarks that cannot rot: every `npm run bench:*` runs here with `--smoke` (small
 * parameters, seconds not minutes) and must complete, print its `ratio=` line last and
 * write its figures (to a temporary file: a smoke run never replaces the recorded ones).
 * The figures themselves are not judged here; speed is measured by the benchmarks.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scripts = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Each benchmark's script file, from package.json (`bash scripts/bench.sh bench/<x>.ts`). */
const BENCHES = Object.entries(scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .map(([name, command]) => {
    const file = /scripts\/bench\.sh (bench\/[\w-]+\.ts)/.exec(command)?.[1];
    if (!file) throw new Error(`${name}: not run through scripts/bench.sh (${command})`);
    return { name: name.slice('bench:'.length), file };
  });

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs one benchmark as `npm run bench:<name> -- --smoke` does, past the install step. */
function runSmoke(file: string, limitMs: number): Promise<Run> {
  const viteNode = path.join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
  const child = spawn(process.execPath, [viteNode, file, '--smoke'], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the watchdog below takes its children (servers, browsers) too.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, limitMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The smoke budget of each benchmark (ms); a run over it is killed and fails. */
const LIMIT_MS = 240_000;

describe('every benchmark completes in smoke mode', () => {
  it('package.json lists the benchmarks', () => {
    expect(BENCHES.map((b) => b.name)).toEqual(
      expect.arrayContaining(['media', 'signaling', 'join', 'recording', 'bundle', 'soak']),
    );
  });

  // Two at a time: a smoke run mostly waits (windows, recoveries), so a pair shares two cores.
  for (const bench of BENCHES) {
    it.concurrent(
      `bench:${bench.name} --smoke prints its ratio= line last and writes its figures`,
      async () => {
        const started = Date.now();
        const run = await runSmoke(bench.file, LIMIT_MS);
        const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
        const tail = `${lines.slice(-15).join('\n')}\n--- stderr\n${run.stderr.slice(-3000)}`;
        expect(run.code, tail).toBe(0);
        expect(lines.at(-1), tail).toMatch(/^ratio=\d+(\.\d+)?( |$)/);
        const result = path.join(os.tmpdir(), 'mediation-bench-smoke', `${bench.name}.json`);
        expect(statSync(result).mtimeMs, `${result} written by this run`).toBeGreaterThanOrEqual(
          started - 1000,
        );
        expect(() => JSON.parse(readFileSync(result, 'utf8'))).not.toThrow();
      },
      LIMIT_MS + 10_000,
    );
  }
});
