import type { RtpCodecCapability } from 'mediasoup/node/lib/types.js';

/**
 * Codecs every session router offers: Opus for audio; VP8 (Chromium, Firefox,
 * Android) and H.264 constrained baseline (iOS Safari) for video.
 */
export const SESSION_MEDIA_CODECS: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 600 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 600,
    },
  },
];
