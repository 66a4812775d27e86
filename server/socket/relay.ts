/**
 * The messages by which a node relays a session's signalling to the node that
 * holds the session (docs/cluster.md, "The relay"). The node holding the
 * socket has verified its token at the handshake and applied the rate limits;
 * the owner validates the request against the contract, checks the stage and
 * runs the same handler as for its own sockets, and answers with the ack the
 * client gets. Notices and a disconnect go from the owner straight to the
 * socket through the Socket.IO adapter (a socket's id is a room on every
 * node). What arrives over the bus is checked here before it is acted on.
 */
import { z } from 'zod';
import {
  REQUEST_NAMES,
  sessionClaimsSchema,
  type Ack,
  type RequestName,
} from '../../signaling/index.js';
import { NodeUnreachableError, type ClusterParts } from '../cluster/state.js';
import { fail } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Peer, RequestContext, SignalingServer, SignalingSocket } from './context.js';

const socketId = z.string().min(1).max(64);

export const relayMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('request'),
    socketId,
    claims: sessionClaimsSchema.extend({
      jti: z.string().max(128).optional(),
      expiresAt: z.coerce.date(),
    }),
    client: z.object({
      ip: z.string().max(100).nullable(),
      userAgent: z.string().max(300).nullable(),
    }),
    event: z.enum(REQUEST_NAMES as [RequestName, ...RequestName[]]),
    payload: z.unknown(),
  }),
  z.object({
    kind: z.literal('gone'),
    socketId,
    /** Socket.IO's disconnect reason on the socket's node. */
    reason: z.string().max(100),
  }),
]);

export type RelayMessage = z.infer<typeof relayMessageSchema>;

/** Requests answered by the node that holds the connection, never relayed: a person's own inbox. */
export function isSessionRequest(event: string): boolean {
  return !event.startsWith('document:');
}

/** How long a node waits for the session's owner to answer a relayed request. */
export const RELAY_TIMEOUT_MS = 10_000;

/** How often a node checks that the sessions it relays and the nodes relaying to it are alive. */
const SWEEP_MS = 1_000;

/** What the relay needs of the gateway. */
export interface RelayHost {
  readonly logger: Logger;
  io(): SignalingServer | undefined;
  /** Validates a request, checks its stage and runs its handler. */
  run(ctx: RequestContext, name: RequestName, payload: unknown): Promise<unknown>;
  /** The acknowledgement of a refused request (logged as the gateway logs its own). */
  refusal(ctx: RequestContext, name: RequestName, error: unknown): Ack<unknown>;
  /** A connection ended: its place in the session follows (left, or dropped for a while). */
  connectionClosed(ctx: RequestContext, reason: string): void;
  /** This node's sockets and their contexts. */
  localConnections(): Iterable<{ socket: SignalingSocket; ctx: RequestContext }>;
}

/**
 * The relay between nodes (several nodes): sends a socket's session requests
 * to the node that holds the session, serves the requests other nodes send for
 * sessions this node holds, and sweeps every second for sessions that moved
 * and relaying nodes that died.
 */
export class SessionRelay {
  readonly #cluster: ClusterParts;
  readonly #host: RelayHost;
  /** Connections on other nodes whose session this node holds, by socket id. */
  readonly #remote = new Map<string, { ctx: RequestContext; via: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(cluster: ClusterParts, host: RelayHost) {
    this.#cluster = cluster;
    this.#host = host;
    cluster.bus.serve((body, from) => this.#serve(body, from));
    cluster.placement.onLost((sessionId) => this.#givenUp(sessionId));
  }

  /**
   * A session this node held was given up (its lease lost, or Redis out of reach): the
   * pages in it on this node reconnect and join again, wherever the session is placed next
   * (a node cut off from Redis answers /healthz 503, so the balancer sends them elsewhere).
   */
  #givenUp(sessionId: string): void {
    // After the session has closed here (the other listeners of the loss, this same turn):
    // its recording is then left for the next node before any page's leaving is heard.
    setImmediate(() => {
      for (const { socket, ctx } of this.#host.localConnections()) {
        if (ctx.claims.sessionId !== sessionId || ctx.relayedTo !== undefined) continue;
        this.#reconnect(socket, ctx, 'session given up here: the page reconnects');
      }
    });
  }

  /**
   * Sends a page of this node to find its session's owner again: its next request asks the
   * placement, and a page in a call has its transport closed, so it reconnects on its own and
   * joins again (as after a network drop; a server-side disconnect would not reconnect).
   */
  #reconnect(
    socket: SignalingSocket,
    ctx: RequestContext,
    why: string,
    detail: Record<string, unknown> = {},
  ): void {
    ctx.relayedTo = undefined;
    if (socket.data.inCall !== true) return;
    ctx.logger.warn(detail, why);
    socket.conn.close();
  }

  start(): void {
    this.#timer = setInterval(() => void this.#sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  /**
   * The node to send this connection's session request to, or undefined when
   * this node holds the session. Known from the connection's last request (the
   * node relayed to, which the sweep clears when the session moves; this node
   * while its live session is open here), else asked of the placement (which
   * places a session nobody holds).
   */
  async ownerFor(ctx: RequestContext, name: RequestName): Promise<string | undefined> {
    if (!isSessionRequest(name)) return undefined;
    const placement = this.#cluster.placement;
    const known =
      ctx.relayedTo ?? (ctx.session && !ctx.session.closed ? placement.nodeId : undefined);
    const owner = known ?? (await placement.ownerOf(ctx.claims.sessionId));
    return owner === placement.nodeId ? undefined : owner;
  }

  /**
   * Where a page connecting here should take its session's signalling instead: the owner's
   * own address (NODE_DIRECT_URL) when another node holds the session and has one; null to
   * stay here (this node holds it, or the owner has no address of its own: relayed). A
   * session nobody holds is placed now, as by a first relayed request.
   */
  async directFor(sessionId: string): Promise<string | null> {
    const placement = this.#cluster.placement;
    const owner = await placement.ownerOf(sessionId);
    if (owner === placement.nodeId) return null;
    return placement.directUrlOf(owner);
  }

  /** This node's socket closed: the node holding its session hears of it. */
  socketClosed(ctx: RequestContext, reason: string): void {
    const owner = ctx.relayedTo;
    if (!owner) return;
    const gone: RelayMessage = { kind: 'gone', socketId: ctx.socket.id, reason };
    this.#cluster.bus.send(owner, gone).catch((error: unknown) => {
      ctx.logger.warn({ err: error, owner }, 'session owner not told of the disconnect');
    });
  }

  /** Sends a request of this node's socket to the node that holds its session; its answer. */
  async forward(
    ctx: RequestContext,
    owner: string,
    name: RequestName,
    payload: unknown,
  ): Promise<Ack<unknown>> {
    const bus = this.#cluster.bus;
    const previous = ctx.relayedTo;
    if (previous && previous !== owner) {
      // The session moved: the node that held it forgets this connection.
      const gone: RelayMessage = { kind: 'gone', socketId: ctx.socket.id, reason: 'moved' };
      bus.send(previous, gone).catch(() => {});
    }
    ctx.relayedTo = owner;
    const request: RelayMessage = {
      kind: 'request',
      socketId: ctx.socket.id,
      claims: ctx.claims,
      client: ctx.socket.client,
      event: name,
      payload,
    };
    let answer: unknown;
    try {
      answer = await bus.request(owner, request, RELAY_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof NodeUnreachableError) {
        ctx.logger.warn({ err: error, owner, event: name }, 'session owner unreachable');
        // Not in a call: asked again at the next request (by then its lease may have run
        // out). In a call: the sweep reconnects the page once the lease has run out.
        if (ctx.relayedTo === owner && ctx.socket.data.inCall !== true) ctx.relayedTo = undefined;
        throw fail('SESSION_NODE_UNREACHABLE');
      }
      throw error;
    }
    if (
      typeof answer !== 'object' ||
      answer === null ||
      typeof (answer as { ok?: unknown }).ok !== 'boolean'
    )
      throw new Error(`malformed answer from node ${owner}`);
    const ack = answer as Ack<unknown>;
    // The cap on connections per person spares connections in a call (see #capConnections).
    if (ack.ok && name === 'session:join') ctx.socket.data.inCall = true;
    if (ack.ok && name === 'session:leave') ctx.socket.data.inCall = false;
    return ack;
  }

  /** A request (or a disconnect) of a socket on another node, for a session this node holds. */
  async #serve(body: unknown, from: string): Promise<unknown> {
    const parsed = relayMessageSchema.safeParse(body);
    if (!parsed.success) throw new Error(`malformed relay message from node ${from}`);
    const message = parsed.data;
    if (message.kind === 'gone') {
      const entry = this.#remote.get(message.socketId);
      if (entry) {
        this.#remote.delete(message.socketId);
        this.#host.connectionClosed(entry.ctx, message.reason);
      }
      return null;
    }
    const claims = { ...message.claims, jti: message.claims.jti };
    let ctx = this.#remote.get(message.socketId)?.ctx;
    if (!ctx || ctx.claims.sub !== claims.sub || ctx.claims.sessionId !== claims.sessionId) {
      ctx = {
        socket: this.#remotePeer(message.socketId, claims, message.client),
        claims,
        logger: this.#host.logger.child({
          caseId: claims.caseId,
          sessionId: claims.sessionId,
          participantId: claims.sub,
          socketId: message.socketId,
          via: from,
        }),
        session: undefined,
        participant: undefined,
      };
      this.#remote.set(message.socketId, { ctx, via: from });
    }
    this.#cluster.placement.hold(claims.sessionId);
    try {
      return { ok: true, data: await this.#host.run(ctx, message.event, message.payload) };
    } catch (error) {
      return this.#host.refusal(ctx, message.event, error);
    }
  }

  /**
   * Several nodes, every second. A socket here whose session moved (its owner
   * died, or lost its lease), or that is relayed while this node cannot reach
   * Redis, reconnects: its transport is closed, the page reconnects and joins
   * again, reaching the session's owner, as after a network drop. And a connection relayed here from a node that is gone is
   * treated as dropped (its place kept for the grace period, as for a network
   * fault): the person reconnects through another node.
   */
  async #sweep(): Promise<void> {
    const placement = this.#cluster.placement;
    if (!placement.reachable()) {
      // Cut off from Redis: nothing can be relayed from here. The pages reconnect through
      // the balancer, which sends them elsewhere (this node answers /healthz 503).
      for (const { socket, ctx } of this.#host.localConnections()) {
        if (ctx.relayedTo)
          this.#reconnect(socket, ctx, 'Redis out of reach: the page reconnects elsewhere');
      }
      return;
    }
    try {
      const owners = new Map<string, string | null>();
      for (const { socket, ctx } of this.#host.localConnections()) {
        const was = ctx.relayedTo;
        if (!was) continue;
        const sessionId = ctx.claims.sessionId;
        if (!owners.has(sessionId)) owners.set(sessionId, await placement.currentOwner(sessionId));
        if (owners.get(sessionId) === was) continue;
        this.#reconnect(socket, ctx, 'session moved: the page reconnects', {
          was,
          now: owners.get(sessionId),
        });
      }
      const alive = new Map<string, boolean>();
      for (const [socketId, { ctx, via }] of this.#remote) {
        if (!alive.has(via)) alive.set(via, await placement.isAlive(via));
        if (alive.get(via)) continue;
        ctx.logger.warn({ via }, 'the node relaying this connection is gone');
        this.#remote.delete(socketId);
        this.#host.connectionClosed(ctx, 'transport close');
      }
    } catch (error) {
      this.#host.logger.warn({ err: error }, 'relay sweep failed');
    }
  }

  /** Stops the sweep (the server is closing). */
  close(): void {
    clearInterval(this.#timer);
  }

  /** A socket on another node, reached through the shared adapter (its id is a room). */
  #remotePeer(socketId: string, claims: RequestContext['claims'], client: Peer['client']): Peer {
    const io = (): SignalingServer => {
      const server = this.#host.io();
      if (!server) throw new Error('the gateway is not attached');
      return server;
    };
    return {
      id: socketId,
      data: { claims, inCall: false },
      client,
      emit(event, payload) {
        const room = io().to(socketId);
        (room.emit as (e: typeof event, p: typeof payload) => boolean).call(room, event, payload);
      },
      disconnect() {
        io().in(socketId).disconnectSockets(true);
      },
    };
  }
}
