/**
 * zod schemas for the mediasoup parameters a browser sends. They bound sizes
 * and check shapes before mediasoup sees anything; mediasoup's own checks
 * (codec matching, SSRCs) still run behind them. Objects pass unknown keys
 * through so that fields newer clients add are not silently dropped.
 */
import { z } from 'zod';

const id = z.string().min(1).max(64);
const shortText = z.string().min(1).max(256);
const codecParameters = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number()]))
  .refine((r) => Object.keys(r).length <= 32, 'too many codec parameters');

export const mediaKindSchema = z.enum(['audio', 'video']);

export const rtcpFeedbackSchema = z
  .object({ type: z.string().min(1).max(32), parameter: z.string().max(32).optional() })
  .passthrough();

export const rtpCodecCapabilitySchema = z
  .object({
    kind: mediaKindSchema,
    mimeType: shortText,
    preferredPayloadType: z.number().int().min(0).max(127).optional(),
    clockRate: z.number().int().positive(),
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: z.array(rtcpFeedbackSchema).max(16).optional(),
  })
  .passthrough();

export const rtpHeaderExtensionSchema = z
  .object({
    kind: mediaKindSchema,
    uri: shortText,
    preferredId: z.number().int().min(1).max(255),
    preferredEncrypt: z.boolean().optional(),
    direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
  })
  .passthrough();

export const rtpCapabilitiesSchema = z
  .object({
    codecs: z.array(rtpCodecCapabilitySchema).max(64).optional(),
    headerExtensions: z.array(rtpHeaderExtensionSchema).max(64).optional(),
  })
  .passthrough();

export const rtpCodecParametersSchema = z
  .object({
    mimeType: shortText,
    payloadType: z.number().int().min(0).max(127),
    clockRate: z.number().int().positive(),
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: z.array(rtcpFeedbackSchema).max(16).optional(),
  })
  .passthrough();

export const rtpEncodingParametersSchema = z
  .object({
    ssrc: z.number().int().nonnegative().optional(),
    rid: z.string().max(32).optional(),
    codecPayloadType: z.number().int().min(0).max(127).optional(),
    rtx: z.object({ ssrc: z.number().int().nonnegative() }).optional(),
    dtx: z.boolean().optional(),
    scalabilityMode: z.string().max(16).optional(),
    scaleResolutionDownBy: z.number().min(1).max(64).optional(),
    maxBitrate: z.number().int().positive().optional(),
  })
  .passthrough();

export const rtpParametersSchema = z
  .object({
    mid: z.string().max(32).optional(),
    codecs: z.array(rtpCodecParametersSchema).min(1).max(16),
    headerExtensions: z
      .array(
        z
          .object({
            uri: shortText,
            id: z.number().int().min(1).max(255),
            encrypt: z.boolean().optional(),
            parameters: codecParameters.optional(),
          })
          .passthrough(),
      )
      .max(32)
      .optional(),
    encodings: z.array(rtpEncodingParametersSchema).max(8).optional(),
    rtcp: z
      .object({
        cname: z.string().max(256).optional(),
        reducedSize: z.boolean().optional(),
        mux: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const dtlsParametersSchema = z
  .object({
    role: z.enum(['auto', 'client', 'server']).optional(),
    fingerprints: z
      .array(
        z.object({
          algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
          value: z.string().min(1).max(256),
        }),
      )
      .min(1)
      .max(8),
  })
  .passthrough();

export const iceParametersSchema = z.object({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const iceCandidateSchema = z
  .object({
    foundation: z.string(),
    priority: z.number(),
    ip: z.string(),
    protocol: z.enum(['udp', 'tcp']),
    port: z.number().int(),
    type: z.literal('host'),
    tcpType: z.literal('passive').optional(),
  })
  .passthrough();

export const idSchema = id;

export type RtpCapabilities = z.infer<typeof rtpCapabilitiesSchema>;
export type RtpParameters = z.infer<typeof rtpParametersSchema>;
export type DtlsParameters = z.infer<typeof dtlsParametersSchema>;
export type IceParameters = z.infer<typeof iceParametersSchema>;
export type IceCandidate = z.infer<typeof iceCandidateSchema>;
export type MediaKind = z.infer<typeof mediaKindSchema>;
