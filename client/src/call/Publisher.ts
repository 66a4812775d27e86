/**
 * The sending side of the call's media: the page's own tracks, the send
 * transport and a producer per track — the camera in simulcast layers sized
 * from what the browser captures, a shared screen as one sharp layer — and
 * their mute. Made and torn down by `CallClient`, which hands it the way to
 * make a send transport.
 */
import type { Producer, Transport } from 'mediasoup-client/lib/types';
import type { MediaSource } from '../../../signaling/index.js';
import { MEDIA_SOURCES } from '../../../signaling/roles.js';
import type { SignalingClient } from '../shared/signaling.js';
import type { LocalTracks } from './callEvents.js';
import {
  cameraEncodings,
  KEEP_RESOLUTION,
  SCREEN_CONTENT_HINT,
  SCREEN_ENCODING,
} from './encodings.js';
import { outboundCameraOf, type OutboundCamera } from './mediaStats.js';

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

export class Publisher {
  readonly #signaling: SignalingClient;
  readonly #createTransport: () => Promise<Transport>;
  #local: LocalTracks = {};
  #transport: Transport | undefined;
  readonly #producers = new Map<MediaSource, Producer>();

  constructor(signaling: SignalingClient, createTransport: () => Promise<Transport>) {
    this.#signaling = signaling;
    this.#createTransport = createTransport;
  }

  /** The tracks given to the join; a screen being shared stays. */
  useTracks(tracks: LocalTracks): void {
    this.#local = { ...tracks, screen: this.#local.screen };
  }

  /**
   * Sends what may be published and is live, on a new send transport, unless
   * the media was torn down meanwhile (`current()` false).
   */
  async publish(canPublish: readonly MediaSource[], current: () => boolean): Promise<void> {
    const sources = MEDIA_SOURCES.filter(
      (s) => canPublish.includes(s) && this.#local[s]?.readyState === 'live',
    );
    if (sources.length === 0 || !current()) return;
    const send = await this.#createTransport();
    if (!current()) {
      send.close();
      return;
    }
    this.#transport = send;
    for (const source of sources) await this.#produce(source);
  }

  async #produce(source: MediaSource): Promise<void> {
    const track = this.#local[source];
    const transport = this.#transport;
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
      await this.#signaling.request('producer:pause', { producerId: producer.id });
    }
  }

  async setMuted(source: 'microphone' | 'camera', muted: boolean): Promise<void> {
    const track = this.#local[source];
    if (track) track.enabled = !muted;
    const producer = this.#producers.get(source);
    if (!producer || producer.closed) return;
    if (muted) {
      producer.pause();
      await this.#signaling.request('producer:pause', { producerId: producer.id });
    } else {
      producer.resume();
      try {
        await this.#signaling.request('producer:resume', { producerId: producer.id });
      } catch (error) {
        // Refused (muted by the mediator): stay muted here as on the server.
        producer.pause();
        if (track) track.enabled = false;
        throw error;
      }
    }
  }

  /** The server has paused the microphone already; follow it here so the UI tells the truth. */
  followMediatorMute(): void {
    const track = this.#local.microphone;
    if (track) track.enabled = false;
    const producer = this.#producers.get('microphone');
    if (producer && !producer.closed && !producer.paused) producer.pause();
  }

  /** Takes a screen (getDisplayMedia) track as the one to share. */
  useScreen(track: MediaStreamTrack): void {
    this.#local.screen = track;
  }

  /** Publishes the screen taken, making the send transport if there is none yet. */
  async produceScreen(): Promise<void> {
    this.#transport ??= await this.#createTransport();
    await this.#produce('screen');
  }

  async stopScreenShare(): Promise<void> {
    const track = this.#local.screen;
    this.#local.screen = undefined;
    track?.stop();
    const producer = this.#producers.get('screen');
    this.#producers.delete('screen');
    if (!producer || producer.closed) return;
    producer.close();
    if (this.#signaling.connected) {
      await this.#signaling.request('producer:close', { producerId: producer.id });
    }
  }

  get sharingScreen(): boolean {
    return this.#local.screen !== undefined;
  }

  /** The send transport, if open (connection quality). */
  get openTransport(): Transport | undefined {
    return this.#transport && !this.#transport.closed ? this.#transport : undefined;
  }

  /** What the camera sends, per simulcast layer, and the sender's bandwidth estimate. */
  async outboundCamera(): Promise<OutboundCamera | null> {
    const producer = this.#producers.get('camera');
    if (!producer || producer.closed) return null;
    return outboundCameraOf(await producer.getStats());
  }

  /** Closes the producers and the send transport (the local tracks stay). */
  close(): void {
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    this.#transport?.close();
    this.#transport = undefined;
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
