/**
 * The signaling contract between the browser and the server: every event
 * name, every request schema, every response and notification type. Both
 * sides import this file; the server parses each inbound payload with the
 * request schema before any handler runs.
 */
import { z } from 'zod';
import type { Ack, ErrorPayload } from './errors.js';
import {
  dtlsParametersSchema,
  idSchema,
  rtpCapabilitiesSchema,
  rtpParametersSchema,
  mediaKindSchema,
  type DtlsParameters,
  type IceCandidate,
  type IceParameters,
  type MediaKind,
  type RtpCapabilities,
  type RtpParameters,
} from './media-schemas.js';
import { MEDIA_SOURCES, type MediaSource, type SessionRole } from './roles.js';

const empty = z.object({}).strict();
const transportRef = z.object({ transportId: idSchema }).strict();
const producerRef = z.object({ producerId: idSchema }).strict();
const consumerRef = z.object({ consumerId: idSchema }).strict();

/** Inbound request schemas, one per client → server event. */
export const requestSchemas = {
  'media:capabilities': empty,
  'session:join': z.object({ rtpCapabilities: rtpCapabilitiesSchema }).strict(),
  'session:leave': empty,
  'session:participants': empty,
  'transport:create': z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  'transport:connect': z
    .object({ transportId: idSchema, dtlsParameters: dtlsParametersSchema })
    .strict(),
  'transport:restartIce': transportRef,
  'producer:create': z
    .object({
      transportId: idSchema,
      kind: mediaKindSchema,
      rtpParameters: rtpParametersSchema,
      source: z.enum(MEDIA_SOURCES),
    })
    .strict(),
  'producer:pause': producerRef,
  'producer:resume': producerRef,
  'producer:close': producerRef,
  'consumer:create': z.object({ transportId: idSchema, producerId: idSchema }).strict(),
  'consumer:resume': consumerRef,
  'evidence:list': empty,
  'evidence:present': z.object({ evidenceId: idSchema }).strict(),
  'evidence:stop': empty,
  'recording:start': empty,
  'recording:stop': empty,
  'recording:acknowledge': z.object({ recordingId: idSchema }).strict(),
  'recording:withdraw': z.object({ recordingId: idSchema }).strict(),
  'consumer:setPreferredLayers': z
    .object({
      consumerId: idSchema,
      spatialLayer: z.number().int().min(0).max(3),
      temporalLayer: z.number().int().min(0).max(3).optional(),
    })
    .strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];
export type RequestOf<E extends RequestName> = z.infer<(typeof requestSchemas)[E]>;

export interface ParticipantInfo {
  participantId: string;
  displayName: string;
  role: SessionRole;
  joinedAt: string;
}

export interface ProducerInfo {
  producerId: string;
  participantId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The server's DTLS side, as mediasoup reports it. */
export interface ServerDtlsParameters {
  role?: DtlsParameters['role'];
  fingerprints: { algorithm: string; value: string }[];
}

export interface TransportOptions {
  transportId: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: ServerDtlsParameters;
  iceServers: IceServer[];
}

export interface ConsumerOptions {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: MediaKind;
  source: MediaSource;
  rtpParameters: RtpParameters;
  producerPaused: boolean;
}

export interface JoinResult {
  self: ParticipantInfo;
  caseId: string;
  sessionId: string;
  participants: ParticipantInfo[];
  producers: ProducerInfo[];
  /** The role's permissions, so the UI hides what the server would refuse. */
  canPublish: MediaSource[];
  /** Who is speaking now (later changes arrive as `speaker:active`). */
  activeSpeaker: string | null;
  /** The recording in progress; a participant not in `consented` must be shown the notice. */
  recording: RecordingState | null;
}

/** A recording in progress, as every participant sees it (the indicator and the notice). */
export interface RecordingState {
  recordingId: string;
  startedAt: string;
  startedByName: string;
  /** Participants who acknowledged the notice and have not withdrawn: their media is recorded. */
  consented: string[];
  /** Participants who withdrew their consent: their media is no longer recorded. */
  withdrawn: string[];
}

/** What each request resolves to on success. */
export interface ResponseMap {
  'media:capabilities': { rtpCapabilities: RtpCapabilities };
  'session:join': JoinResult;
  'session:leave': Record<string, never>;
  'session:participants': { participants: ParticipantInfo[] };
  'transport:create': TransportOptions;
  'transport:connect': Record<string, never>;
  'transport:restartIce': { iceParameters: IceParameters };
  'producer:create': { producerId: string };
  'producer:pause': Record<string, never>;
  'producer:resume': Record<string, never>;
  'producer:close': Record<string, never>;
  'consumer:create': ConsumerOptions;
  'consumer:resume': Record<string, never>;
  'consumer:setPreferredLayers': Record<string, never>;
  'evidence:list': { items: EvidenceSummary[] };
  /** How many participants (besides the presenter) were shown the item. */
  'evidence:present': { shownTo: number };
  'evidence:stop': Record<string, never>;
  'recording:start': { recording: RecordingState };
  'recording:stop': Record<string, never>;
  'recording:acknowledge': { recording: RecordingState };
  'recording:withdraw': { recording: RecordingState };
}

/** An item of evidence as a session participant may list it. */
export interface EvidenceSummary {
  id: string;
  title: string;
  label: string;
  kind: EvidencePresentation['kind'];
  size: number;
  sha256: string;
  shared: boolean;
  confidential: boolean;
}

/** An item of evidence opened on a participant's screen by someone in the session. */
export interface EvidencePresentation {
  evidenceId: string;
  title: string;
  kind: 'image' | 'pdf' | 'audio' | 'video' | 'document' | 'text';
  mediaType: string;
  /** A short-lived link for this participant only. */
  url: string;
  presenterId: string;
  presenterName: string;
}

export type ResponseOf<E extends RequestName> = ResponseMap[E];

/** Why the server asks clients to rebuild their media. */
export type MediaResetReason = 'worker-died';

/** Server → client notifications. */
export interface NotificationMap {
  'participant:joined': ParticipantInfo;
  'participant:left': { participantId: string };
  'producer:new': ProducerInfo;
  'producer:closed': { producerId: string; participantId: string };
  'producer:paused': { producerId: string; participantId: string };
  'producer:resumed': { producerId: string; participantId: string };
  'consumer:closed': { consumerId: string; producerId: string };
  'speaker:active': { participantId: string | null };
  /** Every transport, producer and consumer of this client is gone: rebuild them. */
  'media:reset': { reason: MediaResetReason };
  /** The same person connected again elsewhere; this socket is being closed. */
  'session:replaced': Record<string, never>;
  'session:error': ErrorPayload;
  /** Sent only to participants allowed to see the item; never to the other side of a confidential one. */
  'evidence:presented': EvidencePresentation;
  'evidence:stopped': { presenterId: string };
  /** Recording started, changed (consent given or withdrawn) or stopped (`null`). */
  'recording:state': { recording: RecordingState | null };
}

export type NotificationName = keyof NotificationMap;

export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestOf<E>, ack: (response: Ack<ResponseOf<E>>) => void) => void;
};

export type ServerToClientEvents = {
  [E in NotificationName]: (payload: NotificationMap[E]) => void;
};

/** Largest inbound message accepted by the Socket.IO server (bytes). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
