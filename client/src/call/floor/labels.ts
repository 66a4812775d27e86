/**
 * Labels the call page shows for floor facts: a participant's role and a
 * connection quality level, in the page's language. Plain functions, so the
 * controls bar (first screen) and the chat use them without loading the
 * mediator's panel.
 */
import type { ParticipantInfo } from '../../../../signaling/contract.js';
import { ROLE_LABELS } from '../../../../signaling/roles.js';
import type { QualityLevel } from '../ConnectionQuality.js';
import { lang, t } from '../../shared/i18n.js';

export function roleLabel(role: ParticipantInfo['role']): string {
  const l = ROLE_LABELS[role];
  return lang() === 'en' ? l.en : l.zh;
}

export function qualityText(level: QualityLevel | undefined): string {
  if (!level) return t('qualityUnknown');
  return t(level === 'good' ? 'qualityGood' : level === 'fair' ? 'qualityFair' : 'qualityPoor');
}
