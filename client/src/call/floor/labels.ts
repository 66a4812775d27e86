/**
 * Labels the call page shows for floor facts: a participant's role and a
 * connection quality level, in the page's language. Plain functions, so the
 * controls bar (first screen) and the chat use them without loading the
 * mediator's panel.
 */
import type { ParticipantInfo } from '../../../../signaling/contract.js';
import { SESSION_ROLES } from '../../shared/catalogue/call.js';
import type { QualityLevel } from '../ConnectionQuality.js';
import { label, t } from '../../shared/i18n.js';

export function roleLabel(role: ParticipantInfo['role']): string {
  return label(SESSION_ROLES, role);
}

export function qualityText(level: QualityLevel | undefined): string {
  if (!level) return t('qualityUnknown');
  return t(level === 'good' ? 'qualityGood' : level === 'fair' ? 'qualityFair' : 'qualityPoor');
}
