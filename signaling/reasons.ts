/**
 * Why a request failed, as a stable reason code with parameters: the server
 * throws a reason (server/errors.ts `fail`), the error payload carries it, and
 * each client renders it from its own catalogue in the reader's language. The
 * `message` template here is the one English developer sentence (logs, API
 * callers); `{name}` is filled from the parameters, the same placeholders the
 * client catalogues use. A reason names its code: the code picks the HTTP
 * status and the client's fallback text for a reason it does not know yet.
 */
import { z } from 'zod';
import type { ErrorCode } from './errors.js';

type ParamShape = Record<string, z.ZodString | z.ZodNumber>;

interface ReasonSpec<S extends ParamShape> {
  readonly code: ErrorCode;
  readonly message: string;
  readonly params: z.ZodObject<S, 'strict'>;
}

function reason<S extends ParamShape = Record<never, never>>(
  code: ErrorCode,
  message: string,
  shape?: S,
): ReasonSpec<S> {
  return { code, message, params: z.object(shape ?? ({} as S)).strict() };
}

const text = z.string().max(200);

export const REASONS = {
  // ── generic, parameterised by what the code alone does not say ──────────
  NOT_FOUND: reason('NOT_FOUND', '{what} not found', { what: text }),
  INVALID_PAYLOAD: reason('VALIDATION', 'Invalid payload for {event}', { event: text }),
  UNKNOWN_EVENT: reason('VALIDATION', 'Unknown event: {event}', { event: text }),

  // ── session access (handshake, withdrawal) ───────────────────────────────
  PARTICIPANT_REMOVED: reason('FORBIDDEN', 'The mediator removed you from this session'),
  SESSION_ENDED: reason('FORBIDDEN', 'This session has ended or was cancelled'),
  ACCOUNT_INACTIVE: reason('FORBIDDEN', 'Your account is no longer active'),
  MEDIATOR_NOT_ASSIGNED: reason('FORBIDDEN', 'You are no longer the mediator of this case'),
  NOT_IN_CASE: reason('FORBIDDEN', 'You are no longer a participant in this case'),
  INVITATION_REVOKED: reason('FORBIDDEN', 'Your invitation has been revoked or has expired'),
  SESSION_OF_OTHER_CASE: reason('FORBIDDEN', 'This session belongs to another case'),
  ROLE_MAY_NOT_JOIN: reason('FORBIDDEN', 'This role may not join sessions'),

  // ── the floor: admission, moderation, caucus ─────────────────────────────
  SESSION_LOCKED: reason('FORBIDDEN', 'The session is locked to newcomers'),
  ADMISSION_REQUIRED: reason('FORBIDDEN', 'Wait for the mediator to admit you'),
  NOT_JOINED: reason('INVALID_STATE', 'Not joined to this session'),
  ALREADY_JOINED: reason('INVALID_STATE', 'Already joined'),
  JOIN_FIRST: reason('INVALID_STATE', 'Join the session first'),
  IDENTITY_CHECK_FAILED: reason(
    'IDENTITY_UNCONFIRMED',
    'The identity check failed: admitting needs a reason',
  ),
  IDENTITY_UNCHECKED: reason(
    'IDENTITY_UNCONFIRMED',
    'Identity not checked yet: check it first, or give a reason to admit',
  ),
  ALREADY_ADMITTED: reason('INVALID_STATE', 'Already admitted: remove the participant instead'),
  MEDIATOR_NOT_MUTABLE: reason('FORBIDDEN', 'A mediator cannot be muted by another participant'),
  MUTED_BY_MEDIATOR: reason('FORBIDDEN', 'The mediator muted you; raise your hand to ask to speak'),
  CANNOT_REMOVE_SELF: reason('INVALID_STATE', 'Leave the session instead'),
  CAUCUS_IN_PROGRESS: reason('INVALID_STATE', 'A caucus is in progress; end it first'),
  NO_CAUCUS: reason('INVALID_STATE', 'No caucus is in progress'),
  CAUCUS_SIDE_REQUIRED: reason(
    'VALIDATION',
    'The mediator is in every caucus; name the side to take aside',
  ),
  PARTICIPANT_ABSENT: reason('INVALID_STATE', '{participantId} is not in the session', {
    participantId: text,
  }),
  ROLE_MAY_NOT_MODERATE: reason('FORBIDDEN', 'A {role} may not moderate the session', {
    role: text,
  }),

  // ── media ────────────────────────────────────────────────────────────────
  SESSION_HAS_ENDED: reason('INVALID_STATE', 'The session has ended'),
  ROUTER_REBUILDING: reason(
    'MEDIA_UNAVAILABLE',
    'The media router is being rebuilt; retry shortly',
  ),
  MEDIA_WORKER_UNAVAILABLE: reason('MEDIA_UNAVAILABLE', 'The media worker cannot start'),
  TRANSPORT_EXISTS: reason(
    'INVALID_STATE',
    'A {direction} transport exists already; close it or restart ICE',
    { direction: text },
  ),
  TRANSPORT_WRONG_KIND: reason(
    'INVALID_STATE',
    'Transport {transportId} is not a {kind} transport',
    {
      transportId: text,
      kind: text,
    },
  ),
  TRANSPORT_CONNECTED: reason(
    'INVALID_STATE',
    'Transport {transportId} knows its remote address already',
    { transportId: text },
  ),
  ROLE_MAY_NOT_PUBLISH: reason('FORBIDDEN', 'A {role} may not publish {source}', {
    role: text,
    source: text,
  }),
  SOURCE_KIND_MISMATCH: reason('VALIDATION', 'A {source} track must be {kind}', {
    source: text,
    kind: text,
  }),
  ALREADY_PUBLISHING: reason('INVALID_STATE', 'Already publishing {source}', { source: text }),
  ROLE_MAY_NOT_RECEIVE: reason('FORBIDDEN', 'A {role} may not receive media', { role: text }),
  OWN_MEDIA: reason('INVALID_STATE', 'A participant does not consume their own media'),
  ALREADY_CONSUMING: reason('INVALID_STATE', 'Already consuming this producer'),
  NO_COMMON_CODEC: reason('VALIDATION', 'The browser cannot decode this media (no common codec)'),
  SINGLE_LAYER: reason('INVALID_STATE', 'This stream has a single layer'),
  MEDIA_PARAMETERS_REJECTED: reason('VALIDATION', '{what}: {detail}', {
    what: text,
    detail: text,
  }),
  MEDIA_OBJECT_CLOSED: reason('INVALID_STATE', '{what}: {detail}', { what: text, detail: text }),

  // ── what a participant may do in the session ─────────────────────────────
  ROLE_MAY_NOT_PRESENT: reason('FORBIDDEN', 'A {role} may not present evidence', { role: text }),
  ROLE_MAY_NOT_SHARE: reason('FORBIDDEN', 'A {role} may not share evidence', { role: text }),
  MEDIATOR_ONLY_CONFIDENTIAL: reason(
    'FORBIDDEN',
    'Only the mediator keeps evidence confidential to a caucus',
  ),
  FEATURE_UNAVAILABLE: reason('INVALID_STATE', '{feature} is not available here', {
    feature: text,
  }),
  RECIPIENTS_ONLY: reason('FORBIDDEN', 'Only parties and agents receive documents'),

  // ── untrusted input ──────────────────────────────────────────────────────
  SIGNATURE_IMAGE_UNREADABLE: reason('VALIDATION', 'The signature image cannot be read'),
} as const satisfies Record<string, ReasonSpec<ParamShape>>;

export type Reason = keyof typeof REASONS;

/** A reason's parameters, as its schema types them. */
export type ReasonParams<R extends Reason> = z.infer<(typeof REASONS)[R]['params']>;

/** Parameter values as they travel: text or whole numbers, nothing to escape. */
export type ReasonParamValues = Record<string, string | number>;

export const REASON_CODES = Object.keys(REASONS) as Reason[];

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}

/** Fills `{name}` placeholders; a placeholder without a value stays as it is. */
export function fillReason(template: string, params: ReasonParamValues | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : String(value);
  });
}

/** The English developer sentence of a reason with its parameters. */
export function reasonMessage(reason: Reason, params?: ReasonParamValues): string {
  return fillReason(REASONS[reason].message, params);
}
