/**
 * The panel's texts: the catalogue's call section in the language shown, reactive in
 * components (../../../shared/reactiveText.ts).
 */
import type { ParticipantInfo } from '../../../../../signaling/contract.js';
import { colon, t, type MessageKey } from '../../../shared/i18n.js';
import { reactively, rt, shownLang } from '../../../shared/reactiveText.js';
import type { CaseRegister } from '../caseRegister.js';
import { roleLabel } from '../labels.js';

/** A message of the call section; reactive in components. */
export const pt = rt;

/** A heading with a count, punctuated for the page's language. */
export function counted(key: MessageKey, n: number): string {
  return shownLang.value === 'en' ? `${t(key)} (${n})` : `${t(key)}（${n}）`;
}

/** What someone takes part as: their kind in the case register, else their role. */
export function kindOf(p: ParticipantInfo, register: CaseRegister | undefined): string {
  return reactively(() => register?.kindLabel(p.participantId) ?? roleLabel(p.role));
}

export function identityText(p: ParticipantInfo): string {
  return pt(
    p.identity === 'confirmed'
      ? 'identityConfirmed'
      : p.identity === 'failed'
        ? 'identityNotConfirmed'
        : 'identityUnchecked',
  );
}

/** "Action: name", as a control's accessible name. */
export function about(key: MessageKey, p: ParticipantInfo): string {
  return `${pt(key)}${colon()}${p.displayName}`;
}
