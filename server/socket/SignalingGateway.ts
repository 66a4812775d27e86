/**
 * The Socket.IO adapter: authenticates the handshake, keeps the bookkeeping of
 * each person's connections, and runs every inbound request through one
 * dispatcher (rate limits, waiting-room stage, validation against the
 * contract, error mapping) before handing it to the handler of its event
 * group in handlers/ (session, media, floor, evidence, recording, documents).
 * Holds no media logic of its own.
 */
import type { Socket } from 'socket.io';
import { z } from 'zod';
import {
  REQUEST_NAMES,
  REQUEST_STAGES,
  requestSchemas,
  type Ack,
  type HandshakeRefusal,
  type Reason,
  type RequestName,
  reasonMessage,
} from '../../signaling/index.js';
import type { SessionTokens, VerifiedSessionToken } from '../auth/SessionTokens.js';
import { TokenRefusedError } from '../auth/SessionTokens.js';
import type { Config } from '../config.js';
import {
  fail,
  RateLimitedError,
  ValidationError,
  refuseNulCharacters,
  toAppError,
  type AppError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import {
  memoryLimiter,
  NodeUnreachableError,
  type ClusterParts,
  type LimiterFactory,
} from '../cluster/state.js';
import { accessChangeSchema, affectedBy, type AccessChange } from '../cases/sessionAccess.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { LiveSessionRegistry } from '../media/LiveSessionRegistry.js';
import {
  localPeer,
  type GatewayTools,
  type Handlers,
  type Joined,
  type Peer,
  type RequestContext,
  type SignalingServer,
  type SignalingSocket,
} from './context.js';
import type { GatewayDesks } from './desks.js';
import { documentHandlers, attachInbox } from './handlers/documents.js';
import { evidenceHandlers, tellEvidenceChange } from './handlers/evidence.js';
import { floorHandlers } from './handlers/floor.js';
import { mediaHandlers } from './handlers/media.js';
import { recordingHandlers } from './handlers/recording.js';
import { sessionHandlers } from './handlers/session.js';
import { RequestRateLimiter } from './RateLimiter.js';
import { personRoom } from './rooms.js';
import {
  isSessionRequest,
  RELAY_TIMEOUT_MS,
  relayMessageSchema,
  type RelayMessage,
} from './relay.js';

export type { SignalingServer } from './context.js';

const REQUEST_NAME_SET: ReadonlySet<string> = new Set(REQUEST_NAMES);

/** An evidence change another node tells (validated before it is acted on). */
const evidenceNoticeSchema = z.object({
  caseId: z.string().min(1).max(64),
  evidenceId: z.string().min(1).max(64),
  before: z.object({ shared: z.boolean(), confidential: z.boolean() }),
});

/** Socket.IO disconnect reasons that mean the network failed, not that the person left. */
const NETWORK_DROP: ReadonlySet<string> = new Set([
  'ping timeout',
  'transport close',
  'transport error',
]);
/** How long a participant whose network dropped keeps their place in the session. */
const RECONNECT_GRACE_MS = 20_000;
/** How often a node checks that the sessions it relays and the nodes relaying to it are alive. */
const RELAY_SWEEP_MS = 1_000;

/**
 * Decides whether a validly signed session token is still honoured: at the
 * handshake, at each join and whenever the case file says a credential may
 * have been withdrawn. Refuses by resolving `false` (a revoked token) or by
 * throwing a TokenRefusedError with the reason and words the client shows.
 */
export type SessionTokenCheck = (claims: VerifiedSessionToken) => Promise<boolean>;

/** What the gateway shares with the deployment's other nodes (server/cluster/). */
export interface GatewayCluster {
  /** Whether other nodes share the rooms, so `serverSideEmit` reaches them. */
  shared: boolean;
  /** Limiters of a person's requests, counted on every node together when shared. */
  limiter: LimiterFactory;
  /** Placement and the node bus: a session's requests go to the node that holds it. */
  cluster?: ClusterParts | undefined;
}

interface Refusal {
  reason: HandshakeRefusal;
  message: string;
  detail?: Reason;
}

/** A request refused because the credential is no longer honoured. */
function refused(refusal: Refusal): AppError {
  return fail(refusal.detail ?? 'INVITATION_REVOKED');
}

export class SignalingGateway {
  readonly #tokens: SessionTokens;
  readonly #stillValid: SessionTokenCheck;
  readonly #desks: GatewayDesks;
  readonly #sessions: LiveSessionRegistry;
  readonly #config: Config['socket'];
  readonly #logger: Logger;
  /** Every connected socket, by the person its token names (oldest first). */
  readonly #live = new Map<string, SignalingSocket[]>();
  readonly #shared: GatewayCluster;
  #io: SignalingServer | undefined;
  /** Connections on other nodes whose session this node holds, by socket id. */
  readonly #remote = new Map<string, { ctx: RequestContext; via: string }>();
  /** This node's sockets and their contexts, by socket id (for the relay's sweep). */
  readonly #local = new Map<string, { socket: SignalingSocket; ctx: RequestContext }>();
  #sweep: NodeJS.Timeout | undefined;
  /** Requests per connection, and per person across their connections. */
  readonly #socketRate: RequestRateLimiter;
  readonly #personRate: RequestRateLimiter;
  /** One handler per request of the contract, from the event groups in handlers/. */
  readonly #handlers: Handlers;

  constructor(
    tokens: SessionTokens,
    sessions: LiveSessionRegistry,
    config: Config['socket'],
    logger: Logger,
    stillValid: SessionTokenCheck = async () => true,
    desks: GatewayDesks = {},
    cluster: GatewayCluster = { shared: false, limiter: memoryLimiter },
  ) {
    this.#shared = cluster;
    this.#desks = { ...desks };
    this.#tokens = tokens;
    this.#stillValid = stillValid;
    this.#sessions = sessions;
    this.#config = config;
    this.#logger = logger.child({ component: 'signaling' });
    this.#socketRate = new RequestRateLimiter('socket', config.ratePerSecond, config.burst);
    // A socket lives on one node; a person's sockets may be on several, counted together.
    this.#personRate = new RequestRateLimiter(
      'socket-person',
      config.personRatePerSecond,
      config.personBurst,
      cluster.limiter,
    );
    const tools: GatewayTools = {
      desks: this.#desks,
      joined: (ctx) => this.#joined(ctx),
      honoured: (ctx) => this.#honoured(ctx),
      sessionFor: (ctx) => this.#sessionFor(ctx),
      setInCall: (socket, inCall) => {
        socket.data.inCall = inCall;
      },
    };
    this.#handlers = {
      ...sessionHandlers(tools),
      ...mediaHandlers(tools),
      ...floorHandlers(tools),
      ...evidenceHandlers(tools),
      ...recordingHandlers(tools),
      ...documentHandlers(tools),
    };
    cluster.cluster?.bus.serve((body, from) => this.#serveRelay(body, from));
    this.#desks.evidence?.onVisibilityChange((change) => {
      void tellEvidenceChange(this.#sessions, this.#logger, change);
      // Several nodes: the sessions of the case may be held elsewhere.
      if (this.#shared.shared) this.#io?.serverSideEmit('evidence:changed', change.notice);
    });
  }

  attach(io: SignalingServer): void {
    io.use((socket, next) => {
      void (async () => {
        const auth: unknown = socket.handshake.auth;
        const token =
          typeof auth === 'object' && auth !== null
            ? (auth as Record<string, unknown>)['token']
            : undefined;
        const claims = this.#tokens.verify(token);
        const refusal = await this.#refusalOf(claims);
        if (refusal) throw new TokenRefusedError(refusal.reason, refusal.message, refusal.detail);
        socket.data.claims = claims;
      })().then(
        () => next(),
        (error: unknown) => {
          const refusal =
            error instanceof TokenRefusedError
              ? error
              : new TokenRefusedError('TOKEN_INVALID', 'Invalid token');
          this.#logger.warn(
            { reason: refusal.reason, address: socket.handshake.address },
            'handshake refused',
          );
          const data = {
            reason: refusal.reason,
            ...(refusal.detail ? { detail: refusal.detail } : {}),
          };
          next(Object.assign(new Error(refusal.message), { data }));
        },
      );
    });
    io.on('connection', (socket) => this.#onConnection(socket));
    this.#io = io;
    if (this.#shared.cluster) {
      this.#sweep = setInterval(() => void this.#sweepRelays(), RELAY_SWEEP_MS);
      this.#sweep.unref();
    }
    if (this.#shared.shared) {
      io.on('access:changed', (raw) => {
        const change = accessChangeSchema.safeParse(raw);
        if (change.success) this.#applyAccessChange(change.data);
        else this.#logger.warn({ issues: change.error.issues }, 'malformed access change ignored');
      });
      io.on('evidence:changed', (raw) => {
        const notice = evidenceNoticeSchema.safeParse(raw);
        const desk = this.#desks.evidence;
        if (!notice.success || !desk) return;
        desk
          .changeFrom(notice.data)
          .then((change) => {
            if (change) return tellEvidenceChange(this.#sessions, this.#logger, change);
          })
          .catch((error: unknown) =>
            this.#logger.error({ err: error }, 'evidence change from another node not told'),
          );
      });
    }
  }

  /**
   * A committed change of who may be in which session (a deactivation, a
   * reassignment, a revoked invitation, an ended session): the connections it
   * withdraws are closed on this node, and every other node is told to do the
   * same with its own.
   */
  accessChanged(change: AccessChange): void {
    this.#applyAccessChange(change);
    if (this.#shared.shared) this.#io?.serverSideEmit('access:changed', change);
  }

  #applyAccessChange(change: AccessChange): void {
    void this.revalidate(affectedBy(change));
    // A session ended or cancelled will not reopen: its floor memory goes with its live session.
    if (change.kind === 'session-closed') this.#sessions.end(change.sessionId);
  }

  /**
   * Checks again every connected socket whose claims `affected` selects, and
   * closes those no longer honoured, telling them why (`access:withdrawn`).
   */
  async revalidate(affected: (claims: VerifiedSessionToken) => boolean): Promise<void> {
    const sockets = [...this.#live.values()].flat().filter((s) => affected(s.data.claims));
    await Promise.all(
      sockets.map(async (socket) => {
        try {
          const refusal = await this.#refusalOf(socket.data.claims);
          if (refusal) this.#withdraw(localPeer(socket), refusal);
        } catch (error) {
          this.#logger.error({ err: error, socketId: socket.id }, 'credential check failed');
        }
      }),
    );
  }

  /** Why the claims are no longer honoured, if they are not. */
  async #refusalOf(claims: VerifiedSessionToken): Promise<Refusal | undefined> {
    try {
      if (await this.#stillValid(claims)) return undefined;
      return {
        reason: 'TOKEN_REVOKED',
        message: reasonMessage('INVITATION_REVOKED'),
        detail: 'INVITATION_REVOKED',
      };
    } catch (error) {
      if (error instanceof TokenRefusedError) {
        return {
          reason: error.reason,
          message: error.message,
          ...(error.detail ? { detail: error.detail } : {}),
        };
      }
      throw error;
    }
  }

  #withdraw(socket: Peer, refusal: Refusal): void {
    this.#logger.info(
      {
        reason: refusal.reason,
        participantId: socket.data.claims.sub,
        sessionId: socket.data.claims.sessionId,
      },
      'credential withdrawn: closing the connection',
    );
    socket.emit('access:withdrawn', refusal);
    socket.disconnect();
  }

  #onConnection(socket: SignalingSocket): void {
    const claims = socket.data.claims;
    const ctx: RequestContext = {
      socket: localPeer(socket),
      claims,
      logger: this.#logger.child({
        caseId: claims.caseId,
        sessionId: claims.sessionId,
        participantId: claims.sub,
        socketId: socket.id,
      }),
      session: undefined,
      participant: undefined,
    };
    ctx.logger.debug({ role: claims.role }, 'socket connected');
    const own = this.#live.get(claims.sub) ?? [];
    own.push(socket);
    this.#live.set(claims.sub, own);
    this.#local.set(socket.id, { socket, ctx });
    void socket.join(personRoom(claims.sub));
    void this.#capConnections(socket, ctx);
    socket.on('disconnect', () => {
      const rest = (this.#live.get(claims.sub) ?? []).filter((s) => s !== socket);
      if (rest.length > 0) this.#live.set(claims.sub, rest);
      else this.#live.delete(claims.sub);
    });
    attachInbox(this.#desks, socket, ctx);

    // Unknown events never reach a handler; if the sender waits for an
    // acknowledgement it gets a clear error.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && REQUEST_NAME_SET.has(event)) return;
      ctx.logger.warn({ event: String(event).slice(0, 64) }, 'unknown event');
      const ack = args[args.length - 1];
      if (typeof ack === 'function') {
        ack({
          ok: false,
          error: fail('UNKNOWN_EVENT', { event: String(event).slice(0, 64) }).toPayload(),
        });
      }
    });

    for (const name of REQUEST_NAMES) {
      // Registered untyped on purpose: what arrives is unknown until parsed.
      (socket as unknown as Socket).on(name, (...args: unknown[]) => {
        void this.#dispatch(ctx, name, args);
      });
    }

    socket.on('disconnect', (reason) => {
      ctx.logger.info({ reason }, 'socket disconnected');
      const owner = ctx.relayedTo;
      if (owner && this.#shared.cluster) {
        const gone: RelayMessage = { kind: 'gone', socketId: socket.id, reason };
        this.#shared.cluster.bus.send(owner, gone).catch((error: unknown) => {
          ctx.logger.warn({ err: error, owner }, 'session owner not told of the disconnect');
        });
      }
      this.#local.delete(socket.id);
      this.#connectionClosed(ctx, reason);
    });
  }

  /** A connection ended (here, or on the node relaying it): its place in the session follows. */
  #connectionClosed(ctx: RequestContext, reason: string): void {
    {
      const { session, participant } = ctx;
      // A replaced socket must not remove the newer connection of the same person.
      if (session && participant && !participant.closed) {
        // A network fault keeps the place for a while (shown as reconnecting);
        // leaving, a closed tab or a replaced connection does not.
        if (NETWORK_DROP.has(reason)) session.connectionLost(participant, RECONNECT_GRACE_MS);
        else session.leave(participant.id, 'disconnected');
      }
      // A session opened only to read capabilities closes if nobody joined it.
      else if (session && session.participantCount === 0) session.close();
      ctx.session = undefined;
      ctx.participant = undefined;
    }
  }

  /**
   * One person, a few connections (a call, the inbox, a reconnect overlapping a
   * connection not yet seen dead), on whichever nodes they landed: beyond the cap
   * the oldest go, as a second join of the same person already replaces the first.
   * Refusing the newest instead would lock out someone whose dead connections linger
   * until ping timeout. Pages not in a call go first (a page that connects ahead of
   * its join, an inbox): opening the link on a second device must not end the call
   * on the first before anyone joins.
   */
  async #capConnections(socket: SignalingSocket, ctx: RequestContext): Promise<void> {
    const { claims } = ctx;
    if (!this.#io) return;
    let all;
    try {
      all = await this.#io.in(personRoom(claims.sub)).fetchSockets();
    } catch (error) {
      // Another node did not answer in time: the cap waits for the next connection.
      ctx.logger.warn({ err: error }, 'connections per person not counted');
      return;
    }
    // Connections newer than this one count themselves when their own turn comes.
    const others = all
      .filter((s) => s.id !== socket.id && s.handshake.issued <= socket.handshake.issued)
      .sort((a, b) => a.handshake.issued - b.handshake.issued);
    const evictable = [
      ...others.filter((s) => s.data.inCall !== true),
      ...others.filter((s) => s.data.inCall === true),
    ];
    const excess = others.length + 1 - this.#config.maxPerPerson;
    for (const old of evictable.slice(0, Math.max(0, excess))) {
      ctx.logger.info({ replaced: old.id }, 'connection limit per person: oldest replaced');
      old.emit('session:replaced', {});
      old.disconnect(true);
    }
  }

  async #dispatch(ctx: RequestContext, name: RequestName, args: unknown[]): Promise<void> {
    const ack =
      args.length > 0 && typeof args[args.length - 1] === 'function'
        ? (args[args.length - 1] as (r: Ack<unknown>) => void)
        : undefined;
    if (!ack) {
      ctx.logger.warn({ event: name }, 'request without acknowledgement callback ignored');
      return;
    }
    const payload: unknown = args.length > 1 ? args[0] : undefined;
    try {
      if (
        !(await this.#socketRate.take(ctx.socket.id)) ||
        !(await this.#personRate.take(ctx.claims.sub))
      )
        throw new RateLimitedError();
      const placement = this.#shared.cluster?.placement;
      if (placement && isSessionRequest(name)) {
        // Known from this connection's last request: the node relayed to (the sweep clears it
        // when the session moves), or this node while its live session is open here.
        const known =
          ctx.relayedTo ?? (ctx.session && !ctx.session.closed ? placement.nodeId : undefined);
        const owner = known ?? (await placement.ownerOf(ctx.claims.sessionId));
        if (owner !== placement.nodeId) {
          ack(await this.#forward(ctx, owner, name, payload));
          return;
        }
      }
      ack({ ok: true, data: await this.#run(ctx, name, payload) });
    } catch (error) {
      ack(this.#refusal(ctx, name, error));
    }
  }

  /** Validates a request, checks its stage and runs its handler (for a socket here or relayed). */
  async #run(ctx: RequestContext, name: RequestName, payload: unknown): Promise<unknown> {
    this.#checkStage(ctx, name);
    refuseNulCharacters(name, payload);
    const parsed = requestSchemas[name].safeParse(payload);
    if (!parsed.success) throw ValidationError.fromZod(name, parsed.error);
    const handler = this.#handlers[name] as (c: RequestContext, r: unknown) => Promise<unknown>;
    return handler(ctx, parsed.data);
  }

  #refusal(ctx: RequestContext, name: RequestName, error: unknown): Ack<unknown> {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') {
      ctx.logger.error({ err: error, event: name }, 'request failed');
    } else {
      ctx.logger.info(
        { event: name, code: appError.code, msg: appError.message },
        'request refused',
      );
    }
    return { ok: false, error: appError.toPayload() };
  }

  /** Sends a request of this node's socket to the node that holds its session; its answer. */
  async #forward(
    ctx: RequestContext,
    owner: string,
    name: RequestName,
    payload: unknown,
  ): Promise<Ack<unknown>> {
    const bus = this.#shared.cluster!.bus;
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
  async #serveRelay(body: unknown, from: string): Promise<unknown> {
    const parsed = relayMessageSchema.safeParse(body);
    if (!parsed.success) throw new Error(`malformed relay message from node ${from}`);
    const message = parsed.data;
    if (message.kind === 'gone') {
      const entry = this.#remote.get(message.socketId);
      if (entry) {
        this.#remote.delete(message.socketId);
        this.#connectionClosed(entry.ctx, message.reason);
      }
      return null;
    }
    const claims = { ...message.claims, jti: message.claims.jti };
    let ctx = this.#remote.get(message.socketId)?.ctx;
    if (!ctx || ctx.claims.sub !== claims.sub || ctx.claims.sessionId !== claims.sessionId) {
      ctx = {
        socket: this.#remotePeer(message.socketId, claims, message.client),
        claims,
        logger: this.#logger.child({
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
    this.#shared.cluster?.placement.hold(claims.sessionId);
    try {
      return { ok: true, data: await this.#run(ctx, message.event, message.payload) };
    } catch (error) {
      return this.#refusal(ctx, message.event, error);
    }
  }

  /**
   * Several nodes, every second. A socket here whose session moved (its owner
   * died, or lost its lease) reconnects: its transport is closed, the page
   * reconnects and joins again, reaching the session's new owner, as after a
   * network drop. And a connection relayed here from a node that is gone is
   * treated as dropped (its place kept for the grace period, as for a network
   * fault): the person reconnects through another node.
   */
  async #sweepRelays(): Promise<void> {
    const placement = this.#shared.cluster?.placement;
    if (!placement) return;
    try {
      const owners = new Map<string, string | null>();
      for (const { socket, ctx } of this.#local.values()) {
        const was = ctx.relayedTo;
        if (!was) continue;
        const sessionId = ctx.claims.sessionId;
        if (!owners.has(sessionId)) owners.set(sessionId, await placement.currentOwner(sessionId));
        if (owners.get(sessionId) === was) continue;
        // Its next request finds the session's owner again.
        ctx.relayedTo = undefined;
        if (socket.data.inCall !== true) continue;
        ctx.logger.warn({ was, now: owners.get(sessionId) }, 'session moved: the page reconnects');
        socket.conn.close();
      }
      const alive = new Map<string, boolean>();
      for (const [socketId, { ctx, via }] of this.#remote) {
        if (!alive.has(via)) alive.set(via, await placement.isAlive(via));
        if (alive.get(via)) continue;
        ctx.logger.warn({ via }, 'the node relaying this connection is gone');
        this.#remote.delete(socketId);
        this.#connectionClosed(ctx, 'transport close');
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'relay sweep failed');
    }
  }

  /** Stops the relay's sweep (the server is closing). */
  close(): void {
    clearInterval(this.#sweep);
  }

  /** A socket on another node, reached through the shared adapter (its id is a room). */
  #remotePeer(socketId: string, claims: RequestContext['claims'], client: Peer['client']): Peer {
    const io = (): SignalingServer => {
      if (!this.#io) throw new Error('the gateway is not attached');
      return this.#io;
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

  /** Someone in the waiting room may make only the requests the waiting room needs. */
  #checkStage(ctx: RequestContext, name: RequestName): void {
    const stage = REQUEST_STAGES[name];
    if (stage !== 'admitted') return;
    const { participant } = ctx;
    if (participant && !participant.closed && participant.admission !== 'admitted') {
      throw fail('ADMISSION_REQUIRED');
    }
  }

  /** The live session named by the token: a token never reaches another case or session. */
  async #sessionFor(ctx: RequestContext): Promise<LiveSession> {
    if (ctx.session && !ctx.session.closed) return ctx.session;
    ctx.session = await this.#sessions.getOrCreate(ctx.claims.sessionId, ctx.claims.caseId);
    return ctx.session;
  }

  /**
   * The credential checked again now: if it is no longer honoured, the request
   * is refused and the connection closed right after, told why.
   */
  async #honoured(ctx: RequestContext): Promise<void> {
    const refusal = await this.#refusalOf(ctx.claims);
    if (refusal) {
      setImmediate(() => this.#withdraw(ctx.socket, refusal));
      throw refused(refusal);
    }
  }

  #joined(ctx: RequestContext): Joined {
    const { session, participant } = ctx;
    if (!session || !participant || participant.closed || session.closed) {
      throw fail('JOIN_FIRST');
    }
    return { session, participant };
  }
}
