/**
 * A CPU budget for a process, as a machine of its own would give it: a Linux cgroup
 * with a CFS quota (cgroup v1's `cpu` controller, else cgroup v2's `cpu.max`). On a
 * small machine where the load generator shares the cores with the media workers,
 * giving each worker a fixed share of a core makes the workers, not the generator,
 * reach their limit, so two workers can be compared with one. Needs root.
 *
 * Also CPU pinning (`taskset`): the media workers on one core, the benchmark, its load
 * generator and its sinks on another, so a worker can use a whole core, at a raised
 * priority so other jobs on the machine take little of it; and per-core busy time
 * from /proc/stat, to show what else ran there.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
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

// ---------------------------------------------------------------- CPU pinning

/** Where a benchmark's processes run: the media workers on one core, everything else on another. */
export interface CpuPinning {
  /** The core the media workers get to themselves (among this benchmark's processes). */
  readonly workerCpu: number;
  /** The core of the benchmark process, the load generator and the sinks. */
  readonly loadCpu: number;
  /** The nice value of the pinned processes, or why they kept theirs. */
  readonly nice: number | string;
  /** Pins a process, all its threads, to the workers' core (and gives it `nice`). */
  worker(pid: number): void;
  /** Pins a process, all its threads, to the load core (and gives it `nice`). */
  load(pid: number): void;
}

/**
 * The nice value the pinned processes get when allowed (root): other jobs on a shared
 * machine then take little of their cores, as if the cores were theirs.
 */
const NICE = -20;

/** Gives every thread of a process the nice value (Linux's setpriority is per thread). */
function renice(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      os.setPriority(Number(tid), nice);
    } catch (error) {
      // A thread that ended meanwhile is no failure; no permission is.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** The CPUs a process may run on, from `taskset -cp` ("0,1", "0-3", "0,2-3"). */
function allowedCpus(pid: number): number[] {
  const r = spawnSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  if (r.error) throw new Error(`taskset not available (${r.error.message})`);
  if (r.status !== 0) throw new Error(`taskset -cp failed: ${r.stderr.trim()}`);
  const list = /:\s*([\d,-]+)\s*$/.exec(r.stdout.trim())?.[1];
  if (!list) throw new Error(`cannot read taskset's answer: ${r.stdout.trim()}`);
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

function pin(pid: number, cpu: number): void {
  // -a: every thread of the process, not only its main thread.
  const r = spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`taskset -a -cp ${cpu} ${pid} failed: ${r.error?.message ?? r.stderr.trim()}`);
}

/**
 * Pins this process (and so the children it spawns from now on) to the second
 * allowed CPU, with nice -20 where allowed (unless `raisePriority: false`), and
 * returns how to pin the media workers to the first; or, when
 * `taskset` (util-linux) is missing, fewer than two CPUs are allowed or pinning
 * fails, the reason why nothing is pinned.
 */
export function cpuPinning(
  options: { raisePriority?: boolean } = {},
): CpuPinning | { reason: string } {
  try {
    const cpus = allowedCpus(process.pid);
    if (cpus.length < 2) return { reason: `only CPU ${cpus.join(',')} is allowed` };
    const [workerCpu, loadCpu] = cpus as [number, number];
    pin(process.pid, loadCpu);
    let nice: number | string = 'nice unchanged';
    if (options.raisePriority ?? true) {
      try {
        renice(process.pid, NICE);
        nice = NICE;
      } catch (error) {
        nice = `nice unchanged: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const place = (pid: number, cpu: number): void => {
      pin(pid, cpu);
      if (typeof nice === 'number') renice(pid, nice);
    };
    return {
      workerCpu,
      loadCpu,
      nice,
      worker: (pid) => place(pid, workerCpu),
      load: (pid) => place(pid, loadCpu),
    };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Per CPU, busy and total time so far (clock ticks, from /proc/stat); empty where unreadable. */
export function cpuTimes(): { busy: number; total: number }[] {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return [];
  }
  const times: { busy: number; total: number }[] = [];
  for (const line of stat.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      m[2]!.trim().split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    times[Number(m[1])] = { busy, total: busy + idle + iowait };
  }
  return times;
}

/** Each CPU's busy share between two `cpuTimes()` readings (1 = busy all the time). */
export function cpuBusy(
  a: { busy: number; total: number }[],
  b: { busy: number; total: number }[],
): number[] {
  return b.map((y, i) => {
    const x = a[i];
    const total = x ? y.total - x.total : 0;
    return x && total > 0 ? (y.busy - x.busy) / total : Number.NaN;
  });
}
