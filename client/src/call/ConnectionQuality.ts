/**
 * This page's own connection quality, from the browser's WebRTC statistics
 * of its transports: round-trip time, packet loss and whether the camera is
 * held down to its lowest layer for lack of bandwidth, sampled every few
 * seconds and reduced to good / fair / poor (良好 / 一般 / 较差).
 *
 * Loss and round-trip time alone said 良好 on a 300 kbit/s uplink: once the
 * browser's estimator has settled below the link's rate, nothing is lost and
 * nothing queues, yet everyone sees this participant's camera at 320×180.
 */

export type QualityLevel = 'good' | 'fair' | 'poor';

/** What is read of an `RTCStatsReport` (kept free of DOM types for unit tests in Node). */
export interface StatsReport {
  forEach(callback: (stat: Record<string, unknown>) => void): void;
}

export interface ConnectionSample {
  /** Seconds; the selected candidate pair's current round-trip time. */
  rtt: number | undefined;
  /** 0…1 over the last interval, sent and received media together. */
  loss: number | undefined;
  level: QualityLevel | undefined;
}

const SAMPLE_MS = 3_000;

/** A mediasoup score (0 bad … 10 good) as a level. */
export function levelFromScore(score: number): QualityLevel {
  if (score >= 7) return 'good';
  if (score >= 4) return 'fair';
  return 'poor';
}

export function levelFromStats(rtt: number | undefined, loss: number | undefined): QualityLevel {
  const r = rtt ?? 0;
  const l = loss ?? 0;
  if (r < 0.3 && l < 0.02) return 'good';
  if (r < 0.6 && l < 0.08) return 'fair';
  return 'poor';
}

/**
 * Whether a camera sending several simulcast layers is down to one of them
 * because the browser's bandwidth estimate allows no more: the others see a
 * small picture of this participant. `outbound` are the `outbound-rtp`
 * statistics of video. A single-layer stream (a screen, a small camera) and
 * layers switched off for lack of CPU do not count.
 */
export function videoHeldBack(outbound: readonly Record<string, unknown>[]): boolean {
  const bySource = new Map<string, Record<string, unknown>[]>();
  for (const s of outbound) {
    const key = String(s['mediaSourceId'] ?? s['ssrc'] ?? '');
    const list = bySource.get(key) ?? [];
    list.push(s);
    bySource.set(key, list);
  }
  for (const layers of bySource.values()) {
    if (layers.length < 2) continue;
    const sending = layers.filter((s) => num(s['frameWidth']) > 0);
    if (sending.length === 1 && sending[0]?.['qualityLimitationReason'] === 'bandwidth')
      return true;
  }
  return false;
}

const ORDER: readonly QualityLevel[] = ['good', 'fair', 'poor'];

function worse(a: QualityLevel, b: QualityLevel): QualityLevel {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

interface Counters {
  received: number;
  lost: number;
}

export class ConnectionQuality {
  readonly #read: () => Promise<StatsReport[]>;
  readonly #onChange: (sample: ConnectionSample) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #previous: Counters | undefined;
  #sample: ConnectionSample = { rtt: undefined, loss: undefined, level: undefined };

  constructor(read: () => Promise<StatsReport[]>, onChange: (sample: ConnectionSample) => void) {
    this.#read = read;
    this.#onChange = onChange;
  }

  get sample(): ConnectionSample {
    return this.#sample;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#measure(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#previous = undefined;
  }

  async #measure(): Promise<void> {
    let reports: StatsReport[];
    try {
      reports = await this.#read();
    } catch {
      return;
    }
    if (reports.length === 0) return;
    let rtt: number | undefined;
    const counters: Counters = { received: 0, lost: 0 };
    /** What the other end reports of what this page sends (0…1), per stream. */
    const remoteLoss: number[] = [];
    const videoOut: Record<string, unknown>[] = [];
    for (const report of reports) {
      report.forEach((s: Record<string, unknown>) => {
        const type = s['type'];
        if (type === 'candidate-pair' && (s['nominated'] === true || s['selected'] === true)) {
          const value = s['currentRoundTripTime'];
          if (typeof value === 'number' && s['state'] === 'succeeded')
            rtt = Math.max(rtt ?? 0, value);
        } else if (type === 'inbound-rtp') {
          counters.received += num(s['packetsReceived']);
          counters.lost += Math.max(0, num(s['packetsLost']));
        } else if (type === 'remote-inbound-rtp') {
          const fraction = s['fractionLost'];
          if (typeof fraction === 'number') remoteLoss.push(fraction);
        } else if (type === 'outbound-rtp' && s['kind'] === 'video') {
          videoOut.push(s);
        }
      });
    }
    let loss: number | undefined;
    const prev = this.#previous;
    if (prev) {
      const received = counters.received - prev.received;
      const lost = counters.lost - prev.lost;
      if (received + lost > 0) loss = Math.max(0, lost / (received + lost));
    }
    this.#previous = counters;
    if (remoteLoss.length > 0) {
      const sent = remoteLoss.reduce((a, b) => a + b, 0) / remoteLoss.length;
      loss = Math.max(loss ?? 0, sent);
    }
    let level = rtt === undefined && loss === undefined ? undefined : levelFromStats(rtt, loss);
    if (level && videoHeldBack(videoOut)) level = worse(level, 'fair');
    const next = { rtt, loss, level };
    const changed = next.level !== this.#sample.level;
    this.#sample = next;
    if (changed) this.#onChange(next);
  }
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
