/**
 * Before and while waiting: can this browser take part at all, and do the
 * camera, microphone and speaker work. Browser media errors are reduced to
 * a few named failures the page explains in plain words.
 */
import { el } from '../../shared/dom.js';
import { t, type MessageKey } from '../../shared/i18n.js';

/** Why the camera and microphone cannot be used. */
export type DeviceFailure = 'denied' | 'notFound' | 'busy' | 'insecure' | 'other';

/** What the browser lacks for a call, if anything. */
export function unsupportedBrowser(): boolean {
  return (
    typeof RTCPeerConnection === 'undefined' ||
    typeof navigator.mediaDevices?.getUserMedia !== 'function'
  );
}

export function classifyMediaError(error: unknown): DeviceFailure {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return window.isSecureContext ? 'denied' : 'insecure';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'notFound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}

const FAILURE_KEYS: Record<DeviceFailure, MessageKey> = {
  denied: 'deviceDenied',
  notFound: 'deviceNotFound',
  busy: 'deviceBusy',
  insecure: 'deviceInsecure',
  other: 'deviceOther',
};

export function deviceFailureText(failure: DeviceFailure): string {
  return t(FAILURE_KEYS[failure]);
}

/**
 * The device test: the microphone's level from the local stream, and a test
 * tone for the speaker. Built once and kept, so its meter keeps running
 * across page renders.
 */
export class DeviceCheck {
  readonly #root = el('section', {
    class: 'device-check',
    'data-testid': 'device-check',
    'aria-labelledby': 'device-check-title',
  });
  readonly #meter = el('meter', {
    min: '0',
    max: '1',
    low: '0.05',
    high: '0.9',
    optimum: '0.3',
    value: '0',
    id: 'mic-level',
    'data-testid': 'mic-level',
  });
  readonly #tone = el('button', { type: 'button', 'data-testid': 'speaker-test' });
  readonly #toneHint = el('p', { class: 'hint', 'aria-live': 'polite' });
  #context: AudioContext | undefined;
  #analyser: AnalyserNode | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  #stream: MediaStream | undefined;
  #frame: number | undefined;
  #level = 0;
  #playing = false;

  constructor() {
    this.#tone.onclick = () => void this.#playTone();
  }

  /** The microphone's level, 0…1 (diagnostics and the meter). */
  get level(): number {
    return this.#level;
  }

  /** Follows the local stream's microphone (a new stream after a device retry). */
  setStream(stream: MediaStream | undefined): void {
    if (stream === this.#stream) return;
    this.#stream = stream;
    this.#source?.disconnect();
    this.#source = undefined;
    const track = stream?.getAudioTracks()[0];
    if (!stream || !track) return;
    const context = this.#audioContext();
    if (!context) return;
    this.#analyser ??= Object.assign(context.createAnalyser(), { fftSize: 512 });
    this.#source = context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(this.#analyser);
    this.#measure();
  }

  #audioContext(): AudioContext | undefined {
    if (this.#context) return this.#context;
    if (typeof AudioContext === 'undefined') return undefined;
    this.#context = new AudioContext();
    return this.#context;
  }

  #measure(): void {
    if (this.#frame !== undefined) return;
    const analyser = this.#analyser;
    if (!analyser) return;
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      // RMS, scaled so ordinary speech fills about half the meter.
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.#level = level;
      if (this.#root.isConnected) this.#meter.value = level;
      this.#frame = window.setTimeout(tick, 100);
    };
    tick();
  }

  async #playTone(): Promise<void> {
    const context = this.#audioContext();
    if (!context || this.#playing) return;
    await context.resume().catch(() => undefined);
    this.#playing = true;
    this.#render();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 660;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.25, context.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 1.2);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 1.25);
    oscillator.onended = () => {
      this.#playing = false;
      this.#render();
    };
  }

  #render(): void {
    this.#tone.textContent = this.#playing ? t('speakerTestPlaying') : t('speakerTest');
    this.#tone.disabled = this.#playing;
    this.#toneHint.textContent = this.#playing ? t('speakerTestHint') : '';
  }

  /** The section: the meter, the tone button; `problem` when the devices failed. */
  element(problem?: string): HTMLElement {
    this.#render();
    const root = this.#root;
    root.replaceChildren(el('h2', { id: 'device-check-title' }, t('deviceCheck')));
    if (problem) root.append(el('p', { class: 'error', role: 'alert' }, problem));
    const mic = el('div', { class: 'device-row' });
    mic.append(el('label', { for: 'mic-level' }, t('micLevel')), this.#meter);
    root.append(mic);
    const speaker = el('div', { class: 'device-row' });
    speaker.append(this.#tone, this.#toneHint);
    root.append(speaker, el('p', { class: 'hint' }, t('cameraPreviewHint')));
    return root;
  }

  close(): void {
    if (this.#frame !== undefined) clearTimeout(this.#frame);
    this.#frame = undefined;
    this.#source?.disconnect();
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
  }
}
