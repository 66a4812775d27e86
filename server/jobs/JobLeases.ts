/**
 * Background work shared by every process on one database: a job (serving a
 * notice, rendering a composite, keeping a recording alive) is done by the
 * process that holds its lease. A lease runs out unless renewed, so a process
 * killed mid-job has its job taken over by another once the lease has
 * passed; sooner when the holder was a process on this machine that is
 * known to be gone (its pid no longer exists in this pid namespace). Leases
 * only keep the work from being done twice: the job's effect is still written
 * under a condition that makes a repeat a no-op (a process stalled past its
 * lease may finish late).
 *
 * Lease times are the processes' clocks: the machines sharing a database keep
 * them in step (NTP), far closer than a lease's length.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface JobLeases {
  /**
   * Takes `job` for `leaseMs` unless another owner holds an unexpired lease on
   * it; `takeOverFrom` names a holder known to be gone, whose lease is taken
   * even before it expires.
   */
  claim(job: string, owner: string, leaseMs: number, takeOverFrom?: string): Promise<boolean>;
  /** Extends the owner's lease; false when it was lost (expired and taken over). */
  renew(job: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Gives the job up (done, or left for another pass). */
  release(job: string, owner: string): Promise<void>;
  /** Who holds the job's lease now, if anyone. */
  holder(job: string): Promise<{ owner: string; leaseUntil: string } | undefined>;
}

/** What a service needs to take part: the leases, this process's name in them, their length. */
export interface JobClaims {
  leases: JobLeases;
  owner: string;
  leaseMs: number;
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
  } catch {
    return 'unknown';
  }
}

/** This process's name in leases: host, pid namespace, pid and a nonce (unique across restarts). */
export function processIdentity(): string {
  return [hostname(), pidNamespace(), process.pid, randomUUID().slice(0, 8)].join('/');
}

/** Whether `owner` names a process on this machine, in this pid namespace, that no longer runs. */
export function isGoneLocalProcess(owner: string): boolean {
  const [host, namespace, pid] = owner.split('/');
  if (host !== hostname() || namespace !== pidNamespace() || namespace === 'unknown') return false;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0 || n === process.pid) return false;
  try {
    process.kill(n, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Claims `job`, taking it from a holder that is a gone process of this machine. */
export async function claimJob(claims: JobClaims, job: string): Promise<boolean> {
  const { leases, owner, leaseMs } = claims;
  if (await leases.claim(job, owner, leaseMs)) return true;
  const holder = await leases.holder(job);
  if (!holder || !isGoneLocalProcess(holder.owner)) return false;
  return leases.claim(job, owner, leaseMs, holder.owner);
}

/**
 * Runs `work` holding `job`'s lease, renewing it every third of the lease;
 * `{ ran: false }` (and `work` not run) when another process holds it.
 */
export async function withLease<T>(
  claims: JobClaims,
  job: string,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const { leases, owner, leaseMs } = claims;
  if (!(await claimJob(claims, job))) return { ran: false };
  const timer = setInterval(
    () => void leases.renew(job, owner, leaseMs).catch(() => undefined),
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  try {
    return { ran: true, value: await work() };
  } finally {
    clearInterval(timer);
    await leases.release(job, owner).catch(() => undefined);
  }
}

/** Leases held in this process's memory: for a service built without a database's (tests, tools). */
export class MemoryJobLeases implements JobLeases {
  readonly #held = new Map<string, { owner: string; until: number }>();

  async claim(
    job: string,
    owner: string,
    leaseMs: number,
    takeOverFrom?: string,
  ): Promise<boolean> {
    const held = this.#held.get(job);
    if (held && held.owner !== owner && held.owner !== takeOverFrom && held.until > Date.now())
      return false;
    this.#held.set(job, { owner, until: Date.now() + leaseMs });
    return true;
  }

  async renew(job: string, owner: string, leaseMs: number): Promise<boolean> {
    const held = this.#held.get(job);
    if (held?.owner !== owner) return false;
    held.until = Date.now() + leaseMs;
    return true;
  }

  async release(job: string, owner: string): Promise<void> {
    if (this.#held.get(job)?.owner === owner) this.#held.delete(job);
  }

  async holder(job: string): Promise<{ owner: string; leaseUntil: string } | undefined> {
    const held = this.#held.get(job);
    return held ? { owner: held.owner, leaseUntil: new Date(held.until).toISOString() } : undefined;
  }
}

/** Claims for a single process: leases in memory, a minute long. */
export function processLocalClaims(): JobClaims {
  return { leases: new MemoryJobLeases(), owner: processIdentity(), leaseMs: 60_000 };
}
