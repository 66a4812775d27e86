/**
 * Requests between nodes over direct TCP connections, with Redis pub/sub as
 * the fallback. A relayed request through Redis takes two round trips through
 * the Redis process (the request published to the owner's channel, the
 * answer to the asker's); on a busy machine that process's scheduling is most
 * of the relay's cost (bench:cluster). Here every node listens on a link port
 * (NODE_LINK_HOST), announces its address in Redis (`node:<id>:link`, a lease
 * renewed every second) and keeps one connection to each node it asks.
 *
 * A connection is accepted only from a node that knows the deployment's
 * secret: the listener sends its node id and a random challenge; the asker
 * checks it reached the node it meant to and answers with an HMAC of the
 * challenge and both ids under a key derived from JWT_SECRET; the listener
 * confirms, or closes the connection (then the asker uses Redis). Messages are
 * lines of JSON (the same requests and answers as over Redis). A node whose
 * link cannot be reached (none announced, refused, another node answering)
 * is asked over Redis, so nodes without links, or behind a network that
 * blocks them, still work.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { NodeUnreachableError, type NodeBus } from './state.js';

type Frame =
  | { t: 'c'; node: string; nonce: string }
  | { t: 'h'; node: string; mac: string }
  | { t: 'ok' }
  | { t: 'q'; id: string; reply: boolean; body: unknown }
  | { t: 'a'; id: string; ok: true; value: unknown }
  | { t: 'a'; id: string; ok: false; error: string };

const ANNOUNCE_MS = 1_000;
const ANNOUNCE_TTL_MS = 3_000;
const HANDSHAKE_MS = 2_000;
/** A line longer than this is no message of ours: the connection is dropped. */
const MAX_LINE = 8 * 1024 * 1024;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One authenticated connection to another node (asking side). */
interface Peer {
  socket: net.Socket;
  pending: Map<string, Pending>;
}

export interface LinkOptions {
  redis: Redis;
  prefix: string;
  nodeId: string;
  /** The address to listen on, which the other nodes can reach. */
  host: string;
  /** JWT_SECRET: the link key is derived from it. */
  secret: string;
  /** Asked when a node has no reachable link. */
  fallback: NodeBus & { close(): void };
  logger: Logger;
}

/** Lines of JSON out of a byte stream. */
function onLines(socket: net.Socket, handle: (frame: Frame) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE) {
      socket.destroy();
      return;
    }
    let at: number;
    while ((at = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      let frame: Frame;
      try {
        frame = JSON.parse(line) as Frame;
      } catch {
        socket.destroy();
        return;
      }
      handle(frame);
    }
  });
}

function write(socket: net.Socket, frame: Frame): void {
  socket.write(`${JSON.stringify(frame)}\n`);
}

export class LinkBus implements NodeBus {
  readonly #o: LinkOptions;
  readonly #key: Buffer;
  readonly #server: net.Server;
  readonly #peers = new Map<string, Promise<Peer | undefined>>();
  readonly #accepted = new Set<net.Socket>();
  #handler: ((body: unknown, from: string) => Promise<unknown>) | undefined;
  #address = '';
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: LinkOptions) {
    this.#o = options;
    this.#key = createHmac('sha256', options.secret).update('mediation node link').digest();
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  static async start(options: LinkOptions): Promise<LinkBus> {
    const bus = new LinkBus(options);
    await new Promise<void>((resolve, reject) => {
      bus.#server.once('error', reject);
      bus.#server.listen(0, options.host, () => resolve());
    });
    const { port } = bus.#server.address() as net.AddressInfo;
    bus.#address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    await bus.#announce();
    bus.#timer = setInterval(() => void bus.#announce().catch(() => undefined), ANNOUNCE_MS);
    bus.#timer.unref();
    options.logger.info({ link: bus.#address }, 'node link listening');
    return bus;
  }

  #linkKey(node: string): string {
    return `${this.#o.prefix}node:${node}:link`;
  }

  async #announce(): Promise<void> {
    await this.#o.redis.set(this.#linkKey(this.#o.nodeId), this.#address, 'PX', ANNOUNCE_TTL_MS);
  }

  #mac(nonce: string, asker: string, listener: string): string {
    return createHmac('sha256', this.#key)
      .update(`${nonce}\n${asker}\n${listener}`)
      .digest('base64url');
  }

  // ── listening side ────────────────────────────────────────────────────

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.#accepted.add(socket);
    socket.once('close', () => this.#accepted.delete(socket));
    socket.on('error', () => undefined);
    const nonce = randomBytes(24).toString('base64url');
    let from: string | undefined;
    const timer = setTimeout(() => {
      if (!from) socket.destroy();
    }, HANDSHAKE_MS);
    write(socket, { t: 'c', node: this.#o.nodeId, nonce });
    onLines(socket, (frame) => {
      if (!from) {
        clearTimeout(timer);
        if (frame.t !== 'h' || typeof frame.node !== 'string' || typeof frame.mac !== 'string') {
          socket.destroy();
          return;
        }
        const expected = Buffer.from(this.#mac(nonce, frame.node, this.#o.nodeId));
        const given = Buffer.from(frame.mac);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          this.#o.logger.warn({ node: frame.node }, 'node link refused: bad handshake');
          socket.destroy();
          return;
        }
        from = frame.node;
        write(socket, { t: 'ok' });
        return;
      }
      if (frame.t === 'q') this.#serveOne(socket, from, frame);
    });
  }

  #serveOne(socket: net.Socket, from: string, q: Extract<Frame, { t: 'q' }>): void {
    const handler = this.#handler;
    void (async () => {
      let answer: Frame;
      try {
        if (!handler) throw new Error('this node serves no requests');
        answer = { t: 'a', id: q.id, ok: true, value: await handler(q.body, from) };
      } catch (error) {
        this.#o.logger.error({ err: error, from }, 'node request failed');
        answer = { t: 'a', id: q.id, ok: false, error: (error as Error).message };
      }
      if (q.reply && !socket.destroyed) write(socket, answer);
    })();
  }

  // ── asking side ───────────────────────────────────────────────────────

  /** The connection to `node`, made and authenticated once; undefined when it has no link. */
  #peer(node: string): Promise<Peer | undefined> {
    let peer = this.#peers.get(node);
    if (!peer) {
      peer = this.#connect(node).catch((error: unknown) => {
        this.#o.logger.debug({ err: error, node }, 'node link unavailable: asking over Redis');
        return undefined;
      });
      this.#peers.set(node, peer);
      // Not reachable now: try again on a later request.
      void peer.then((p) => {
        if (!p && this.#peers.get(node) === peer) this.#peers.delete(node);
      });
    }
    return peer;
  }

  async #connect(node: string): Promise<Peer | undefined> {
    const address = await this.#o.redis.get(this.#linkKey(node));
    if (!address || this.#closed) return undefined;
    const at = address.lastIndexOf(':');
    const host = address.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(at + 1));
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const peer: Peer = { socket, pending: new Map() };
    const ready = new Promise<Peer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('handshake timed out')), HANDSHAKE_MS);
      socket.once('close', () => reject(new Error('closed during the handshake')));
      let stage: 'challenge' | 'accepted' | 'open' = 'challenge';
      onLines(socket, (frame) => {
        if (stage === 'challenge') {
          if (frame.t !== 'c' || frame.node !== node) {
            clearTimeout(timer);
            reject(new Error(`another node answers at ${address}`));
            return;
          }
          const mac = this.#mac(frame.nonce, this.#o.nodeId, node);
          write(socket, { t: 'h', node: this.#o.nodeId, mac });
          stage = 'accepted';
          return;
        }
        if (stage === 'accepted') {
          // The listener took the handshake (it closes the connection otherwise).
          clearTimeout(timer);
          if (frame.t !== 'ok') {
            reject(new Error('handshake not accepted'));
            return;
          }
          stage = 'open';
          resolve(peer);
          return;
        }
        if (frame.t !== 'a') return;
        const pending = peer.pending.get(frame.id);
        if (!pending) return;
        clearTimeout(pending.timer);
        peer.pending.delete(frame.id);
        if (frame.ok) pending.resolve(frame.value);
        else pending.reject(new Error(frame.error));
      });
    });
    try {
      await ready;
    } catch (error) {
      socket.destroy();
      throw error;
    }
    socket.once('close', () => {
      if (this.#peers.get(node) !== undefined) this.#peers.delete(node);
      for (const [id, pending] of peer.pending) {
        clearTimeout(pending.timer);
        peer.pending.delete(id);
        pending.reject(new NodeUnreachableError(node, 'gone'));
      }
    });
    return peer;
  }

  serve(handler: (body: unknown, from: string) => Promise<unknown>): void {
    this.#handler = handler;
    this.#o.fallback.serve(handler);
  }

  async request(node: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const peer = await this.#peer(node);
    if (!peer || peer.socket.destroyed) return this.#o.fallback.request(node, body, timeoutMs);
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.pending.delete(id);
        reject(new NodeUnreachableError(node, 'timeout'));
      }, timeoutMs);
      peer.pending.set(id, { resolve, reject, timer });
    });
    write(peer.socket, { t: 'q', id, reply: true, body });
    return answer;
  }

  async send(node: string, body: unknown): Promise<void> {
    const peer = await this.#peer(node);
    if (!peer || peer.socket.destroyed) return this.#o.fallback.send(node, body);
    write(peer.socket, { t: 'q', id: randomUUID(), reply: false, body });
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    void this.#o.redis.del(this.#linkKey(this.#o.nodeId)).catch(() => undefined);
    for (const peer of this.#peers.values()) void peer.then((p) => p?.socket.destroy());
    this.#peers.clear();
    for (const socket of this.#accepted) socket.destroy();
    this.#server.close();
    this.#o.fallback.close();
  }
}
