/**
 * The socket under a page's signalling, and which node it is connected to. Several nodes: a
 * page that follows (`follow`) and whose session is held by another node than the one it
 * reached is told that node's own address at the handshake (`data.moved`) and connects there,
 * so its requests take no hop between nodes. When that address cannot be reached, or its
 * connection drops, the page connects through the address it started from again (the
 * balancer), which places the session anew or relays (docs/cluster.md). Listeners are kept
 * here and follow the connection to its current socket.
 *
 * No DOM here: the integration tests connect with this very code (cluster-direct.test.ts).
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HandshakeRefusal,
  NotificationMap,
  NotificationName,
  Reason,
  ServerToClientEvents,
} from '../../../signaling/index.js';

/** How long a connection to a node's own address may take before the page goes through the balancer. */
const DIRECT_CONNECT_TIMEOUT_MS = 5_000;
/** A node's own address that could not be reached is not tried again for this long. */
const DIRECT_FAILED_MS = 30_000;
/** Moves in a row without a connection before the page stays where it is (a loop guard). */
const MAX_MOVES = 3;

export type ConnectError = Error & { data?: { reason?: HandshakeRefusal; detail?: Reason } };

/** What a page hears of its connection, whichever socket carries it now. */
export interface Lifecycle {
  connect: () => void;
  disconnect: (reason: string) => void;
  /** The handshake was refused (its `data.reason` says why) or the server could not be reached. */
  connect_error: (error: ConnectError) => void;
  /** Connected again after a connection was lost: the server sees a new participant. */
  reconnect: () => void;
}

export type Sock = Socket<ServerToClientEvents, ClientToServerEvents>;

export class NodeConnection {
  /**
   * The handshake's last refusal, kept for a listener that arrives later: the
   * page connects as soon as it knows the credential, before its call client
   * (and its handlers) have loaded.
   */
  lastConnectError: ConnectError | undefined;
  readonly #token: string;
  readonly #home: string | undefined;
  readonly #follow: boolean;
  #socket: Sock;
  /** The node's own address the current socket is connected to; undefined: the home address. */
  #direct: string | undefined;
  readonly #notifications: [string, (payload: never) => void][] = [];
  readonly #life: { [K in keyof Lifecycle]: Set<Lifecycle[K]> } = {
    connect: new Set(),
    disconnect: new Set(),
    connect_error: new Set(),
    reconnect: new Set(),
  };
  #connectedOnce = false;
  #moves = 0;
  /** Addresses that could not be reached, until when they are not tried. */
  readonly #unreachable = new Map<string, number>();
  #closed = false;

  /** `follow`: go to the node holding the session when it has an address of its own (the call page). */
  constructor(token: string, url: string | undefined, options: { follow?: boolean } = {}) {
    this.#token = token;
    this.#home = url;
    this.#follow = options.follow === true;
    this.#socket = this.#open(undefined);
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** The node's own address in use (several nodes), or null through the address the page started from. */
  get direct(): string | null {
    return this.#direct ?? null;
  }

  /** Settles once connected (now, if it is). */
  whenConnected(): Promise<void> {
    if (this.#socket.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const once = (): void => {
        this.#life.connect.delete(once);
        resolve();
      };
      this.#life.connect.add(once);
    });
  }

  onLifecycle<K extends keyof Lifecycle>(event: K, listener: Lifecycle[K]): void {
    this.#life[event].add(listener);
  }

  #opened(direct: string | undefined, follow: boolean): Sock {
    const base = {
      auth: { token: this.#token, ...(follow ? { follow: true } : {}) },
      transports: ['websocket'],
      forceNew: true,
    };
    if (direct === undefined) {
      const options = {
        ...base,
        reconnection: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 4000,
      };
      return this.#home ? io(this.#home, options) : io(options);
    }
    // A node's own address may carry a path the balancer routes to that node alone.
    const at = new URL(direct);
    return io(at.origin, {
      ...base,
      path: `${at.pathname.replace(/\/+$/, '')}/socket.io`,
      reconnection: false,
      timeout: DIRECT_CONNECT_TIMEOUT_MS,
    });
  }

  #open(direct: string | undefined, follow = this.#follow): Sock {
    const socket = this.#opened(direct, follow);
    this.#direct = direct;
    for (const [event, listener] of this.#notifications)
      (socket.on as (e: string, l: (p: never) => void) => void).call(socket, event, listener);
    socket.on('connect', () => {
      if (socket !== this.#socket) return;
      this.#moves = 0;
      this.lastConnectError = undefined;
      const again = this.#connectedOnce;
      this.#connectedOnce = true;
      for (const l of this.#life.connect) l();
      if (again) for (const l of this.#life.reconnect) l();
    });
    socket.on('connect_error', (error: ConnectError & { data?: { moved?: unknown } }) => {
      if (socket !== this.#socket) return;
      const moved = error.data?.moved;
      if (typeof moved === 'string') {
        this.#moveTo(moved);
        return;
      }
      if (direct !== undefined && error.data?.reason === undefined) {
        // The node's own address is out of reach from here: through the balancer instead.
        this.#unreachable.set(direct, Date.now() + DIRECT_FAILED_MS);
        this.#switchTo(undefined);
        return;
      }
      this.lastConnectError = error;
      for (const l of this.#life.connect_error) l(error);
    });
    socket.on('disconnect', (reason) => {
      if (socket !== this.#socket) return;
      for (const l of this.#life.disconnect) l(reason);
      // A node's own address does not reconnect by itself: the session may be elsewhere now.
      // A disconnect the server chose (access withdrawn, replaced) is not a fault.
      if (
        direct !== undefined &&
        reason !== 'io client disconnect' &&
        reason !== 'io server disconnect'
      )
        this.#switchTo(undefined);
    });
    return socket;
  }

  /** Whether the page may take its credential to `url`: http(s), and never https to http. */
  #acceptable(url: string): boolean {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    const page = (globalThis as { location?: { protocol?: string } }).location?.protocol;
    const from = this.#home ? new URL(this.#home).protocol : page;
    if (from === 'https:') return target.protocol === 'https:';
    return target.protocol === 'https:' || target.protocol === 'http:';
  }

  #moveTo(url: string): void {
    const until = this.#unreachable.get(url);
    const tooMany = ++this.#moves > MAX_MOVES;
    if (tooMany || !this.#acceptable(url) || (until !== undefined && until > Date.now())) {
      // Stay: through the balancer without following, relayed by the node reached.
      this.#switchTo(undefined, false);
      return;
    }
    this.#switchTo(url);
  }

  /** Replaces the current socket (the old one closes once the new one is current). */
  #switchTo(direct: string | undefined, follow = true): void {
    if (this.#closed) return;
    const old = this.#socket;
    this.#socket = this.#open(direct, follow && this.#follow);
    old.disconnect();
  }

  /** The socket carrying the connection now (it changes when the page moves). */
  get socket(): Sock {
    return this.#socket;
  }

  on<E extends NotificationName>(event: E, listener: (payload: NotificationMap[E]) => void): void {
    this.#notifications.push([event, listener as (payload: never) => void]);
    (this.#socket.on as (e: E, l: (p: NotificationMap[E]) => void) => void).call(
      this.#socket,
      event,
      listener,
    );
  }

  close(): void {
    this.#closed = true;
    this.#socket.disconnect();
  }
}
