/**
 * Service nodes in processes of their own (tests/support/cluster-node.ts), for
 * tests and benchmarks that SIGKILL one: the integration and browser failover
 * tests, bench:cluster's failover rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A node in its own process; resolves with its URL once it listens. With `ipc`, the test
 * can ask it to publish synthetic media (`publishOn`).
 */
export async function startNodeProcess(
  env: Record<string, string>,
  options: { ipc?: boolean } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    path.join('node_modules', '.bin', 'vite-node'),
    ['tests/support/cluster-node.ts'],
    {
      stdio: ['ignore', 'pipe', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
      env: { ...process.env, ...env },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the node did not start')), 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: { url: string } }).ready.url);
      }
    });
    child.once('exit', (code) => reject(new Error(`the node exited (${code})`)));
  });
  return { url, child };
}

/** SIGKILLs a node process (no goodbye to Redis or its peers) and waits for it to exit. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** What a node process answers to `{ publish }`: the synthetic media's producers and FFmpeg. */
export interface PublishedOnNode {
  audioProducerId: string | undefined;
  videoProducerId: string | undefined;
  /** The FFmpeg sending it: it outlives a SIGKILLed node, so the test ends it. */
  pid: number;
}

let askId = 0;

/**
 * Asks a node process started with `ipc` one question (tests/support/cluster-node.ts) and
 * resolves with its answer.
 */
export function askNode<T>(
  child: ChildProcess,
  question: Record<string, unknown>,
  timeoutMs = 20_000,
): Promise<T> {
  const id = ++askId;
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the node did not answer ${Object.keys(question).join()}`));
    }, timeoutMs);
    const onMessage = (m: unknown) => {
      const reply = m as { id?: number; reply?: T; error?: string };
      if (reply.id !== id) return;
      done();
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply.reply as T);
    };
    child.on('message', onMessage);
    child.send({ id, ...question });
  });
}

/**
 * Asks a node process started with `ipc` to publish synthetic media
 * (tests/support/syntheticMedia.ts) for a participant of a session it holds.
 */
export function publishOn(
  child: ChildProcess,
  sessionId: string,
  participantId: string,
): Promise<PublishedOnNode> {
  return askNode<PublishedOnNode>(child, { publish: { sessionId, participantId } });
}
