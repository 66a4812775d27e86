/**
 * Staff passwords and institution API keys, stored as scrypt hashes with a
 * per-secret salt. scrypt runs in libuv's small thread pool, which file and
 * DNS work share: at most MAX_CONCURRENT hashes run at once and a short
 * queue waits; beyond it a request is refused at once (RATE_LIMITED), so a
 * sign-in flood cannot starve evidence downloads and the API.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { RateLimitedError } from '../errors.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

const MAX_CONCURRENT = 2;
const MAX_QUEUED = 16;

/** A counting semaphore with a bounded queue; its figures are for monitoring and tests. */
class HashGate {
  #active = 0;
  #peak = 0;
  #refused = 0;
  readonly #waiting: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= MAX_CONCURRENT) {
      if (this.#waiting.length >= MAX_QUEUED) {
        this.#refused += 1;
        throw new RateLimitedError();
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#active += 1;
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter (the count stays), or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }

  stats(): { active: number; queued: number; peak: number; refused: number } {
    return {
      active: this.#active,
      queued: this.#waiting.length,
      peak: this.#peak,
      refused: this.#refused,
    };
  }

  /** Starts the peak and refusal counts afresh (tests measure one burst). */
  resetStats(): void {
    this.#peak = this.#active;
    this.#refused = 0;
  }
}

export const passwordHashing = new HashGate();
export const PASSWORD_HASH_CONCURRENCY = MAX_CONCURRENT;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return passwordHashing.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal it. */
export const DUMMY_PASSWORD_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;
