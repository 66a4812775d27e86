/**
 * Where one stands in a caucus (背靠背): outside it, inside it, or the
 * mediator (../view/CaucusBanner.vue shows it).
 */
import type { CaucusState, ParticipantInfo } from '../../../../signaling/contract.js';

export type CaucusSide = 'inside' | 'outside' | 'mediator';

export function caucusSide(
  caucus: CaucusState,
  self: Pick<ParticipantInfo, 'participantId' | 'role'>,
): CaucusSide {
  if (self.role === 'mediator') return 'mediator';
  return caucus.participantIds.includes(self.participantId) ? 'inside' : 'outside';
}
