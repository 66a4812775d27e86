/**
 * The signaling contract between the browser and the server: every event
 * name, every request schema, every response and notification type. Both
 * sides import this file; the server parses each inbound payload with the
 * request schema before any handler runs.
 */
import { z } from 'zod';
import type { Ack, ErrorPayload, HandshakeRefusal } from './errors.js';
import type { Reason } from './reasons.js';
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
import { MEDIA_SOURCES, type MediaSource, type ProceduralSide, type SessionRole } from './roles.js';

const empty = z.object({}).strict();
const transportRef = z.object({ transportId: idSchema }).strict();
const producerRef = z.object({ producerId: idSchema }).strict();
const consumerRef = z.object({ consumerId: idSchema }).strict();

/** Inbound request schemas, one per client → server event. */
export const requestSchemas = {
  'media:capabilities': empty,
  'session:join': z
    .object({
      rtpCapabilities: rtpCapabilitiesSchema,
      /**
       * The server makes this participant's receive transport and a paused
       * consumer of everyone's media as soon as they are admitted, and sends
       * them with the join result or the admission (`JoinResult.receive`):
       * two round trips fewer before the first picture.
       */
      receive: z.boolean().optional(),
    })
    .strict(),
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
  /** Share one's own side's item with every party (or, staff, any item); `false` takes it back. */
  'evidence:share': z.object({ evidenceId: idSchema, shared: z.boolean() }).strict(),
  /** The mediator keeps an item confidential to a caucus, or lifts that. */
  'evidence:confidential': z.object({ evidenceId: idSchema, confidential: z.boolean() }).strict(),
  'recording:start': empty,
  'recording:stop': empty,
  'recording:acknowledge': z.object({ recordingId: idSchema }).strict(),
  'recording:withdraw': z.object({ recordingId: idSchema }).strict(),
  /** The participant declined the notice: kept in the case record; they stay unrecorded. */
  'recording:decline': z.object({ recordingId: idSchema }).strict(),
  // Mediator's floor control.
  'admission:admit': z
    .object({
      participantId: idSchema,
      /**
       * Admits someone whose identity is not confirmed in this session (never
       * checked, or the check failed): why, for the audit chain and the floor record.
       */
      overrideReason: z.string().trim().min(1).max(500).optional(),
    })
    .strict(),
  'admission:refuse': z
    .object({ participantId: idSchema, reason: z.string().trim().max(200).optional() })
    .strict(),
  'identity:verify': z
    .object({
      participantId: idSchema,
      result: z.enum(['confirmed', 'failed']),
      method: z.enum(['id-document-on-camera', 'face-to-photo', 'personal-details', 'other']),
      note: z.string().trim().max(500).optional(),
    })
    .strict(),
  'moderation:mute': z.object({ participantId: idSchema }).strict(),
  'moderation:muteAll': empty,
  'moderation:allowUnmute': z.object({ participantId: idSchema }).strict(),
  'moderation:remove': z
    .object({ participantId: idSchema, reason: z.string().trim().max(200).optional() })
    .strict(),
  'session:lock': z.object({ locked: z.boolean() }).strict(),
  'caucus:start': z
    .object({
      participantIds: z.array(idSchema).min(1).max(10),
      /** Record the caucus (off by default: caucus is not recorded). */
      record: z.boolean().default(false),
    })
    .strict(),
  'caucus:end': empty,
  // Anyone admitted.
  'hand:raise': z.object({ raised: z.boolean() }).strict(),
  'chat:send': z.object({ text: z.string().trim().min(1).max(2000) }).strict(),
  // Documents served on a party or agent (their inbox).
  'document:list': empty,
  /** The client has the notice: the "delivered" moment of electronic service. */
  'document:received': z.object({ deliveryId: idSchema }).strict(),
  'document:read': z.object({ deliveryId: idSchema }).strict(),
  'document:acknowledge': z.object({ deliveryId: idSchema }).strict(),
  'document:challenge': z
    .object({ deliveryId: idSchema, reason: z.string().trim().min(1).max(2000) })
    .strict(),
  'document:paperCopy': z
    .object({ deliveryId: idSchema, postalAddress: z.string().trim().min(1).max(300).optional() })
    .strict(),
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

/**
 * Where in a session each request may be made. `connected`: by any connected
 * socket, before joining (capabilities, the join itself, the person's own
 * document inbox). `waiting`: once joined, also from the waiting room (only
 * leaving). `admitted`: only once a mediator has admitted the participant —
 * someone waiting learns nothing of the session and touches no media.
 * Every request must be classified here: the record is keyed by request name.
 */
export type RequestStage = 'connected' | 'waiting' | 'admitted';
export const REQUEST_STAGES: Record<RequestName, RequestStage> = {
  'media:capabilities': 'connected',
  'session:join': 'connected',
  'session:leave': 'waiting',
  'session:participants': 'admitted',
  'transport:create': 'admitted',
  'transport:connect': 'admitted',
  'transport:restartIce': 'admitted',
  'producer:create': 'admitted',
  'producer:pause': 'admitted',
  'producer:resume': 'admitted',
  'producer:close': 'admitted',
  'consumer:create': 'admitted',
  'consumer:resume': 'admitted',
  'consumer:setPreferredLayers': 'admitted',
  'evidence:list': 'admitted',
  'evidence:present': 'admitted',
  'evidence:stop': 'admitted',
  'evidence:share': 'admitted',
  'evidence:confidential': 'admitted',
  // The recording notice reaches only admitted participants (with the admission).
  'recording:start': 'admitted',
  'recording:stop': 'admitted',
  'recording:acknowledge': 'admitted',
  'recording:withdraw': 'admitted',
  'recording:decline': 'admitted',
  'admission:admit': 'admitted',
  'admission:refuse': 'admitted',
  'identity:verify': 'admitted',
  'moderation:mute': 'admitted',
  'moderation:muteAll': 'admitted',
  'moderation:allowUnmute': 'admitted',
  'moderation:remove': 'admitted',
  'session:lock': 'admitted',
  'caucus:start': 'admitted',
  'caucus:end': 'admitted',
  'hand:raise': 'admitted',
  'chat:send': 'admitted',
  // A party's or agent's own inbox: served documents are theirs, not the session's.
  'document:list': 'connected',
  'document:received': 'connected',
  'document:read': 'connected',
  'document:acknowledge': 'connected',
  'document:challenge': 'connected',
  'document:paperCopy': 'connected',
};

export type AdmissionState = 'waiting' | 'admitted';
export type IdentityState = 'unchecked' | 'confirmed' | 'failed';

export interface ParticipantInfo {
  participantId: string;
  displayName: string;
  role: SessionRole;
  joinedAt: string;
  admission: AdmissionState;
  identity: IdentityState;
  handRaised: boolean;
  /** Muted by the mediator: the microphone stays paused until the mediator allows it. */
  mutedByMediator: boolean;
  /** A party's side (an agent's: the party's it represents), when the credential names it. */
  side?: ProceduralSide;
  /**
   * The connection dropped (network fault): no media arrives from them, or
   * their socket is gone and they keep their place for a while. Cleared when
   * their media flows again or they are back on a new connection.
   */
  reconnecting?: boolean;
}

/** The private room (背靠背) in progress: who is in it with the mediator. */
export interface CaucusState {
  participantIds: string[];
  startedAt: string;
  recorded: boolean;
}

export interface ChatMessage {
  id: string;
  participantId: string;
  displayName: string;
  role: SessionRole;
  text: string;
  sentAt: string;
  /** Sent inside a caucus: seen only there, confidential in the case record. */
  confidential: boolean;
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

/**
 * Made by the server at admission for a participant who asked (`receive`):
 * their receive transport and a paused consumer per producer of `producers`
 * at that moment (resumed with `consumer:resume`, as any). A producer listed
 * without one is consumed with `consumer:create`.
 */
export interface ReceiveSetup {
  transport: TransportOptions;
  consumers: ConsumerOptions[];
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
  /** `waiting`: in the waiting room; no media until the mediator admits (then `admission:granted`). */
  admission: AdmissionState;
  /** Mediators only: who is waiting to be admitted. */
  waiting: ParticipantInfo[];
  caucus: CaucusState | null;
  locked: boolean;
  /** The chat so far, as this participant may see it. */
  chat: ChatMessage[];
  /** Admitted, having asked for it: the receive side, made already. */
  receive?: ReceiveSetup;
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
  /**
   * How many participants (besides the presenter) were shown the item, and
   * who they are; `confidential` when it is kept to a caucus (presented inside one).
   */
  'evidence:present': {
    shownTo: number;
    viewers: EvidenceViewerInfo[];
    confidential: boolean;
  };
  'evidence:stop': Record<string, never>;
  'evidence:share': { item: EvidenceSummary };
  'evidence:confidential': { item: EvidenceSummary };
  'recording:start': { recording: RecordingState };
  'recording:stop': Record<string, never>;
  'recording:acknowledge': { recording: RecordingState };
  'recording:withdraw': { recording: RecordingState };
  'recording:decline': Record<string, never>;
  'admission:admit': Record<string, never>;
  'admission:refuse': Record<string, never>;
  'identity:verify': Record<string, never>;
  'moderation:mute': Record<string, never>;
  'moderation:muteAll': { muted: number };
  'moderation:allowUnmute': Record<string, never>;
  'moderation:remove': Record<string, never>;
  'session:lock': { locked: boolean };
  'caucus:start': { caucus: CaucusState };
  'caucus:end': Record<string, never>;
  'hand:raise': Record<string, never>;
  'chat:send': { message: ChatMessage };
  'document:list': { deliveries: DeliverySummary[] };
  'document:received': { delivery: DeliverySummary };
  'document:read': { delivery: DeliverySummary };
  'document:acknowledge': { delivery: DeliverySummary };
  'document:challenge': { delivery: DeliverySummary };
  'document:paperCopy': { delivery: DeliverySummary };
}

export type DeliveryStatus =
  | 'created'
  | 'offline_pending'
  | 'dispatched'
  | 'delivered'
  | 'read'
  | 'acknowledged'
  | 'failed'
  | 'served_offline'
  | 'challenged';

/** A document served on the participant (pushed live, or at the next connection). */
export interface ServedDocument {
  deliveryId: string;
  documentId: string;
  title: string;
  kind: string;
  sha256: string;
  issuedAt: string;
}

export interface DeliverySummary extends ServedDocument {
  status: DeliveryStatus;
  servedAt: string | null;
  paperCopyRequested: boolean;
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

/** Someone a presented item was opened for, as the presenter is told. */
export interface EvidenceViewerInfo {
  participantId: string;
  displayName: string;
  role: SessionRole;
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
  /**
   * The credential stopped being honoured (deactivated, taken off the case,
   * invitation revoked, session ended); this socket is being closed.
   */
  'access:withdrawn': { reason: HandshakeRefusal; message: string; detail?: Reason };
  'session:error': ErrorPayload;
  /** Sent only to participants allowed to see the item; never to the other side of a confidential one. */
  'evidence:presented': EvidencePresentation;
  'evidence:stopped': { presenterId: string };
  /**
   * An item was shared, kept confidential or released: sent only to the
   * participants who may see it as it is now; refresh the evidence list.
   */
  'evidence:updated': { item: EvidenceSummary };
  /** To those who could see the item and no longer may (kept confidential, unshared). */
  'evidence:withdrawn': { evidenceId: string };
  /** Recording started, changed (consent given or withdrawn) or stopped (`null`). */
  'recording:state': { recording: RecordingState | null };
  /** Mediators: someone is waiting to be admitted (or stopped waiting: `participant:left`). */
  'admission:knock': ParticipantInfo;
  /** To the admitted participant: the session as a join would have returned it. */
  'admission:granted': JoinResult;
  /**
   * To a refused participant, just before the connection closes: why, as a
   * reason the page renders, and the mediator's own words where they gave some.
   */
  'admission:refused': { detail: 'ADMISSION_REFUSED'; reason?: string };
  /** A participant's state changed (hand, identity check, mute by the mediator). */
  'participant:updated': ParticipantInfo;
  /** To the participant removed by the mediator, just before the connection closes (as above). */
  'session:removed': { detail: 'PARTICIPANT_REMOVED'; reason?: string };
  'session:locked': { locked: boolean };
  /** A caucus began (`caucus`) or ended (`null`); outsiders see that one is in progress. */
  'caucus:state': { caucus: CaucusState | null };
  'chat:message': ChatMessage;
  /** Mediators: a participant's connection quality (mediasoup scores, 0 bad … 10 good). */
  'quality:update': { participantId: string; score: number; producers: Record<string, number> };
  /** A document served on this person; answer with `document:received` (that is the delivery). */
  'document:served': ServedDocument;
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
