/**
 * Why the page stopped for good, in words: a link that is not valid, the
 * mediator's refusal or removal (with the reason they gave), a locked
 * session, another device taking over. No retry follows any of these.
 */
import type { FatalReason } from './CallClient.js';
import { el } from '../shared/dom.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { localText } from './strings.js';

export interface CallEnding {
  reason: FatalReason | 'inviteInvalid' | 'noSession' | 'error';
  /** The server's words (the mediator's reason for a refusal or a removal). */
  detail?: string;
}

const KEYS: Record<CallEnding['reason'], MessageKey> = {
  TOKEN_MISSING: 'TOKEN_MISSING',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  ACCESS_WITHDRAWN: 'ACCESS_WITHDRAWN',
  SESSION_CLOSED: 'SESSION_CLOSED',
  UNKNOWN: 'error',
  replaced: 'replaced',
  refused: 'refused',
  removed: 'removed',
  locked: 'lockedOut',
  forbidden: 'forbidden',
  inviteInvalid: 'inviteInvalid',
  noSession: 'noSession',
  error: 'error',
};

export function endingMessage(ending: CallEnding): HTMLElement {
  const box = el('section', {
    class: 'fatal',
    role: 'alert',
    'data-testid': 'error',
    'data-reason': ending.reason,
  });
  box.append(el('p', { class: 'error' }, t(KEYS[ending.reason])));
  if (ending.detail && ['refused', 'removed', 'forbidden'].includes(ending.reason))
    box.append(el('p', {}, `${t('reasonLabel')}${localText(ending.detail)}`));
  return box;
}

/** Whether a kept string names a reason this page can explain. */
export function isEndingReason(reason: string): reason is CallEnding['reason'] {
  return Object.hasOwn(KEYS, reason);
}
