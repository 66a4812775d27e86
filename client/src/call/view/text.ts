/**
 * The call page's texts for its Vue parts: the page's table (shared/i18n.ts)
 * in the language the page shows. The page switches
 * language through `setLang` and redraws; the redraw copies the language
 * into `viewLang`, which every text read here depends on, so components
 * follow the switch.
 */
import { ref } from 'vue';
import type { ProceduralSide, SessionRole } from '../../../../signaling/roles.js';
import { colon, lang, t, type Lang, type MessageKey } from '../../shared/i18n.js';
import type { EvidenceCategory } from '../evidence.js';
import { localText, sideLabel } from '../strings.js';

export const viewLang = ref<Lang>(lang());

/** A message of the page's table; reactive in components. */
export function vt(key: MessageKey): string {
  void viewLang.value;
  return t(key);
}

export function vside(role: SessionRole, side: ProceduralSide | undefined): string {
  void viewLang.value;
  return sideLabel(role, side);
}

export function vcolon(): string {
  void viewLang.value;
  return colon();
}

/** A server message written "中文 / English", in the page's language; reactive in components. */
export function vlocal(message: string): string {
  void viewLang.value;
  return localText(message);
}

/** What an evidence item is filed as, by the message that names it. */
export const EVIDENCE_CATEGORIES: Record<EvidenceCategory, MessageKey> = {
  evidence: 'categoryEvidence',
  identity: 'categoryIdentity',
  authorisation: 'categoryAuthorisation',
  signed_agreement: 'categorySignedAgreement',
};
