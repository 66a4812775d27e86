/**
 * The caucus as a tile sees it: who is inside it (with the mediator), and who is across the
 * wall from this page (their media is held on the server: shown away, not frozen).
 */
import type { ParticipantInfo } from '../../../../signaling/contract.js';
import { caucusSide } from '../floor/caucus.js';
import type { CallViewState } from './callView.js';

type Who = Pick<ParticipantInfo, 'participantId' | 'role'>;

export interface CaucusView {
  inside(p: Who): boolean;
  away(p: Who): boolean;
}

export function caucusOf(view: Pick<CallViewState, 'caucus' | 'self'>): CaucusView {
  const { caucus, self } = view;
  const inside = (p: Who): boolean => caucus !== null && caucusSide(caucus, p) !== 'outside';
  return {
    inside,
    away: (p) => caucus !== null && self !== undefined && inside(p) !== inside(self),
  };
}
