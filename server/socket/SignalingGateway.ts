/**
 * The Socket.IO adapter: authenticates the handshake, validates every inbound
 * payload against the contract, rate-limits, and hands typed requests to the
 * live session. Holds no media logic of its own.
 *
 * Size: pending — one handler per socket event in one gateway; a split by event group is a later step of issue 17.
 */
import type { Server, Socket } from 'socket.io';
import {
  REQUEST_NAMES,
  REQUEST_STAGES,
  can,
  requestSchemas,
  type Ack,
  type ClientToServerEvents,
  type EvidencePresentation,
  type EvidenceSummary,
  type NotificationMap,
  type DeliverySummary,
  type NotificationName,
  type RecordingState,
  type ServedDocument,
  type RequestName,
  type RequestOf,
  type ResponseOf,
  type ServerToClientEvents,
  type HandshakeRefusal,
  type Reason,
  reasonMessage,
} from '../../signaling/index.js';
import type { SessionTokens, VerifiedSessionToken } from '../auth/SessionTokens.js';
import { TokenRefusedError } from '../auth/SessionTokens.js';
import type { Config } from '../config.js';
import { fail, RateLimitedError, ValidationError, toAppError, type AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { LiveSessionRegistry } from '../media/LiveSessionRegistry.js';
import type { Participant, ParticipantChannel } from '../media/Participant.js';
import { RequestRateLimiter } from './RateLimiter.js';

interface SocketData {
  claims: VerifiedSessionToken;
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** What a request handler knows about who is asking. */
interface RequestContext {
  socket: SignalingSocket;
  claims: VerifiedSessionToken;
  logger: Logger;
  session: LiveSession | undefined;
  participant: Participant | undefined;
}

type Handlers = {
  [E in RequestName]: (ctx: RequestContext, request: RequestOf<E>) => Promise<ResponseOf<E>>;
};

const REQUEST_NAME_SET: ReadonlySet<string> = new Set(REQUEST_NAMES);

/** Socket.IO disconnect reasons that mean the network failed, not that the person left. */
const NETWORK_DROP: ReadonlySet<string> = new Set([
  'ping timeout',
  'transport close',
  'transport error',
]);
/** How long a participant whose network dropped keeps their place in the session. */
const RECONNECT_GRACE_MS = 20_000;

/**
 * Opens an item of evidence for the participants allowed to see it: returns,
 * per participant id, what that participant's screen is to open.
 */
export interface EvidenceDesk {
  /** What a participant may list of the case's evidence. */
  list(request: {
    caseId: string;
    participant: { id: string; role: string };
  }): Promise<EvidenceSummary[]>;
  present: EvidencePresenter;
  /** Shares an item or keeps it confidential, as the participant may (refusals are errors). */
  setVisibility(request: {
    caseId: string;
    participant: { id: string; role: string };
    evidenceId: string;
    flags: { shared?: boolean; confidential?: boolean };
  }): Promise<EvidenceSummary>;
  /** Calls `listener` after each change of who may see an item, whoever made it (session or case file). */
  onVisibilityChange(listener: (change: EvidenceVisibilityChange) => void): () => void;
}

/** An item whose visibility changed, as the socket layer tells a case's live sessions. */
export interface EvidenceVisibilityChange {
  caseId: string;
  /** The item as it is now. */
  item: EvidenceSummary;
  /** Of the given participants: who may see the item now, and who could before the change. */
  audience(
    participants: { id: string; role: string }[],
  ): Promise<{ now: ReadonlySet<string>; before: ReadonlySet<string> }>;
}

/**
 * Presents an item: per participant id allowed to see it, what that
 * participant's screen is to open. Inside a caucus the item is kept
 * confidential first (see EvidenceService.presentation).
 */
export type EvidencePresenter = (request: {
  caseId: string;
  presenter: { id: string; role: string };
  evidenceId: string;
  participants: { id: string; role: string }[];
  inCaucus: boolean;
}) => Promise<{ shown: Map<string, EvidencePresentation>; confidential: boolean }>;

/** The session recorder, as the socket layer reaches it (see RecordingService). */
export interface RecordingDesk {
  state(sessionId: string): RecordingState | null;
  start(session: LiveSession, by: Participant, client: ClientInfo): Promise<RecordingState>;
  stop(session: LiveSession, by: Participant): Promise<void>;
  acknowledge(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<RecordingState>;
  withdraw(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
  ): Promise<RecordingState>;
  decline(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<void>;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The document service as the socket layer reaches it: a person's inbox and their steps. */
export interface DocumentDesk {
  /** Registers the person's live connection for pushes; returns the unregister function. */
  connect(recipient: Recipient, push: (notice: ServedDocument) => void): () => void;
  /** Notices dispatched and not yet delivered: pushed at each connection until received. */
  pending(recipient: Recipient): Promise<ServedDocument[]>;
  list(recipient: Recipient): Promise<DeliverySummary[]>;
  step(
    recipient: Recipient,
    deliveryId: string,
    action: 'deliver' | 'read' | 'acknowledge' | 'challenge' | 'requestPaperCopy',
    detail: Record<string, unknown> | null,
    client: ClientInfo,
  ): Promise<DeliverySummary>;
}

export interface Recipient {
  caseId: string;
  personId: string;
}

/** The optional domain desks a gateway serves. */
export interface GatewayDesks {
  evidence?: EvidenceDesk;
  recording?: RecordingDesk;
  documents?: DocumentDesk;
}

/**
 * Decides whether a validly signed session token is still honoured: at the
 * handshake, at each join and whenever the case file says a credential may
 * have been withdrawn. Refuses by resolving `false` (a revoked token) or by
 * throwing a TokenRefusedError with the reason and words the client shows.
 */
export type SessionTokenCheck = (claims: VerifiedSessionToken) => Promise<boolean>;

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
  readonly #evidence: EvidenceDesk | undefined;
  readonly #recording: RecordingDesk | undefined;
  readonly #documents: DocumentDesk | undefined;
  readonly #sessions: LiveSessionRegistry;
  readonly #config: Config['socket'];
  readonly #logger: Logger;
  /** Every connected socket, by the person its token names (oldest first). */
  readonly #live = new Map<string, SignalingSocket[]>();
  /** Connections that have joined a session (a call), as opposed to a page not yet in one. */
  readonly #inCall = new WeakSet<SignalingSocket>();
  /** Requests per connection, and per person across their connections. */
  readonly #socketRate: RequestRateLimiter;
  readonly #personRate: RequestRateLimiter;

  constructor(
    tokens: SessionTokens,
    sessions: LiveSessionRegistry,
    config: Config['socket'],
    logger: Logger,
    stillValid: SessionTokenCheck = async () => true,
    desks: GatewayDesks = {},
  ) {
    this.#evidence = desks.evidence;
    this.#recording = desks.recording;
    this.#documents = desks.documents;
    this.#tokens = tokens;
    this.#stillValid = stillValid;
    this.#sessions = sessions;
    this.#config = config;
    this.#logger = logger.child({ component: 'signaling' });
    this.#socketRate = new RequestRateLimiter('socket', config.ratePerSecond, config.burst);
    this.#personRate = new RequestRateLimiter(
      'socket-person',
      config.personRatePerSecond,
      config.personBurst,
    );
    this.#evidence?.onVisibilityChange((change) => void this.#evidenceChanged(change));
  }

  /**
   * Refreshes the evidence lists of a case's live sessions: the item goes to
   * every admitted participant who may see it now; those who could see it and
   * no longer may are told it is gone; nobody else hears of it.
   */
  async #evidenceChanged(change: EvidenceVisibilityChange): Promise<void> {
    for (const session of this.#sessions.all()) {
      if (session.closed || session.caseId !== change.caseId) continue;
      const admitted = session
        .participants()
        .filter((p) => !p.closed && p.admission === 'admitted');
      try {
        const { now, before } = await change.audience(
          admitted.map((p) => ({ id: p.id, role: p.identity.role })),
        );
        for (const p of admitted) {
          if (p.closed) continue;
          if (now.has(p.id)) p.channel.notify('evidence:updated', { item: change.item });
          else if (before.has(p.id))
            p.channel.notify('evidence:withdrawn', { evidenceId: change.item.id });
        }
      } catch (error) {
        this.#logger.error(
          { err: error, caseId: change.caseId, evidenceId: change.item.id },
          'evidence change not told',
        );
      }
    }
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
          if (refusal) this.#withdraw(socket, refusal);
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

  #withdraw(socket: SignalingSocket, refusal: Refusal): void {
    this.#logger.info(
      {
        reason: refusal.reason,
        participantId: socket.data.claims.sub,
        sessionId: socket.data.claims.sessionId,
      },
      'credential withdrawn: closing the connection',
    );
    socket.emit('access:withdrawn', refusal);
    socket.disconnect(true);
  }

  #onConnection(socket: SignalingSocket): void {
    const claims = socket.data.claims;
    const ctx: RequestContext = {
      socket,
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
    // One person, a few connections (a call, the inbox, a reconnect overlapping a
    // connection not yet seen dead): beyond the cap the oldest goes, as a second
    // join of the same person already replaces the first. Refusing the newest
    // instead would lock out someone whose dead connections linger until ping timeout.
    // Pages not in a call go first (a page that connects ahead of its join, an inbox): opening
    // the link on a second device must not end the call on the first before anyone joins.
    const evictable = [
      ...own.filter((s) => s !== socket && !this.#inCall.has(s)),
      ...own.filter((s) => s !== socket && this.#inCall.has(s)),
    ];
    for (const old of evictable.slice(0, Math.max(0, own.length - this.#config.maxPerPerson))) {
      ctx.logger.info({ replaced: old.id }, 'connection limit per person: oldest replaced');
      old.emit('session:replaced', {});
      old.disconnect(true);
    }
    socket.on('disconnect', () => {
      const rest = (this.#live.get(claims.sub) ?? []).filter((s) => s !== socket);
      if (rest.length > 0) this.#live.set(claims.sub, rest);
      else this.#live.delete(claims.sub);
    });
    this.#attachInbox(socket, ctx);

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
    });
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
    try {
      if (
        !(await this.#socketRate.take(ctx.socket.id)) ||
        !(await this.#personRate.take(ctx.claims.sub))
      )
        throw new RateLimitedError();
      this.#checkStage(ctx, name);
      const parsed = requestSchemas[name].safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) throw ValidationError.fromZod(name, parsed.error);
      const handler = this.#handlers[name] as (c: RequestContext, r: unknown) => Promise<unknown>;
      const data = await handler(ctx, parsed.data);
      ack({ ok: true, data });
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'INTERNAL') {
        ctx.logger.error({ err: error, event: name }, 'request failed');
      } else {
        ctx.logger.info(
          { event: name, code: appError.code, msg: appError.message },
          'request refused',
        );
      }
      ack({ ok: false, error: appError.toPayload() });
    }
  }

  readonly #handlers: Handlers = {
    'media:capabilities': async (ctx) => {
      const session = await this.#sessionFor(ctx);
      return { rtpCapabilities: await session.rtpCapabilities() };
    },
    'session:join': async (ctx, request) => {
      if (!can(ctx.claims.role, 'session.join')) throw fail('ROLE_MAY_NOT_JOIN');
      if (ctx.participant && !ctx.participant.closed) throw fail('ALREADY_JOINED');
      // Checked again at every join: the week-long token may have outlived what it names.
      const refusal = await this.#refusalOf(ctx.claims);
      if (refusal) {
        setImmediate(() => this.#withdraw(ctx.socket, refusal));
        throw refused(refusal);
      }
      const identity = {
        participantId: ctx.claims.sub,
        displayName: ctx.claims.name,
        role: ctx.claims.role,
        ...(ctx.claims.side ? { side: ctx.claims.side } : {}),
      };
      const channel = this.#channel(ctx.socket);
      // A session that emptied and closed between lookup and join is reopened once.
      for (let attempt = 0; ; attempt++) {
        const session = await this.#sessionFor(ctx);
        try {
          const result = await session.join(identity, request.rtpCapabilities, channel, {
            receive: request.receive === true,
          });
          ctx.session = session;
          ctx.participant = session.participant(identity.participantId);
          this.#inCall.add(ctx.socket);
          return result;
        } catch (error) {
          if (attempt === 0 && session.closed) continue;
          throw error;
        }
      }
    },
    'session:leave': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      session.leave(participant.id);
      ctx.session = undefined;
      ctx.participant = undefined;
      this.#inCall.delete(ctx.socket);
      return {};
    },
    'session:participants': async (ctx) => {
      const { session } = this.#joined(ctx);
      return { participants: session.participants().map((p) => p.info()) };
    },
    'transport:create': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return session.createTransport(participant.id, r.direction);
    },
    'transport:connect': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.connectTransport(participant.id, r.transportId, r.dtlsParameters);
      return {};
    },
    'transport:restartIce': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return { iceParameters: await session.restartIce(participant.id, r.transportId) };
    },
    'producer:create': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return { producerId: await session.produce(participant.id, r) };
    },
    'producer:pause': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.pauseProducer(participant.id, r.producerId);
      return {};
    },
    'producer:resume': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.resumeProducer(participant.id, r.producerId);
      return {};
    },
    'producer:close': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.closeProducer(participant.id, r.producerId);
      return {};
    },
    'consumer:create': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return session.consume(participant.id, r.transportId, r.producerId);
    },
    'consumer:resume': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.resumeConsumer(participant.id, r.consumerId);
      return {};
    },
    'evidence:present': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      if (!can(participant.identity.role, 'evidence.present')) {
        throw fail('ROLE_MAY_NOT_PRESENT', { role: participant.identity.role });
      }
      if (!this.#evidence) throw fail('FEATURE_UNAVAILABLE', { feature: 'Evidence' });
      const room = session.roomOf(participant.id);
      const { shown, confidential } = await this.#evidence.present({
        caseId: session.caseId,
        presenter: { id: participant.id, role: participant.identity.role },
        evidenceId: r.evidenceId,
        // During a caucus, only those in the presenter's room see it, and it stays confidential.
        participants: room.map((p) => ({ id: p.id, role: p.identity.role })),
        inCaucus: session.caucus !== null,
      });
      for (const p of room) {
        const presentation = shown.get(p.id);
        if (presentation) p.channel.notify('evidence:presented', presentation);
      }
      ctx.logger.info(
        { evidenceId: r.evidenceId, shownTo: [...shown.keys()], confidential },
        'evidence presented',
      );
      const viewers = room
        .filter((p) => p.id !== participant.id && shown.has(p.id))
        .map((p) => ({
          participantId: p.id,
          displayName: p.identity.displayName,
          role: p.identity.role,
        }));
      return { shownTo: viewers.length, viewers, confidential };
    },
    'evidence:share': async (ctx, r) => {
      const { session, participant } = await this.#joinedAndHonoured(ctx);
      if (!can(participant.identity.role, 'evidence.share')) {
        throw fail('ROLE_MAY_NOT_SHARE', { role: participant.identity.role });
      }
      return {
        item: await this.#visibility(session, participant, r.evidenceId, { shared: r.shared }),
      };
    },
    'evidence:confidential': async (ctx, r) => {
      const { session, participant } = await this.#joinedAndHonoured(ctx);
      if (!can(participant.identity.role, 'evidence.confidential')) {
        throw fail('MEDIATOR_ONLY_CONFIDENTIAL');
      }
      return {
        item: await this.#visibility(session, participant, r.evidenceId, {
          confidential: r.confidential,
        }),
      };
    },
    'evidence:list': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      if (!this.#evidence) return { items: [] };
      return {
        items: await this.#evidence.list({
          caseId: session.caseId,
          participant: { id: participant.id, role: participant.identity.role },
        }),
      };
    },
    'evidence:stop': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      for (const p of session.roomOf(participant.id)) {
        p.channel.notify('evidence:stopped', { presenterId: participant.id });
      }
      return {};
    },
    'recording:start': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      return {
        recording: await this.#recorder().start(session, participant, clientInfo(ctx.socket)),
      };
    },
    'recording:stop': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      await this.#recorder().stop(session, participant);
      return {};
    },
    'recording:acknowledge': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      const recording = await this.#recorder().acknowledge(
        session,
        participant,
        r.recordingId,
        clientInfo(ctx.socket),
      );
      return { recording };
    },
    'recording:withdraw': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return { recording: await this.#recorder().withdraw(session, participant, r.recordingId) };
    },
    'recording:decline': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await this.#recorder().decline(session, participant, r.recordingId, clientInfo(ctx.socket));
      return {};
    },
    'admission:admit': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.admit(participant.id, r.participantId, r.overrideReason);
      return {};
    },
    'admission:refuse': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.refuse(participant.id, r.participantId, r.reason);
      return {};
    },
    'identity:verify': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.verifyIdentity(participant.id, r.participantId, r.result, {
        method: r.method,
        ...(r.note ? { note: r.note } : {}),
      });
      return {};
    },
    'moderation:mute': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.mute(participant.id, r.participantId);
      return {};
    },
    'moderation:muteAll': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      return { muted: await session.muteAll(participant.id) };
    },
    'moderation:allowUnmute': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.allowUnmute(participant.id, r.participantId);
      return {};
    },
    'moderation:remove': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.remove(participant.id, r.participantId, r.reason);
      return {};
    },
    'session:lock': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.lock(participant.id, r.locked);
      return { locked: session.locked };
    },
    'caucus:start': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return { caucus: await session.startCaucus(participant.id, r.participantIds, r.record) };
    },
    'caucus:end': async (ctx) => {
      const { session, participant } = this.#joined(ctx);
      await session.endCaucus(participant.id);
      return {};
    },
    'hand:raise': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      session.raiseHand(participant.id, r.raised);
      return {};
    },
    'chat:send': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      return { message: session.chat(participant.id, r.text) };
    },
    'document:list': async (ctx) => {
      const { desk, recipient } = this.#inbox(ctx);
      return { deliveries: await desk.list(recipient) };
    },
    'document:received': async (ctx, r) => {
      const { desk, recipient } = this.#inbox(ctx);
      const client = clientInfo(ctx.socket);
      return { delivery: await desk.step(recipient, r.deliveryId, 'deliver', null, client) };
    },
    'document:read': async (ctx, r) => {
      const { desk, recipient } = this.#inbox(ctx);
      const client = clientInfo(ctx.socket);
      return { delivery: await desk.step(recipient, r.deliveryId, 'read', null, client) };
    },
    'document:acknowledge': async (ctx, r) => {
      const { desk, recipient } = this.#inbox(ctx);
      const client = clientInfo(ctx.socket);
      return { delivery: await desk.step(recipient, r.deliveryId, 'acknowledge', null, client) };
    },
    'document:challenge': async (ctx, r) => {
      const { desk, recipient } = this.#inbox(ctx);
      const detail = { reason: r.reason };
      const client = clientInfo(ctx.socket);
      return { delivery: await desk.step(recipient, r.deliveryId, 'challenge', detail, client) };
    },
    'document:paperCopy': async (ctx, r) => {
      const { desk, recipient } = this.#inbox(ctx);
      const detail = r.postalAddress ? { postalAddress: r.postalAddress } : null;
      const client = clientInfo(ctx.socket);
      return {
        delivery: await desk.step(recipient, r.deliveryId, 'requestPaperCopy', detail, client),
      };
    },
    'consumer:setPreferredLayers': async (ctx, r) => {
      const { session, participant } = this.#joined(ctx);
      await session.setPreferredLayers(
        participant.id,
        r.consumerId,
        r.spatialLayer,
        r.temporalLayer,
      );
      return {};
    },
  };

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

  /** Parties and agents receive served documents live, and the undelivered ones now. */
  #attachInbox(socket: SignalingSocket, ctx: RequestContext): void {
    const desk = this.#documents;
    if (!desk || (ctx.claims.role !== 'party' && ctx.claims.role !== 'agent')) return;
    const recipient = { caseId: ctx.claims.caseId, personId: ctx.claims.sub };
    const unregister = desk.connect(recipient, (notice) => socket.emit('document:served', notice));
    socket.on('disconnect', unregister);
    void desk
      .pending(recipient)
      .then((pending) => {
        for (const notice of pending) socket.emit('document:served', notice);
      })
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'pending documents not pushed'));
  }

  #inbox(ctx: RequestContext): { desk: DocumentDesk; recipient: Recipient } {
    if (!this.#documents) throw fail('FEATURE_UNAVAILABLE', { feature: 'Documents' });
    if (ctx.claims.role !== 'party' && ctx.claims.role !== 'agent') throw fail('RECIPIENTS_ONLY');
    return {
      desk: this.#documents,
      recipient: { caseId: ctx.claims.caseId, personId: ctx.claims.sub },
    };
  }

  async #visibility(
    session: LiveSession,
    participant: Participant,
    evidenceId: string,
    flags: { shared?: boolean; confidential?: boolean },
  ): Promise<EvidenceSummary> {
    if (!this.#evidence) throw fail('FEATURE_UNAVAILABLE', { feature: 'Evidence' });
    return this.#evidence.setVisibility({
      caseId: session.caseId,
      participant: { id: participant.id, role: participant.identity.role },
      evidenceId,
      flags,
    });
  }

  /**
   * `#joined()`, and the credential checked again now: a change that widens
   * what others see is made only under a credential still honoured.
   */
  async #joinedAndHonoured(
    ctx: RequestContext,
  ): Promise<{ session: LiveSession; participant: Participant }> {
    const joined = this.#joined(ctx);
    const refusal = await this.#refusalOf(ctx.claims);
    if (refusal) {
      setImmediate(() => this.#withdraw(ctx.socket, refusal));
      throw refused(refusal);
    }
    return joined;
  }

  #recorder(): RecordingDesk {
    if (!this.#recording) throw fail('FEATURE_UNAVAILABLE', { feature: 'Recording' });
    return this.#recording;
  }

  #joined(ctx: RequestContext): { session: LiveSession; participant: Participant } {
    const { session, participant } = ctx;
    if (!session || !participant || participant.closed || session.closed) {
      throw fail('JOIN_FIRST');
    }
    return { session, participant };
  }

  #channel(socket: SignalingSocket): ParticipantChannel {
    return {
      notify<E extends NotificationName>(event: E, payload: NotificationMap[E]): void {
        (socket.emit as (e: E, p: NotificationMap[E]) => boolean)(event, payload);
      },
      disconnect(): void {
        socket.disconnect(true);
      },
    };
  }
}

function clientInfo(socket: SignalingSocket): ClientInfo {
  const agent = socket.handshake.headers['user-agent'];
  return {
    ip: socket.handshake.address || null,
    userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
  };
}
