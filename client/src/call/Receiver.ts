/**
 * The receiving side of the call's media: the receive transport, a consumer
 * per remote track, the layers asked of each remote camera, and the recovery
 * after a teardown — what flowed before is awaited until it decodes again.
 * Made and torn down by `CallClient`, which hands it the way to the page.
 */
import type { Consumer, Transport } from 'mediasoup-client/lib/types';
import type { ConsumerOptions, ParticipantInfo, ProducerInfo } from '../../../signaling/index.js';
import { RequestError, type SignalingClient } from '../shared/signaling.js';
import type { CallEvents, RemoteTrack } from './callEvents.js';
import { spatialLayerFor, spatialLayersOf, type QualityLevel } from './encodings.js';
import {
  addInboundMedia,
  bytesReceived,
  decodingProgress,
  type InboundMedia,
} from './mediaStats.js';
import { MediaRecovery, RECOVERY_GIVE_UP_MS, type RemoteMediaKey } from './recovery.js';

/** How often a recovering page checks whether remote media decodes again. */
const RECOVERY_POLL_MS = 100;

export interface Deferred<T> {
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

/** What the receiving side asks of the call it belongs to. */
export interface ReceiverHost {
  readonly signaling: SignalingClient;
  readonly events: CallEvents;
  /** This participant, once joined: its own producers are not received. */
  readonly selfId: () => string | undefined;
  readonly participants: () => ParticipantInfo[];
  /** Whether the page still wants to be in the call: a recovery watch stops when not. */
  readonly wanted: () => boolean;
}

export class Receiver {
  readonly #host: ReceiverHost;
  #transport: Promise<Transport> | undefined;
  readonly #consumers = new Map<string, Consumer>();
  readonly #remote = new Map<string, RemoteTrack>();
  /** Remote media awaited after a teardown; the page says 恢复中 until it decodes again. */
  readonly #recovery = new MediaRecovery();
  /** Bumped at each teardown: a watch of an older one stops. */
  #recoveryRound = 0;

  constructor(host: ReceiverHost) {
    this.#host = host;
  }

  /** A receive transport is to come: producers announced from now on wait for it. */
  expectTransport(): Deferred<Transport> {
    const recv = deferred<Transport>();
    this.#transport = recv.promise;
    return recv;
  }

  /**
   * The receive transport being made. `pending`: the one expected since an
   * admission or a reset, which producers announced meanwhile wait for.
   */
  useTransport(recv: Promise<Transport>, pending?: Deferred<Transport>): void {
    if (pending) recv.then(pending.resolve, pending.reject);
    else this.#transport = recv;
  }

  /** The receive transport, if open (connection quality). */
  async openTransport(): Promise<Transport | undefined> {
    const recv = await this.#transport?.catch(() => undefined);
    return recv && !recv.closed ? recv : undefined;
  }

  remoteTracks(): RemoteTrack[] {
    return [...this.#remote.values()];
  }

  /** Receives a producer's media: with the consumer the server made already, or asks for one. */
  async consume(info: ProducerInfo, made?: ConsumerOptions): Promise<void> {
    const recvPromise = this.#transport;
    if (!recvPromise || info.participantId === this.#host.selfId()) return;
    if (info.paused) this.#recovery.forgetSource(info.participantId, info.source);
    const { signaling, events } = this.#host;
    try {
      const transport = await recvPromise;
      if (transport.closed) return;
      const o =
        made ??
        (await signaling.request('consumer:create', {
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
      const resumed = signaling.request('consumer:resume', { consumerId: consumer.id });
      events.trackAdded(remote);
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

  drop(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    consumer?.close();
    this.#consumers.delete(consumerId);
    if (this.#remote.delete(consumerId)) this.#host.events.trackRemoved(consumerId);
  }

  /** A participant left: nothing of theirs is received or awaited any more. */
  dropParticipant(participantId: string): void {
    this.#recovery.forget(participantId);
    for (const [id, r] of this.#remote) if (r.participantId === participantId) this.drop(id);
  }

  dropProducer(producerId: string): void {
    for (const [id, r] of this.#remote) if (r.producerId === producerId) this.drop(id);
  }

  setPaused(producerId: string, paused: boolean): void {
    for (const r of this.#remote.values()) {
      if (r.producerId !== producerId) continue;
      r.paused = paused;
      // A paused stream decodes nothing: its tile shows it paused, not reconnecting.
      if (paused) this.#recovery.forgetSource(r.participantId, r.source);
    }
    this.#host.events.trackPaused(producerId, paused);
  }

  async setPreferredLayer(consumerId: string, spatialLayer: number): Promise<void> {
    await this.#host.signaling.request('consumer:setPreferredLayers', {
      consumerId,
      spatialLayer,
    });
  }

  /** 高, 中 or 低 of a remote camera, mapped onto the layers its sender really has. */
  async setQuality(consumerId: string, level: QualityLevel): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer || consumer.closed) return;
    const layers = spatialLayersOf(consumer.rtpParameters.encodings?.[0]?.scalabilityMode);
    await this.setPreferredLayer(consumerId, spatialLayerFor(level, layers));
  }

  /** Bytes received per participant and kind. */
  async inboundStats(): Promise<Record<string, { audio: number; video: number }>> {
    const out: Record<string, { audio: number; video: number }> = {};
    for (const r of this.#remote.values()) {
      const consumer = this.#consumers.get(r.consumerId);
      if (!consumer || consumer.closed) continue;
      const bytes = bytesReceived(await consumer.getStats());
      const entry = (out[r.participantId] ??= { audio: 0, video: 0 });
      entry[r.kind] += bytes;
    }
    return out;
  }

  /** Per remote participant: audio packets received and the size of the video last decoded. */
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
      addInboundMedia(entry, r.kind, stats);
    }
    return out;
  }

  /** Whether a recovery is under way (from the teardown until everything is back). */
  get recovering(): boolean {
    return this.#recovery.active;
  }

  /** Whether a participant's media, flowing before a teardown, has not come back yet. */
  awaiting(participantId: string): boolean {
    return this.#recovery.awaiting(participantId);
  }

  /** Keeps awaiting only the participants still in the session. */
  retain(participantIds: Iterable<string>): void {
    this.#recovery.retain(participantIds);
  }

  /** Media is about to be torn down: remember what was flowing, to wait for it. */
  beginRecovery(): void {
    this.#recoveryRound += 1;
    const flowing: RemoteMediaKey[] = [];
    for (const r of this.#remote.values())
      if (!r.paused)
        flowing.push({ participantId: r.participantId, source: r.source, kind: r.kind });
    this.#recovery.begin(flowing);
  }

  /** Stops awaiting anything (the call ends). */
  finishRecovery(): void {
    this.#recovery.finish();
  }

  /**
   * After a rebuild: stays 'reconnecting' until every stream that flowed
   * before decodes again on its new consumer (or stops being expected), then
   * says 'joined'. Gives up waiting after RECOVERY_GIVE_UP_MS.
   */
  async watchRecovery(): Promise<void> {
    const round = this.#recoveryRound;
    const { events, participants, wanted } = this.#host;
    const giveUp = Date.now() + RECOVERY_GIVE_UP_MS;
    // Progress seen at the previous look, per stream.
    const seen = new Map<string, number>();
    while (round === this.#recoveryRound && wanted()) {
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
      if (round !== this.#recoveryRound || !wanted()) return;
      if (this.#recovery.complete || Date.now() > giveUp) {
        this.#recovery.finish();
        events.participants(participants());
        events.status('joined');
        return;
      }
      if (settled) events.participants(participants());
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
      const progress = stats ? decodingProgress(stats, m.kind) : 0;
      if (progress > 0) return { consumerId: r.consumerId, progress };
    }
    return { consumerId: '', progress: 0 };
  }

  /** Closes every consumer and the receive transport. */
  close(): void {
    for (const id of [...this.#remote.keys()]) this.drop(id);
    const recv = this.#transport;
    this.#transport = undefined;
    void recv?.then((t) => t.close()).catch(() => undefined);
  }
}
