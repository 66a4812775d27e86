/**
 * Whether a session credential is still honoured, and the changes that may
 * withdraw one. A session token is signed for a week; what it names can stop
 * being true sooner: the mediator deactivated or taken off the case, the
 * invitation revoked, the person removed from the case, the session ended.
 * Clerks have no session role: they never join a live session (they follow
 * it from the console), so a credential naming a clerk is never honoured.
 * Knows nothing of Socket.IO or HTTP.
 */
import { z } from 'zod';
import { reasonMessage, type Reason, type SessionRole } from '../../signaling/index.js';
import type { CasePerson } from './model.js';

/** What a session token says about its holder (its verified claims). */
export interface SessionCredential {
  sub: string;
  caseId: string;
  sessionId: string;
  role: SessionRole;
  inv?: string | undefined;
}

/** Why a credential is no longer honoured; the reasons a client shows (see HANDSHAKE_REFUSALS). */
export type SessionAccessReason = 'ACCESS_WITHDRAWN' | 'TOKEN_REVOKED' | 'SESSION_CLOSED';

export interface SessionAccessRefusal {
  reason: SessionAccessReason;
  /** The finer reason (signaling/reasons.ts) a client renders in its reader's language. */
  detail: Reason;
  /** The English developer sentence of `detail`. */
  message: string;
}

function refusal(reason: SessionAccessReason, detail: Reason): SessionAccessRefusal {
  return { reason, detail, message: reasonMessage(detail) };
}

export const REFUSALS = {
  sessionClosed: refusal('SESSION_CLOSED', 'SESSION_ENDED'),
  inactive: refusal('ACCESS_WITHDRAWN', 'ACCOUNT_INACTIVE'),
  notAssigned: refusal('ACCESS_WITHDRAWN', 'MEDIATOR_NOT_ASSIGNED'),
  notInCase: refusal('ACCESS_WITHDRAWN', 'NOT_IN_CASE'),
  invitationRevoked: refusal('TOKEN_REVOKED', 'INVITATION_REVOKED'),
} as const satisfies Record<string, SessionAccessRefusal>;

/**
 * A change that may withdraw credentials, announced after it is committed.
 * The composition root hands these to the transports holding live
 * connections, which check their holders again.
 */
export type AccessChange =
  | { kind: 'staff-deactivated'; staffId: string }
  | { kind: 'mediator-changed'; caseId: string; previous: string | null; next: string | null }
  | { kind: 'invitation-revoked'; caseId: string; invitationId: string; personId: string }
  | { kind: 'session-closed'; caseId: string; sessionId: string };

const id = z.string().min(1).max(200);
/** An AccessChange as it arrives from another node (validated before it is acted on). */
export const accessChangeSchema: z.ZodType<AccessChange> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff-deactivated'), staffId: id }),
  z.object({
    kind: z.literal('mediator-changed'),
    caseId: id,
    previous: id.nullable(),
    next: id.nullable(),
  }),
  z.object({ kind: z.literal('invitation-revoked'), caseId: id, invitationId: id, personId: id }),
  z.object({ kind: z.literal('session-closed'), caseId: id, sessionId: id }),
]);

/** Called after the change is committed; must not throw. */
export type AccessChangeListener = (change: AccessChange) => void;

/** Which credentials a change may have withdrawn (they are then checked again in full). */
export function affectedBy(change: AccessChange): (credential: SessionCredential) => boolean {
  switch (change.kind) {
    case 'staff-deactivated':
      return (c) => c.sub === change.staffId;
    case 'mediator-changed':
      return (c) => c.caseId === change.caseId && c.role === 'mediator';
    case 'invitation-revoked':
      return (c) => c.caseId === change.caseId && c.sub === change.personId;
    case 'session-closed':
      return (c) => c.sessionId === change.sessionId;
  }
}

/** The session role a person of the case has (as their invitation names it). */
export function sessionRoleOf(person: Pick<CasePerson, 'kind'>): Exclude<SessionRole, 'mediator'> {
  return person.kind === 'observer' ? 'observer' : person.kind === 'agent' ? 'agent' : 'party';
}
