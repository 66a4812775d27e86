/**
 * The browser's statistics of the call's producers and consumers, read into
 * the shapes the end-to-end tests and the quality view look at.
 */

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

/** Bytes a consumer received. */
export function bytesReceived(stats: RTCStatsReport): number {
  let bytes = 0;
  stats.forEach((s: { type: string; bytesReceived?: number }) => {
    if (s.type === 'inbound-rtp') bytes += s.bytesReceived ?? 0;
  });
  return bytes;
}

/** How far a consumer decodes: frames decoded (video) or packets received (audio). */
export function decodingProgress(stats: RTCStatsReport, kind: 'audio' | 'video'): number {
  let progress = 0;
  stats.forEach((s: { type: string; framesDecoded?: number; packetsReceived?: number }) => {
    if (s.type === 'inbound-rtp')
      progress += (kind === 'video' ? s.framesDecoded : s.packetsReceived) ?? 0;
  });
  return progress;
}

/** Adds a consumer's statistics to its participant's entry. */
export function addInboundMedia(
  entry: InboundMedia,
  kind: 'audio' | 'video',
  stats: RTCStatsReport,
): void {
  stats.forEach((s: Record<string, unknown>) => {
    if (s['type'] !== 'inbound-rtp') return;
    if (kind === 'audio') {
      entry.audioPackets += numberOf(s['packetsReceived']);
      entry.audioLost += numberOf(s['packetsLost']);
    } else {
      entry.videoWidth = numberOf(s['frameWidth']);
      entry.framesDecoded += numberOf(s['framesDecoded']);
    }
  });
}

/** A camera producer's statistics: what it sends per simulcast layer, and the bandwidth estimate. */
export function outboundCameraOf(stats: RTCStatsReport): OutboundCamera {
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
