/**
 * The kinds of signed token the HTTP API accepts besides session tokens
 * (`SessionTokens.ts`), each with its own audience and lifetime so that one
 * can never stand for another: staff sign-in, single-case invitations for
 * parties, agents and observers, short-lived evidence and recording access
 * links, institution (court, arbitration commission) access, and institution
 * file links. (Formerly `StaffTokens.ts`, which named only the first kind.)
 */
import { z } from 'zod';
import { SignedTokens, type Verified } from './SignedTokens.js';

export const STAFF_TOKEN_AUDIENCE = 'mediation-staff';
export const INVITATION_TOKEN_AUDIENCE = 'mediation-invitation';

export const staffClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum(['clerk', 'mediator', 'supervisor']),
  org: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
});
export type StaffClaims = z.infer<typeof staffClaimsSchema>;

export const invitationClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  caseId: z.string().min(1).max(64),
  role: z.enum(['party', 'agent', 'observer']),
  name: z.string().min(1).max(100),
});
export type InvitationClaims = z.infer<typeof invitationClaimsSchema>;

export type VerifiedStaffToken = Verified<StaffClaims>;
export type VerifiedInvitationToken = Verified<InvitationClaims>;

export const STAFF_TOKEN_TTL_SECONDS = 12 * 3600;
export const MAX_INVITATION_TTL_SECONDS = 90 * 24 * 3600;

export class StaffTokens extends SignedTokens<typeof staffClaimsSchema> {
  constructor(secret: string) {
    super(secret, STAFF_TOKEN_AUDIENCE, staffClaimsSchema, STAFF_TOKEN_TTL_SECONDS);
  }
}

export class InvitationTokens extends SignedTokens<typeof invitationClaimsSchema> {
  constructor(secret: string) {
    super(secret, INVITATION_TOKEN_AUDIENCE, invitationClaimsSchema, MAX_INVITATION_TTL_SECONDS);
  }
}

export const EVIDENCE_ACCESS_AUDIENCE = 'mediation-evidence';
export const EVIDENCE_ACCESS_TTL_SECONDS = 15 * 60;

/**
 * Short-lived links to view one evidence item in the browser (an <img> or
 * <video> cannot send an Authorization header). Bound to the viewer and the
 * item; visibility is checked again against the case file on every request.
 */
export const evidenceAccessClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  caseId: z.string().min(1).max(64),
  itemId: z.string().min(1).max(64),
  viewer: z.enum(['staff', 'person']),
  role: z.enum(['clerk', 'mediator', 'party', 'agent', 'observer']),
  org: z.string().max(64).optional(),
  /** The invitation the viewer came with: revoking it ends the link too. */
  inv: z.string().max(64).optional(),
  name: z.string().min(1).max(100),
});
export type EvidenceAccessClaims = z.infer<typeof evidenceAccessClaimsSchema>;

export class EvidenceAccessTokens extends SignedTokens<typeof evidenceAccessClaimsSchema> {
  constructor(secret: string) {
    super(
      secret,
      EVIDENCE_ACCESS_AUDIENCE,
      evidenceAccessClaimsSchema,
      EVIDENCE_ACCESS_TTL_SECONDS,
    );
  }
}

export const RECORDING_ACCESS_AUDIENCE = 'mediation-recording';
export const RECORDING_ACCESS_TTL_SECONDS = 15 * 60;

/**
 * Short-lived links to play one file of a recording in the browser (a
 * <video> cannot send an Authorization header). Staff only; the case scope
 * is checked again on every request.
 */
export const recordingAccessClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  caseId: z.string().min(1).max(64),
  recordingId: z.string().min(1).max(64),
  fileId: z.string().min(1).max(64),
  role: z.enum(['clerk', 'mediator']),
  org: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
});
export type RecordingAccessClaims = z.infer<typeof recordingAccessClaimsSchema>;

export class RecordingAccessTokens extends SignedTokens<typeof recordingAccessClaimsSchema> {
  constructor(secret: string) {
    super(
      secret,
      RECORDING_ACCESS_AUDIENCE,
      recordingAccessClaimsSchema,
      RECORDING_ACCESS_TTL_SECONDS,
    );
  }
}

export const INSTITUTION_TOKEN_AUDIENCE = 'mediation-institution';
export const INSTITUTION_TOKEN_TTL_SECONDS = 3600;

/**
 * Access tokens of a court or arbitration commission (API clients, not
 * people): their own audience, so no staff, invitation or session token can
 * stand in for one, and the credential is checked again on every request.
 */
export const institutionClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  org: z.string().min(1).max(64),
  kind: z.enum(['court', 'arbitration']),
  name: z.string().min(1).max(200),
});
export type InstitutionClaims = z.infer<typeof institutionClaimsSchema>;

export class InstitutionTokens extends SignedTokens<typeof institutionClaimsSchema> {
  constructor(secret: string) {
    super(
      secret,
      INSTITUTION_TOKEN_AUDIENCE,
      institutionClaimsSchema,
      INSTITUTION_TOKEN_TTL_SECONDS,
    );
  }
}

export const INSTITUTION_FILE_AUDIENCE = 'mediation-institution-file';
export const INSTITUTION_FILE_TTL_SECONDS = 24 * 3600;

/** A file link inside a case reference: for one institution, one item, 24 hours. */
export const institutionFileClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  caseId: z.string().min(1).max(64),
  item: z.enum(['document', 'sealed-agreement', 'recording-manifest', 'recording-composite']),
  id: z.string().min(1).max(64),
});
export type InstitutionFileClaims = z.infer<typeof institutionFileClaimsSchema>;

export class InstitutionFileTokens extends SignedTokens<typeof institutionFileClaimsSchema> {
  constructor(secret: string) {
    super(
      secret,
      INSTITUTION_FILE_AUDIENCE,
      institutionFileClaimsSchema,
      INSTITUTION_FILE_TTL_SECONDS,
    );
  }
}
