/**
 * This page's own connection quality, from the browser's WebRTC statistics
 * of its transports: round-trip time and packet loss, sampled every few
 * seconds and reduced to good / fair / poor (良好 / 一般 / 较差).
 */

export type QualityLevel = 'good' | 'fair' | 'poor';

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

interface Counters {
  received: number;
  lost: number;
}

export class ConnectionQuality {
  readonly #read: () => Promise<RTCStatsReport[]>;
  readonly #onChange: (sample: ConnectionSample) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #previous: Counters | undefined;
  #sample: ConnectionSample = { rtt: undefined, loss: undefined, level: undefined };

  constructor(read: () => Promise<RTCStatsReport[]>, onChange: (sample: ConnectionSample) => void) {
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
    let reports: RTCStatsReport[];
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
    const level = rtt === undefined && loss === undefined ? undefined : levelFromStats(rtt, loss);
    const next = { rtt, loss, level };
    const changed = next.level !== this.#sample.level;
    this.#sample = next;
    if (changed) this.#onChange(next);
  }
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
