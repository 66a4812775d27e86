/**
 * A CPU budget for a process, as a machine of its own would give it: a Linux cgroup
 * with a CFS quota (cgroup v1's `cpu` controller, else cgroup v2's `cpu.max`). On a
 * small machine where the load generator shares the cores with the media workers,
 * giving each worker a fixed share of a core makes the workers, not the generator,
 * reach their limit, so two workers can be compared with one. Needs root.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Scheduling period: short, so a throttled worker waits milliseconds, not a tenth of a second. */
const PERIOD_US = 10_000;

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';

export interface CpuBudget {
  /** The share of one core (0.25 = a quarter). */
  readonly share: number;
  /** Puts a process (all its threads) under the budget. */
  add(pid: number): void;
  /** Throttled periods so far (the kernel's `nr_throttled`). */
  throttled(): number;
  /** Moves the processes back to the root group and removes the group. */
  remove(): void;
}

function hierarchy(): { root: string; v2: boolean } {
  if (existsSync(path.join(V1, 'cpu.cfs_quota_us'))) return { root: V1, v2: false };
  const controllers = path.join(V2, 'cgroup.controllers');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu'))
    return { root: V2, v2: true };
  throw new Error('no cgroup cpu controller (cgroup v1 cpu or v2 cpu.max) is mounted');
}

/** Creates the group `name` with `share` of a core. Throws when cgroups cannot be written. */
export function cpuBudget(name: string, share: number): CpuBudget {
  if (!(share > 0 && share <= 64)) throw new Error(`CPU share ${share} out of range`);
  const { root, v2 } = hierarchy();
  const dir = path.join(root, `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const quota = Math.max(1000, Math.round(share * PERIOD_US));
  if (v2) {
    writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
  } else {
    writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
  }
  const pids = new Set<number>();
  return {
    share,
    add(pid) {
      writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
      pids.add(pid);
    },
    throttled() {
      const stat = readFileSync(path.join(dir, 'cpu.stat'), 'utf8');
      return Number(/nr_throttled (\d+)/.exec(stat)?.[1] ?? 0);
    },
    remove() {
      for (const pid of pids) {
        try {
          writeFileSync(path.join(root, 'cgroup.procs'), String(pid));
        } catch {
          // gone already
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        // a process still inside; the kernel removes nothing until it exits
      }
    },
  };
}
