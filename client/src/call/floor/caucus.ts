/**
 * What a caucus (背靠背) looks like from where one stands: outside, the
 * side left waits and sees that the mediator is with the other side; inside,
 * the side taken aside knows the other side cannot hear or see them; the
 * mediator sees with whom they are.
 */
import type { CaucusState, ParticipantInfo } from '../../../../signaling/contract.js';
import { el } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';

export type CaucusSide = 'inside' | 'outside' | 'mediator';

export function caucusSide(
  caucus: CaucusState,
  self: Pick<ParticipantInfo, 'participantId' | 'role'>,
): CaucusSide {
  if (self.role === 'mediator') return 'mediator';
  return caucus.participantIds.includes(self.participantId) ? 'inside' : 'outside';
}

export function caucusBanner(
  caucus: CaucusState,
  self: Pick<ParticipantInfo, 'participantId' | 'role'>,
  names: (ids: string[]) => string[],
): HTMLElement {
  const side = caucusSide(caucus, self);
  const banner = el('section', {
    class: `caucus-banner ${side}`,
    role: 'status',
    'data-testid': 'caucus-banner',
    'data-side': side,
  });
  const title =
    side === 'outside'
      ? t('caucusOutside')
      : side === 'inside'
        ? t('caucusInside')
        : `${t('caucusWith')}${names(caucus.participantIds).join('、')}`;
  banner.append(el('strong', {}, title));
  const hint =
    side === 'outside' ? t('caucusOutsideHint') : side === 'inside' ? t('caucusInsideHint') : '';
  if (hint) banner.append(el('p', {}, hint));
  if (caucus.recorded) banner.append(el('p', { class: 'small' }, t('caucusIsRecorded')));
  return banner;
}
