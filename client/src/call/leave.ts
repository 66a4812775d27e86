/**
 * After leaving the call: the way back (重新加入) without reloading the
 * page. The confirmation before leaving is view/LeaveConfirmation.vue.
 */
import { el } from '../shared/dom.js';
import { ct } from './strings.js';

/** After leaving: what happened, and the button back into the call. */
export function leftNotice(rejoin: () => void): HTMLElement {
  const box = el('section', { class: 'notice left-notice', role: 'status', 'data-testid': 'left' });
  const again = el('button', { class: 'primary', 'data-testid': 'rejoin' }, ct('rejoin'));
  again.onclick = rejoin;
  box.append(el('p', {}, ct('left')), el('p', { class: 'hint' }, ct('leftHint')), again);
  return box;
}
