/**
 * One error taxonomy for the whole server: each class carries a stable code
 * from the signaling contract, mapped once to an HTTP status and once to a
 * socket acknowledgement. A failure a client shows is thrown as a reason
 * (`fail`, signaling/reasons.ts): the client renders it in its reader's
 * language, the message stays one English developer sentence.
 */
import { ZodError } from 'zod';
import {
  REASONS,
  reasonMessage,
  type ErrorCode,
  type ErrorPayload,
  type Reason,
  type ReasonParams,
  type ReasonParamValues,
} from '../signaling/index.js';

interface AppErrorOptions {
  cause?: unknown;
  issues?: string[] | undefined;
  reason?: Reason;
  params?: ReasonParamValues;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: string[] | undefined;
  readonly reason: Reason | undefined;
  readonly params: ReasonParamValues | undefined;

  constructor(code: ErrorCode, message: string, options?: AppErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.issues = options?.issues;
    this.reason = options?.reason;
    this.params = options?.params;
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.params && Object.keys(this.params).length > 0 ? { params: this.params } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/** A reason's parameters as arguments: optional when the reason takes none. */
export type ReasonArgs<R extends Reason> =
  Record<string, never> extends ReasonParams<R>
    ? [params?: ReasonParams<R>]
    : [params: ReasonParams<R>];

/** A failure for a reason: its code, its English sentence and its parameters from one table. */
export class ReasonError<R extends Reason = Reason> extends AppError {
  declare readonly reason: R;

  constructor(
    reason: R,
    params?: ReasonParams<R>,
    options?: { cause?: unknown; issues?: string[] },
  ) {
    const values = params as ReasonParamValues | undefined;
    super(REASONS[reason].code, reasonMessage(reason, values), {
      ...options,
      reason,
      ...(values ? { params: values } : {}),
    });
  }

  /** The same failure with what the input got wrong, entry by entry. */
  withIssues(issues: string[]): ReasonError<R> {
    return new ReasonError(this.reason, this.params as ReasonParams<R> | undefined, { issues });
  }
}

/** `throw fail('SESSION_LOCKED')`: the error for a reason, parameters typed by its schema. */
export function fail<R extends Reason>(reason: R, ...[params]: ReasonArgs<R>): ReasonError<R> {
  return new ReasonError(reason, params);
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    issues?: string[],
    because?: { reason: Reason; params?: ReasonParamValues },
  ) {
    super('VALIDATION', message, { ...(issues ? { issues } : {}), ...because });
  }

  static fromZod(event: string, error: ZodError): ValidationError {
    const issues = error.issues
      .slice(0, 10)
      .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`);
    const params = { event: event.slice(0, 200) };
    return new ValidationError(reasonMessage('INVALID_PAYLOAD', params), issues, {
      reason: 'INVALID_PAYLOAD',
      params,
    });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', reasonMessage('NOT_FOUND', { what }), {
      reason: 'NOT_FOUND',
      params: { what },
    });
  }
}

export class InvalidStateError extends AppError {
  constructor(message: string, because?: { reason: Reason; params?: ReasonParamValues }) {
    super('INVALID_STATE', message, because);
  }
}

/**
 * A participant is admitted only after a confirmed identity check in this
 * session, or on the mediator's recorded override.
 */
export class IdentityUnconfirmedError extends AppError {
  constructor(message: string) {
    super('IDENTITY_UNCONFIRMED', message);
  }
}

/** A party's own consent is required (e.g. to extend the mediation period); staff cannot give it for them. */
export class PartyConsentRequiredError extends AppError {
  constructor(message: string) {
    super('PARTY_CONSENT_REQUIRED', message);
  }
}

/** The mediator must disclose (no conflict) for their current assignment before running the case. */
export class DisclosureRequiredError extends AppError {
  constructor(message: string) {
    super('DISCLOSURE_REQUIRED', message);
  }
}

/** No session of the case starts while a recusal request (回避申请) is undecided. */
export class RecusalPendingError extends AppError {
  constructor(message: string) {
    super('RECUSAL_PENDING', message);
  }
}

/** A party application is accepted only with every respondent's recorded agreement to mediate. */
export class RespondentAgreementRequiredError extends AppError {
  constructor(message: string) {
    super('RESPONDENT_AGREEMENT_REQUIRED', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(message = 'Too many requests; slow down') {
    super('RATE_LIMITED', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/** A request line or headers over the HTTP parser's limit (answered before routing). */
export class HeadersTooLargeError extends AppError {
  constructor() {
    super('HEADERS_TOO_LARGE', 'The request line or headers are too large');
  }
}

/** A request body that stalled or took longer than allowed. */
export class RequestTimeoutError extends AppError {
  constructor(message: string) {
    super('REQUEST_TIMEOUT', message);
  }
}

/** A request body in an encoding or character set the server does not take. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super('UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class MediaUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('MEDIA_UNAVAILABLE', message, { cause });
  }
}

export class InternalError extends AppError {
  constructor(cause: unknown) {
    super('INTERNAL', 'Internal error', { cause });
  }
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  IDENTITY_UNCONFIRMED: 409,
  PARTY_CONSENT_REQUIRED: 409,
  REFERRAL_KIND_MISMATCH: 409,
  REFERRAL_LATE: 409,
  PAYMENT_ORDER_NOT_ELIGIBLE: 409,
  WRONG_INSTITUTION_KIND: 409,
  DISCLOSURE_REQUIRED: 409,
  RECUSAL_PENDING: 409,
  RESPONDENT_AGREEMENT_REQUIRED: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MEDIA_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return ValidationError.fromZod('request', error);
  return new InternalError(error);
}

/**
 * Wraps a mediasoup call made with parameters a client sent. mediasoup throws
 * TypeError / UnsupportedError for parameters it rejects (unknown codec, bad
 * RTP parameters) and InvalidStateError for objects closed meanwhile: those
 * are the client's fault or a race, not ours.
 */
export async function withClientParameters<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof Error) {
      const params = { what, detail: error.message.slice(0, 200) };
      if (error.name === 'TypeError' || error.name === 'UnsupportedError') {
        throw fail('MEDIA_PARAMETERS_REJECTED', params);
      }
      if (error.name === 'InvalidStateError') throw fail('MEDIA_OBJECT_CLOSED', params);
    }
    throw error;
  }
}

/**
 * Refuses input holding U+0000 anywhere (a string, a key, at any depth): no
 * text of a case has one, PostgreSQL cannot store one, and C-based tools cut
 * strings at it. Checked at the edges (HTTP params, query and body; socket
 * payloads) so it is a 400 on either database, never a 500 on one of them.
 */
export function refuseNulCharacters(event: string, value: unknown): void {
  const found = nulPath(value, [], 0);
  if (found === undefined) return;
  const params = { event: event.slice(0, 200) };
  throw new ValidationError(
    reasonMessage('INVALID_PAYLOAD', params),
    [`${found || '(payload)'}: the NUL character (U+0000) is not allowed in text`],
    { reason: 'INVALID_PAYLOAD', params },
  );
}

function nulPath(value: unknown, at: string[], depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at.join('.') : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...at, '(key)'].join('.');
    const found = nulPath(inner, [...at, key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
