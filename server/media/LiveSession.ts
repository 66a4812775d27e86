/**
 * The media side of one live mediation session, as the rest of the server
 * sees it: the participants in it and what each publishes and receives.
 * Knows nothing of Socket.IO: participants are reached through their
 * channel. The mediator's floor (admission, identity, moderation, caucus,
 * hands, chat) is a SessionFloor this session hosts and delegates to;
 * routing asks it whether media may flow between two participants.
 *
 * This class keeps the participants (join, leave, a dropped connection's
 * grace, the snapshot a participant sees) and composes the parts: the
 * router and its rebuild after a worker death (SessionRouter.ts),
 * transports (transports.ts), producers (producers.ts), consumers and
 * routing (consumers.ts), recorder taps (taps.ts), stalls, a dropped
 * connection's grace and connection quality (health.ts).
 */
import type { DtlsParameters, RtpCapabilities } from 'mediasoup/node/lib/types.js';
import type {
  CaucusState,
  ChatMessage,
  ConsumerOptions,
  IceParameters,
  JoinResult,
  RecordingState,
  NotificationMap,
  NotificationName,
  ProducerInfo,
  ReceiveSetup,
  TransportOptions,
} from '../../signaling/index.js';
import { can } from '../../signaling/index.js';
import type { Config } from '../config.js';
import { fail, NotFoundError, withClientParameters } from '../errors.js';
import { SessionFloor } from '../floor/SessionFloor.js';
import type { SessionMemory } from '../floor/SessionMemory.js';
import type { Logger } from '../logger.js';
import { receiveAhead, snapshotFor } from './arrival.js';
import { applyRouting, consume, ownConsumer, preferLayers, wantFlow } from './consumers.js';
import { SessionListeners, type LeaveReason, type LiveSessionListener } from './events.js';
import { ConnectionHealth } from './health.js';
import {
  Participant,
  type ParticipantChannel,
  type ParticipantIdentity,
  type SessionProducer,
  type TransportDirection,
} from './Participant.js';
import {
  findProducer,
  ownProducer,
  producerInfo,
  publish,
  type PublishRequest,
} from './producers.js';
import { SessionRouter } from './SessionRouter.js';
import { ActiveSpeaker } from './speaker.js';
import { ProducerTaps, type ProducerTap, type TapReceiver } from './taps.js';
import {
  connectPlainTransport,
  openPlainTransport,
  openWebRtcTransport,
  ownWebRtcTransport,
  type PlainTransportInfo,
  type TransportSite,
} from './transports.js';
import type { WorkerPool } from './WorkerPool.js';

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
export type { SessionProducer } from './Participant.js';
export type { ProducerTap } from './taps.js';
export type { PlainTransportInfo } from './transports.js';
export type { LeaveReason, LiveSessionListener } from './events.js';

export class LiveSession {
  readonly sessionId: string;
  readonly caseId: string;
  readonly #media: Config['media'];
  readonly #logger: Logger;
  readonly #participants = new Map<string, Participant>();
  #router!: SessionRouter;
  readonly #speaker: ActiveSpeaker;
  #closed = false;
  #onClose: (() => void) | undefined;
  readonly #listeners: SessionListeners;
  /** Producer taps (recorders), closed with the session. */
  readonly #taps = new ProducerTaps();
  readonly #floor: SessionFloor<Participant>;
  readonly #health: ConnectionHealth;
  readonly #recordingState: (sessionId: string) => RecordingState | null;

  private constructor(options: LiveSessionOptions) {
    this.#recordingState = options.recordingState ?? (() => null);
    this.sessionId = options.sessionId;
    this.caseId = options.caseId;
    this.#media = options.media;
    this.#logger = options.logger.child({ caseId: options.caseId, sessionId: options.sessionId });
    this.#listeners = new SessionListeners(this.#logger);
    this.#floor = new SessionFloor<Participant>({
      members: this.#participants,
      logger: this.#logger,
      ...(options.memory ? { memory: options.memory } : {}),
      host: {
        silence: (member) => this.#silence(member),
        reroute: () => applyRouting(this.#admitted(), this.#mayFlow),
        announceSpeakers: () => this.#speaker.announce(),
        dismiss: (member) => {
          this.#remove(member.id, 'left');
          member.channel.disconnect();
        },
        admitted: (member) => void this.#grant(member),
        floorEvent: (event) => this.#listeners.emit('floor', event),
        privatePhase: (phase) => this.#listeners.emit('privatePhase', phase),
      },
    });
    this.#speaker = new ActiveSpeaker({ admitted: () => this.#admitted(), mayFlow: this.#mayFlow });
    this.#health = new ConnectionHealth({
      admitted: () => this.#admitted(),
      updated: (p) => this.#broadcast('participant:updated', p.info(), p.id),
      toMediators: (event, payload) => this.#toMediators(event, payload),
    });
  }

  static async create(options: LiveSessionOptions): Promise<LiveSession> {
    const session = new LiveSession(options);
    session.#router = await SessionRouter.create({
      pool: options.pool,
      appData: { sessionId: session.sessionId, caseId: session.caseId },
      logger: session.#logger,
      isClosed: () => session.#closed,
      onDominantSpeaker: (participantId) => session.#speaker.set(participantId),
      onLost: () => {
        for (const p of session.#participants.values()) p.resetMedia();
        session.#taps.forget();
        session.#listeners.emit('mediaReset');
      },
      onRebuilt: () => session.#broadcast('media:reset', { reason: 'worker-died' }),
    });
    session.#logger.info({ workerIndex: session.#router.host.index }, 'live session opened');
    return session;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The media router is gone (its worker died) and not rebuilt yet. */
  get mediaLost(): boolean {
    return this.#router.lost;
  }

  get participantCount(): number {
    return this.#participants.size;
  }

  /** The worker this session's router lives on (tests, statistics). */
  get workerPid(): number {
    return this.#router.host.worker.pid;
  }

  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  /** Observes the session until it closes; returns the function that stops observing. */
  addListener(listener: LiveSessionListener): () => void {
    return this.#listeners.add(listener);
  }

  participant(participantId: string): Participant {
    const p = this.#participants.get(participantId);
    if (!p || p.closed) throw fail('NOT_JOINED');
    return p;
  }

  async rtpCapabilities(): Promise<RtpCapabilities> {
    return (await this.#router.live()).rtpCapabilities;
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
    await this.#router.live();
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
    this.#listeners.emit('participantJoined', participant);
    if (admitted && can(identity.role, 'session.moderate')) this.#health.reportTo(participant);
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

  /** What `participant` sees of the session (see arrival.ts). */
  #snapshot(participant: Participant): JoinResult {
    return snapshotFor(participant, {
      caseId: this.caseId,
      sessionId: this.sessionId,
      recording: () => this.#recordingState(this.sessionId),
      floor: this.#floor,
      speakerFor: (p) => this.#speaker.for(p),
    });
  }

  /** Their receive side made ahead, if they asked at join (see arrival.ts). */
  #receiveSetup(participant: Participant): Promise<ReceiveSetup | undefined> {
    return receiveAhead(participant, {
      admitted: () => this.#admitted(),
      openReceive: async (p) => openWebRtcTransport(await this.#site(), p, 'recv'),
      consume: (p, transportId, producerId) => this.#consumeFor(p, transportId, producerId),
    });
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
    this.#health.keepPlace(graceMs, () => {
      if (this.#participants.get(participant.id) === participant && !participant.closed)
        this.leave(participant.id, 'disconnected');
    });
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
    this.#listeners.emit('participantLeft', participant, reason);
    participant.close();
    if (participant.admission === 'admitted') {
      this.#broadcast('participant:left', { participantId }, participantId);
    } else {
      this.#toMediators('participant:left', { participantId });
    }
    this.#speaker.left(participantId);
    participant.logger.info('participant left');
  }

  participants(): Participant[] {
    return [...this.#participants.values()];
  }

  async createTransport(
    participantId: string,
    direction: TransportDirection,
  ): Promise<TransportOptions> {
    await this.#router.live();
    const participant = this.#admittedParticipant(participantId);
    return openWebRtcTransport(await this.#site(), participant, direction);
  }

  async connectTransport(
    participantId: string,
    transportId: string,
    dtlsParameters: DtlsParameters,
  ): Promise<void> {
    const transport = ownWebRtcTransport(this.participant(participantId), transportId);
    await withClientParameters('transport:connect', () => transport.connect({ dtlsParameters }));
  }

  async restartIce(participantId: string, transportId: string): Promise<IceParameters> {
    const transport = ownWebRtcTransport(this.participant(participantId), transportId);
    return withClientParameters('transport:restartIce', () => transport.restartIce());
  }

  /**
   * A plain (unencrypted) RTP transport for server-side media: a recorder, a
   * synthetic participant. Not reachable through the signaling contract.
   * Unlike WebRTC transports, a participant may own several per direction
   * (one per stream, as FFmpeg sends each from its own port). See
   * `openPlainTransport` for where it listens and how it learns its peer.
   */
  async createPlainTransport(
    participantId: string,
    options: { direction: TransportDirection; comedia?: boolean },
  ): Promise<PlainTransportInfo> {
    const site = await this.#site();
    return openPlainTransport(site, this.#admittedParticipant(participantId), options);
  }

  /** Tells a non-comedia plain transport where its peer listens. */
  async connectPlainTransport(
    participantId: string,
    transportId: string,
    remote: { ip: string; port: number; rtcpPort?: number },
  ): Promise<void> {
    await connectPlainTransport(this.participant(participantId), transportId, remote);
  }

  async produce(participantId: string, request: PublishRequest): Promise<string> {
    const participant = this.#admittedParticipant(participantId);
    const producer = await publish(participant, request, {
      watch: () => this.#health.watch(),
      scored: () => this.#health.scoreChanged(),
      closed: (closed) => this.#listeners.emit('producerClosed', participant, closed),
      observeSpeaker: (producerId) => this.#router.observeSpeaker(producerId),
    });
    this.#broadcast('producer:new', producerInfo(producer), participantId);
    this.#listeners.emit('producerAdded', participant, producer);
    return producer.id;
  }

  async pauseProducer(participantId: string, producerId: string): Promise<void> {
    const producer = ownProducer(this.participant(participantId), producerId);
    await producer.pause();
    this.#broadcast('producer:paused', { producerId, participantId }, participantId);
    this.#listeners.emit('producerPaused', this.participant(participantId), producer, true);
  }

  async resumeProducer(participantId: string, producerId: string): Promise<void> {
    const producer = ownProducer(this.participant(participantId), producerId);
    if (producer.appData.source === 'microphone')
      this.#floor.assertMayUnmute(this.participant(participantId));
    await producer.resume();
    this.#broadcast('producer:resumed', { producerId, participantId }, participantId);
    this.#listeners.emit('producerPaused', this.participant(participantId), producer, false);
  }

  closeProducer(participantId: string, producerId: string): void {
    const producer = ownProducer(this.participant(participantId), producerId);
    producer.close();
    this.#broadcast('producer:closed', { producerId, participantId }, participantId);
  }

  async consume(
    participantId: string,
    transportId: string,
    producerId: string,
  ): Promise<ConsumerOptions> {
    await this.#router.live();
    return this.#consumeFor(this.#admittedParticipant(participantId), transportId, producerId);
  }

  /** For this participant object, not whoever holds its id by now: it may close meanwhile. */
  async #consumeFor(participant: Participant, transportId: string, producerId: string) {
    const router = await this.#router.live();
    return consume(router, participant, transportId, producerId, (id) => this.#findProducer(id));
  }

  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    await wantFlow(ownConsumer(this.participant(participantId), consumerId), this.#mayFlow);
  }

  async setPreferredLayers(
    participantId: string,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void> {
    const consumer = ownConsumer(this.participant(participantId), consumerId);
    await preferLayers(consumer, spatialLayer, temporalLayer);
  }

  /**
   * Copies a producer's RTP to a local receiver (a recorder): a plain
   * transport owned by the session, not by a participant, so it is invisible
   * to everyone in the call (see taps.ts).
   */
  async tapProducer(producerId: string, receiver: TapReceiver): Promise<ProducerTap> {
    const router = await this.#router.live();
    const producer = this.#findProducer(producerId);
    if (!producer) throw new NotFoundError('Producer');
    return this.#taps.open(router, this.#media.listenIp, producer, receiver);
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
      this.#listeners.emit('producerPaused', target, mic, true);
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

  /** Takes one side aside with the mediator; media across the wall is held (see consumers.ts). */
  startCaucus(byId: string, participantIds: string[], record: boolean): Promise<CaucusState> {
    return this.#floor.startCaucus(byId, participantIds, record);
  }

  endCaucus(byId: string): Promise<void> {
    return this.#floor.endCaucus(byId);
  }

  chat(participantId: string, text: string): ChatMessage {
    return this.#floor.chat(participantId, text);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#health.close();
    for (const p of this.#participants.values())
      this.#listeners.emit('participantLeft', p, 'session-closed');
    for (const p of this.#participants.values()) p.close();
    this.#participants.clear();
    this.#taps.closeAll();
    // Transports are closed above, before the router and long before the
    // worker's WebRtcServer (see WorkerPool.close).
    this.#router?.close();
    this.#logger.info('live session closed');
    this.#listeners.emit('closed');
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
      workerPid: this.#router.host.worker.pid,
      routerId: this.#router.router.id,
      participants: this.participants().map((p) => ({
        id: p.id,
        producers: [...p.producers.values()].map((pr) => producerInfo(pr)),
        consumers: p.consumers.size,
      })),
    };
  }

  /** Where transports are made: the live router (once any rebuild is done) and its worker. */
  async #site(): Promise<TransportSite> {
    const router = await this.#router.live();
    return { router, host: this.#router.host, media: this.#media };
  }

  /** Whether media may flow to `toId` from `fromId` (the floor's rooms). */
  readonly #mayFlow = (toId: string, fromId: string): boolean => this.#floor.mayFlow(toId, fromId);

  #findProducer(producerId: string): SessionProducer | undefined {
    return findProducer(this.#participants.values(), producerId);
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
