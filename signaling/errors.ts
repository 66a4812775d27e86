import type { Reason, ReasonParamValues } from './reasons.js';

/**
 * Error codes shared by the server and the browser. Every failed request is
 * acknowledged with one of these; the HTTP layer maps the same codes to statuses.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_STATE',
  /** Admission refused: no confirmed identity check in this session and no override. */
  'IDENTITY_UNCONFIRMED',
  /** A party's own consent is required; staff cannot give it for them (extension of the mediation period). */
  'PARTY_CONSENT_REQUIRED',
  /** A joint application sent to the wrong kind of institution (court vs arbitration commission). */
  'REFERRAL_KIND_MISMATCH',
  /** A joint application after its statutory window closed, with no recorded reason to send it. */
  'REFERRAL_LATE',
  /** A payment-order pack asked for a case that does not (yet) qualify for one. */
  'PAYMENT_ORDER_NOT_ELIGIBLE',
  /** Sent to the wrong kind of institution (a payment order goes to a court only). */
  'WRONG_INSTITUTION_KIND',
  /** The mediator has no conflict disclosure for their current assignment to the case. */
  'DISCLOSURE_REQUIRED',
  /** A party's request for the mediator's recusal (回避申请) awaits the organisation's decision. */
  'RECUSAL_PENDING',
  /** A party application cannot be accepted before every respondent agreed to mediation. */
  'RESPONDENT_AGREEMENT_REQUIRED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'MEDIA_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialised shape of an error sent to a client. */
export interface ErrorPayload {
  code: ErrorCode;
  /** The English developer sentence (logs, API callers); clients render `reason` instead. */
  message: string;
  /**
   * Why, as a stable code of signaling/reasons.ts with its parameters: what a
   * client renders from its catalogue. Absent only for failures no reason
   * names yet, which clients render by `code`.
   */
  reason?: Reason;
  params?: ReasonParamValues;
  /** Where validation failed: `path: problem` lines, never the raw input. */
  issues?: string[];
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

/**
 * Reasons the handshake is refused (sent as `connect_error` data), and a live
 * connection withdrawn (`access:withdrawn`): `ACCESS_WITHDRAWN` when the
 * holder is no longer an active, assigned mediator or a person of the case;
 * `SESSION_CLOSED` when the session ended, was cancelled or is not the case's.
 */
export const HANDSHAKE_REFUSALS = [
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'ACCESS_WITHDRAWN',
  'SESSION_CLOSED',
] as const;
export type HandshakeRefusal = (typeof HANDSHAKE_REFUSALS)[number];

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
