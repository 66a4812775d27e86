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
import { PAYMENT_ORDER_INELIGIBLE_REASONS } from './http/institutions.js';

/**
 * A parameter is text, a whole number, or a list of codes: a client renders
 * each item of a list from its catalogue and joins them in the reader's
 * language (、 in Chinese, ", " in English).
 */
type ParamShape = Record<
  string,
  z.ZodString | z.ZodNumber | z.ZodArray<z.ZodString> | z.ZodArray<z.ZodEnum<[string, ...string[]]>>
>;

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
const count = z.number().int().nonnegative();

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
  SESSION_NODE_UNREACHABLE: reason(
    'MEDIA_UNAVAILABLE',
    'The server holding this session does not answer; retry shortly',
  ),
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

  // ── case file: intake, roster, sessions, outcomes, extensions ─────────────
  CASE_TRANSITION_INVALID: reason('INVALID_STATE', 'Cannot {action} a case that is {status}', {
    action: text,
    status: text,
  }),
  ROLE_MAY_NOT_ON_CASE: reason('FORBIDDEN', 'A {role} may not {action} this case', {
    role: text,
    action: text,
  }),
  STAFF_ONLY: reason('FORBIDDEN', 'Only {roles} staff may do this', { roles: text }),
  CASE_CLOSED: reason('INVALID_STATE', 'The case is closed'),
  DISCLOSURE_FIRST: reason(
    'DISCLOSURE_REQUIRED',
    'The mediator must disclose, with no conflict of interest, for their current assignment first',
  ),
  MEDIATOR_BEFORE_SCHEDULING: reason(
    'INVALID_STATE',
    'Assign a mediator before scheduling a session',
  ),
  RECUSAL_BLOCKS_SESSION: reason(
    'RECUSAL_PENDING',
    'A recusal request awaits the organisation’s decision: no session starts before it',
  ),
  SESSION_TRANSITION_INVALID: reason('INVALID_STATE', 'A {from} session cannot become {to}', {
    from: text,
    to: text,
  }),
  SESSION_OVER: reason('INVALID_STATE', 'This session has ended or was cancelled'),
  NO_SESSION_SCHEDULED: reason(
    'INVALID_STATE',
    'No session of this case is scheduled or in progress',
  ),
  ORAL_APPLICATION_IN_FUTURE: reason(
    'VALIDATION',
    'The oral application cannot be heard in the future',
  ),
  RESPONDENTS_NOT_AGREED: reason(
    'RESPONDENT_AGREEMENT_REQUIRED',
    'Every respondent must agree to mediation before a party application is accepted (missing: {ids})',
    { names: text, ids: text },
  ),
  RESPONDENT_ANSWERS_ONLY: reason(
    'FORBIDDEN',
    'Only a respondent or its specially authorised agent may answer',
  ),
  NOT_A_RESPONDENT: reason('VALIDATION', 'Not a respondent of this case'),
  OFFLINE_ANSWER_NEEDS_PROOF: reason('VALIDATION', 'An answer given offline needs its proof'),
  NO_SEPARATE_AGREEMENT: reason(
    'INVALID_STATE',
    'Delegated or entrusted cases need no separate agreement',
  ),
  HOLIDAY_SCHEDULE_INVALID: reason(
    'VALIDATION',
    'The holiday schedule is invalid; nothing was stored',
  ),
  HOLIDAY_YEAR_LOADED: reason(
    'INVALID_STATE',
    'The {year} schedule is loaded already; replacing it is a correction and needs a reason',
    { year: text },
  ),
  AGENT_NEEDS_PARTY: reason('VALIDATION', 'An agent must represent a party of this case'),
  USERNAME_TAKEN: reason('VALIDATION', 'This username is taken'),
  CASE_TRANSFER_TARGET_UNKNOWN: reason('VALIDATION', 'No organisation of this network has that id'),
  CASE_TRANSFER_SAME_ORGANISATION: reason(
    'VALIDATION',
    'The case is with that organisation already',
  ),
  CASE_TRANSFER_TO_BUREAU: reason(
    'VALIDATION',
    'The bureau supervises mediation; cases go to a mediation organisation',
  ),
  SUPERVISOR_READS_ONLY: reason('FORBIDDEN', 'A supervisor reads cases; they change nothing'),
  SUPERVISOR_NO_CONTACT_DATA: reason(
    'FORBIDDEN',
    "A supervisor does not read the parties' evidence or contact details",
  ),
  PERIOD_REVERSED: reason('VALIDATION', 'The period starts after it ends'),
  PERIOD_TOO_LONG: reason('VALIDATION', 'A period of at most {years} years', { years: count }),
  REPORT_PERIOD_INVALID: reason(
    'VALIDATION',
    'A report covers a month (YYYY-MM) or a quarter (YYYY-Qn)',
  ),
  REPORT_PERIOD_NOT_ENDED: reason(
    'INVALID_STATE',
    'The period has not ended yet: its report can be made from the day after {to}',
    { to: text },
  ),
  REPORT_FILE_ALTERED: reason(
    'INTERNAL',
    'The stored report file no longer matches the hash kept when it was made',
  ),
  TRAINING_IN_FUTURE: reason('VALIDATION', 'A training is recorded once it took place'),
  ASSESSMENT_IN_FUTURE: reason('VALIDATION', 'A year is assessed once it has begun'),
  ASSESSMENT_EXISTS: reason('INVALID_STATE', 'The mediator was assessed for {period} already', {
    period: text,
  }),
  RISK_ENTRY_CLOSED: reason('INVALID_STATE', 'This risk ledger entry is closed'),
  RISK_OWNER_UNKNOWN: reason(
    'VALIDATION',
    "No active clerk or mediator of the entry's organisation has that id",
  ),
  RISK_OWNER_OR_CLERK: reason(
    'FORBIDDEN',
    "Only the organisation's clerks and the entry's owner record actions on it",
  ),
  ORGANISATION_KIND_NOT_UNDER: reason(
    'VALIDATION',
    'An organisation of kind {kind} cannot stand under one of kind {parentKind}',
    { kind: text, parentKind: text },
  ),
  ORGANISATION_NAME_TAKEN: reason(
    'VALIDATION',
    'An organisation of that name stands under the same parent already',
  ),
  CANNOT_DEACTIVATE_SELF: reason('INVALID_STATE', 'You cannot deactivate your own account'),
  NO_SUCH_MEDIATOR: reason('VALIDATION', 'No active mediator of this organisation has that id'),
  RECUSAL_PARTIES_ONLY: reason('FORBIDDEN', 'Only a party or an agent may ask for recusal'),
  NO_MEDIATOR_ASSIGNED: reason('INVALID_STATE', 'No mediator is assigned to this case'),
  RECUSAL_ALREADY_PENDING: reason(
    'RECUSAL_PENDING',
    'A recusal request of this case awaits its decision',
  ),
  RECUSAL_DECIDED: reason('INVALID_STATE', 'This request has been decided'),
  EXTENSION_NEEDS_PARTIES: reason(
    'PARTY_CONSENT_REQUIRED',
    'Each party must consent to an extension itself (or through an agent with special authority), or staff record an offline consent with proof: propose the extension (POST /cases/:caseId/extension-proposals)',
  ),
  EXTENSION_NOT_LATER: reason(
    'VALIDATION',
    'The new date must be after the current end of the mediation period',
  ),
  EXTENSION_IN_PAST: reason(
    'VALIDATION',
    'The new end of the mediation period cannot lie in the past',
  ),
  EXTENSION_NOT_IN_MEDIATION: reason(
    'INVALID_STATE',
    'The mediation period can be extended only while mediation goes on',
  ),
  EXTENSION_ALREADY_PROPOSED: reason(
    'INVALID_STATE',
    'An extension proposal is already awaiting the parties',
  ),
  EXTENSION_STAFF_RECORD_OFFLINE: reason(
    'FORBIDDEN',
    'Only a party or its specially authorised agent answers; staff may only record an offline answer with proof',
  ),
  EXTENSION_AUTHORITY_REQUIRED: reason(
    'FORBIDDEN',
    'Only a party or an agent with special authority may answer',
  ),
  NOT_A_PARTY: reason('VALIDATION', 'Not a party of this case'),
  EXTENSION_OFFLINE_NEEDS_PROOF: reason(
    'VALIDATION',
    'An offline answer needs proof: an evidence item of this case',
  ),
  EXTENSION_CLOSED: reason('INVALID_STATE', 'This extension proposal is closed'),
  EXTENSION_ALREADY_ANSWERED: reason(
    'INVALID_STATE',
    'This party has already answered the proposal',
  ),
  AGREEMENT_ALREADY_EFFECTIVE: reason('INVALID_STATE', 'The agreement is effective already'),
  NO_AGREEMENT: reason('INVALID_STATE', 'There is no agreement to take effect'),
  EFFECTIVE_TIME_IN_FUTURE: reason('INVALID_STATE', 'The effective time cannot be in the future'),
  EFFECTIVE_TIME_BY_HAND: reason(
    'INVALID_STATE',
    'An agreement takes effect only at the seal after every signature or at a recorded paper signing; an effective time cannot be set by hand',
  ),

  // ── documents: issuing, service of documents, signing, sealing ────────────
  STAFF_ONLY_ACTION: reason('FORBIDDEN', 'Only staff may {action}', { action: text }),
  OWN_ADDRESS_ONLY: reason('FORBIDDEN', 'You may confirm only your own address'),
  CONSENT_PERSON_REQUIRED: reason('VALIDATION', 'Name the person whose paper form is recorded'),
  OBSERVER_NOT_SERVED: reason('FORBIDDEN', 'An observer is not served documents'),
  OBSERVER_NOT_RECIPIENT: reason('VALIDATION', 'An observer cannot be served'),
  AGREEMENT_NO_LAYOUT: reason('INVALID_STATE', 'The agreement has no stored layout'),
  UNKNOWN_RECIPIENT: reason('VALIDATION', 'Unknown recipient'),
  RECIPIENT_TWICE: reason('VALIDATION', 'Each recipient once'),
  REPLACED_NOT_IN_CASE: reason('VALIDATION', 'The document to replace is not in this case'),
  VERSION_KIND_MISMATCH: reason('VALIDATION', 'A new version must be of the same kind'),
  SEALED_NOT_REISSUED: reason('INVALID_STATE', 'A sealed agreement cannot be reissued'),
  NEWER_VERSION_ISSUED: reason('INVALID_STATE', 'A newer version was issued meanwhile'),
  CASE_NOT_ACCEPTED: reason('INVALID_STATE', 'The case has not been accepted'),
  CASE_NOT_REFUSED: reason('INVALID_STATE', 'The case was not refused'),
  AGREEMENT_NOT_ISSUABLE: reason('INVALID_STATE', 'An agreement cannot be issued in this state'),
  TERMINATION_GROUND_REQUIRED: reason(
    'INVALID_STATE',
    'Give the ground: the case is not terminated',
  ),
  ORAL_NEEDS_RECORD: reason('INVALID_STATE', 'An oral application has an oral application record'),
  WRITTEN_NO_RECORD: reason(
    'INVALID_STATE',
    'A written application has no oral application record',
  ),
  AGREEMENT_NOT_EFFECTIVE: reason('INVALID_STATE', 'The agreement is not effective yet'),
  UNKNOWN_EVIDENCE: reason('VALIDATION', 'Unknown evidence item'),
  NO_AGREEMENT_TO_ATTACH: reason('VALIDATION', 'No sealed or paper-signed agreement to attach'),
  UNKNOWN_SESSION: reason('VALIDATION', 'Unknown session'),
  SEAL_SIGNERS_MISSING: reason(
    'INVALID_STATE',
    'Not every required signer has signed ({signers}); cannot seal',
    { signers: text },
  ),
  PAPER_SIGNERS_MISSING: reason(
    'INVALID_STATE',
    'Not every required signer has signed ({signers}); cannot record the paper signing',
    { signers: text },
  ),
  AGREEMENT_SEALED_MEANWHILE: reason('INVALID_STATE', 'The agreement was sealed meanwhile'),
  PAPER_SIGNING_MEDIATOR_ONLY: reason(
    'FORBIDDEN',
    "Only the case's mediator records a paper signing",
  ),
  AGREEMENT_SEALED: reason('INVALID_STATE', 'The agreement is sealed already'),
  SIGNED_SCAN_REQUIRED: reason(
    'VALIDATION',
    'File the scan of the signed agreement first (category signed_agreement, uploaded by the organisation)',
  ),
  SIGNING_DATE_OUT_OF_RANGE: reason(
    'VALIDATION',
    'A signing date must lie between the issue of the agreement and today',
  ),
  AGENT_NOT_AUTHORISED_TO_SIGN: reason(
    'FORBIDDEN',
    'The signer is neither the party nor its agent with special authority to sign',
  ),
  RECIPIENT_ONLY: reason('FORBIDDEN', 'Only the recipient may do this'),
  DELIVERY_STEP_REFUSED: reason('INVALID_STATE', 'Cannot {action} a delivery that is {state}', {
    action: text,
    state: text,
  }),
  DELIVERY_NO_CONSENT: reason(
    'INVALID_STATE',
    'The recipient has not consented to electronic service at this address',
  ),
  SIGNING_CODE_NONE: reason('INVALID_STATE', 'Request a signing code first'),
  SIGNING_CODE_EXPIRED: reason('INVALID_STATE', 'The code has expired; request a new one'),
  SIGNING_CODE_EXHAUSTED: reason('INVALID_STATE', 'Too many wrong codes; request a new one'),
  SIGNING_CODE_WRONG: reason('VALIDATION', 'Wrong code; {left} attempts left', { left: text }),
  NO_ADDRESS_ON_CHANNEL: reason('VALIDATION', 'No address on that channel'),
  ONLY_AGREEMENT_SIGNED: reason(
    'VALIDATION',
    'Only the mediation agreement and session records are signed',
  ),
  VERSION_REPLACED: reason('INVALID_STATE', 'Version {version} was replaced by version {latest}', {
    version: text,
    latest: text,
  }),
  SEALED_NO_MORE_SIGNING: reason('INVALID_STATE', 'The agreement is sealed already'),
  CASE_AGREEMENT_EFFECTIVE: reason('INVALID_STATE', "The case's agreement is effective already"),
  CASE_CANNOT_TAKE_AGREEMENT: reason('INVALID_STATE', 'The case cannot take an agreement now'),
  MEDIATOR_SIGNS_OWN_CASE: reason('FORBIDDEN', "Only the case's mediator signs as mediator"),
  NO_SIGNER: reason('FORBIDDEN', 'No signer'),
  NOT_A_SIGNER: reason('FORBIDDEN', 'You are not a signer of this document'),
  // Representatives (代表人) of a collective dispute.
  REPRESENTATIVE_NOT_APPLICANT: reason(
    'VALIDATION',
    '{personId} is not another applicant of this case',
    { personId: text },
  ),
  REPRESENTATIVE_NEEDS_DOCUMENT: reason(
    'VALIDATION',
    'File the election document as evidence of the case first',
  ),
  REPRESENTED_ALREADY: reason(
    'INVALID_STATE',
    '{personId} already has a representative or represents others: revoke that election first',
    { personId: text },
  ),
  ELECTION_IN_FUTURE: reason('VALIDATION', 'The election date is after today'),
  REPRESENTATION_UNKNOWN: reason('NOT_FOUND', 'No such representation in this case'),
  REPRESENTATION_REVOKED: reason('INVALID_STATE', 'This representation was revoked already'),
  // Each worker's own claims, terms and performance.
  CLAIMS_NOT_APPLICANT: reason('VALIDATION', '{personId} is not an applicant of this case', {
    personId: text,
  }),
  PERSON_NOT_IN_AGREEMENT: reason('VALIDATION', "{personId} has no part of this case's agreement", {
    personId: text,
  }),
  PERFORMANCE_PROOF_UNKNOWN: reason(
    'VALIDATION',
    'The proof of performance is not an evidence item of this case',
  ),
  // Session records (调解笔录).
  SESSION_RECORD_MEDIATOR_ONLY: reason(
    'FORBIDDEN',
    "Only the case's mediator writes, issues and annotates its session records",
  ),
  SESSION_RECORD_SESSION_NOT_ENDED: reason(
    'INVALID_STATE',
    'The record is issued for signing once the session has ended',
  ),
  SESSION_RECORD_NO_DRAFT: reason('INVALID_STATE', 'Save the record before issuing it'),
  SESSION_RECORD_UNKNOWN_PERSON: reason('VALIDATION', '{personId} is not a person of this case', {
    personId: text,
  }),
  SESSION_RECORD_NOT_SIGNER: reason(
    'VALIDATION',
    '{personId} did not attend and does not sign this record',
    { personId: text },
  ),
  SESSION_RECORD_ALREADY_SIGNED: reason(
    'INVALID_STATE',
    'This attendee has signed the record; a refusal cannot be recorded',
  ),

  // references, evidence, storage ──────────────────────────────────────────
  // Joint applications (referral bundles) and the parties' disclosure consent.
  REFERRAL_AGREEMENT_NOT_EFFECTIVE: reason(
    'INVALID_STATE',
    'The agreement is not effective: no joint application yet',
  ),
  REFERRAL_NO_EFFECTIVE_AGREEMENT: reason(
    'INVALID_STATE',
    'There is no sealed or paper-signed agreement on the platform to submit',
  ),
  JUDICIAL_APPLICATION_NOT_ISSUED: reason(
    'INVALID_STATE',
    'Issue the application for judicial confirmation first',
  ),
  ARBITRATION_APPLICATION_NOT_ISSUED: reason(
    'INVALID_STATE',
    'Issue the application for arbitration review first',
  ),
  BUNDLE_TOO_LARGE: reason(
    'INVALID_STATE',
    'The bundle would carry {sizeMb} MB, over the {limitMb} MB limit; check the evidence categories (identity, authorisation)',
    { sizeMb: count, limitMb: count },
  ),
  DELEGATED_REPORT_NO_BUNDLE: reason(
    'INVALID_STATE',
    'A delegated mediation report has no application bundle',
  ),
  BUNDLE_FILE_CHANGED: reason(
    'INVALID_STATE',
    '{path} no longer matches the hash fixed when it was written',
    { path: text },
  ),
  STORED_ARCHIVE_ALTERED: reason('INVALID_STATE', 'The stored archive no longer matches its hash'),
  EVIDENCE_FILE_UNREADABLE: reason('INVALID_STATE', 'Unreadable evidence file'),
  SIGNED_SCAN_UNREADABLE: reason('INVALID_STATE', 'Unreadable signed agreement scan'),
  REFERRAL_PREVIEW_OBSERVER: reason('FORBIDDEN', 'An observer cannot see the referral'),
  REFERRAL_PREVIEW_OWN_CASE: reason('FORBIDDEN', 'Only your own case’s referral can be previewed'),
  DISCLOSURE_CONSENT_PARTIES_ONLY: reason(
    'FORBIDDEN',
    'Only a party or an agent with special authority may give this consent',
  ),
  // The payment-order pack (劳动争议调解仲裁法第十六条).
  PAYMENT_ORDER_REQUESTER_REQUIRED: reason(
    'VALIDATION',
    'Name the worker (the applicant or its agent with special authority) who asked for it',
  ),
  PAYMENT_ORDER_APPLICANT_ONLY: reason(
    'FORBIDDEN',
    'Only the applicant or its agent with special authority applies for a payment order',
  ),
  PAYMENT_ORDER_NOT_ELIGIBLE: reason(
    'PAYMENT_ORDER_NOT_ELIGIBLE',
    'This case does not qualify for a payment order (unmet: {unmet})',
    { unmet: z.array(z.enum(PAYMENT_ORDER_INELIGIBLE_REASONS)).min(1) },
  ),
  PAYMENT_ORDER_NO_EFFECTIVE_AGREEMENT: reason(
    'PAYMENT_ORDER_NOT_ELIGIBLE',
    'There is no sealed or paper-signed effective agreement on the platform',
  ),
  PAYMENT_ORDER_COURT_ONLY: reason(
    'WRONG_INSTITUTION_KIND',
    'A payment order is applied for at a court, not an arbitration commission',
  ),
  // Evidence: who may submit, share and file it; the upload and its content check.
  OBSERVER_NO_EVIDENCE: reason('FORBIDDEN', 'An observer may not submit evidence'),
  CASE_CLOSED_TO_EVIDENCE: reason('INVALID_STATE', 'This case no longer accepts evidence'),
  EVIDENCE_QUOTA_REACHED: reason('PAYLOAD_TOO_LARGE', 'The case has reached its evidence quota'),
  FILE_TOO_LARGE: reason('PAYLOAD_TOO_LARGE', 'The file exceeds the {maxBytes}-byte limit', {
    maxBytes: count,
  }),
  SUBMITTER_OR_STAFF_SHARES: reason(
    'FORBIDDEN',
    'Only the side that submitted an item, or staff, may share it',
  ),
  SUBMITTER_OR_STAFF_CATEGORISES: reason(
    'FORBIDDEN',
    'Only the side that submitted an item, or staff, may change its category',
  ),
  EVIDENCE_EMPTY: reason('VALIDATION', 'The file is empty'),
  EVIDENCE_MARKUP: reason(
    'VALIDATION',
    'HTML and SVG files are not accepted; convert them to PDF or an image',
  ),
  EVIDENCE_TYPE_NOT_ACCEPTED: reason(
    'VALIDATION',
    'This file type is not accepted; accepted are PDF, images (JPEG/PNG/WebP/HEIC), audio (MP3/M4A/WAV/OGG), video (MP4/WebM), Word, Excel and plain text',
  ),
  EVIDENCE_NAME_MISMATCH: reason(
    'VALIDATION',
    'The content is {detected} but the file name ends in .{extension} (used for {owner}); correct the file name and upload again',
    { detected: text, extension: text, owner: text },
  ),
  EVIDENCE_EXTENSION_NOT_ACCEPTED: reason(
    'VALIDATION',
    'The content is {detected} but the file name ends in .{extension} (not accepted); correct the file name and upload again',
    { detected: text, extension: text },
  ),
  EVIDENCE_UNCHECKED: reason('VALIDATION', 'The file could not be checked'),
  UPLOAD_NOT_MULTIPART: reason(
    'VALIDATION',
    'Send the evidence as multipart/form-data with a "file" part',
  ),
  UPLOAD_NO_FILE: reason('VALIDATION', 'The upload has no "file" part'),
  UPLOAD_MALFORMED: reason('VALIDATION', 'Malformed upload: {detail}', { detail: text }),
  UPLOAD_INTERRUPTED: reason('VALIDATION', 'The upload was interrupted'),
  UPLOAD_IDLE: reason('REQUEST_TIMEOUT', 'The upload sent nothing for {ms} ms', { ms: count }),
  UPLOAD_TOO_SLOW: reason('REQUEST_TIMEOUT', 'The upload did not complete within {ms} ms', {
    ms: count,
  }),
  EVIDENCE_LINK_EXPIRED: reason('UNAUTHENTICATED', 'This view link has expired'),
  EVIDENCE_LINK_INVALID: reason('UNAUTHENTICATED', 'Invalid view link'),
  EVIDENCE_LINK_OTHER_ITEM: reason('UNAUTHENTICATED', 'This view link is for another item'),
  EVIDENCE_LINK_WITHDRAWN: reason('UNAUTHENTICATED', 'This view link is no longer valid'),
  // ── auth, institutions, recording, http ─────────────────────────────────
  // Sign-in, tokens and the password policy.
  WRONG_CREDENTIALS: reason('UNAUTHENTICATED', 'Wrong username or password'),
  ACCOUNT_LOCKED_OUT: reason(
    'RATE_LIMITED',
    'Too many failed attempts for this account; try again in {seconds} s',
    { seconds: z.number().int().nonnegative() },
  ),
  TOO_MANY_ATTEMPTS: reason('RATE_LIMITED', 'Too many attempts; try again in {seconds} s', {
    seconds: z.number().int().nonnegative(),
  }),
  PASSWORD_TOO_WEAK: reason(
    'VALIDATION',
    'The password is too easy to guess (score {score} of 4, at least {min} needed)',
    { score: z.number().int(), min: z.number().int() },
  ),
  AUTH_HEADER_MALFORMED: reason('UNAUTHENTICATED', 'Malformed Authorization header'),
  CREDENTIAL_EXPIRED: reason('UNAUTHENTICATED', 'The token has expired'),
  CREDENTIAL_INVALID: reason('UNAUTHENTICATED', 'The token is not valid'),
  SIGNED_IN_ACCOUNT_INACTIVE: reason('UNAUTHENTICATED', 'This account is no longer active'),
  INVITATION_LINK_REVOKED: reason(
    'UNAUTHENTICATED',
    'This invitation has been revoked or has expired',
  ),
  STAFF_ACCESS_ONLY: reason('FORBIDDEN', 'Staff only'),
  NOT_FOR_SYSTEM: reason('FORBIDDEN', 'Not for the system'),
  JOIN_SESSION_REQUIRED: reason('FORBIDDEN', 'Staff name the session to join'),
  CASE_CHANGED_MEANWHILE: reason(
    'INVALID_STATE',
    'The case was changed by someone else; reload and retry',
  ),
  // Institutions: their credentials, webhook addresses and referrals.
  INSTITUTION_TOKEN_REQUIRED: reason('UNAUTHENTICATED', 'An institution access token is required'),
  INSTITUTION_TOKEN_EXPIRED: reason('UNAUTHENTICATED', 'This access token has expired'),
  INSTITUTION_TOKEN_INVALID: reason('UNAUTHENTICATED', 'Invalid institution access token'),
  INSTITUTION_KEY_WRONG: reason('UNAUTHENTICATED', 'Unknown institution or wrong API key'),
  INSTITUTION_UNKNOWN: reason('UNAUTHENTICATED', 'Unknown institution'),
  INSTITUTION_REVOKED: reason('UNAUTHENTICATED', 'This credential has been revoked'),
  REFERRAL_NUMBER_REUSED: reason(
    'INVALID_STATE',
    'Case number {caseNumber} was already referred with other content',
    { caseNumber: text },
  ),
  REFERRAL_KIND_NOT_FOR_INSTITUTION: reason(
    'VALIDATION',
    'An arbitration commission delegates mediation; only a court entrusts it',
  ),
  REFERRAL_ALREADY_DECIDED: reason(
    'INVALID_STATE',
    'This referral has already been decided or withdrawn',
  ),
  // Online applications: the public page's challenge, codes, links and the intake decision.
  APPLICATION_CHALLENGE_INVALID: reason(
    'VALIDATION',
    'The page check failed or expired; reload the page and try again',
  ),
  APPLICATION_CHALLENGE_USED: reason('VALIDATION', 'This page check was already used; try again'),
  APPLICATION_ORGANISATION_REQUIRED: reason(
    'VALIDATION',
    'Choose the mediation organisation to apply to',
  ),
  APPLICATION_CODE_WRONG: reason('VALIDATION', 'Wrong code; {left} attempts left', { left: text }),
  APPLICATION_CODE_EXPIRED: reason('INVALID_STATE', 'The code has expired; request a new one'),
  APPLICATION_CODE_EXHAUSTED: reason('INVALID_STATE', 'Too many wrong codes; request a new one'),
  APPLICATION_CODE_USED: reason('INVALID_STATE', 'This code was already used; request a new one'),
  APPLICATION_TOKEN_REQUIRED: reason(
    'UNAUTHENTICATED',
    'Open the application from the link sent to your mobile',
  ),
  APPLICATION_TOKEN_INVALID: reason(
    'UNAUTHENTICATED',
    'This application link is invalid or has expired; request a new one',
  ),
  APPLICATION_NOT_DRAFT: reason(
    'INVALID_STATE',
    'The application has been submitted and can no longer be changed',
  ),
  APPLICATION_ALREADY_DECIDED: reason(
    'INVALID_STATE',
    'This application has already been decided or withdrawn',
  ),
  APPLICATION_FILE_LIMIT: reason('VALIDATION', 'At most {max} files per application', {
    max: z.number().int().nonnegative(),
  }),
  REFERENCE_LINK_EXPIRED: reason(
    'UNAUTHENTICATED',
    'This file link has expired; fetch a new reference',
  ),
  REFERENCE_LINK_INVALID: reason('UNAUTHENTICATED', 'Invalid file link'),
  REFERENCE_LINK_OTHER_INSTITUTION: reason(
    'UNAUTHENTICATED',
    'This link is for another institution',
  ),
  WEBHOOK_URL_INVALID: reason('VALIDATION', 'The webhook address is not a valid URL'),
  WEBHOOK_URL_CREDENTIALS: reason('VALIDATION', 'The webhook address must not contain credentials'),
  WEBHOOK_URL_NOT_HTTPS: reason(
    'VALIDATION',
    'The webhook must be an https address (plain http only for hosts listed in WEBHOOK_HTTP_ALLOWLIST)',
  ),
  WEBHOOK_ADDRESS_INTERNAL: reason(
    'VALIDATION',
    'The webhook address is refused: {host} is a {range} address',
    { host: text, range: text },
  ),
  WEBHOOK_HOST_RESOLVES_INTERNAL: reason(
    'VALIDATION',
    'The webhook address is refused: {host} is resolved to {address}, a {range} address',
    { host: text, address: text, range: text },
  ),
  WEBHOOK_HOST_UNRESOLVED: reason(
    'VALIDATION',
    'The webhook host {host} does not resolve ({detail})',
    { host: text, detail: text },
  ),
  JUDICIAL_CONFIRMATION_COURT_ONLY: reason(
    'REFERRAL_KIND_MISMATCH',
    'A joint application for judicial confirmation goes to a court, not to an arbitration commission (Civil Procedure Law art. 205)',
  ),
  ARBITRATION_REVIEW_COMMISSION_ONLY: reason(
    'REFERRAL_KIND_MISMATCH',
    'A joint application for arbitration review goes to an arbitration commission, not to a court (Rules for Handling Labour and Personnel Dispute Arbitration art. 74)',
  ),
  JUDICIAL_CONFIRMATION_LATE: reason(
    'REFERRAL_LATE',
    'The 30-day window for judicial confirmation closed on {dueOn}; to send the application anyway, record the reason (lateReason), which goes into the audit chain and the manifest',
    { dueOn: text },
  ),
  ARBITRATION_REVIEW_LATE: reason(
    'REFERRAL_LATE',
    'The 15-day window for arbitration review closed on {dueOn}; to send the application anyway, record the reason (lateReason), which goes into the audit chain and the manifest',
    { dueOn: text },
  ),
  // Recording: who controls it, and the consent protocol; recording view links.
  ROLE_MAY_NOT_START_RECORDING: reason('FORBIDDEN', 'A {role} may not start a recording', {
    role: text,
  }),
  ROLE_MAY_NOT_STOP_RECORDING: reason('FORBIDDEN', 'A {role} may not stop a recording', {
    role: text,
  }),
  SERVICE_SHUTTING_DOWN: reason('INVALID_STATE', 'The service is shutting down'),
  RECORDING_UNAVAILABLE: reason(
    'MEDIA_UNAVAILABLE',
    'Recording is unavailable: FFmpeg is not installed on the server',
  ),
  ALREADY_RECORDING: reason('INVALID_STATE', 'This session is being recorded already'),
  NOT_RECORDING: reason('INVALID_STATE', 'This session is not being recorded'),
  CONSENT_WITHDRAWN_FOR_GOOD: reason(
    'INVALID_STATE',
    'Consent to this recording was withdrawn; it cannot be given again',
  ),
  CONSENT_GIVEN_WITHDRAW_INSTEAD: reason('INVALID_STATE', 'Consent was given: withdraw it instead'),
  RECORDING_LINK_EXPIRED: reason('UNAUTHENTICATED', 'This view link has expired'),
  RECORDING_LINK_INVALID: reason('UNAUTHENTICATED', 'Invalid view link'),
  RECORDING_LINK_OTHER_FILE: reason('UNAUTHENTICATED', 'This view link is for another file'),
  RECORDING_LINK_WITHDRAWN: reason('UNAUTHENTICATED', 'This view link is no longer valid'),
  // The floor's notices to a participant sent away, and the HTTP edge.
  ADMISSION_REFUSED: reason('FORBIDDEN', 'The mediator did not admit you'),
  MALFORMED_PERCENT_ESCAPE: reason('VALIDATION', 'The address has a malformed percent-escape'),
  BODY_NOT_JSON: reason('VALIDATION', 'The request body is not valid JSON'),
  BODY_TOO_LARGE: reason('PAYLOAD_TOO_LARGE', 'The request body is too large'),
  BODY_ENCODING_UNSUPPORTED: reason(
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported request encoding or character set',
  ),
  JSON_NOT_UTF8: reason('UNSUPPORTED_MEDIA_TYPE', 'Send JSON encoded as UTF-8'),
  BODY_UNREADABLE: reason('VALIDATION', 'The request body could not be read'),
  REQUEST_TOO_SLOW: reason('REQUEST_TIMEOUT', 'The request took too long to arrive'),
  MALFORMED_REQUEST: reason('VALIDATION', 'Malformed HTTP request'),
  PARSERS_SHUTTING_DOWN: reason('INTERNAL', 'Shutting down'),
  STORED_DOCUMENT_CORRUPT: reason('INTERNAL', 'The stored document does not match its hash'),
} as const satisfies Record<string, ReasonSpec<ParamShape>>;

export type Reason = keyof typeof REASONS;

/** A reason's parameters, as its schema types them. */
export type ReasonParams<R extends Reason> = z.infer<(typeof REASONS)[R]['params']>;

/** Parameter values as they travel: text, whole numbers or lists of codes, nothing to escape. */
export type ReasonParamValues = Record<string, string | number | readonly string[]>;

export const REASON_CODES = Object.keys(REASONS) as Reason[];

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}

/** Fills `{name}` placeholders (a list joined by ", "); a placeholder without a value stays as it is. */
export function fillReason(template: string, params: ReasonParamValues | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? value.join(', ') : String(value);
  });
}

/** The English developer sentence of a reason with its parameters. */
export function reasonMessage(reason: Reason, params?: ReasonParamValues): string {
  return fillReason(REASONS[reason].message, params);
}
