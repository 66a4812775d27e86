/**
 * Real network faults for browser tests: each browser runs in a Linux
 * network namespace of its own, joined to the root namespace (where the
 * server runs) by a veth pair on a private /30. A test takes a link down,
 * limits its rate (tbf) or blocks its UDP (htb), and everything the rig made
 * is removed on close, also after a failure; a rig that starts sweeps what a
 * dead earlier run left behind (namespaces and links named `mnr…`).
 *
 * The server listens on an anchor address that lives on a veth pair of its
 * own in the root namespace, so it stays reachable from every namespace
 * while any one of their links is down.
 *
 * Needs root and `ip`/`tc`; this kernel has no netem, so faults are built
 * from tbf and htb (see blockUdp).
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from './browser.js';

const PREFIX = 'mnr';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryRun(cmd: string, args: string[]): void {
  try {
    run(cmd, args);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces and links of rigs whose process is gone. Names carry
 * the owner's pid (`mnr<pid>…`), so a rig running in parallel is left alone.
 */
export function sweepStale(): string[] {
  const removed: string[] = [];
  const owner = (name: string): number | undefined => {
    const m = new RegExp(`^${PREFIX}(\\d+)[a-z]`).exec(name);
    return m ? Number(m[1]) : undefined;
  };
  const links = run('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n.startsWith(PREFIX));
  for (const link of links) {
    const pid = owner(link);
    if (pid !== undefined && !alive(pid)) {
      tryRun('ip', ['link', 'del', link]);
      removed.push(link);
    }
  }
  const namespaces = run('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  for (const ns of namespaces) {
    const pid = owner(ns);
    if (pid !== undefined && !alive(pid)) {
      tryRun('ip', ['netns', 'del', ns]);
      removed.push(ns);
    }
  }
  return removed;
}

/** One namespace with its link to the root namespace. */
export class NetnsHost {
  /** Namespace name (also the prefix of its two link names). */
  readonly name: string;
  /** The link's root-namespace end: faults are applied here and on `nsIf`. */
  readonly hostIf: string;
  readonly nsIf: string;
  readonly hostIp: string;
  readonly nsIp: string;
  /** A Chromium that runs inside this namespace (playwright's executablePath). */
  readonly chromium: string;
  #udpBlocked = false;

  constructor(name: string, subnet: string, wrapperDir: string) {
    this.name = name;
    this.hostIf = `${name}h`;
    this.nsIf = `${name}n`;
    this.hostIp = `${subnet}.1`;
    this.nsIp = `${subnet}.2`;
    this.chromium = path.join(wrapperDir, `${name}-chromium`);
  }

  /** Creates the namespace and its link; `route` is the anchor address. */
  setUp(route: string): void {
    run('ip', ['netns', 'add', this.name]);
    run('ip', ['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf]);
    run('ip', ['link', 'set', this.nsIf, 'netns', this.name]);
    run('ip', ['addr', 'add', `${this.hostIp}/30`, 'dev', this.hostIf]);
    run('ip', ['link', 'set', this.hostIf, 'up']);
    const inNs = (...args: string[]) => run('ip', ['-n', this.name, ...args]);
    inNs('link', 'set', 'lo', 'up');
    inNs('addr', 'add', `${this.nsIp}/30`, 'dev', this.nsIf);
    inNs('link', 'set', this.nsIf, 'up');
    inNs('route', 'add', `${route}/32`, 'via', this.hostIp);
    writeFileSync(
      this.chromium,
      `#!/bin/sh\nexec ip netns exec ${this.name} ${CHROMIUM} "$@"\n`,
      'utf8',
    );
    chmodSync(this.chromium, 0o755);
  }

  /** Takes the link down (both directions stop at once, as a pulled cable). */
  linkDown(): void {
    run('ip', ['link', 'set', this.hostIf, 'down']);
  }

  linkUp(): void {
    run('ip', ['link', 'set', this.hostIf, 'up']);
  }

  /**
   * Limits both directions of the link to `kbit` kbit/s with a token bucket
   * (tbf). Its queue holds 100 ms at that rate: at 300 kbit/s 3.75 KB, three
   * full-size packets, shallower than most real uplinks. Measured enough for
   * Chromium's estimator to settle below the rate without losing audio once
   * it has (tests/e2e/network-faults.test.ts), so the test is not easier than
   * a real link.
   */
  limit(kbit: number): void {
    this.clearFaults();
    const tbf = ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '4kb', 'latency', '100ms'];
    run('tc', ['qdisc', 'add', 'dev', this.hostIf, ...tbf]);
    run('tc', ['-n', this.name, 'qdisc', 'add', 'dev', this.nsIf, ...tbf]);
  }

  /**
   * Blocks UDP both ways while TCP passes. Without a tc drop action in this
   * kernel, UDP goes to an htb class of 8 bit/s with a one-packet queue, which
   * passes one packet a minute at most; that first packet is spent here at
   * once (a datagram each way to the discard port), so ICE cannot pair over UDP.
   */
  async blockUdp(): Promise<void> {
    this.clearFaults();
    const apply = (ns: string[], dev: string) => {
      const tc = (...args: string[]) => run('tc', [...ns, ...args]);
      tc('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10');
      tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1gbit');
      tc(
        ...['class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:20', 'htb'],
        ...['rate', '8bit', 'ceil', '8bit', 'burst', '1', 'cburst', '1'],
      );
      tc('qdisc', 'add', 'dev', dev, 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '1');
      tc(
        ...['filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1'],
        ...['u32', 'match', 'ip', 'protocol', '17', '0xff', 'flowid', '1:20'],
      );
    };
    apply([], this.hostIf);
    apply(['-n', this.name], this.nsIf);
    this.#udpBlocked = true;
    // Spend each direction's allowance: root → namespace here, namespace → root from inside.
    await sendUdp(this.nsIp, 9, 3);
    this.execInNs(process.execPath, [
      '-e',
      `const s=require('node:dgram').createSocket('udp4');` +
        `let n=0;const t=setInterval(()=>{s.send(Buffer.alloc(64),9,'${this.hostIp}');` +
        `if(++n===3){clearInterval(t);setTimeout(()=>s.close(),50)}},20);`,
    ]);
  }

  get udpBlocked(): boolean {
    return this.#udpBlocked;
  }

  /** Whether a rate limit (tbf) is on either end of the link. */
  rateLimited(): boolean {
    const show = (ns: string[], dev: string) => run('tc', [...ns, 'qdisc', 'show', 'dev', dev]);
    return [show([], this.hostIf), show(['-n', this.name], this.nsIf)].some((out) =>
      /\bqdisc tbf\b/.test(out),
    );
  }

  /** Removes rate limits and UDP blocks (qdiscs back to the default). */
  clearFaults(): void {
    tryRun('tc', ['qdisc', 'del', 'dev', this.hostIf, 'root']);
    tryRun('tc', ['-n', this.name, 'qdisc', 'del', 'dev', this.nsIf, 'root']);
    this.#udpBlocked = false;
  }

  /** Runs a program inside the namespace and returns its standard output. */
  execInNs(file: string, args: string[]): string {
    return run('ip', ['netns', 'exec', this.name, file, ...args]);
  }

  tearDown(): void {
    // Deleting the root end removes the pair at once; a namespace's own
    // deletion is lazy and could leave the root end behind for a moment.
    tryRun('ip', ['link', 'del', this.hostIf]);
    tryRun('ip', ['netns', 'del', this.name]);
    rmSync(this.chromium, { force: true });
  }
}

/** Sends `count` small datagrams to `ip:port` from the root namespace. */
function sendUdp(ip: string, port: number, count: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise<void>((resolve) => {
    let sent = 0;
    const next = () => {
      socket.send(Buffer.alloc(64), port, ip, () => {
        if (++sent >= count) {
          socket.close();
          resolve();
        } else setTimeout(next, 20);
      });
    };
    next();
  });
}

/**
 * Counts how many of `count` datagrams sent from inside `host`'s namespace
 * to `ip` an echo server in the root namespace answers: the proof that a UDP
 * block holds (0) or that UDP passes (count).
 */
export async function udpEchoes(host: NetnsHost, ip: string, count = 20): Promise<number> {
  const echo = dgram.createSocket('udp4');
  echo.on('message', (msg, from) => echo.send(msg, from.port, from.address));
  await new Promise<void>((resolve) => echo.bind(0, ip, resolve));
  const port = echo.address().port;
  try {
    const out = host.execInNs(process.execPath, [
      '-e',
      `const s=require('node:dgram').createSocket('udp4');let got=0;s.on('message',()=>got++);` +
        `let n=0;const t=setInterval(()=>{s.send(Buffer.alloc(200),${port},'${ip}');` +
        `if(++n===${count})clearInterval(t)},20);` +
        `setTimeout(()=>{process.stdout.write(String(got));process.exit(0)},${count * 20 + 800});`,
    ]);
    return Number(out.trim());
  } finally {
    echo.close();
  }
}

/**
 * A second octet (10.<octet>.0.0/16) no live rig of another process uses: a lock file per
 * octet holds the owner's pid (a dead owner's lock is taken over).
 */
function claimOctet(): { octet: number; lock: string } {
  for (let i = 0; i < 150; i++) {
    const octet = 100 + ((process.pid + i) % 150);
    const lock = path.join(os.tmpdir(), `${PREFIX}-octet-${octet}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        return { octet, lock };
      } catch {
        let owner: number;
        try {
          owner = Number(readFileSync(lock, 'utf8'));
        } catch {
          continue; // removed in the meantime: try to take it again
        }
        // Ours already, being written (empty reads as 0), or a live process's: the next one.
        if (owner === process.pid || owner === 0 || !Number.isInteger(owner) || alive(owner)) break;
        rmSync(lock, { force: true });
      }
    }
  }
  throw new Error('no free 10.x.0.0/16 for a network namespace rig');
}

/**
 * The rig: an anchor address for the server and namespaces added on demand.
 * `close()` removes everything and is safe to repeat.
 */
export class NetnsRig {
  /** The address the server binds (HTTP and media); reachable from every namespace. */
  readonly serverIp: string;
  readonly #id: string;
  readonly #octets: string;
  readonly #anchor: string;
  readonly #wrapperDir: string;
  readonly #hosts: NetnsHost[] = [];
  #closed = false;

  readonly #octetLock: string;

  private constructor() {
    this.#id = `${PREFIX}${process.pid}`;
    // 10.<claimed>.x.y keeps two rigs of different processes apart (test files run in parallel).
    const { octet, lock } = claimOctet();
    this.#octets = `10.${octet}`;
    this.#octetLock = lock;
    this.serverIp = `${this.#octets}.255.1`;
    this.#anchor = `${this.#id}a`;
    this.#wrapperDir = mkdtempSync(path.join(os.tmpdir(), 'mediation-netns-'));
  }

  static create(): NetnsRig {
    if (process.getuid?.() !== 0) throw new Error('the network namespace rig needs root');
    sweepStale();
    const rig = new NetnsRig();
    try {
      // A stale rig of this very pid (a previous run in the same process).
      tryRun('ip', ['link', 'del', rig.#anchor]);
      run('ip', ['link', 'add', rig.#anchor, 'type', 'veth', 'peer', 'name', `${rig.#id}b`]);
      run('ip', ['addr', 'add', `${rig.serverIp}/32`, 'dev', rig.#anchor]);
      run('ip', ['link', 'set', rig.#anchor, 'up']);
      run('ip', ['link', 'set', `${rig.#id}b`, 'up']);
    } catch (error) {
      rig.close();
      throw error;
    }
    return rig;
  }

  /** A new namespace with its own link to the root namespace. */
  addHost(): NetnsHost {
    if (this.#closed) throw new Error('the rig is closed');
    const index = this.#hosts.length + 1;
    if (index > 60) throw new Error('too many namespaces for one rig');
    const host = new NetnsHost(
      `${this.#id}n${index}`,
      `${this.#octets}.${index * 4}`,
      this.#wrapperDir,
    );
    this.#hosts.push(host);
    tryRun('ip', ['netns', 'del', host.name]);
    tryRun('ip', ['link', 'del', host.hostIf]);
    host.setUp(this.serverIp);
    return host;
  }

  get hosts(): readonly NetnsHost[] {
    return this.#hosts;
  }

  /** Names of this rig's namespaces still present (for tests of the cleanup). */
  presentNamespaces(): string[] {
    return run('ip', ['netns', 'list'])
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith(this.#id));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const host of this.#hosts) host.tearDown();
    tryRun('ip', ['link', 'del', this.#anchor]);
    rmSync(this.#wrapperDir, { recursive: true, force: true });
    rmSync(this.#octetLock, { force: true });
  }
}
