/**
 * The media side of one live mediation session: a router on a worker of the
 * pool, the participants in it and what each publishes and receives. Knows
 * nothing of Socket.IO: participants are reached through their channel. The
 * mediator's floor (admission, identity, moderation, caucus, hands, chat) is
 * a SessionFloor this session hosts and delegates to; routing asks it
 * whether media may flow between two participants.
 *
 * Longer than 600 lines because it is one router's state: WebRTC and plain
 * transports, producers, consumers, recorder taps, stall and quality
 * watching, and the rebuild after a worker death all touch the same maps.
 *
 * Size: pending — routing, transports, producers and consumers of one session in one class; a further split is not part of the documents/cases step of issue 17.
 */
import type {
  ActiveSpeakerObserver,
  DtlsParameters,
  Producer,
  MediaKind,
  PlainTransport,
  Router,
  RtpCapabilities,
  RtpParameters,
  WebRtcTransport,
  WebRtcTransportOptions,
} from 'mediasoup/node/lib/types.js';
import type {
  CaucusState,
  ChatMessage,
  ConsumerOptions,
  IceParameters,
  JoinResult,
  RecordingState,
  MediaSource,
  NotificationMap,
  NotificationName,
  ProducerInfo,
  ReceiveSetup,
  TransportOptions,
} from '../../signaling/index.js';
import { MEDIA_SOURCES, can, publishPermission } from '../../signaling/index.js';
import type { Config } from '../config.js';
import { fail, NotFoundError, withClientParameters } from '../errors.js';
import { SessionFloor, type FloorEvent, type PrivatePhase } from '../floor/SessionFloor.js';
import type { SessionMemory } from '../floor/SessionMemory.js';
import type { Logger } from '../logger.js';
import { SESSION_MEDIA_CODECS } from './codecs.js';
import {
  Participant,
  isPlainTransport,
  isWebRtcTransport,
  producerScore,
  type ConsumerAppData,
  type ParticipantChannel,
  type ParticipantIdentity,
  type ParticipantTransport,
  type ProducerAppData,
  type TransportAppData,
  type TransportDirection,
} from './Participant.js';
import type { MediaWorker, WorkerPool } from './WorkerPool.js';

interface RouterAppData extends Record<string, unknown> {
  sessionId: string;
  caseId: string;
}

export interface LiveSessionOptions {
  sessionId: string;
  caseId: string;
  pool: WorkerPool;
  media: Config['media'];
  logger: Logger;
  /** What outlives one live session of the same session id (see SessionMemory). */
  memory?: SessionMemory;
  /** The recording in progress, for join results (the recorder lives outside the media layer). */
  recordingState?: (sessionId: string) => RecordingState | null;
}

export type { FloorEvent } from '../floor/SessionFloor.js';

/** Where a server-side plain RTP transport listens (see `createPlainTransport`). */
export interface PlainTransportInfo {
  transportId: string;
  ip: string;
  port: number;
  /** Only without RTCP multiplexing; plain transports made here always multiplex. */
  rtcpPort?: number;
}

interface LiveSessionEvents {
  close: () => void;
}

/** Why a participant is no longer in the session. */
export type LeaveReason = 'left' | 'disconnected' | 'replaced' | 'session-closed';

/**
 * What happens in the session, for server-side observers (the recorder).
 * Called synchronously; a listener must not throw.
 */
export interface LiveSessionListener {
  participantJoined?(participant: Participant): void;
  participantLeft?(participant: Participant, reason: LeaveReason): void;
  producerAdded?(participant: Participant, producer: SessionProducer): void;
  producerPaused?(participant: Participant, producer: SessionProducer, paused: boolean): void;
  producerClosed?(participant: Participant, producer: SessionProducer): void;
  /** Every transport, producer and consumer is gone (worker death). */
  mediaReset?(): void;
  /** A private phase (caucus) began or ended; `recorded` says whether the mediator records it. */
  privatePhase?(phase: PrivatePhase): void;
  /** The mediator did something the case record keeps (admission, identity check, removal…). */
  floor?(event: FloorEvent): void;
  closed?(): void;
}

export type SessionProducer = Producer<ProducerAppData>;

/**
 * A server-side copy of one producer's RTP, sent over a plain transport
 * (RTP and RTCP on separate ports, as FFmpeg expects) to a local receiver.
 * Created paused: resume it once the receiver listens.
 */
export interface ProducerTap {
  readonly producerId: string;
  readonly kind: MediaKind;
  /** What the receiver gets (payload types, SSRC, codec parameters). */
  readonly rtpParameters: RtpParameters;
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  /** Stops sending; idempotent. */
  close(): void;
  /** Called once when the tap ends for any reason other than `close()`. */
  onEnded(listener: (reason: 'producer-closed' | 'router-closed') => void): void;
}

const SOURCE_KIND: Record<MediaSource, MediaKind> = {
  microphone: 'audio',
  camera: 'video',
  screen: 'video',
};

const RECOVERY_RETRY_MS = 2_000;

export class LiveSession {
  readonly sessionId: string;
  readonly caseId: string;
  readonly #pool: WorkerPool;
  readonly #media: Config['media'];
  readonly #logger: Logger;
  readonly #participants = new Map<string, Participant>();
  #router!: Router<RouterAppData>;
  #host!: MediaWorker;
  #speakerObserver!: ActiveSpeakerObserver;
  #activeSpeaker: string | null = null;
  /** Pending while the router is being rebuilt after a worker death. */
  #recovering: Promise<void> | undefined;
  #closed = false;
  #onClose: LiveSessionEvents['close'] | undefined;
  readonly #listeners = new Set<LiveSessionListener>();
  /** Plain transports of producer taps, closed with the session. */
  readonly #taps = new Set<PlainTransport>();
  readonly #floor: SessionFloor<Participant>;
  readonly #recordingState: (sessionId: string) => RecordingState | null;
  #qualityTimer: NodeJS.Timeout | undefined;
  /** Places kept for participants whose connection dropped (see connectionLost). */
  readonly #graceTimers = new Set<NodeJS.Timeout>();
  /** Watches for participants whose packets stopped (see #watchStalls). */
  #stallTimer: NodeJS.Timeout | undefined;

  private constructor(options: LiveSessionOptions) {
    this.#recordingState = options.recordingState ?? (() => null);
    this.sessionId = options.sessionId;
    this.caseId = options.caseId;
    this.#pool = options.pool;
    this.#media = options.media;
    this.#logger = options.logger.child({ caseId: options.caseId, sessionId: options.sessionId });
    this.#floor = new SessionFloor<Participant>({
      members: this.#participants,
      logger: this.#logger,
      ...(options.memory ? { memory: options.memory } : {}),
      host: {
        silence: (member) => this.#silence(member),
        reroute: () => this.#applyRouting(),
        announceSpeakers: () => {
          for (const p of this.#admitted())
            p.channel.notify('speaker:active', { participantId: this.#speakerFor(p) });
        },
        dismiss: (member) => {
          this.#remove(member.id, 'left');
          member.channel.disconnect();
        },
        admitted: (member) => void this.#grant(member),
        floorEvent: (event) => this.#emit('floor', event),
        privatePhase: (phase) => this.#emit('privatePhase', phase),
      },
    });
  }

  static async create(options: LiveSessionOptions): Promise<LiveSession> {
    const session = new LiveSession(options);
    await session.#attachRouter();
    session.#logger.info({ workerIndex: session.#host.index }, 'live session opened');
    return session;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The media router is gone (its worker died) and not rebuilt yet. */
  get mediaLost(): boolean {
    return this.#router.closed && !this.#closed;
  }

  get participantCount(): number {
    return this.#participants.size;
  }

  /** The worker this session's router lives on (tests, statistics). */
  get workerPid(): number {
    return this.#host.worker.pid;
  }

  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  /** Observes the session until it closes; returns the function that stops observing. */
  addListener(listener: LiveSessionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit<K extends keyof LiveSessionListener>(
    event: K,
    ...args: Parameters<NonNullable<LiveSessionListener[K]>>
  ): void {
    for (const listener of [...this.#listeners]) {
      const fn = listener[event] as ((...a: typeof args) => void) | undefined;
      try {
        fn?.apply(listener, args);
      } catch (error) {
        this.#logger.error({ err: error, event }, 'session listener failed');
      }
    }
  }

  participant(participantId: string): Participant {
    const p = this.#participants.get(participantId);
    if (!p || p.closed) throw fail('NOT_JOINED');
    return p;
  }

  async rtpCapabilities(): Promise<RtpCapabilities> {
    return (await this.#liveRouter()).rtpCapabilities;
  }

  /**
   * Joins a participant. A mediator is admitted at once, and so is someone
   * admitted earlier in this session (a reconnect); everyone else waits in
   * the waiting room, without media, until a mediator admits them. A
   * removed participant cannot come back; a locked session takes no one new.
   * `preAdmitted` is for server-side participants (synthetic media), never
   * for a socket.
   */
  async join(
    identity: ParticipantIdentity,
    rtpCapabilities: RtpCapabilities,
    channel: ParticipantChannel,
    options: { preAdmitted?: boolean; receive?: boolean } = {},
  ): Promise<JoinResult> {
    this.#assertOpen();
    await this.#liveRouter();
    const id = identity.participantId;
    const admitted = this.#floor.entry(identity, options.preAdmitted === true);
    const previous = this.#participants.get(id);
    if (previous) {
      // The same person connected again (new tab, new network): the newest wins.
      previous.channel.notify('session:replaced', {});
      this.#remove(previous.id, 'replaced');
    }
    const participant = new Participant(
      identity,
      rtpCapabilities,
      channel,
      this.#logger.child({ participantId: id, role: identity.role }),
    );
    participant.wantsReceive = options.receive === true;
    this.#floor.seat(participant, admitted);
    this.#participants.set(participant.id, participant);
    // Disconnected only now: its socket's disconnect must find the session non-empty.
    previous?.channel.disconnect();
    this.#floor.announceArrival(participant);
    this.#emit('participantJoined', participant);
    if (admitted && can(identity.role, 'session.moderate')) this.#qualityTo(participant);
    const receive = admitted ? await this.#receiveSetup(participant) : undefined;
    return { ...this.#snapshot(participant), ...(receive ? { receive } : {}) };
  }

  /** Admitted by a mediator: the session as they may now see it, their receive side made. */
  async #grant(participant: Participant): Promise<void> {
    const receive = await this.#receiveSetup(participant);
    if (participant.closed || participant.admission !== 'admitted') return;
    participant.channel.notify('admission:granted', {
      ...this.#snapshot(participant),
      ...(receive ? { receive } : {}),
    });
  }

  /**
   * For a participant who asked at join: their receive transport and a paused
   * consumer of every producer there is, made before the join result or the
   * admission goes out, so that their page needs two round trips fewer. What
   * cannot be made here (a producer closing meanwhile) the page asks for itself.
   */
  async #receiveSetup(participant: Participant): Promise<ReceiveSetup | undefined> {
    if (!participant.wantsReceive || !can(participant.identity.role, 'media.consume')) return;
    try {
      const transport = await this.#createTransportFor(participant, 'recv');
      const consumers: ConsumerOptions[] = [];
      for (const other of this.#admitted()) {
        if (other === participant) continue;
        for (const producer of other.producers.values()) {
          if (participant.closed) return undefined;
          const made = await this.#consumeFor(
            participant,
            transport.transportId,
            producer.id,
          ).catch((error: unknown) => {
            participant.logger.debug({ err: error, producerId: producer.id }, 'not consumed ahead');
            return undefined;
          });
          if (made) consumers.push(made);
        }
      }
      // Whatever closed while the others were made is left out (its page learns of it anyway).
      return {
        transport,
        consumers: consumers.filter(
          (c) => participant.consumers.get(c.consumerId)?.closed === false,
        ),
      };
    } catch (error) {
      // The page makes its receive side itself, as without asking.
      participant.logger.warn({ err: error }, 'receive side not made ahead');
      for (const t of participant.transports.values())
        if (t.appData.direction === 'recv') t.close();
      return undefined;
    }
  }

  /** The latest connection quality of everyone, for a mediator who just arrived. */
  #qualityTo(mediator: Participant): void {
    setTimeout(() => {
      if (mediator.closed) return;
      for (const p of this.#admitted()) {
        if (p.scores.size === 0) continue;
        mediator.channel.notify('quality:update', {
          participantId: p.id,
          score: Math.min(...p.scores.values()),
          producers: Object.fromEntries(p.scores),
        });
      }
    }, 0);
  }

  /** The session as `participant` may see it (a join result). */
  #snapshot(participant: Participant): JoinResult {
    const base = {
      self: participant.info(),
      caseId: this.caseId,
      sessionId: this.sessionId,
      canPublish: MEDIA_SOURCES.filter((s) => can(participant.identity.role, publishPermission(s))),
      recording: participant.admission === 'admitted' ? this.#recordingState(this.sessionId) : null,
      locked: this.#floor.locked,
    };
    if (participant.admission !== 'admitted') {
      return {
        ...base,
        participants: [],
        producers: [],
        activeSpeaker: null,
        admission: 'waiting',
        waiting: [],
        caucus: null,
        chat: [],
      };
    }
    const others = this.#admitted().filter((p) => p !== participant);
    const mediator = can(participant.identity.role, 'session.moderate');
    return {
      ...base,
      participants: others.map((p) => p.info()),
      producers: others.flatMap((p) => [...p.producers.values()].map((pr) => producerInfo(pr))),
      activeSpeaker: this.#speakerFor(participant),
      admission: 'admitted',
      waiting: mediator ? this.#floor.waiting().map((p) => p.info()) : [],
      caucus: this.#floor.caucus,
      chat: this.#floor.chatFor(participant),
    };
  }

  /**
   * A participant's socket dropped without leaving (a network fault). An
   * admitted one keeps their place for `graceMs`, shown to the others as
   * reconnecting; their new connection replaces them (see join), otherwise
   * they leave when the grace ends. Someone in the waiting room leaves at once.
   */
  connectionLost(participant: Participant, graceMs: number): void {
    if (this.#participants.get(participant.id) !== participant || participant.closed) return;
    if (participant.admission !== 'admitted' || graceMs <= 0) {
      this.leave(participant.id, 'disconnected');
      return;
    }
    participant.connectionLost = true;
    this.#broadcast('participant:updated', participant.info(), participant.id);
    participant.logger.info({ graceMs }, 'connection lost; keeping the place');
    const timer = setTimeout(() => {
      this.#graceTimers.delete(timer);
      if (this.#closed) return;
      if (this.#participants.get(participant.id) === participant && !participant.closed)
        this.leave(participant.id, 'disconnected');
    }, graceMs);
    this.#graceTimers.add(timer);
  }

  /**
   * Once a second, what each publishing participant's transports received:
   * nothing at all for two seconds (no RTP, RTCP or ICE) while a producer is
   * unpaused means their network dropped, and the others see them as
   * reconnecting until packets arrive again. The socket notices much later
   * (its ping timeout), often only after the network is back.
   */
  #watchStalls(): void {
    if (this.#stallTimer || this.#closed) return;
    this.#stallTimer = setInterval(() => void this.#checkStalls(), 1_000);
    this.#stallTimer.unref();
  }

  async #checkStalls(): Promise<void> {
    for (const p of this.#admitted()) {
      const live = [...p.producers.values()].some((pr) => !pr.closed && !pr.paused);
      let received = 0;
      try {
        for (const transport of p.transports.values()) {
          if (!isWebRtcTransport(transport) || transport.closed) continue;
          for (const s of await transport.getStats()) received += s.bytesReceived;
        }
      } catch {
        continue; // A transport closing meanwhile: next tick.
      }
      if (p.closed) continue;
      // A transport that never carried anything is still connecting, not dropped.
      const quiet = live && received > 0 && received === p.bytesReceived;
      p.bytesReceived = received;
      p.quietSeconds = quiet ? p.quietSeconds + 1 : 0;
      const stalled = p.quietSeconds >= 2;
      if (stalled === p.mediaStalled) continue;
      p.mediaStalled = stalled;
      p.logger.info({ stalled }, stalled ? 'no packets from participant' : 'packets again');
      this.#broadcast('participant:updated', p.info(), p.id);
    }
  }

  leave(participantId: string, reason: 'left' | 'disconnected' = 'left'): void {
    this.#remove(participantId, reason);
    if (this.#participants.size === 0) this.close();
  }

  #remove(participantId: string, reason: LeaveReason): void {
    const participant = this.#participants.get(participantId);
    if (!participant) return;
    this.#participants.delete(participantId);
    for (const producer of participant.producers.values()) {
      this.#broadcast('producer:closed', { producerId: producer.id, participantId }, participantId);
    }
    // Observers learn who left before the producers close, so they can tell why.
    this.#emit('participantLeft', participant, reason);
    participant.close();
    if (participant.admission === 'admitted') {
      this.#broadcast('participant:left', { participantId }, participantId);
    } else {
      this.#toMediators('participant:left', { participantId });
    }
    if (this.#activeSpeaker === participantId) this.#setActiveSpeaker(null);
    participant.logger.info('participant left');
  }

  participants(): Participant[] {
    return [...this.#participants.values()];
  }

  async createTransport(
    participantId: string,
    direction: TransportDirection,
  ): Promise<TransportOptions> {
    await this.#liveRouter();
    return this.#createTransportFor(this.#admittedParticipant(participantId), direction);
  }

  /**
   * For this participant object, not whoever holds its id by the time the
   * router answers: a second tab of the same person replaces it meanwhile.
   */
  async #createTransportFor(
    participant: Participant,
    direction: TransportDirection,
  ): Promise<TransportOptions> {
    const router = await this.#liveRouter();
    const participantId = participant.id;
    this.#assertMayOpen(participant, direction);
    for (const t of participant.transports.values()) {
      if (isWebRtcTransport(t) && t.appData.direction === direction) {
        throw fail('TRANSPORT_EXISTS', { direction });
      }
    }
    const appData: TransportAppData = { participantId, direction, type: 'webrtc' };
    const m = this.#media;
    const listen: WebRtcTransportOptions<TransportAppData> = this.#host.webRtcServer
      ? { webRtcServer: this.#host.webRtcServer, appData }
      : { listenIps: [{ ip: m.listenIp, announcedIp: m.announcedIp }], appData };
    const transport: WebRtcTransport<TransportAppData> = await router.createWebRtcTransport({
      ...listen,
      enableUdp: m.enableUdp,
      enableTcp: m.enableTcp,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 800_000,
    });
    if (participant.closed) {
      transport.close();
      throw fail('NOT_JOINED');
    }
    participant.transports.set(transport.id, transport);
    transport.observer.once('close', () => participant.transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        participant.logger.warn({ transportId: transport.id, state }, 'transport DTLS state');
      }
    });
    if (direction === 'send')
      await transport.setMaxIncomingBitrate(2_500_000).catch(() => undefined);
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      iceServers: m.iceServers,
    };
  }

  async connectTransport(
    participantId: string,
    transportId: string,
    dtlsParameters: DtlsParameters,
  ): Promise<void> {
    const transport = this.#webRtcTransport(participantId, transportId);
    await withClientParameters('transport:connect', () => transport.connect({ dtlsParameters }));
  }

  async restartIce(participantId: string, transportId: string): Promise<IceParameters> {
    const transport = this.#webRtcTransport(participantId, transportId);
    return withClientParameters('transport:restartIce', () => transport.restartIce());
  }

  /**
   * A plain (unencrypted) RTP transport for server-side media: a recorder, a
   * synthetic participant. Not reachable through the signaling contract. It
   * listens on the configured listen IP (never the announced one: its peer is
   * a local process), with RTP and RTCP on one port. With `comedia`, it
   * learns its remote address from the first packet it receives; otherwise
   * call `connectPlainTransport`. Unlike WebRTC transports, a participant may
   * own several per direction (one per stream, as FFmpeg sends each from its
   * own port). Same role rule: only a publishing role may open a send one.
   */
  async createPlainTransport(
    participantId: string,
    options: { direction: TransportDirection; comedia?: boolean },
  ): Promise<PlainTransportInfo> {
    const router = await this.#liveRouter();
    const participant = this.#admittedParticipant(participantId);
    const { direction, comedia = false } = options;
    this.#assertMayOpen(participant, direction);
    const appData: TransportAppData = { participantId, direction, type: 'plain', comedia };
    const transport: PlainTransport<TransportAppData> = await router.createPlainTransport({
      listenIp: { ip: this.#media.listenIp },
      rtcpMux: true,
      comedia,
      appData,
    });
    if (participant.closed) {
      // The participant left while the transport was being created.
      transport.close();
      throw fail('NOT_JOINED');
    }
    participant.transports.set(transport.id, transport);
    transport.observer.once('close', () => participant.transports.delete(transport.id));
    const { localIp, localPort } = transport.tuple;
    participant.logger.info(
      { transportId: transport.id, direction, comedia, port: localPort },
      'plain transport created',
    );
    return {
      transportId: transport.id,
      ip: reachableIp(localIp),
      port: localPort,
      ...(transport.rtcpTuple ? { rtcpPort: transport.rtcpTuple.localPort } : {}),
    };
  }

  /** Tells a non-comedia plain transport where its peer listens. */
  async connectPlainTransport(
    participantId: string,
    transportId: string,
    remote: { ip: string; port: number; rtcpPort?: number },
  ): Promise<void> {
    const transport = this.#transport(participantId, transportId);
    if (!isPlainTransport(transport)) {
      throw fail('TRANSPORT_WRONG_KIND', { transportId, kind: 'plain' });
    }
    if (transport.appData.comedia === true || transport.tuple.remotePort !== undefined) {
      throw fail('TRANSPORT_CONNECTED', { transportId });
    }
    await withClientParameters('plainTransport:connect', () =>
      transport.connect({
        ip: remote.ip,
        port: remote.port,
        ...(remote.rtcpPort !== undefined ? { rtcpPort: remote.rtcpPort } : {}),
      }),
    );
  }

  async produce(
    participantId: string,
    request: {
      transportId: string;
      kind: MediaKind;
      rtpParameters: RtpParameters;
      source: MediaSource;
    },
  ): Promise<string> {
    const participant = this.#admittedParticipant(participantId);
    if (!can(participant.identity.role, publishPermission(request.source))) {
      throw fail('ROLE_MAY_NOT_PUBLISH', {
        role: participant.identity.role,
        source: request.source,
      });
    }
    if (SOURCE_KIND[request.source] !== request.kind) {
      throw fail('SOURCE_KIND_MISMATCH', {
        source: request.source,
        kind: SOURCE_KIND[request.source],
      });
    }
    if (participant.producerBySource(request.source)) {
      throw fail('ALREADY_PUBLISHING', { source: request.source });
    }
    const transport = this.#transport(participantId, request.transportId, 'send');
    const appData: ProducerAppData = { participantId, source: request.source };
    const producer = await withClientParameters('producer:create', () =>
      transport.produce({ kind: request.kind, rtpParameters: request.rtpParameters, appData }),
    );
    participant.producers.set(producer.id, producer);
    this.#watchStalls();
    producer.observer.once('close', () => {
      participant.producers.delete(producer.id);
      participant.scores.delete(producer.id);
      this.#emit('producerClosed', participant, producer);
    });
    producer.on('score', (scores) => {
      participant.scores.set(
        producer.id,
        producerScore(scores, producer.rtpParameters.encodings ?? []),
      );
      this.#scheduleQuality();
    });
    if (request.source === 'microphone' && participant.mutedByMediator) {
      // Muted by the mediator before publishing: the microphone starts paused.
      await producer.pause();
    }
    if (producer.kind === 'audio') {
      await this.#speakerObserver
        .addProducer({ producerId: producer.id })
        .catch((error: unknown) => {
          participant.logger.warn(
            { err: error },
            'cannot observe audio producer for active speaker',
          );
        });
    }
    participant.logger.info(
      { producerId: producer.id, source: request.source },
      'producer created',
    );
    this.#broadcast('producer:new', producerInfo(producer), participantId);
    this.#emit('producerAdded', participant, producer);
    return producer.id;
  }

  async pauseProducer(participantId: string, producerId: string): Promise<void> {
    const producer = this.#ownProducer(participantId, producerId);
    await producer.pause();
    this.#broadcast('producer:paused', { producerId, participantId }, participantId);
    this.#emit('producerPaused', this.participant(participantId), producer, true);
  }

  async resumeProducer(participantId: string, producerId: string): Promise<void> {
    const producer = this.#ownProducer(participantId, producerId);
    if (producer.appData.source === 'microphone')
      this.#floor.assertMayUnmute(this.participant(participantId));
    await producer.resume();
    this.#broadcast('producer:resumed', { producerId, participantId }, participantId);
    this.#emit('producerPaused', this.participant(participantId), producer, false);
  }

  closeProducer(participantId: string, producerId: string): void {
    const producer = this.#ownProducer(participantId, producerId);
    producer.close();
    this.#broadcast('producer:closed', { producerId, participantId }, participantId);
  }

  async consume(
    participantId: string,
    transportId: string,
    producerId: string,
  ): Promise<ConsumerOptions> {
    await this.#liveRouter();
    return this.#consumeFor(this.#admittedParticipant(participantId), transportId, producerId);
  }

  /** As `#createTransportFor`: for this participant object, which may close meanwhile. */
  async #consumeFor(
    participant: Participant,
    transportId: string,
    producerId: string,
  ): Promise<ConsumerOptions> {
    const router = await this.#liveRouter();
    const participantId = participant.id;
    if (participant.closed) throw fail('NOT_JOINED');
    if (!can(participant.identity.role, 'media.consume')) {
      throw fail('ROLE_MAY_NOT_RECEIVE', { role: participant.identity.role });
    }
    const producer = this.#findProducer(producerId);
    if (!producer) throw new NotFoundError('Producer');
    if (producer.appData.participantId === participantId) {
      throw fail('OWN_MEDIA');
    }
    for (const c of participant.consumers.values()) {
      if (c.producerId === producerId) throw fail('ALREADY_CONSUMING');
    }
    if (!router.canConsume({ producerId, rtpCapabilities: participant.rtpCapabilities })) {
      throw fail('NO_COMMON_CODEC');
    }
    const transport = this.#transport(participant, transportId, 'recv');
    const appData: ConsumerAppData = {
      participantId,
      producerParticipantId: producer.appData.participantId,
      source: producer.appData.source,
    };
    // Created paused: the client resumes once its consumer is ready, so no
    // early key frame is lost. A camera starts on its lowest layer: its key
    // frame is a tenth of the top layer's, so the picture appears sooner; the
    // receiver asks for its tile's layer as soon as the tile has a size.
    const consumer = await withClientParameters('consumer:create', () =>
      transport.consume({
        producerId,
        rtpCapabilities: participant.rtpCapabilities,
        paused: true,
        ...(producer.type === 'simulcast' && producer.appData.source === 'camera'
          ? { preferredLayers: { spatialLayer: 0 } }
          : {}),
        appData,
      }),
    );
    if (participant.closed) {
      consumer.close();
      throw fail('NOT_JOINED');
    }
    participant.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => participant.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      participant.consumers.delete(consumer.id);
      participant.channel.notify('consumer:closed', { consumerId: consumer.id, producerId });
    });
    return {
      consumerId: consumer.id,
      producerId,
      participantId: producer.appData.participantId,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    const consumer = this.#ownConsumer(participantId, consumerId);
    consumer.appData.wanted = true;
    // During a caucus, media across the wall stays held on the server.
    if (!this.#floor.mayFlow(participantId, consumer.appData.producerParticipantId)) return;
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
  }

  async setPreferredLayers(
    participantId: string,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void> {
    const consumer = this.#ownConsumer(participantId, consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw fail('SINGLE_LAYER');
    }
    await consumer.setPreferredLayers({
      spatialLayer,
      ...(temporalLayer !== undefined ? { temporalLayer } : {}),
    });
  }

  /**
   * Copies a producer's RTP to a local receiver (a recorder): a plain
   * transport owned by the session, not by a participant, so it is invisible
   * to everyone in the call. The consumer takes the producer's best layer.
   */
  async tapProducer(
    producerId: string,
    receiver: { ip: string; port: number; rtcpPort: number },
  ): Promise<ProducerTap> {
    const router = await this.#liveRouter();
    const producer = this.#findProducer(producerId);
    if (!producer) throw new NotFoundError('Producer');
    const transport = await router.createPlainTransport({
      listenIp: { ip: this.#media.listenIp },
      rtcpMux: false,
      comedia: false,
    });
    this.#taps.add(transport);
    transport.observer.once('close', () => this.#taps.delete(transport));
    try {
      await transport.connect(receiver);
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: tapCapabilities(router.rtpCapabilities),
        paused: true,
      });
      if (consumer.type === 'simulcast') {
        await consumer.setPreferredLayers({ spatialLayer: 3, temporalLayer: 3 });
      }
      type EndReason = 'producer-closed' | 'router-closed';
      let onEnded: ((reason: EndReason) => void) | undefined;
      let endedBy: EndReason | undefined;
      let stopped = false;
      const end = (reason: EndReason) => {
        if (stopped || endedBy) return;
        endedBy = reason;
        transport.close();
        onEnded?.(reason);
      };
      consumer.on('producerclose', () => end('producer-closed'));
      transport.on('routerclose', () => end('router-closed'));
      return {
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        resume: () => consumer.resume(),
        requestKeyFrame: () => consumer.requestKeyFrame(),
        close: () => {
          stopped = true;
          transport.close();
        },
        onEnded: (listener) => {
          onEnded = listener;
          if (endedBy) listener(endedBy);
        },
      };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  // ── the floor: a SessionFloor (server/floor/) decides; this session routes ──

  #admitted(): Participant[] {
    return this.#floor.admitted();
  }

  #admittedParticipant(participantId: string): Participant {
    return this.#floor.admittedMember(participantId);
  }

  /** The admitted participants in the same room as `participantId` (evidence, chat). */
  roomOf(participantId: string): Participant[] {
    return this.#floor.roomOf(participantId);
  }

  get caucus(): CaucusState | null {
    return this.#floor.caucus;
  }

  get locked(): boolean {
    return this.#floor.locked;
  }

  /** Admits a waiting participant (see SessionFloor.admit: identity first, or a reason). */
  admit(byId: string, participantId: string, overrideReason?: string): void {
    this.#floor.admit(byId, participantId, overrideReason);
  }

  refuse(byId: string, participantId: string, reason?: string): void {
    this.#floor.refuse(byId, participantId, reason);
  }

  verifyIdentity(
    byId: string,
    participantId: string,
    result: 'confirmed' | 'failed',
    detail: Record<string, unknown>,
  ): void {
    this.#floor.verifyIdentity(byId, participantId, result, detail);
  }

  mute(byId: string, participantId: string): Promise<void> {
    return this.#floor.mute(byId, participantId);
  }

  muteAll(byId: string): Promise<number> {
    return this.#floor.muteAll(byId);
  }

  /** A mute's media side: the microphone paused here, on the server. */
  async #silence(target: Participant): Promise<void> {
    const mic = target.producerBySource('microphone');
    if (mic && !mic.paused) {
      // Paused here, on the server: whatever the muted browser sends goes nowhere.
      await mic.pause();
      this.#broadcast(
        'producer:paused',
        { producerId: mic.id, participantId: target.id },
        target.id,
      );
      this.#emit('producerPaused', target, mic, true);
    }
  }

  allowUnmute(byId: string, participantId: string): void {
    this.#floor.allowUnmute(byId, participantId);
  }

  /** Removes a participant for the rest of the session: they cannot rejoin with the same token. */
  remove(byId: string, participantId: string, reason?: string): void {
    this.#floor.remove(byId, participantId, reason);
  }

  isRemoved(participantId: string): boolean {
    return this.#floor.isRemoved(participantId);
  }

  lock(byId: string, locked: boolean): void {
    this.#floor.lock(byId, locked);
  }

  raiseHand(participantId: string, raised: boolean): void {
    this.#floor.raiseHand(participantId, raised);
  }

  /** Takes one side aside with the mediator; media across the wall is held (see #applyRouting). */
  startCaucus(byId: string, participantIds: string[], record: boolean): Promise<CaucusState> {
    return this.#floor.startCaucus(byId, participantIds, record);
  }

  endCaucus(byId: string): Promise<void> {
    return this.#floor.endCaucus(byId);
  }

  /** Pauses or resumes every consumer as the rooms now require (held: paused on the server). */
  async #applyRouting(): Promise<void> {
    const changes: Promise<unknown>[] = [];
    for (const p of this.#admitted()) {
      for (const c of p.consumers.values()) {
        const allowed = this.#floor.mayFlow(p.id, c.appData.producerParticipantId);
        if (!allowed && !c.paused) changes.push(c.pause());
        if (allowed && c.paused && c.appData.wanted === true) {
          changes.push(
            c
              .resume()
              .then(() =>
                c.kind === 'video' ? c.requestKeyFrame().catch(() => undefined) : undefined,
              ),
          );
        }
      }
    }
    await Promise.all(changes.map((c) => c.catch(() => undefined)));
  }

  chat(participantId: string, text: string): ChatMessage {
    return this.#floor.chat(participantId, text);
  }

  /** Connection quality to mediators, at most once a second. */
  #scheduleQuality(): void {
    if (this.#qualityTimer || this.#closed) return;
    this.#qualityTimer = setTimeout(() => {
      this.#qualityTimer = undefined;
      for (const p of this.#admitted()) {
        if (p.scores.size === 0) continue;
        const producers = Object.fromEntries(p.scores);
        this.#toMediators('quality:update', {
          participantId: p.id,
          score: Math.min(...p.scores.values()),
          producers,
        });
      }
    }, 1_000);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#qualityTimer);
    clearInterval(this.#stallTimer);
    for (const timer of this.#graceTimers) clearTimeout(timer);
    this.#graceTimers.clear();
    for (const p of this.#participants.values()) this.#emit('participantLeft', p, 'session-closed');
    for (const p of this.#participants.values()) p.close();
    this.#participants.clear();
    for (const tap of this.#taps) tap.close();
    this.#taps.clear();
    // Transports are closed above, before the router and long before the
    // worker's WebRtcServer (see WorkerPool.close).
    this.#router?.close();
    this.#logger.info('live session closed');
    this.#emit('closed');
    this.#listeners.clear();
    this.#onClose?.();
  }

  /** Producer descriptions of everyone, for tests and diagnostics. */
  dump(): {
    workerPid: number;
    routerId: string;
    participants: { id: string; producers: ProducerInfo[]; consumers: number }[];
  } {
    return {
      workerPid: this.#host.worker.pid,
      routerId: this.#router.id,
      participants: this.participants().map((p) => ({
        id: p.id,
        producers: [...p.producers.values()].map((pr) => producerInfo(pr)),
        consumers: p.consumers.size,
      })),
    };
  }

  async #attachRouter(): Promise<void> {
    const { router, host } = await this.#pool.createRouter<RouterAppData>({
      mediaCodecs: SESSION_MEDIA_CODECS,
      appData: { sessionId: this.sessionId, caseId: this.caseId },
    });
    if (this.#closed) {
      router.close();
      return;
    }
    this.#router = router;
    this.#host = host;
    this.#speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    this.#speakerObserver.on('dominantspeaker', ({ producer }) => {
      const owner = (producer.appData as Partial<ProducerAppData>).participantId;
      this.#setActiveSpeaker(owner ?? null);
    });
    router.on('workerclose', () => this.#onWorkerLost());
  }

  #onWorkerLost(): void {
    if (this.#closed || this.#recovering) return;
    this.#logger.warn(
      { workerIndex: this.#host.index },
      'worker of this session died; rebuilding its router',
    );
    for (const p of this.#participants.values()) p.resetMedia();
    this.#taps.clear();
    this.#emit('mediaReset');
    this.#recovering = this.#recover().finally(() => {
      this.#recovering = undefined;
    });
  }

  async #recover(): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#attachRouter();
        this.#logger.info(
          { workerIndex: this.#host.index },
          'session router rebuilt; asking clients to reconnect media',
        );
        this.#broadcast('media:reset', { reason: 'worker-died' });
        return;
      } catch (error) {
        this.#logger.error({ err: error }, 'cannot rebuild session router; retrying');
        await new Promise((r) => setTimeout(r, RECOVERY_RETRY_MS));
      }
    }
  }

  #setActiveSpeaker(participantId: string | null): void {
    if (this.#activeSpeaker === participantId) return;
    this.#activeSpeaker = participantId;
    // Nobody outside a caucus learns who speaks inside it.
    for (const p of this.#admitted()) {
      p.channel.notify('speaker:active', { participantId: this.#speakerFor(p) });
    }
  }

  #speakerFor(p: Participant): string | null {
    const speaker = this.#activeSpeaker;
    return speaker !== null && this.#floor.mayFlow(p.id, speaker) ? speaker : null;
  }

  async #liveRouter(): Promise<Router<RouterAppData>> {
    this.#assertOpen();
    if (this.#recovering) await this.#recovering;
    this.#assertOpen();
    if (this.#router.closed) throw fail('ROUTER_REBUILDING');
    return this.#router;
  }

  #assertOpen(): void {
    if (this.#closed) throw fail('SESSION_HAS_ENDED');
  }

  #assertMayOpen(participant: Participant, direction: TransportDirection): void {
    const role = participant.identity.role;
    if (direction === 'send' && !MEDIA_SOURCES.some((s) => can(role, publishPermission(s)))) {
      throw fail('ROLE_MAY_NOT_PUBLISH', { role, source: 'media' });
    }
  }

  /** A transport of either type (WebRTC or plain) the participant owns. */
  /** `who`: the participant object itself where it may have been replaced meanwhile. */
  #transport(
    who: string | Participant,
    transportId: string,
    direction?: TransportDirection,
  ): ParticipantTransport {
    const owner = typeof who === 'string' ? this.participant(who) : who;
    const transport = owner.transports.get(transportId);
    if (!transport) throw new NotFoundError('Transport');
    if (direction && transport.appData.direction !== direction) {
      throw fail('TRANSPORT_WRONG_KIND', { transportId, kind: direction });
    }
    return transport;
  }

  /** A WebRTC transport; plain transports stay invisible to the signaling contract. */
  #webRtcTransport(participantId: string, transportId: string): WebRtcTransport<TransportAppData> {
    const transport = this.#transport(participantId, transportId);
    if (!isWebRtcTransport(transport)) throw new NotFoundError('Transport');
    return transport;
  }

  #ownProducer(participantId: string, producerId: string) {
    const producer = this.participant(participantId).producers.get(producerId);
    if (!producer) throw new NotFoundError('Producer');
    return producer;
  }

  #ownConsumer(participantId: string, consumerId: string) {
    const consumer = this.participant(participantId).consumers.get(consumerId);
    if (!consumer) throw new NotFoundError('Consumer');
    return consumer;
  }

  #findProducer(producerId: string) {
    for (const p of this.#participants.values()) {
      const producer = p.producers.get(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  /** Sends a notification to everyone in the session. */
  notifyAll<E extends NotificationName>(event: E, payload: NotificationMap[E]): void {
    this.#broadcast(event, payload);
  }

  /** To every admitted participant (the floor decides who hears what). */
  #broadcast<E extends NotificationName>(
    event: E,
    payload: NotificationMap[E],
    exceptParticipantId?: string,
  ): void {
    this.#floor.broadcast(event, payload, exceptParticipantId);
  }

  #toMediators<E extends NotificationName>(event: E, payload: NotificationMap[E]): void {
    this.#floor.toMediators(event, payload);
  }
}

function producerInfo(producer: {
  id: string;
  kind: MediaKind;
  paused: boolean;
  appData: ProducerAppData;
}): ProducerInfo {
  return {
    producerId: producer.id,
    participantId: producer.appData.participantId,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
  };
}

/** A local process reaches a transport bound to the unspecified address on loopback. */
function reachableIp(localIp: string): string {
  if (localIp === '0.0.0.0') return '127.0.0.1';
  if (localIp === '::') return '::1';
  return localIp;
}

/**
 * What a recorder receives: the media codecs without RTX, header extensions
 * or congestion-control feedback. FFmpeg sends no feedback, so those would
 * only make the worker run a bandwidth estimator (and probe) for nothing.
 */
function tapCapabilities(router: RtpCapabilities): RtpCapabilities {
  return {
    codecs: (router.codecs ?? [])
      .filter((c) => !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({
        ...c,
        rtcpFeedback: (c.rtcpFeedback ?? []).filter(
          (f) => f.type !== 'transport-cc' && f.type !== 'goog-remb',
        ),
      })),
    headerExtensions: [],
  };
}
