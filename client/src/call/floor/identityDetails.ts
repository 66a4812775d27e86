/**
 * Before joining (the first screen, plain DOM): the details the invitation names, for the
 * party to check. The waiting room that follows is Vue (../view/WaitingRoom.vue).
 */
import { el } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';

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
