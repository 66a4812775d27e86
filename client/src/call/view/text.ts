/**
 * The call view's texts: the catalogue's call section in the language shown, reactive in
 * components (../../shared/reactiveText.ts), and the call page's own text functions made so.
 */
import type { ProceduralSide, SessionRole } from '../../../../signaling/roles.js';
import type { MessageKey } from '../../shared/i18n.js';
import { rcolon, reactively, rt, shownLang } from '../../shared/reactiveText.js';
import type { EvidenceCategory } from '../evidence.js';
import { localText, sideLabel } from '../strings.js';

/** The language shown; reactive. */
export const viewLang = shownLang;
export const vt = rt;
export const vcolon = rcolon;

export function vside(role: SessionRole, side: ProceduralSide | undefined): string {
  return reactively(() => sideLabel(role, side));
}

/** A server message written "中文 / English", in the page's language; reactive in components. */
export function vlocal(message: string): string {
  return reactively(() => localText(message));
}

/** What an evidence item is filed as, by the message that names it. */
export const EVIDENCE_CATEGORIES: Record<EvidenceCategory, MessageKey> = {
  evidence: 'categoryEvidence',
  identity: 'categoryIdentity',
  authorisation: 'categoryAuthorisation',
  signed_agreement: 'categorySignedAgreement',
};
