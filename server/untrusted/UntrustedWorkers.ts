/**
 * Parsing of bytes a user sent, off the main event loop. Each call runs in a
 * fresh worker thread with a hard time limit: a parser that overruns (a
 * decoder looping on a crafted input) is terminated and the call is refused,
 * while the event loop keeps answering every other request. The input size is
 * checked before any worker starts; a few calls run at once, the others wait
 * in a short queue, and beyond it the call is refused as too many.
 *
 * A task is a self-contained function that the worker runs from its own
 * source text, so the same code runs from the compiled `dist/` and from the
 * TypeScript sources under vitest without a loader. It may use only its
 * input, the modules it names (required by their resolved path) and globals;
 * it may not close over anything of its defining module.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { reasonMessage, type Reason } from '../../signaling/index.js';
import { RateLimitedError, ValidationError, fail } from '../errors.js';

export interface UntrustedTask<I, O> {
  /** What is parsed, in refusals: `{ en: 'signature image', unreadable: 'SIGNATURE_IMAGE_UNREADABLE' }`. */
  name: TaskName;
  /** Longest the parse may take once its worker is up. */
  timeoutMs: number;
  /** Largest input accepted, in bytes, checked before any work. */
  maxInputBytes: number;
  /** Bytes of the input (for the size check). */
  sizeOf: (input: I) => number;
  /** Modules the function may load, by the name it asks for; resolved from this package. */
  modules?: readonly string[];
  /**
   * Runs in the worker. An error thrown (malformed input) becomes the
   * refusal's issue.
   */
  run: (input: I, load: (module: string) => unknown) => O;
}

export interface TaskName {
  en: string;
  /** The reason a client shows when the input is refused (signaling/reasons.ts). */
  unreadable: Reason;
}

export type UntrustedRefusalReason = 'too_large' | 'timeout' | 'malformed' | 'crashed';

/** The input was refused: too large, malformed, or its parse overran the time limit. */
export class UntrustedInputError extends ValidationError {
  readonly refusal: UntrustedRefusalReason;

  constructor(task: TaskName, refusal: UntrustedRefusalReason, detail: string) {
    super(reasonMessage(task.unreadable), [`${refusal}: ${detail}`], { reason: task.unreadable });
    this.refusal = refusal;
  }
}

export interface UntrustedWorkersOptions {
  /** Parses running at once (each in its own thread). */
  concurrency?: number;
  /** Calls waiting for a thread; beyond this a call is refused at once. */
  maxQueued?: number;
  /** Memory a worker's JavaScript heap may use. */
  maxHeapMb?: number;
  /** Longest a worker may take to start before its call fails. */
  startupTimeoutMs?: number;
}

interface WorkerReply {
  ok: boolean;
  value?: unknown;
  message?: string;
}

/** The worker's program: run the task's source on the input, post the result or the error message. */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const load = (name) => {
  const resolved = workerData.modules[name];
  if (!resolved) throw new Error('module not allowed: ' + name);
  return require(resolved);
};
let reply;
try {
  const run = (0, eval)('(' + workerData.source + ')');
  reply = { ok: true, value: run(workerData.input, load) };
} catch (error) {
  reply = { ok: false, message: String((error && error.message) || error).slice(0, 300) };
}
parentPort.postMessage(reply);
`;

const require = createRequire(import.meta.url);

export class UntrustedWorkers {
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #maxHeapMb: number;
  readonly #startupTimeoutMs: number;
  readonly #running = new Set<Worker>();
  readonly #waiting: (() => void)[] = [];
  /** Slots handed out (a slot passes straight to the next waiter when one is released). */
  #active = 0;
  #closed = false;

  constructor(options: UntrustedWorkersOptions = {}) {
    this.#concurrency = options.concurrency ?? 2;
    this.#maxQueued = options.maxQueued ?? 32;
    this.#maxHeapMb = options.maxHeapMb ?? 64;
    this.#startupTimeoutMs = options.startupTimeoutMs ?? 10_000;
  }

  /** Worker threads alive now (for tests and health). */
  get running(): number {
    return this.#running.size;
  }

  /** Runs the task on the input in a worker; refuses with {@link UntrustedInputError}. */
  async run<I, O>(task: UntrustedTask<I, O>, input: I): Promise<O> {
    const size = task.sizeOf(input);
    if (size > task.maxInputBytes)
      throw new UntrustedInputError(
        task.name,
        'too_large',
        `${size} bytes exceed the ${task.maxInputBytes}-byte limit`,
      );
    await this.#acquire();
    try {
      return await this.#runOne(task, input);
    } finally {
      this.#release();
    }
  }

  /** Terminates running workers; later calls are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#running].map((w) => w.terminate()));
  }

  #acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(fail('PARSERS_SHUTTING_DOWN'));
    if (this.#active < this.#concurrency) {
      this.#active += 1;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.#maxQueued) return Promise.reject(new RateLimitedError());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active -= 1;
  }

  #runOne<I, O>(task: UntrustedTask<I, O>, input: I): Promise<O> {
    const modules: Record<string, string> = {};
    for (const name of task.modules ?? []) modules[name] = require.resolve(name);
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { source: task.run.toString(), input, modules },
      resourceLimits: {
        maxOldGenerationSizeMb: this.#maxHeapMb,
        maxYoungGenerationSizeMb: 16,
        stackSizeMb: 4,
      },
      stdout: true,
      stderr: true,
    });
    this.#running.add(worker);
    return new Promise<O>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: { value: O } | { error: Error }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A finished or overrunning worker goes either way; exit frees the slot.
        void worker.terminate();
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
      };
      const overrun = (why: string) =>
        finish({ error: new UntrustedInputError(task.name, 'timeout', why) });
      let timer = setTimeout(
        () => overrun(`the parser did not start within ${this.#startupTimeoutMs} ms`),
        this.#startupTimeoutMs,
      );
      worker.once('online', () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => overrun(`the parser did not finish within ${task.timeoutMs} ms`),
          task.timeoutMs,
        );
      });
      worker.once('message', (reply: WorkerReply) => {
        if (reply.ok) finish({ value: reply.value as O });
        else
          finish({
            error: new UntrustedInputError(task.name, 'malformed', reply.message ?? 'unreadable'),
          });
      });
      // Out of memory or a crash inside the parser: the input is refused, the process lives on.
      worker.once('error', (error) =>
        finish({ error: new UntrustedInputError(task.name, 'crashed', error.message) }),
      );
      worker.once('exit', () => {
        this.#running.delete(worker);
        finish({
          error: new UntrustedInputError(task.name, 'crashed', 'the parser stopped unexpectedly'),
        });
      });
    });
  }
}

/** One pool for the whole process: parses of user bytes share its threads. */
export const untrustedWorkers = new UntrustedWorkers();
