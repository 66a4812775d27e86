/**
 * How the call page names procedural sides on tiles, and server messages
 * written "中文 / English" in the page's language. The texts themselves are in
 * the page's one table (shared/i18n.ts).
 */
import type { ProceduralSide, SessionRole } from '../../../signaling/roles.js';
import { lang, t } from '../shared/i18n.js';

/**
 * How a participant takes part, as tiles say it: 申请人 / 被申请人 for a party,
 * 代理人 (of which side, when known), 调解员, 旁听人.
 */
export function sideLabel(role: SessionRole, side: ProceduralSide | undefined): string {
  switch (role) {
    case 'mediator':
      return t('mediator');
    case 'observer':
      return t('observer');
    case 'agent':
      return t(
        side === 'applicant'
          ? 'applicantAgent'
          : side === 'respondent'
            ? 'respondentAgent'
            : 'agent',
      );
    case 'party':
      return t(side ?? 'party');
  }
}

/**
 * A server message written "中文 / English", in the page's language only; any
 * other text as it is.
 */
export function localText(message: string): string {
  const at = message.indexOf(' / ');
  if (at < 0) return message;
  const zh = message.slice(0, at);
  const en = message.slice(at + 3);
  if (!/[\u4e00-\u9fff]/.test(zh) || /[\u4e00-\u9fff]/.test(en)) return message;
  return lang() === 'en' ? en : zh;
}
