/**
 * What the first screen needs of a party's procedural steps, without Vue: the case and person
 * an invitation names, and the case file read at once, alongside the invitation's exchange.
 * The card itself (procedure/ProcedureCard.vue) loads after the first screen is drawn
 * (../lazyParts.ts `procedureParts`).
 */
import { requests } from '../shared/request.js';
import { tokenClaims } from '../shared/token.js';
import type { CaseFile } from './procedure/state.js';

/** The case and person an invitation names (display-only decoding; the server verifies). */
export function invitationClaims(invite: string): { caseId: string; personId: string } | undefined {
  const claims = tokenClaims(invite);
  const caseId = claims?.['caseId'];
  const personId = claims?.['sub'];
  return typeof caseId === 'string' && typeof personId === 'string'
    ? { caseId, personId }
    : undefined;
}

/** The case file as the invitation may read it; undefined when refused or unreachable. */
export function readCaseFile(caseId: string, invite: string): Promise<CaseFile | undefined> {
  return requests(() => invite)
    .sendIfOk('get', '/cases/:caseId', { params: { caseId } })
    .catch(() => undefined);
}
