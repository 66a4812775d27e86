/**
 * Leaving the call: a confirmation first (a slip of the thumb on a phone
 * must not end the call), and afterwards the way back (重新加入) without
 * reloading the page.
 */
import { el } from '../shared/dom.js';
import { ct } from './strings.js';

/** The question under the controls, with "leave" and "stay"; focus goes to "stay". */
export function leaveConfirmation(confirm: () => void, cancel: () => void): HTMLElement {
  const box = el('div', {
    class: 'leave-confirm',
    role: 'alertdialog',
    'aria-labelledby': 'leave-confirm-text',
    'data-testid': 'leave-confirmation',
  });
  const yes = el('button', { class: 'danger', 'data-testid': 'leave-confirm' }, ct('leaveYes'));
  const no = el('button', { 'data-testid': 'leave-cancel' }, ct('stay'));
  yes.onclick = confirm;
  no.onclick = cancel;
  box.append(el('p', { id: 'leave-confirm-text' }, ct('leaveConfirm')), yes, no);
  queueMicrotask(() => {
    if (no.isConnected) no.focus();
  });
  return box;
}

/** After leaving: what happened, and the button back into the call. */
export function leftNotice(rejoin: () => void): HTMLElement {
  const box = el('section', { class: 'notice left-notice', role: 'status', 'data-testid': 'left' });
  const again = el('button', { class: 'primary', 'data-testid': 'rejoin' }, ct('rejoin'));
  again.onclick = rejoin;
  box.append(el('p', {}, ct('left')), el('p', { class: 'hint' }, ct('leftHint')), again);
  return box;
}
