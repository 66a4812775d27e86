/**
 * The browser side of a mediation session's media: one mediasoup Device, a
 * send and a receive transport, a producer per local track and a consumer
 * per remote one. Rebuilds everything by itself when the server says the
 * media was reset (a worker died) or when the socket reconnects.
 *
 * Size: pending — the call page's client state moves behind Vue (issue 17, must-have 1; lead's join-path work).
 */
import type { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types';
import type {
  ConsumerOptions,
  EvidencePresentation,
  EvidenceSummary,
  JoinResult,
  MediaSource,
  ParticipantInfo,
  ProducerInfo,
  ReceiveSetup,
  RecordingState,
  ResponseOf,
  RtpCapabilities,
  TransportOptions,
} from '../../../signaling/index.js';
import type { HandshakeRefusal } from '../../../signaling/errors.js';
import type { Reason } from '../../../signaling/reasons.js';
import { MEDIA_SOURCES } from '../../../signaling/roles.js';
import { RequestError, SignalingClient } from '../shared/signaling.js';
import {
  cameraEncodings,
  SCREEN_CONTENT_HINT,
  KEEP_RESOLUTION,
  SCREEN_ENCODING,
  spatialLayerFor,
  spatialLayersOf,
  type QualityLevel,
} from './encodings.js';
import { MediaRecovery, RECOVERY_GIVE_UP_MS, type RemoteMediaKey } from './recovery.js';
import { newDevice } from './device.js';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  paused: boolean;
}

/**
 * `waiting`: in the waiting room, connected but without media until the
 * mediator admits this participant.
 */
export type CallStatus =
  'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'left' | 'failed';

/** Why the page stops for good (no retry): a message key and the server's words, if any. */
export type FatalReason =
  HandshakeRefusal | 'UNKNOWN' | 'replaced' | 'refused' | 'removed' | 'locked' | 'forbidden';

export interface CallEvents {
  status(status: CallStatus, detail?: string): void;
  participants(list: ParticipantInfo[]): void;
  trackAdded(track: RemoteTrack): void;
  trackRemoved(consumerId: string): void;
  trackPaused(producerId: string, paused: boolean): void;
  activeSpeaker(participantId: string | null): void;
  evidencePresented(presentation: EvidencePresentation): void;
  evidenceStopped(presenterId: string): void;
  /** The recording in progress (`null`: none), from the join result and every change after. */
  recordingState(recording: RecordingState | null): void;
  /** Every join result: the first, one after each reconnect, and the one admission grants. */
  joinResult(result: JoinResult): void;
  /** This participant's own state changed (identity check, mute by the mediator, hand). */
  selfUpdated(self: ParticipantInfo): void;
  fatal(reason: FatalReason, detail?: string): void;
}

/** How often a recovering page checks whether remote media decodes again. */
const RECOVERY_POLL_MS = 100;

type LocalTracks = Partial<Record<MediaSource, MediaStreamTrack | undefined>>;

const PRODUCE_OPTIONS = {
  microphone: { codecOptions: { opusStereo: false, opusDtx: true, opusFec: true } },
  camera: { codecOptions: { videoGoogleStartBitrate: 1000 } },
  // Documents on screen need sharpness more than frame rate: one full-size layer.
  screen: { encodings: [SCREEN_ENCODING] },
} satisfies Record<MediaSource, object>;

/** The camera's simulcast layers, from the size the browser really captures. */
function cameraEncodingsFor(track: MediaStreamTrack): ReturnType<typeof cameraEncodings> {
  const { width, height } = track.getSettings();
  return cameraEncodings(width ?? 640, height ?? 480);
}

export class CallClient {
  readonly signaling: SignalingClient;
  readonly #events: CallEvents;
  #device: Device | undefined;
  #join: JoinResult | undefined;
  #participants = new Map<string, ParticipantInfo>();
  #sendTransport: Transport | undefined;
  #recvTransport: Promise<Transport> | undefined;
  readonly #producers = new Map<MediaSource, Producer>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #remote = new Map<string, RemoteTrack>();
  #local: LocalTracks = {};
  /** Settles when the tracks given to `join` are there (the camera may answer after the click). */
  #localReady: Promise<void> = Promise.resolve();
  /** Bumped by every teardown of the media: publishing of an older build stops. */
  #mediaRound = 0;
  #wantJoined = false;
  /** Serialises join/rebuild so a reset arriving mid-join waits its turn. */
  #queue: Promise<void> = Promise.resolve();
  /** Remote media awaited after a teardown; the page says 恢复中 until it decodes again. */
  readonly #recovery = new MediaRecovery();
  /** Bumped at each teardown: a watch of an older one stops. */
  #recoveryRound = 0;
  /** The connection and the loaded device, made ahead of the join by `prepare()`. */
  #ready: Promise<Device> | undefined;

  /** The routers' capabilities fetched over HTTP by the page, if it did (see `#readyDevice`). */
  readonly #capabilities: Promise<{ rtpCapabilities: RtpCapabilities }> | undefined;

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
    this.#capabilities = capabilities;
    this.#events = events;
    this.signaling =
      typeof connection === 'string' ? new SignalingClient(connection, url) : connection;
    const s = this.signaling;

    if (s.socket.connected) performance.mark('mediation: socket connected');
    s.socket.on('connect', () => performance.mark('mediation: socket connected'));
    const refused = (
      error: Error & { data?: { reason?: HandshakeRefusal; detail?: Reason } },
    ): void => {
      const reason = error.data?.reason;
      if (!reason) return;
      // A removed participant's token is refused at the handshake for the rest of the session.
      this.#stop(error.data?.detail === 'PARTICIPANT_REMOVED' ? 'removed' : reason);
    };
    s.socket.on('connect_error', refused);
    // Refused before this client existed: the page ends now, as it would have then.
    if (s.lastConnectError && !s.socket.connected) {
      const early = s.lastConnectError;
      queueMicrotask(() => refused(early));
    }
    s.socket.on('disconnect', (reason) => {
      if (this.#wantJoined && reason !== 'io client disconnect') {
        this.#beginRecovery();
        events.status('reconnecting');
      }
    });
    s.socket.io.on('reconnect', () => {
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
      const recv = deferred<Transport>();
      this.#recvTransport = recv.promise;
      this.#enqueue(() => this.#rebuildMedia(result.producers, recv, result.receive));
    });
    s.on('admission:refused', ({ reason }) => this.#stop('refused', reason));
    s.on('session:removed', ({ reason }) => this.#stop('removed', reason));
    s.on('participant:left', ({ participantId }) => {
      this.#participants.delete(participantId);
      this.#recovery.forget(participantId);
      for (const [id, r] of this.#remote)
        if (r.participantId === participantId) this.#dropConsumer(id);
      events.participants(this.participants());
    });
    s.on(
      'producer:new',
      (p) => void this.#consume(p).catch((e: unknown) => console.warn('consume failed', e)),
    );
    s.on('producer:closed', ({ producerId }) => {
      for (const [id, r] of this.#remote) if (r.producerId === producerId) this.#dropConsumer(id);
    });
    s.on('consumer:closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    s.on('producer:paused', ({ producerId }) => this.#setRemotePaused(producerId, true));
    s.on('producer:resumed', ({ producerId }) => this.#setRemotePaused(producerId, false));
    s.on('speaker:active', ({ participantId }) => events.activeSpeaker(participantId));
    s.on('evidence:presented', (p) => events.evidencePresented(p));
    s.on('evidence:stopped', ({ presenterId }) => events.evidenceStopped(presenterId));
    s.on('recording:state', ({ recording }) => events.recordingState(recording));
    s.on('media:reset', () => {
      this.#beginRecovery();
      events.status('reconnecting', 'mediaReset');
      // Producers announced after the reset wait for the new receive transport.
      this.#closeMedia();
      const recv = deferred<Transport>();
      this.#recvTransport = recv.promise;
      this.#enqueue(() => this.#rebuildMedia([], recv));
    });
    s.on('session:replaced', () => this.#stop('replaced'));
    s.on('access:withdrawn', ({ reason }) => this.#stop(reason));
  }

  /** Ends the call for good: no reconnection, no retry. */
  #stop(reason: FatalReason, detail?: string): void {
    this.#wantJoined = false;
    this.#recovery.finish();
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
    if (self.mutedByMediator) {
      // The server has paused the microphone already; follow it here so the UI tells the truth.
      const track = this.#local.microphone;
      if (track) track.enabled = false;
      const producer = this.#producers.get('microphone');
      if (producer && !producer.closed && !producer.paused) producer.pause();
    }
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
    return [...this.#remote.values()];
  }

  /**
   * Connects and loads the router's capabilities while the page still shows
   * the device check, so that joining is one request away from media. Joins
   * nothing: nobody in the session sees this page until `join`. A refused
   * credential ends the page here, before the party presses join in vain.
   */
  prepare(): void {
    void this.#readyDevice().catch(() => undefined);
  }

  /** The loaded device, connecting first if need be; made once, again after a failure. */
  #readyDevice(): Promise<Device> {
    if (this.#device?.loaded) return Promise.resolve(this.#device);
    this.#ready ??= (async () => {
      // Fetched over HTTP while the socket connects; asked on the socket if that failed.
      let rtpCapabilities = (await this.#capabilities?.catch(() => undefined))?.rtpCapabilities;
      if (!rtpCapabilities) {
        await this.#connected();
        ({ rtpCapabilities } = await this.signaling.request('media:capabilities', {}));
      }
      performance.mark('mediation: capabilities received');
      const device = await this.#loadDevice(rtpCapabilities);
      performance.mark('mediation: device loaded');
      return device;
    })();
    const ready = this.#ready;
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    return ready;
  }

  #connected(): Promise<void> {
    if (this.signaling.socket.connected) return Promise.resolve();
    return new Promise<void>((resolve) => this.signaling.socket.once('connect', () => resolve()));
  }

  /**
   * Joins with the given local tracks (either may be absent). They may still
   * be on their way: receiving the others starts at once, publishing when
   * the tracks are there, so a tap on join need not wait for the camera.
   */
  join(local: LocalTracks | Promise<LocalTracks>): Promise<void> {
    this.#localReady = Promise.resolve(local).then(
      (tracks) => {
        this.#local = { ...tracks, screen: this.#local.screen };
      },
      () => undefined,
    );
    this.#wantJoined = true;
    this.#events.status('joining');
    return this.#enqueue(() => this.#joinAndBuild());
  }

  async setMuted(source: 'microphone' | 'camera', muted: boolean): Promise<void> {
    const track = this.#local[source];
    if (track) track.enabled = !muted;
    const producer = this.#producers.get(source);
    if (!producer || producer.closed) return;
    if (muted) {
      producer.pause();
      await this.signaling.request('producer:pause', { producerId: producer.id });
    } else {
      producer.resume();
      try {
        await this.signaling.request('producer:resume', { producerId: producer.id });
      } catch (error) {
        // Refused (muted by the mediator): stay muted here as on the server.
        producer.pause();
        if (track) track.enabled = false;
        throw error;
      }
    }
  }

  /** Publishes a screen (getDisplayMedia) track until it ends or is stopped. */
  async startScreenShare(track: MediaStreamTrack): Promise<void> {
    this.#local.screen = track;
    track.addEventListener('ended', () => void this.stopScreenShare());
    await this.#enqueueStrict(async () => {
      this.#sendTransport ??= await this.#createTransport('send');
      await this.#produce('screen');
    });
  }

  async stopScreenShare(): Promise<void> {
    const track = this.#local.screen;
    this.#local.screen = undefined;
    track?.stop();
    const producer = this.#producers.get('screen');
    this.#producers.delete('screen');
    if (!producer || producer.closed) return;
    producer.close();
    if (this.signaling.socket.connected) {
      await this.signaling.request('producer:close', { producerId: producer.id });
    }
  }

  get sharingScreen(): boolean {
    return this.#local.screen !== undefined;
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

  async setPreferredLayer(consumerId: string, spatialLayer: number): Promise<void> {
    await this.signaling.request('consumer:setPreferredLayers', { consumerId, spatialLayer });
  }

  /**
   * Asks for 高, 中 or 低 of a remote camera, mapped onto the layers its
   * sender really has: a sender with a small camera sends fewer than three.
   */
  async setQuality(consumerId: string, level: QualityLevel): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer || consumer.closed) return;
    const layers = spatialLayersOf(consumer.rtpParameters.encodings?.[0]?.scalabilityMode);
    await this.setPreferredLayer(consumerId, spatialLayerFor(level, layers));
  }

  async leave(): Promise<void> {
    this.#wantJoined = false;
    this.#recovery.finish();
    try {
      if (this.signaling.socket.connected) await this.signaling.request('session:leave', {});
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
    if (!this.#wantJoined || !this.signaling.socket.connected) return;
    this.#wantJoined = false;
    this.signaling.socket.emit('session:leave', {}, () => undefined);
  }

  /** Bytes received per participant and kind: read by the end-to-end tests and the quality view. */
  async inboundStats(): Promise<Record<string, { audio: number; video: number }>> {
    const out: Record<string, { audio: number; video: number }> = {};
    for (const r of this.#remote.values()) {
      const consumer = this.#consumers.get(r.consumerId);
      if (!consumer || consumer.closed) continue;
      const stats = await consumer.getStats();
      let bytes = 0;
      stats.forEach((s: { type: string; bytesReceived?: number }) => {
        if (s.type === 'inbound-rtp') bytes += s.bytesReceived ?? 0;
      });
      const entry = (out[r.participantId] ??= { audio: 0, video: 0 });
      entry[r.kind] += bytes;
    }
    return out;
  }

  /**
   * Per remote participant: audio packets received and the size of the video
   * last decoded (diagnostics for the end-to-end tests: a rate-limited sender's
   * audio must keep arriving while its video drops to a lower layer).
   */
  async inboundMedia(): Promise<Record<string, InboundMedia>> {
    const out: Record<string, InboundMedia> = {};
    for (const r of this.#remote.values()) {
      const consumer = this.#consumers.get(r.consumerId);
      if (!consumer || consumer.closed || (r.source !== 'camera' && r.source !== 'microphone'))
        continue;
      const stats = await consumer.getStats();
      const entry = (out[r.participantId] ??= {
        audioPackets: 0,
        audioLost: 0,
        videoWidth: 0,
        framesDecoded: 0,
      });
      stats.forEach((s: Record<string, unknown>) => {
        if (s['type'] !== 'inbound-rtp') return;
        if (r.kind === 'audio') {
          entry.audioPackets += numberOf(s['packetsReceived']);
          entry.audioLost += numberOf(s['packetsLost']);
        } else {
          entry.videoWidth = numberOf(s['frameWidth']);
          entry.framesDecoded += numberOf(s['framesDecoded']);
        }
      });
    }
    return out;
  }

  /** What this page's camera sends, per simulcast layer, and the sender's bandwidth estimate. */
  async outboundCamera(): Promise<OutboundCamera | null> {
    const producer = this.#producers.get('camera');
    if (!producer || producer.closed) return null;
    const stats = await producer.getStats();
    const layers: OutboundCamera['layers'] = [];
    let available: number | undefined;
    stats.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'outbound-rtp') {
        layers.push({
          rid: String(s['rid'] ?? ''),
          bytesSent: numberOf(s['bytesSent']),
          frameWidth: numberOf(s['frameWidth']),
          limitation: String(s['qualityLimitationReason'] ?? ''),
        });
      } else if (s['type'] === 'candidate-pair' && s['nominated'] === true) {
        const value = s['availableOutgoingBitrate'];
        if (typeof value === 'number') available = value;
      }
    });
    layers.sort((a, b) => a.rid.localeCompare(b.rid));
    return { availableOutgoingBitrate: available, layers };
  }

  /** The browser's statistics of this page's own transports (connection quality). */
  async transportStats(): Promise<RTCStatsReport[]> {
    const transports: Transport[] = [];
    if (this.#sendTransport && !this.#sendTransport.closed) transports.push(this.#sendTransport);
    const recv = await this.#recvTransport?.catch(() => undefined);
    if (recv && !recv.closed) transports.push(recv);
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
    const device = await this.#readyDevice();
    let join: JoinResult;
    try {
      join = await this.signaling.request('session:join', {
        rtpCapabilities: device.rtpCapabilities as RtpCapabilities,
        receive: true,
      });
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

  /** Takes in a join result: from `session:join` or from `admission:granted`. */
  #applyJoin(join: JoinResult): void {
    this.#join = join;
    this.#events.joinResult(join);
    this.#events.activeSpeaker(join.activeSpeaker);
    this.#events.recordingState(join.recording);
    this.#participants = new Map(join.participants.map((p) => [p.participantId, p]));
    // Someone who left while this page was away will not come back.
    this.#recovery.retain(this.#participants.keys());
    this.#events.participants(this.participants());
    if (join.self.mutedByMediator) this.#updateSelf(join.self);
  }

  /** Whether this participant waits in the waiting room. */
  get admission(): JoinResult['admission'] | undefined {
    return this.#join?.admission;
  }

  async #loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
    if (this.#device?.loaded) return this.#device;
    const device = newDevice();
    await device.load({
      routerRtpCapabilities: routerRtpCapabilities as Parameters<
        Device['load']
      >[0]['routerRtpCapabilities'],
    });
    this.#device = device;
    return device;
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
    const recovering = this.#recovery.active;
    const recv = receive
      ? Promise.resolve().then(() => this.#makeTransport('recv', receive.transport))
      : this.#createTransport('recv');
    const made = new Map(receive?.consumers.map((c) => [c.producerId, c]));
    if (pending) {
      recv.then(pending.resolve, pending.reject);
    } else {
      this.#recvTransport = recv;
    }
    // Receiving others starts at once.
    const receiving = Promise.all(
      producers.map((p) =>
        this.#consume(p, made.get(p.producerId)).catch((e: unknown) =>
          console.warn('consume failed', e),
        ),
      ),
    );
    // One's own tracks go out once they are there. On a first join, after the
    // others' media is asked for: the encoder's start competes with it for the
    // page's thread, and the joiner's first look at the call matters more.
    // After a teardown both run at once: everyone waits for everyone's media.
    const publishing = (async () => {
      await this.#localReady;
      if (!recovering) await receiving;
      const sources = MEDIA_SOURCES.filter(
        (s) => join.canPublish.includes(s) && this.#local[s]?.readyState === 'live',
      );
      if (sources.length === 0 || round !== this.#mediaRound) return;
      const send = await this.#createTransport('send');
      if (round !== this.#mediaRound) {
        send.close();
        return;
      }
      this.#sendTransport = send;
      for (const source of sources) await this.#produce(source);
    })();
    // In the call as soon as the others' media is set up; publishing may still run.
    let announced = false;
    const received = recv.then(() => receiving);
    received.then(
      () => {
        if (recovering || this.#recovery.active || round !== this.#mediaRound) return;
        announced = true;
        this.#events.status('joined');
      },
      () => undefined,
    );
    // Either failure fails the build, after both settled (a transport made is closed by the next teardown).
    const [r, p] = await Promise.allSettled([received, publishing]);
    if (r.status === 'rejected') throw r.reason;
    if (p.status === 'rejected') throw p.reason;
    if (this.#recovery.active) void this.#watchRecovery(this.#recoveryRound);
    else if (!announced) this.#events.status('joined');
  }

  /**
   * Whether a participant's media, flowing before a teardown, has not come
   * back yet: their tile says 重连中, not 已静音.
   */
  awaitingMedia(participantId: string): boolean {
    return this.#recovery.awaiting(participantId);
  }

  /** Media is about to be torn down: remember what was flowing, to wait for it. */
  #beginRecovery(): void {
    this.#recoveryRound += 1;
    const flowing: RemoteMediaKey[] = [];
    for (const r of this.#remote.values())
      if (!r.paused)
        flowing.push({ participantId: r.participantId, source: r.source, kind: r.kind });
    this.#recovery.begin(flowing);
  }

  /**
   * After a rebuild: stays 'reconnecting' until every stream that flowed
   * before decodes again on its new consumer (or stops being expected), then
   * says 'joined'. Gives up waiting after RECOVERY_GIVE_UP_MS.
   */
  async #watchRecovery(round: number): Promise<void> {
    const giveUp = Date.now() + RECOVERY_GIVE_UP_MS;
    // Progress seen at the previous look, per stream.
    const seen = new Map<string, number>();
    while (round === this.#recoveryRound && this.#wantJoined) {
      let settled = false;
      for (const m of this.#recovery.pending()) {
        const { consumerId, progress } = await this.#decoding(m);
        const key = `${m.participantId}/${m.source}/${m.kind}/${consumerId}`;
        const earlier = seen.get(key) ?? 0;
        seen.set(key, progress);
        // Back once it advances between two looks: frames going on screen, not one decoded.
        if (earlier > 0 && progress > earlier) {
          this.#recovery.settle(m);
          settled = true;
        }
      }
      if (round !== this.#recoveryRound || !this.#wantJoined) return;
      if (this.#recovery.complete || Date.now() > giveUp) {
        this.#recovery.finish();
        this.#events.participants(this.participants());
        this.#events.status('joined');
        return;
      }
      if (settled) this.#events.participants(this.participants());
      await new Promise((resolve) => setTimeout(resolve, RECOVERY_POLL_MS));
    }
  }

  /**
   * How far a remote stream is received again: frames decoded (video) or
   * packets (audio) on its consumer, with that consumer's id; 0 if none yet.
   */
  async #decoding(m: RemoteMediaKey): Promise<{ consumerId: string; progress: number }> {
    for (const r of this.#remote.values()) {
      if (r.participantId !== m.participantId || r.source !== m.source || r.kind !== m.kind)
        continue;
      const consumer = this.#consumers.get(r.consumerId);
      if (!consumer || consumer.closed) continue;
      const stats = await consumer.getStats().catch(() => undefined);
      let progress = 0;
      stats?.forEach((s: { type: string; framesDecoded?: number; packetsReceived?: number }) => {
        if (s.type === 'inbound-rtp')
          progress += (m.kind === 'video' ? s.framesDecoded : s.packetsReceived) ?? 0;
      });
      if (progress > 0) return { consumerId: r.consumerId, progress };
    }
    return { consumerId: '', progress: 0 };
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<Transport> {
    const device = this.#device;
    if (!device) throw new Error('Device not loaded');
    return this.#makeTransport(
      direction,
      await this.signaling.request('transport:create', { direction }),
    );
  }

  /** The page's side of a transport the server made. */
  #makeTransport(direction: 'send' | 'recv', o: TransportOptions): Transport {
    const device = this.#device;
    if (!device) throw new Error('Device not loaded');
    const options = {
      id: o.transportId,
      iceParameters: o.iceParameters,
      // mediasoup 3.12 names the candidate address `ip`; newer clients read `address`.
      iceCandidates: o.iceCandidates.map((c) => ({ ...c, address: c.ip })),
      dtlsParameters: o.dtlsParameters as Parameters<
        Device['createSendTransport']
      >[0]['dtlsParameters'],
      iceServers: o.iceServers,
    };
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request('transport:connect', {
          transportId: transport.id,
          dtlsParameters: dtlsParameters as never,
        })
        .then(() => {
          performance.mark(`mediation: ${direction} transport connect answered`);
          callback();
        }, errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.signaling
          .request('producer:create', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as never,
            source: appData['source'] as MediaSource,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      performance.mark(`mediation: ${direction} transport ${state}`);
      if (state === 'failed' && !transport.closed && this.signaling.socket.connected) {
        void this.signaling
          .request('transport:restartIce', { transportId: transport.id })
          .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
          .catch(() => undefined);
      }
    });
    return transport;
  }

  async #produce(source: MediaSource): Promise<void> {
    const track = this.#local[source];
    const transport = this.#sendTransport;
    if (!track || !transport) return;
    if (source === 'screen') track.contentHint = SCREEN_CONTENT_HINT;
    const producer = await transport.produce({
      track,
      stopTracks: false,
      appData: { source },
      ...PRODUCE_OPTIONS[source],
      ...(source === 'camera' ? { encodings: cameraEncodingsFor(track) } : {}),
    });
    this.#producers.set(source, producer);
    // An ID card held to the camera, a document on screen: pixels matter more than motion.
    if (source !== 'microphone') await keepResolution(producer.rtpSender);
    if (!track.enabled) {
      producer.pause();
      await this.signaling.request('producer:pause', { producerId: producer.id });
    }
  }

  /** Receives a producer's media: with the consumer the server made already, or asks for one. */
  async #consume(info: ProducerInfo, made?: ConsumerOptions): Promise<void> {
    const recvPromise = this.#recvTransport;
    if (!recvPromise || info.participantId === this.#join?.self.participantId) return;
    if (info.paused) this.#recovery.forgetSource(info.participantId, info.source);
    try {
      const transport = await recvPromise;
      if (transport.closed) return;
      const o =
        made ??
        (await this.signaling.request('consumer:create', {
          transportId: transport.id,
          producerId: info.producerId,
        }));
      const consumer = await transport.consume({
        id: o.consumerId,
        producerId: o.producerId,
        kind: o.kind,
        rtpParameters: o.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      });
      if (transport.closed) return;
      performance.mark('mediation: consumer ready');
      this.#consumers.set(consumer.id, consumer);
      const remote: RemoteTrack = {
        consumerId: consumer.id,
        producerId: o.producerId,
        participantId: o.participantId,
        source: o.source,
        kind: o.kind,
        track: consumer.track,
        paused: o.producerPaused,
      };
      this.#remote.set(consumer.id, remote);
      // Asked before the page redraws: the server sends a key frame as it resumes.
      const resumed = this.signaling.request('consumer:resume', { consumerId: consumer.id });
      this.#events.trackAdded(remote);
      await resumed;
    } catch (error) {
      // A producer that closed meanwhile is not an error worth showing.
      if (
        error instanceof RequestError &&
        (error.code === 'NOT_FOUND' || error.code === 'INVALID_STATE')
      )
        return;
      throw error;
    }
  }

  #dropConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    consumer?.close();
    this.#consumers.delete(consumerId);
    if (this.#remote.delete(consumerId)) this.#events.trackRemoved(consumerId);
  }

  #setRemotePaused(producerId: string, paused: boolean): void {
    for (const r of this.#remote.values()) {
      if (r.producerId !== producerId) continue;
      r.paused = paused;
      // A paused stream decodes nothing: its tile shows it paused, not reconnecting.
      if (paused) this.#recovery.forgetSource(r.participantId, r.source);
    }
    this.#events.trackPaused(producerId, paused);
  }

  #closeMedia(): void {
    this.#mediaRound += 1;
    for (const id of [...this.#remote.keys()]) this.#dropConsumer(id);
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    this.#sendTransport?.close();
    this.#sendTransport = undefined;
    const recv = this.#recvTransport;
    this.#recvTransport = undefined;
    void recv?.then((t) => t.close()).catch(() => undefined);
  }
}

/** When the CPU is short, drop frames, never the pixels that make text legible. */
async function keepResolution(sender: RTCRtpSender | undefined): Promise<void> {
  if (!sender) return;
  try {
    const parameters = sender.getParameters();
    await sender.setParameters({ ...parameters, degradationPreference: KEEP_RESOLUTION });
  } catch {
    // A browser without degradationPreference still sends the full-size layer.
  }
}

export interface InboundMedia {
  audioPackets: number;
  /** RTP sequence numbers never received (as the browser counts them). */
  audioLost: number;
  /** 0 until a frame is decoded. */
  videoWidth: number;
  framesDecoded: number;
}

export interface OutboundCamera {
  /** Bits per second the browser's bandwidth estimator allows this transport. */
  availableOutgoingBitrate: number | undefined;
  layers: { rid: string; bytesSent: number; frameWidth: number; limitation: string }[];
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
