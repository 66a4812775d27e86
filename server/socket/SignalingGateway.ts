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
import { memoryLimiter, type ClusterParts, type LimiterFactory } from '../cluster/state.js';
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
import { SessionRelay } from './relay.js';

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

/**
 * Decides whether a validly signed session token is still honoured: at the
 * handshake, at each join and whenever the case file says a credential may
 * have been withdrawn. Refuses by resolving `false` (a revoked token) or by
 * throwing a TokenRefusedError with the reason and words the client shows.
 */
export type SessionTokenCheck = (claims: VerifiedSessionToken) => Promise<boolean>;

/**
 * The check the service makes: a session token is honoured only while what it
 * names is still true (`access`, see CaseService.sessionAccess), and never for a
 * participant the mediator removed from that session (the live session knows
 * at once; the stored removal, written just after, holds for good).
 */
export function sessionTokenCheck(d: {
  removedLive(sessionId: string, participantId: string): boolean;
  removedStored(sessionId: string, participantId: string): Promise<boolean>;
  access(
    claims: VerifiedSessionToken,
  ): Promise<{ reason: HandshakeRefusal; detail: Reason } | undefined>;
}): SessionTokenCheck {
  return async (claims) => {
    if (
      d.removedLive(claims.sessionId, claims.sub) ||
      (await d.removedStored(claims.sessionId, claims.sub))
    )
      throw TokenRefusedError.because('TOKEN_REVOKED', 'PARTICIPANT_REMOVED');
    const refusal = await d.access(claims);
    if (refusal) throw TokenRefusedError.because(refusal.reason, refusal.detail);
    return true;
  };
}

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

/** The handshake of a page that follows moves, sent to its session's node (`data.moved`). */
class MovedError extends Error {
  constructor(readonly url: string) {
    super('this session is served at another address');
    this.name = 'MovedError';
  }
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
  /** This node's sockets and their contexts, by socket id (for the relay's sweep). */
  readonly #local = new Map<string, { socket: SignalingSocket; ctx: RequestContext }>();
  /** Several nodes: a session's requests go to the node that holds it. */
  readonly #relay: SessionRelay | undefined;
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
    this.#relay = cluster.cluster
      ? new SessionRelay(cluster.cluster, {
          logger: this.#logger,
          io: () => this.#io,
          run: (ctx, name, payload) => this.#run(ctx, name, payload),
          refusal: (ctx, name, error) => this.#refusal(ctx, name, error),
          connectionClosed: (ctx, reason) => this.#connectionClosed(ctx, reason),
          localConnections: () => this.#local.values(),
        })
      : undefined;
    this.#desks.evidence?.onVisibilityChange((change) => {
      void tellEvidenceChange(this.#sessions, this.#logger, change);
      // Several nodes: the sessions of the case may be held elsewhere.
      if (this.#shared.shared) this.#io?.serverSideEmit('evidence:changed', change.notice);
    });
  }

  attach(io: SignalingServer): void {
    io.use((socket, next) => {
      void (async () => {
        const raw: unknown = socket.handshake.auth;
        const auth =
          typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
        const claims = this.#tokens.verify(auth['token']);
        const refusal = await this.#refusalOf(claims);
        if (refusal) throw new TokenRefusedError(refusal.reason, refusal.message, refusal.detail);
        // A page that can follow (it says so) is sent to its session's owner when that node
        // has an address of its own: its signalling then takes no hop between nodes.
        if (auth['follow'] === true && this.#relay) {
          // Placement out of reach: the page stays here, as a page that does not follow.
          const url = await this.#relay.directFor(claims.sessionId).catch((error: unknown) => {
            this.#logger.warn({ err: error }, 'session’s node not found at the handshake');
            return null;
          });
          if (url) throw new MovedError(url);
        }
        socket.data.claims = claims;
      })().then(
        () => next(),
        (error: unknown) => {
          if (error instanceof MovedError) {
            this.#logger.debug({ to: error.url }, 'handshake sent to the session’s node');
            next(Object.assign(new Error(error.message), { data: { moved: error.url } }));
            return;
          }
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
    this.#relay?.start();
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
      this.#relay?.socketClosed(ctx, reason);
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
      const owner = await this.#relay?.ownerFor(ctx, name);
      if (this.#relay && owner !== undefined) {
        ack(await this.#relay.forward(ctx, owner, name, payload));
        return;
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

  /** Stops the relay's sweep (the server is closing). */
  close(): void {
    this.#relay?.close();
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
