/**
 * A participant on a slow uplink is told so, and so is the mediator: once
 * the browser's estimator has settled below the link's rate nothing is lost
 * and nothing queues, yet the camera is down to its lowest layer. Round-trip
 * time and loss alone said 良好 (measured on a 300 kbit/s link:
 * tests/e2e/network-faults.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionQuality,
  videoHeldBack,
  type ConnectionSample,
  type StatsReport,
} from '../../client/src/call/ConnectionQuality.js';
import { producerScore } from '../../server/media/Participant.js';

type Stat = Record<string, unknown>;

/** A camera's three simulcast layers as Chromium reports them; `widths[i]` 0: not sent. */
function camera(widths: number[], limitation = 'bandwidth'): Stat[] {
  return widths.map((frameWidth, i) => ({
    type: 'outbound-rtp',
    kind: 'video',
    id: `OT${i}`,
    rid: `r${i}`,
    mediaSourceId: 'SV1',
    ...(frameWidth > 0 ? { frameWidth } : {}),
    qualityLimitationReason: limitation,
  }));
}

describe('videoHeldBack', () => {
  it('is true while a simulcast camera sends only one layer for lack of bandwidth', () => {
    expect(videoHeldBack(camera([320, 0, 0]))).toBe(true);
  });

  it('is false while two layers or more are sent, or the camera waits for CPU', () => {
    expect(videoHeldBack(camera([320, 640, 0]))).toBe(false);
    expect(videoHeldBack(camera([320, 640, 1280], 'none'))).toBe(false);
    expect(videoHeldBack(camera([320, 0, 0], 'cpu'))).toBe(false);
  });

  it('ignores a single-layer stream such as a shared screen', () => {
    const screen: Stat = {
      type: 'outbound-rtp',
      kind: 'video',
      mediaSourceId: 'SV2',
      frameWidth: 1920,
      qualityLimitationReason: 'bandwidth',
    };
    expect(videoHeldBack([screen])).toBe(false);
    expect(videoHeldBack([screen, ...camera([320, 640, 1280], 'none')])).toBe(false);
  });
});

describe('ConnectionQuality', () => {
  afterEach(() => vi.useRealTimers());

  /** The level after two samples of a transport with these statistics. */
  async function levelWith(outbound: Stat[]): Promise<ConnectionSample['level']> {
    vi.useFakeTimers();
    let packets = 0;
    const read = () => {
      packets += 150;
      const stats: Stat[] = [
        {
          type: 'candidate-pair',
          nominated: true,
          state: 'succeeded',
          currentRoundTripTime: 0.05,
        },
        { type: 'inbound-rtp', kind: 'audio', packetsReceived: packets, packetsLost: 0 },
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0 },
        ...outbound,
      ];
      const report: StatsReport = new Map(stats.map((s, i) => [String(i), s]));
      return Promise.resolve([report]);
    };
    const quality = new ConnectionQuality(read, () => undefined);
    quality.start();
    await vi.advanceTimersByTimeAsync(6_100);
    quality.stop();
    return quality.sample.level;
  }

  it('says 良好 on a fast link without loss', async () => {
    expect(await levelWith(camera([320, 640, 1280], 'none'))).toBe('good');
  });

  it('says 一般 when the camera is held to its lowest layer, although nothing is lost', async () => {
    expect(await levelWith(camera([320, 0, 0]))).toBe('fair');
  });
});

describe('producerScore (the mediator’s view of a participant)', () => {
  const encodings = [{ rid: 'r0' }, { rid: 'r1' }, { rid: 'r2' }];
  const scores = (...values: number[]) =>
    values.map((score, i) => ({ ssrc: 1000 + i, rid: `r${i}`, score }));

  it('is the best layer’s score while more than the lowest layer arrives', () => {
    expect(producerScore(scores(10, 10, 10), encodings)).toBe(10);
    expect(producerScore(scores(9, 10, 0), encodings)).toBe(10);
  });

  it('is fair at best while only the lowest layer of a simulcast camera arrives', () => {
    expect(producerScore(scores(10, 0, 0), encodings)).toBe(6);
    expect(producerScore(scores(3, 0, 0), encodings)).toBe(3);
  });

  it('is unchanged for a single stream (audio, a screen) and when nothing arrives', () => {
    expect(producerScore([{ ssrc: 1, score: 10 }], [{ ssrc: 1 }])).toBe(10);
    expect(producerScore(scores(0, 0, 0), encodings)).toBe(0);
  });

  it('finds the lowest layer by SSRC when the encodings have no RID', () => {
    const bySsrc = [{ ssrc: 1000 }, { ssrc: 1001 }];
    expect(producerScore(scores(10, 0), bySsrc)).toBe(6);
    expect(producerScore(scores(0, 10), bySsrc)).toBe(10);
  });
});
