/**
 * The party's side of the waiting room: what is happening, what the
 * mediator will ask, and the identity check once the mediator has recorded
 * it. The device test stays on the page below it.
 */
import type { ParticipantInfo } from '../../../../signaling/contract.js';
import { el } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';

export function waitingRoom(self: ParticipantInfo | undefined): HTMLElement {
  const section = el('section', {
    class: 'waiting-room',
    role: 'status',
    'data-testid': 'waiting-room',
    'aria-labelledby': 'waiting-room-title',
  });
  section.append(
    el('h2', { id: 'waiting-room-title' }, t('waitingRoomTitle')),
    el('p', { class: 'lead' }, t('waitingRoomBody')),
    el('p', { class: 'hint' }, t('waitingRoomHint')),
  );
  if (self?.identity === 'confirmed')
    section.append(
      el('p', { class: 'ok', 'data-testid': 'identity-ok' }, t('selfIdentityConfirmed')),
    );
  else if (self?.identity === 'failed')
    section.append(
      el('p', { class: 'error', 'data-testid': 'identity-failed' }, t('selfIdentityFailed')),
    );
  return section;
}

/** Before joining: the details the invitation names, for the party to check. */
export function identityDetails(name: string, roleText: string, caseText: string): HTMLElement {
  const section = el('section', {
    class: 'identity-details',
    'data-testid': 'identity-details',
    'aria-labelledby': 'identity-details-title',
  });
  const list = el('dl');
  list.append(el('dt', {}, t('nameLabel')), el('dd', {}, name));
  list.append(el('dt', {}, t('roleLabel')), el('dd', {}, roleText));
  if (caseText) list.append(el('dt', {}, t('case')), el('dd', {}, caseText));
  section.append(
    el('h2', { id: 'identity-details-title' }, t('identityDetailsTitle')),
    list,
    el('p', { class: 'hint' }, t('identityDetailsHint')),
  );
  return section;
}
