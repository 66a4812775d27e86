/**
 * Throttling of every credential check (staff sign-in, institution API
 * keys, signing codes), kept in rate-limiter-flexible limiters (in memory in
 * one process; in Redis when several nodes share the state, so an attacker
 * spreading attempts over the nodes gains nothing):
 *
 * - per source address: a steady human pace, whatever the account;
 * - per account: attempts in a window, whatever the source (an attacker
 *   rotating addresses), forgotten on a successful sign-in;
 * - per account backoff: after FREE_FAILURES failures in a row the account
 *   is closed to attempts for BACKOFF_BASE_SECONDS, doubled with each further
 *   failure (at most BACKOFF_MAX_SECONDS); a success resets it. The moment it
 *   starts, `onBackoff` is told (the organisation's clerks get a notice).
 *
 * Checks run before any password hash is computed.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLimiter, type LimiterFactory } from '../cluster/state.js';
import { AppError, fail } from '../errors.js';

export type CredentialKind = 'staff' | 'institution' | 'signing';
const KINDS: readonly CredentialKind[] = ['staff', 'institution', 'signing'];

export const SOURCE_ATTEMPTS_PER_MINUTE = 20;
export const ACCOUNT_ATTEMPTS_PER_10_MINUTES = 30;
export const FREE_FAILURES = 5;
export const BACKOFF_BASE_SECONDS = 30;
export const BACKOFF_MAX_SECONDS = 15 * 60;
const FAILURE_MEMORY_SECONDS = 3600;

export interface BackoffEvent {
  kind: CredentialKind;
  /** The account as typed (a username, an institution id, a signer id). */
  account: string;
  source: string;
  failures: number;
  seconds: number;
}

export class SignInGuard {
  readonly #source = new Map<CredentialKind, RateLimiterAbstract>();
  readonly #account = new Map<CredentialKind, RateLimiterAbstract>();
  readonly #failures: RateLimiterAbstract;
  readonly #closed: RateLimiterAbstract;
  readonly #onBackoff: (event: BackoffEvent) => Promise<void>;

  constructor(
    options: {
      onBackoff?: (event: BackoffEvent) => Promise<void>;
      /** Where the counts live: memory (one process) or the shared state's Redis. */
      limiter?: LimiterFactory;
    } = {},
  ) {
    this.#onBackoff = options.onBackoff ?? (async () => {});
    const limiter = options.limiter ?? memoryLimiter;
    this.#failures = limiter({
      keyPrefix: 'fail',
      points: 1_000_000,
      duration: FAILURE_MEMORY_SECONDS,
    });
    this.#closed = limiter({ keyPrefix: 'closed', points: 1, duration: 1 });
    for (const kind of KINDS) {
      this.#source.set(
        kind,
        limiter({
          keyPrefix: `src-${kind}`,
          points: SOURCE_ATTEMPTS_PER_MINUTE,
          duration: 60,
        }),
      );
      this.#account.set(
        kind,
        limiter({
          keyPrefix: `acct-${kind}`,
          points: ACCOUNT_ATTEMPTS_PER_10_MINUTES,
          duration: 600,
        }),
      );
    }
  }

  /** Before checking a credential: refuses (RATE_LIMITED) when a limit or a backoff holds. */
  async attempt(kind: CredentialKind, source: string, account: string): Promise<void> {
    const key = accountKey(kind, account);
    const closed = await this.#closed.get(key);
    if (closed && closed.consumedPoints > 1) {
      throw fail('ACCOUNT_LOCKED_OUT', { seconds: Math.ceil(closed.msBeforeNext / 1000) });
    }
    await consumeOrRefuse(this.#source.get(kind)!, source);
    await consumeOrRefuse(this.#account.get(kind)!, key);
  }

  /** After a wrong credential: counts it, and closes the account for a while past the free ones. */
  async failed(kind: CredentialKind, source: string, account: string): Promise<void> {
    const key = accountKey(kind, account);
    const failures = (await this.#failures.penalty(key, 1)).consumedPoints;
    if (failures < FREE_FAILURES) return;
    const seconds = Math.min(
      BACKOFF_MAX_SECONDS,
      BACKOFF_BASE_SECONDS * 2 ** (failures - FREE_FAILURES),
    );
    await this.#closed.block(key, seconds);
    if (failures === FREE_FAILURES)
      await this.#onBackoff({ kind, account, source, failures, seconds });
  }

  /**
   * Runs a credential check under the limits: a refusal (by default any
   * UNAUTHENTICATED error; `isFailure` narrows it) counts as a failure,
   * anything returned as a success.
   */
  async guarded<T>(
    kind: CredentialKind,
    source: string,
    account: string,
    check: () => Promise<T>,
    isFailure: (error: unknown) => boolean = (e) =>
      e instanceof AppError && e.code === 'UNAUTHENTICATED',
  ): Promise<T> {
    await this.attempt(kind, source, account);
    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (isFailure(error)) await this.failed(kind, source, account);
      throw error;
    }
    await this.succeeded(kind, account);
    return result;
  }

  /** After a right credential: the account's failures and attempts are forgotten. */
  async succeeded(kind: CredentialKind, account: string): Promise<void> {
    const key = accountKey(kind, account);
    await Promise.all([
      this.#failures.delete(key),
      this.#closed.delete(key),
      this.#account.get(kind)!.delete(key),
    ]);
  }
}

function accountKey(kind: CredentialKind, account: string): string {
  return `${kind}:${account.normalize('NFKC').toLowerCase()}`;
}

async function consumeOrRefuse(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes)
      throw fail('TOO_MANY_ATTEMPTS', { seconds: Math.ceil(error.msBeforeNext / 1000) });
    throw error;
  }
}
