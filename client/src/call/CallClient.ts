/**
 * The browser side of a mediation session's media: one mediasoup Device, a
 * send and a receive transport, a producer per local track and a consumer
 * per remote one. Rebuilds everything by itself when the server says the
 * media was reset (a worker died) or when the socket reconnects.
 *
 * This file keeps the session: the join, the waiting room, the event wiring
 * and the order of a rebuild. The sending side is `Publisher.ts`, the
 * receiving side (consumers, layers, recovery) `Receiver.ts`, the transports
 * `transport.ts`, the device `device.ts`.
 */
import type { Transport } from 'mediasoup-client/lib/types';
import type {
  EvidenceSummary,
  JoinResult,
  ParticipantInfo,
  ProducerInfo,
  ReceiveSetup,
  RecordingState,
  ResponseOf,
  RtpCapabilities,
} from '../../../signaling/index.js';
import type { HandshakeRefusal } from '../../../signaling/errors.js';
import type { Reason } from '../../../signaling/reasons.js';
import { RequestError, SignalingClient } from '../shared/signaling.js';
import type { CallEvents, FatalReason, LocalTracks, RemoteTrack } from './callEvents.js';
import { RouterDevice } from './device.js';
import type { QualityLevel } from './encodings.js';
import type { InboundMedia, OutboundCamera } from './mediaStats.js';
import { Publisher } from './Publisher.js';
import { Receiver, type Deferred } from './Receiver.js';
import { createTransport, makeTransport, type Direction } from './transport.js';

export type { CallEvents, CallStatus, FatalReason, RemoteTrack } from './callEvents.js';
export type { InboundMedia, OutboundCamera } from './mediaStats.js';

/** Joins asked while the session's node does not answer, a second apart (its lease is 3 s). */
const JOIN_ATTEMPTS = 10;
const JOIN_RETRY_MS = 1_000;

export class CallClient {
  readonly signaling: SignalingClient;
  readonly #events: CallEvents;
  /** Made ahead of the join by `prepare()`, with the connection. */
  readonly #device: RouterDevice;
  #join: JoinResult | undefined;
  #participants = new Map<string, ParticipantInfo>();
  readonly #publisher: Publisher;
  readonly #receiver: Receiver;
  /** Settles when the tracks given to `join` are there (the camera may answer after the click). */
  #localReady: Promise<void> = Promise.resolve();
  /** Bumped by every teardown of the media: publishing of an older build stops. */
  #mediaRound = 0;
  #wantJoined = false;
  /** Serialises join/rebuild so a reset arriving mid-join waits its turn. */
  #queue: Promise<void> = Promise.resolve();

  /**
   * `connection`: the credential, or the page's signalling connection opened
   * with it already (the page connects before this client's code has loaded).
   */
  constructor(
    connection: string | SignalingClient,
    capabilities: Promise<{ rtpCapabilities: RtpCapabilities }> | undefined,
    events: CallEvents,
    url?: string,
  ) {
    this.#events = events;
    this.signaling =
      typeof connection === 'string'
        ? new SignalingClient(connection, url, { follow: true })
        : connection;
    const s = this.signaling;
    // The routers' capabilities fetched over HTTP by the page, if it did; else asked on the socket.
    this.#device = new RouterDevice(capabilities, async () => {
      await this.#connected();
      return (await s.request('media:capabilities', {})).rtpCapabilities;
    });
    this.#publisher = new Publisher(s, () => this.#createTransport('send'));
    this.#receiver = new Receiver({
      signaling: s,
      events,
      selfId: () => this.#join?.self.participantId,
      participants: () => this.participants(),
      wanted: () => this.#wantJoined,
    });

    if (s.connected) performance.mark('mediation: socket connected');
    s.onLifecycle('connect', () => performance.mark('mediation: socket connected'));
    const refused = (
      error: Error & { data?: { reason?: HandshakeRefusal; detail?: Reason } },
    ): void => {
      const reason = error.data?.reason;
      if (!reason) return;
      // A removed participant's token is refused at the handshake for the rest of the session.
      this.#stop(error.data?.detail === 'PARTICIPANT_REMOVED' ? 'removed' : reason);
    };
    s.onLifecycle('connect_error', refused);
    // Refused before this client existed: the page ends now, as it would have then.
    if (s.lastConnectError && !s.connected) {
      const early = s.lastConnectError;
      queueMicrotask(() => refused(early));
    }
    s.onLifecycle('disconnect', (reason) => {
      if (this.#wantJoined && reason !== 'io client disconnect') {
        this.#receiver.beginRecovery();
        events.status('reconnecting');
      }
    });
    s.onLifecycle('reconnect', () => {
      // A new socket is a new participant on the server: join again, rebuild media.
      if (this.#wantJoined) this.#enqueue(() => this.#joinAndBuild());
    });

    s.on('participant:joined', (p) => {
      this.#participants.set(p.participantId, p);
      events.participants(this.participants());
    });
    s.on('participant:updated', (p) => {
      if (p.participantId === this.#join?.self.participantId) {
        this.#updateSelf(p);
        return;
      }
      if (!this.#participants.has(p.participantId)) return;
      this.#participants.set(p.participantId, p);
      events.participants(this.participants());
    });
    s.on('admission:granted', (result) => {
      performance.mark('mediation: admitted');
      if (!this.#wantJoined) return;
      this.#applyJoin(result);
      this.#events.status('joining');
      // Producers announced from now on wait for the receive transport being made.
      const recv = this.#receiver.expectTransport();
      this.#enqueue(() => this.#rebuildMedia(result.producers, recv, result.receive));
    });
    s.on('admission:refused', ({ reason }) => this.#stop('refused', reason));
    s.on('session:removed', ({ reason }) => this.#stop('removed', reason));
    s.on('participant:left', ({ participantId }) => {
      this.#participants.delete(participantId);
      this.#receiver.dropParticipant(participantId);
      events.participants(this.participants());
    });
    s.on(
      'producer:new',
      (p) =>
        void this.#receiver.consume(p).catch((e: unknown) => console.warn('consume failed', e)),
    );
    s.on('producer:closed', ({ producerId }) => this.#receiver.dropProducer(producerId));
    s.on('consumer:closed', ({ consumerId }) => this.#receiver.drop(consumerId));
    s.on('producer:paused', ({ producerId }) => this.#receiver.setPaused(producerId, true));
    s.on('producer:resumed', ({ producerId }) => this.#receiver.setPaused(producerId, false));
    s.on('speaker:active', ({ participantId }) => events.activeSpeaker(participantId));
    s.on('evidence:presented', (p) => events.evidencePresented(p));
    s.on('evidence:stopped', ({ presenterId }) => events.evidenceStopped(presenterId));
    s.on('recording:state', ({ recording }) => events.recordingState(recording));
    s.on('media:reset', () => {
      this.#receiver.beginRecovery();
      events.status('reconnecting', 'mediaReset');
      // Producers announced after the reset wait for the new receive transport.
      this.#closeMedia();
      const recv = this.#receiver.expectTransport();
      this.#enqueue(() => this.#rebuildMedia([], recv));
    });
    s.on('session:replaced', () => this.#stop('replaced'));
    s.on('access:withdrawn', ({ reason }) => this.#stop(reason));
  }

  /** Ends the call for good: no reconnection, no retry. */
  #stop(reason: FatalReason, detail?: string): void {
    this.#wantJoined = false;
    this.#receiver.finishRecovery();
    this.#closeMedia();
    this.signaling.close();
    this.#events.fatal(reason, detail);
  }

  /** Whether the mediator has muted this participant (the microphone stays off until allowed). */
  get mutedByMediator(): boolean {
    return this.#join?.self.mutedByMediator ?? false;
  }

  #updateSelf(self: ParticipantInfo): void {
    const join = this.#join;
    if (!join) return;
    this.#join = { ...join, self };
    if (self.mutedByMediator) this.#publisher.followMediatorMute();
    this.#events.selfUpdated(self);
  }

  get self(): ParticipantInfo | undefined {
    return this.#join?.self;
  }

  get joinResult(): JoinResult | undefined {
    return this.#join;
  }

  participants(): ParticipantInfo[] {
    return [...this.#participants.values()];
  }

  remoteTracks(): RemoteTrack[] {
    return this.#receiver.remoteTracks();
  }

  /**
   * Connects and loads the router's capabilities while the page still shows
   * the device check, so that joining is one request away from media. Joins
   * nothing: nobody in the session sees this page until `join`. A refused
   * credential ends the page here, before the party presses join in vain.
   */
  prepare(): void {
    void this.#device.ready().catch(() => undefined);
  }

  #connected(): Promise<void> {
    return this.signaling.whenConnected();
  }

  /**
   * Joins with the given local tracks (either may be absent). They may still
   * be on their way: receiving the others starts at once, publishing when
   * the tracks are there, so a tap on join need not wait for the camera.
   */
  join(local: LocalTracks | Promise<LocalTracks>): Promise<void> {
    this.#localReady = Promise.resolve(local).then(
      (tracks) => this.#publisher.useTracks(tracks),
      () => undefined,
    );
    this.#wantJoined = true;
    this.#events.status('joining');
    return this.#enqueue(() => this.#joinAndBuild());
  }

  setMuted(source: 'microphone' | 'camera', muted: boolean): Promise<void> {
    return this.#publisher.setMuted(source, muted);
  }

  /** Publishes a screen (getDisplayMedia) track until it ends or is stopped. */
  async startScreenShare(track: MediaStreamTrack): Promise<void> {
    this.#publisher.useScreen(track);
    track.addEventListener('ended', () => void this.stopScreenShare());
    await this.#enqueueStrict(() => this.#publisher.produceScreen());
  }

  stopScreenShare(): Promise<void> {
    return this.#publisher.stopScreenShare();
  }

  get sharingScreen(): boolean {
    return this.#publisher.sharingScreen;
  }

  /** The case's evidence this participant may see (and so present). */
  async listEvidence(): Promise<EvidenceSummary[]> {
    return (await this.signaling.request('evidence:list', {})).items;
  }

  /** Opens an item of evidence on the screens of everyone allowed to see it; says who they are. */
  async presentEvidence(evidenceId: string): Promise<ResponseOf<'evidence:present'>> {
    return this.signaling.request('evidence:present', { evidenceId });
  }

  async stopPresenting(): Promise<void> {
    await this.signaling.request('evidence:stop', {});
  }

  /** Starts recording the session (mediator); the server counts it as the mediator's own consent. */
  async startRecording(): Promise<RecordingState> {
    return (await this.signaling.request('recording:start', {})).recording;
  }

  async stopRecording(): Promise<void> {
    await this.signaling.request('recording:stop', {});
  }

  /** Acknowledges the recording notice: only then is this participant's media recorded. */
  async acknowledgeRecording(recordingId: string): Promise<RecordingState> {
    return (await this.signaling.request('recording:acknowledge', { recordingId })).recording;
  }

  /** Withdraws consent: this participant's media is no longer recorded. */
  async withdrawRecordingConsent(recordingId: string): Promise<RecordingState> {
    return (await this.signaling.request('recording:withdraw', { recordingId })).recording;
  }

  setPreferredLayer(consumerId: string, spatialLayer: number): Promise<void> {
    return this.#receiver.setPreferredLayer(consumerId, spatialLayer);
  }

  /**
   * Asks for 高, 中 or 低 of a remote camera, mapped onto the layers its
   * sender really has: a sender with a small camera sends fewer than three.
   */
  setQuality(consumerId: string, level: QualityLevel): Promise<void> {
    return this.#receiver.setQuality(consumerId, level);
  }

  async leave(): Promise<void> {
    this.#wantJoined = false;
    this.#receiver.finishRecovery();
    try {
      if (this.signaling.connected) await this.signaling.request('session:leave', {});
    } catch {
      // Leaving must always succeed locally.
    }
    this.#closeMedia();
    this.signaling.close();
    this.#events.status('left');
  }

  /**
   * The page is going away (tab closed, reload, another address): says so to
   * the server in the same task, so that the others see the person leave
   * instead of 重连中 for the whole reconnection grace. A reload joins again
   * by itself (the tab keeps its credential) and keeps its admission.
   */
  leaveOnUnload(): void {
    if (!this.#wantJoined || !this.signaling.connected) return;
    this.#wantJoined = false;
    this.signaling.send('session:leave', {});
  }

  /** Bytes received per participant and kind: read by the end-to-end tests and the quality view. */
  inboundStats(): Promise<Record<string, { audio: number; video: number }>> {
    return this.#receiver.inboundStats();
  }

  /**
   * Per remote participant: audio packets received and the size of the video
   * last decoded (diagnostics for the end-to-end tests: a rate-limited sender's
   * audio must keep arriving while its video drops to a lower layer).
   */
  inboundMedia(): Promise<Record<string, InboundMedia>> {
    return this.#receiver.inboundMedia();
  }

  /** What this page's camera sends, per simulcast layer, and the sender's bandwidth estimate. */
  outboundCamera(): Promise<OutboundCamera | null> {
    return this.#publisher.outboundCamera();
  }

  /** The browser's statistics of this page's own transports (connection quality). */
  async transportStats(): Promise<RTCStatsReport[]> {
    const transports: Transport[] = [];
    const send = this.#publisher.openTransport;
    if (send) transports.push(send);
    const recv = await this.#receiver.openTransport();
    if (recv) transports.push(recv);
    return Promise.all(transports.map((tr) => tr.getStats()));
  }

  /** Like #enqueue, but the caller sees the failure. */
  #enqueueStrict(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task).catch((error: unknown) => {
      if (!this.#wantJoined) return;
      const message = error instanceof Error ? error.message : String(error);
      if (
        error instanceof RequestError &&
        (error.code === 'DISCONNECTED' || error.code === 'TIMEOUT')
      ) {
        this.#events.status('reconnecting');
        return;
      }
      this.#events.status('failed', message);
    });
    this.#queue = run;
    return run;
  }

  async #joinAndBuild(): Promise<void> {
    await this.#connected();
    // Loaded once (by `prepare` as a rule): the routers' codecs do not change on a reconnect.
    const device = await this.#device.ready();
    let join: JoinResult;
    try {
      join = await this.#joinRequest(device.rtpCapabilities as RtpCapabilities);
    } catch (error) {
      // Locked to newcomers, or removed: retrying cannot help.
      if (error instanceof RequestError && error.code === 'FORBIDDEN') {
        const reason =
          error.reason === 'SESSION_LOCKED'
            ? 'locked'
            : error.reason === 'PARTICIPANT_REMOVED'
              ? 'removed'
              : 'forbidden';
        // The server's words only where they add to ours (an unexpected refusal).
        this.#stop(reason, reason === 'forbidden' ? error.message : undefined);
        return;
      }
      throw error;
    }
    performance.mark('mediation: join answered');
    this.#applyJoin(join);
    if (join.admission === 'waiting') {
      // No media until the mediator admits: `admission:granted` carries on from here.
      this.#closeMedia();
      this.#events.status('waiting');
      return;
    }
    await this.#rebuildMedia(join.producers, undefined, join.receive);
  }

  /**
   * `session:join`, asked again while the node holding the session does not answer: it died
   * and its lease (3 s) has not run out, after which the join places the session on a live
   * node (several nodes; a page that came back at once from a dead node meets this).
   */
  async #joinRequest(rtpCapabilities: RtpCapabilities): Promise<JoinResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.signaling.request('session:join', { rtpCapabilities, receive: true });
      } catch (error) {
        const retry =
          error instanceof RequestError &&
          error.reason === 'SESSION_NODE_UNREACHABLE' &&
          attempt < JOIN_ATTEMPTS &&
          this.#wantJoined &&
          this.signaling.connected;
        if (!retry) throw error;
        this.#events.status('reconnecting');
        await new Promise((r) => setTimeout(r, JOIN_RETRY_MS));
      }
    }
  }

  /** Takes in a join result: from `session:join` or from `admission:granted`. */
  #applyJoin(join: JoinResult): void {
    this.#join = join;
    this.#events.joinResult(join);
    this.#events.activeSpeaker(join.activeSpeaker);
    this.#events.recordingState(join.recording);
    this.#participants = new Map(join.participants.map((p) => [p.participantId, p]));
    // Someone who left while this page was away will not come back.
    this.#receiver.retain(this.#participants.keys());
    this.#events.participants(this.participants());
    if (join.self.mutedByMediator) this.#updateSelf(join.self);
  }

  /** Whether this participant waits in the waiting room. */
  get admission(): JoinResult['admission'] | undefined {
    return this.#join?.admission;
  }

  /**
   * Makes the receive and send sides anew. `receive`: the receive transport
   * and consumers the server made already (at this join or admission), used
   * once; anything it lacks is asked for here.
   */
  async #rebuildMedia(
    producers: ProducerInfo[],
    pending?: Deferred<Transport>,
    receive?: ReceiveSetup,
  ): Promise<void> {
    if (!pending) this.#closeMedia();
    const join = this.#join;
    if (!join) return;
    const round = this.#mediaRound;
    const recovering = this.#receiver.recovering;
    const recv = receive
      ? Promise.resolve().then(() =>
          makeTransport(this.signaling, this.#device.current, 'recv', receive.transport),
        )
      : this.#createTransport('recv');
    const made = new Map(receive?.consumers.map((c) => [c.producerId, c]));
    this.#receiver.useTransport(recv, pending);
    // Receiving others starts at once.
    const receiving = Promise.all(
      producers.map((p) =>
        this.#receiver
          .consume(p, made.get(p.producerId))
          .catch((e: unknown) => console.warn('consume failed', e)),
      ),
    );
    // One's own tracks go out once they are there. On a first join, after the
    // others' media is asked for: the encoder's start competes with it for the
    // page's thread, and the joiner's first look at the call matters more.
    // After a teardown both run at once: everyone waits for everyone's media.
    const publishing = (async () => {
      await this.#localReady;
      if (!recovering) await receiving;
      await this.#publisher.publish(join.canPublish, () => round === this.#mediaRound);
    })();
    // In the call as soon as the others' media is set up; publishing may still run.
    let announced = false;
    const received = recv.then(() => receiving);
    received.then(
      () => {
        if (recovering || this.#receiver.recovering || round !== this.#mediaRound) return;
        announced = true;
        this.#events.status('joined');
      },
      () => undefined,
    );
    // Either failure fails the build, after both settled (a transport made is closed by the next teardown).
    const [r, p] = await Promise.allSettled([received, publishing]);
    if (r.status === 'rejected') throw r.reason;
    if (p.status === 'rejected') throw p.reason;
    if (this.#receiver.recovering) void this.#receiver.watchRecovery();
    else if (!announced) this.#events.status('joined');
  }

  /**
   * Whether a participant's media, flowing before a teardown, has not come
   * back yet: their tile says 重连中, not 已静音.
   */
  awaitingMedia(participantId: string): boolean {
    return this.#receiver.awaiting(participantId);
  }

  #createTransport(direction: Direction): Promise<Transport> {
    return createTransport(this.signaling, this.#device.current, direction);
  }

  #closeMedia(): void {
    this.#mediaRound += 1;
    this.#receiver.close();
    this.#publisher.close();
  }
}
