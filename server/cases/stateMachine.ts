/**
 * Which case actions are allowed in which state, and where they lead. The one
 * place that decides; the service asks before changing anything.
 */
import { InvalidStateError } from '../errors.js';
import { reasonMessage } from '../../signaling/index.js';
import type { CaseStatus } from './model.js';

interface Transition {
  from: readonly CaseStatus[];
  /** The state after the action; absent when the action does not move the case. */
  to?: CaseStatus;
}

const OPEN: readonly CaseStatus[] = ['registered', 'accepted', 'in_mediation'];
const ENDED: readonly CaseStatus[] = ['settled', 'terminated', 'withdrawn'];

export const CASE_TRANSITIONS = {
  addPerson: { from: OPEN },
  updatePerson: { from: OPEN },
  accept: { from: ['registered'], to: 'accepted' },
  // A respondent's answer to a party application, before acceptance; a refusal ends the case.
  agreeToMediate: { from: ['registered'] },
  refuseMediation: { from: ['registered'], to: 'terminated' },
  refuse: { from: ['registered'], to: 'refused' },
  assignMediator: { from: ['accepted', 'in_mediation'] },
  // To another organisation of the network, before mediation has begun.
  transfer: { from: ['registered', 'accepted'] },
  discloseConflict: { from: ['accepted', 'in_mediation'] },
  requestRecusal: { from: ['accepted', 'in_mediation'] },
  decideRecusal: { from: ['accepted', 'in_mediation'] },
  scheduleSession: { from: ['accepted', 'in_mediation'], to: 'in_mediation' },
  startSession: { from: ['in_mediation'] },
  endSession: { from: ['in_mediation', 'settled', 'terminated', 'withdrawn'] },
  cancelSession: { from: ['in_mediation', 'settled', 'terminated', 'withdrawn'] },
  // Registered too: the respondent answers a party application from its own page.
  invite: { from: ['registered', 'accepted', 'in_mediation'] },
  revokeInvitation: { from: [...OPEN, ...ENDED, 'refused', 'archived'] },
  extendMediation: { from: ['accepted', 'in_mediation'] },
  recordAgreement: { from: ['in_mediation'], to: 'settled' },
  agreementEffective: { from: ['settled'] },
  terminate: { from: ['accepted', 'in_mediation'], to: 'terminated' },
  withdraw: { from: OPEN, to: 'withdrawn' },
  recordFollowUp: { from: ENDED },
  setPersonClaims: { from: OPEN },
  recordPerformance: { from: ['settled'] },
  archive: { from: [...ENDED, 'refused'], to: 'archived' },
} as const satisfies Record<string, Transition>;

export type CaseAction = keyof typeof CASE_TRANSITIONS;
export const CASE_ACTIONS = Object.keys(CASE_TRANSITIONS) as CaseAction[];

export class InvalidTransitionError extends InvalidStateError {
  readonly action: CaseAction;
  readonly status: CaseStatus;

  constructor(action: CaseAction, status: CaseStatus) {
    super(reasonMessage('CASE_TRANSITION_INVALID', { action, status }), {
      reason: 'CASE_TRANSITION_INVALID',
      params: { action, status },
    });
    this.action = action;
    this.status = status;
  }
}

export function canApply(status: CaseStatus, action: CaseAction): boolean {
  return (CASE_TRANSITIONS[action].from as readonly CaseStatus[]).includes(status);
}

/** The state after `action`, or an InvalidTransitionError. */
export function applyTransition(status: CaseStatus, action: CaseAction): CaseStatus {
  if (!canApply(status, action)) throw new InvalidTransitionError(action, status);
  const t: Transition = CASE_TRANSITIONS[action];
  return t.to ?? status;
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN.includes(status);
}
