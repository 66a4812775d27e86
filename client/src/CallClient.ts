/**
 * The browser side of a mediation session's media: one mediasoup Device, a
 * send and a receive transport, a producer per local track and a consumer
 * per remote one. Rebuilds everything by itself when the server says the
 * media was reset (a worker died) or when the socket reconnects.
 */
import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types';
import { MEDIA_SOURCES } from '../../signaling/roles.js';
import type {
  EvidencePresentation,
  EvidenceSummary,
  JoinResult,
  MediaSource,
  ParticipantInfo,
  ProducerInfo,
  RtpCapabilities,
} from '../../signaling/index.js';
import { RequestError, SignalingClient } from './signaling.js';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  paused: boolean;
}

export type CallStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export interface CallEvents {
  status(status: CallStatus, detail?: string): void;
  participants(list: ParticipantInfo[]): void;
  trackAdded(track: RemoteTrack): void;
  trackRemoved(consumerId: string): void;
  trackPaused(producerId: string, paused: boolean): void;
  activeSpeaker(participantId: string | null): void;
  evidencePresented(presentation: EvidencePresentation): void;
  evidenceStopped(presenterId: string): void;
  fatal(reasonKey: string): void;
}

type LocalTracks = Partial<Record<MediaSource, MediaStreamTrack | undefined>>;

/** Camera simulcast: three spatial layers so each receiver can pick one. */
const CAMERA_ENCODINGS = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 120_000, scalabilityMode: 'L1T3' },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 350_000, scalabilityMode: 'L1T3' },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000, scalabilityMode: 'L1T3' },
];

const PRODUCE_OPTIONS = {
  microphone: { codecOptions: { opusStereo: false, opusDtx: true, opusFec: true } },
  camera: { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } },
  // Documents on screen need sharpness more than frame rate: one full layer.
  screen: { encodings: [{ maxBitrate: 1_500_000 }] },
} satisfies Record<MediaSource, object>;

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
  #wantJoined = false;
  /** Serialises join/rebuild so a reset arriving mid-join waits its turn. */
  #queue: Promise<void> = Promise.resolve();

  constructor(token: string, events: CallEvents, url?: string) {
    this.#events = events;
    this.signaling = new SignalingClient(token, url);
    const s = this.signaling;

    s.socket.on('connect_error', (error: Error & { data?: { reason?: string } }) => {
      const reason = error.data?.reason;
      if (reason) {
        this.#wantJoined = false;
        s.socket.disconnect();
        events.fatal(reason);
      }
    });
    s.socket.on('disconnect', (reason) => {
      if (this.#wantJoined && reason !== 'io client disconnect') events.status('reconnecting');
    });
    s.socket.io.on('reconnect', () => {
      // A new socket is a new participant on the server: join again, rebuild media.
      if (this.#wantJoined) this.#enqueue(() => this.#joinAndBuild());
    });

    s.on('participant:joined', (p) => {
      this.#participants.set(p.participantId, p);
      events.participants(this.participants());
    });
    s.on('participant:left', ({ participantId }) => {
      this.#participants.delete(participantId);
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
    s.on('media:reset', () => {
      events.status('reconnecting', 'mediaReset');
      // Producers announced after the reset wait for the new receive transport.
      this.#closeMedia();
      const recv = deferred<Transport>();
      this.#recvTransport = recv.promise;
      this.#enqueue(() => this.#rebuildMedia([], recv));
    });
    s.on('session:replaced', () => {
      this.#wantJoined = false;
      events.fatal('replaced');
    });
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

  /** Joins with the given local tracks (either may be absent). */
  join(local: LocalTracks): Promise<void> {
    this.#local = local;
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
      await this.signaling.request('producer:resume', { producerId: producer.id });
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

  /** Opens an item of evidence on the screens of everyone allowed to see it. */
  async presentEvidence(evidenceId: string): Promise<number> {
    return (await this.signaling.request('evidence:present', { evidenceId })).shownTo;
  }

  async stopPresenting(): Promise<void> {
    await this.signaling.request('evidence:stop', {});
  }

  async setPreferredLayer(consumerId: string, spatialLayer: number): Promise<void> {
    await this.signaling.request('consumer:setPreferredLayers', { consumerId, spatialLayer });
  }

  async leave(): Promise<void> {
    this.#wantJoined = false;
    try {
      if (this.signaling.socket.connected) await this.signaling.request('session:leave', {});
    } catch {
      // Leaving must always succeed locally.
    }
    this.#closeMedia();
    this.signaling.close();
    this.#events.status('left');
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
    if (!this.signaling.socket.connected) {
      await new Promise<void>((resolve) => this.signaling.socket.once('connect', () => resolve()));
    }
    const { rtpCapabilities } = await this.signaling.request('media:capabilities', {});
    const device = await this.#loadDevice(rtpCapabilities);
    const join = await this.signaling.request('session:join', {
      rtpCapabilities: device.rtpCapabilities as RtpCapabilities,
    });
    this.#join = join;
    this.#events.activeSpeaker(join.activeSpeaker);
    this.#participants = new Map(join.participants.map((p) => [p.participantId, p]));
    this.#events.participants(this.participants());
    await this.#rebuildMedia(join.producers);
  }

  async #loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
    if (this.#device?.loaded) return this.#device;
    const device = new Device();
    await device.load({
      routerRtpCapabilities: routerRtpCapabilities as Parameters<
        Device['load']
      >[0]['routerRtpCapabilities'],
    });
    this.#device = device;
    return device;
  }

  async #rebuildMedia(producers: ProducerInfo[], pending?: Deferred<Transport>): Promise<void> {
    if (!pending) this.#closeMedia();
    const join = this.#join;
    if (!join) return;
    const recv = this.#createTransport('recv');
    if (pending) {
      recv.then(pending.resolve, pending.reject);
    } else {
      this.#recvTransport = recv;
    }
    await recv;
    const sources = MEDIA_SOURCES.filter(
      (s) => join.canPublish.includes(s) && this.#local[s]?.readyState === 'live',
    );
    // Receiving others starts at once; publishing one's own tracks runs alongside.
    const receiving = Promise.all(
      producers.map((p) =>
        this.#consume(p).catch((e: unknown) => console.warn('consume failed', e)),
      ),
    );
    if (sources.length > 0) {
      this.#sendTransport = await this.#createTransport('send');
      for (const source of sources) await this.#produce(source);
    }
    await receiving;
    this.#events.status('joined');
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<Transport> {
    const device = this.#device;
    if (!device) throw new Error('Device not loaded');
    const o = await this.signaling.request('transport:create', { direction });
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
        .then(() => callback(), errback);
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
    const producer = await transport.produce({
      track,
      stopTracks: false,
      appData: { source },
      ...PRODUCE_OPTIONS[source],
    });
    this.#producers.set(source, producer);
    if (!track.enabled) {
      producer.pause();
      await this.signaling.request('producer:pause', { producerId: producer.id });
    }
  }

  async #consume(info: ProducerInfo): Promise<void> {
    const recvPromise = this.#recvTransport;
    if (!recvPromise || info.participantId === this.#join?.self.participantId) return;
    try {
      const transport = await recvPromise;
      if (transport.closed) return;
      const o = await this.signaling.request('consumer:create', {
        transportId: transport.id,
        producerId: info.producerId,
      });
      const consumer = await transport.consume({
        id: o.consumerId,
        producerId: o.producerId,
        kind: o.kind,
        rtpParameters: o.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      });
      if (transport.closed) return;
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
      this.#events.trackAdded(remote);
      await this.signaling.request('consumer:resume', { consumerId: consumer.id });
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
    for (const r of this.#remote.values()) if (r.producerId === producerId) r.paused = paused;
    this.#events.trackPaused(producerId, paused);
  }

  #closeMedia(): void {
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
