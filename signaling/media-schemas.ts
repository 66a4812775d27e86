/**
 * zod schemas for the mediasoup parameters a browser sends. Every object is
 * strict and every field bounded (lengths, counts, ranges, enumerations), so
 * nothing of unknown shape or depth reaches mediasoup: what mediasoup-client
 * 3.7 sends is listed field by field (see `Transport.produce()` and the
 * Chrome111 handler), and anything else is refused with `VALIDATION`.
 * mediasoup's own checks (codec matching, SSRCs) still run behind them.
 */
import { z } from 'zod';

/**
 * Every string schema below that is bounded by a pattern, with its pattern:
 * generated tests (tests/integration/fuzz) produce matching strings from it.
 */
export const PATTERNED_STRINGS = new Map<z.ZodString, RegExp>();

/** A string of `min`–`max` characters matching `pattern` (registered in PATTERNED_STRINGS). */
function patterned(pattern: RegExp, what: string, max: number, min = 0): z.ZodString {
  const schema = z.string().min(min).max(max).regex(pattern, what);
  PATTERNED_STRINGS.set(schema, pattern);
  return schema;
}

const id = z.string().min(1).max(64);
const uint32 = z.number().int().min(0).max(0xffff_ffff);
const payloadType = z.number().int().min(0).max(127);
const clockRate = z.number().int().min(1000).max(1_000_000);
/** Printable ASCII without spaces: URIs, CNAMEs, MIDs. */
const token = (max: number) =>
  patterned(/^[\x21-\x7e]+$/, 'printable ASCII without spaces', max, 1);
const mimeType = patterned(/^(audio|video)\/[A-Za-z0-9._+-]{1,32}$/, 'audio/… or video/…', 48);
/** SDP fmtp parameters: `profile-level-id`, `apt`, `useinbandfec`, … with scalar values. */
const codecParameters = z
  .record(
    patterned(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a codec parameter name', 64),
    z.union([z.string().max(512), z.number().finite()]),
  )
  .refine((r) => Object.keys(r).length <= 32, 'too many codec parameters');
const priority = z.enum(['very-low', 'low', 'medium', 'high']);

export const mediaKindSchema = z.enum(['audio', 'video']);

export const rtcpFeedbackSchema = z
  .object({
    type: patterned(/^[A-Za-z0-9-]+$/, 'an RTCP feedback type', 32),
    parameter: patterned(/^[A-Za-z0-9 -]*$/, 'an RTCP feedback parameter', 32).optional(),
  })
  .strict();

export const rtpCodecCapabilitySchema = z
  .object({
    kind: mediaKindSchema,
    mimeType,
    preferredPayloadType: payloadType.optional(),
    clockRate,
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: z.array(rtcpFeedbackSchema).max(16).optional(),
  })
  .strict();

export const rtpHeaderExtensionSchema = z
  .object({
    kind: mediaKindSchema,
    uri: token(256),
    preferredId: z.number().int().min(1).max(255),
    preferredEncrypt: z.boolean().optional(),
    direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
  })
  .strict();

export const rtpCapabilitiesSchema = z
  .object({
    codecs: z.array(rtpCodecCapabilitySchema).max(64).optional(),
    headerExtensions: z.array(rtpHeaderExtensionSchema).max(64).optional(),
  })
  .strict();

export const rtpCodecParametersSchema = z
  .object({
    mimeType,
    payloadType,
    clockRate,
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: z.array(rtcpFeedbackSchema).max(16).optional(),
  })
  .strict();

/** One encoding: what the SDP gives (ssrc, rtx, rid) and what `produce()` normalises. */
export const rtpEncodingParametersSchema = z
  .object({
    ssrc: uint32.optional(),
    rid: patterned(/^[A-Za-z0-9_-]+$/, 'an RTP stream id', 32).optional(),
    codecPayloadType: payloadType.optional(),
    rtx: z.object({ ssrc: uint32 }).strict().optional(),
    dtx: z.boolean().optional(),
    scalabilityMode: patterned(/^[A-Za-z0-9_]+$/, 'a scalability mode such as L1T3', 16).optional(),
    scaleResolutionDownBy: z.number().min(1).max(64).optional(),
    maxBitrate: z.number().int().positive().max(100_000_000).optional(),
    maxFramerate: z.number().positive().max(240).optional(),
    active: z.boolean().optional(),
    adaptivePtime: z.boolean().optional(),
    priority: priority.optional(),
    networkPriority: priority.optional(),
  })
  .strict();

export const rtpHeaderExtensionParametersSchema = z
  .object({
    uri: token(256),
    id: z.number().int().min(1).max(255),
    encrypt: z.boolean().optional(),
    parameters: codecParameters.optional(),
  })
  .strict();

export const rtcpParametersSchema = z
  .object({
    // Chromium sends an empty CNAME with simulcast (no a=ssrc lines in its offer).
    cname: patterned(/^[\x21-\x7e]*$/, 'printable ASCII without spaces', 256).optional(),
    reducedSize: z.boolean().optional(),
    mux: z.boolean().optional(),
  })
  .strict();

export const rtpParametersSchema = z
  .object({
    mid: token(32).optional(),
    codecs: z.array(rtpCodecParametersSchema).min(1).max(16),
    headerExtensions: z.array(rtpHeaderExtensionParametersSchema).max(32).optional(),
    encodings: z.array(rtpEncodingParametersSchema).max(8).optional(),
    rtcp: rtcpParametersSchema.optional(),
  })
  .strict();

/** DTLS fingerprint algorithms mediasoup accepts; the value is colon-separated hex pairs. */
export const DTLS_FINGERPRINT_ALGORITHMS = [
  'sha-1',
  'sha-224',
  'sha-256',
  'sha-384',
  'sha-512',
] as const;

export const dtlsParametersSchema = z
  .object({
    role: z.enum(['auto', 'client', 'server']).optional(),
    fingerprints: z
      .array(
        z
          .object({
            algorithm: z.enum(DTLS_FINGERPRINT_ALGORITHMS),
            // 20 (sha-1) to 64 (sha-512) bytes as `AB:CD:…`.
            value: patterned(
              /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){19,63}$/,
              'hex pairs separated by colons',
              191,
            ),
          })
          .strict(),
      )
      .min(1)
      .max(8),
  })
  .strict();

export const iceParametersSchema = z.object({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const iceCandidateSchema = z.object({
  foundation: z.string(),
  priority: z.number(),
  ip: z.string(),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int(),
  type: z.literal('host'),
  tcpType: z.literal('passive').optional(),
});

export const idSchema = id;

export type RtpCapabilities = z.infer<typeof rtpCapabilitiesSchema>;
export type RtpParameters = z.infer<typeof rtpParametersSchema>;
export type DtlsParameters = z.infer<typeof dtlsParametersSchema>;
export type IceParameters = z.infer<typeof iceParametersSchema>;
export type IceCandidate = z.infer<typeof iceCandidateSchema>;
export type MediaKind = z.infer<typeof mediaKindSchema>;
