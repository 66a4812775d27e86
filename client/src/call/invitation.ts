/**
 * What the page knows before the call: the token's display-only preview,
 * the invitation exchanged for a session token, and the case's deadlines
 * (with their legal basis) shown to an invited party (view/CaseDeadlines.vue).
 */
import { SESSION_ROLES, type SessionRole } from '../../../signaling/roles.js';
import type { SessionClaims } from '../../../signaling/tokens.js';
import { refusalCode, requests, type Reply } from '../shared/request.js';
import { tokenClaims } from '../shared/token.js';

/** What the page shows of a session token: the name, the role, the procedural side when named. */
export type TokenPreview = Pick<SessionClaims, 'name' | 'role' | 'side'>;

/** Display-only view of the token; the server is what verifies it. */
export function previewToken(raw: string): TokenPreview | undefined {
  const claims = tokenClaims(raw);
  const name = claims?.['name'];
  const role = claims?.['role'];
  if (
    typeof name !== 'string' ||
    typeof role !== 'string' ||
    !(SESSION_ROLES as readonly string[]).includes(role)
  )
    return undefined;
  const side = claims?.['side'];
  return {
    name,
    role: role as SessionRole,
    ...(side === 'applicant' || side === 'respondent' ? { side } : {}),
  };
}

/** A deadline of the party's case, as the case file (the shared HTTP contract) carries it. */
export type CaseDeadlineView = Reply<'get', '/cases/:caseId'>['deadlines'][number];

export type InvitationExchange =
  | { ok: true; token: string; caseId?: string; caseNumber?: string; sessionStart?: string }
  | { ok: false; reason: 'inviteInvalid' | 'noSession' | 'error' };

/** An invitation link names a case, not a session: asks the server for a token to the current one. */
export async function exchangeInvitation(invite: string): Promise<InvitationExchange> {
  const response = await requests(() => invite).fetch('post', '/join-token', { body: {} });
  const json: unknown = await response.json().catch(() => ({}));
  const reply = json as Partial<Reply<'post', '/join-token'>>;
  if (response.ok && reply.token) {
    return {
      ok: true,
      token: reply.token,
      ...(reply.caseId ? { caseId: reply.caseId } : {}),
      ...(reply.caseNumber ? { caseNumber: reply.caseNumber } : {}),
      ...(reply.session?.scheduledStart ? { sessionStart: reply.session.scheduledStart } : {}),
    };
  }
  return {
    ok: false,
    reason:
      response.status === 401
        ? 'inviteInvalid'
        : refusalCode(json) === 'INVALID_STATE'
          ? 'noSession'
          : 'error',
  };
}

/** The case's deadlines, with their legal basis and what happens when they pass. */
export async function loadDeadlines(caseId: string, invite: string): Promise<CaseDeadlineView[]> {
  const file = await requests(() => invite).sendIfOk('get', '/cases/:caseId', {
    params: { caseId },
  });
  return (file?.deadlines ?? []).filter((d) => d.status !== 'cancelled');
}
