/**
 * The panel's texts: the call page's table (shared/i18n.ts), in the
 * language the page shows. The page switches language through `setLang`
 * and redraws; the redraw copies the language into `panelLang`, which every
 * text read here depends on, so the components follow the switch.
 */
import { ref } from 'vue';
import type { ParticipantInfo } from '../../../../../signaling/contract.js';
import { colon, lang, t, type Lang, type MessageKey } from '../../../shared/i18n.js';
import type { CaseRegister } from '../caseRegister.js';
import { roleLabel } from '../labels.js';

export const panelLang = ref<Lang>(lang());

/** A message of the call page's table; reactive in components. */
export function pt(key: MessageKey): string {
  void panelLang.value;
  return t(key);
}

/** A heading with a count, punctuated for the page's language. */
export function counted(key: MessageKey, n: number): string {
  return panelLang.value === 'en' ? `${t(key)} (${n})` : `${t(key)}（${n}）`;
}

/** What someone takes part as: their kind in the case register, else their role. */
export function kindOf(p: ParticipantInfo, register: CaseRegister | undefined): string {
  void panelLang.value;
  return register?.kindLabel(p.participantId) ?? roleLabel(p.role);
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
