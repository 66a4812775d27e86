import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../server/errors.js';
import { CASE_STATUSES, type CaseStatus } from '../../server/cases/model.js';
import {
  CASE_ACTIONS,
  InvalidTransitionError,
  applyTransition,
  canApply,
  type CaseAction,
} from '../../server/cases/stateMachine.js';

/**
 * The expected state machine, written out by hand from the domain rules (not
 * read from CASE_TRANSITIONS): for each action, the statuses it is legal in and
 * the status it leads to. Every status not listed is illegal for that action.
 */
const same = (...statuses: CaseStatus[]): Partial<Record<CaseStatus, CaseStatus>> =>
  Object.fromEntries(statuses.map((s) => [s, s]));
const to = (
  target: CaseStatus,
  ...statuses: CaseStatus[]
): Partial<Record<CaseStatus, CaseStatus>> => Object.fromEntries(statuses.map((s) => [s, target]));

const EXPECTED: Record<CaseAction, Partial<Record<CaseStatus, CaseStatus>>> = {
  addPerson: same('registered', 'accepted', 'in_mediation'),
  updatePerson: same('registered', 'accepted', 'in_mediation'),
  accept: { registered: 'accepted' },
  refuse: { registered: 'refused' },
  // The respondent answers a party application before acceptance; a refusal ends the case.
  agreeToMediate: same('registered'),
  refuseMediation: { registered: 'terminated' },
  assignMediator: same('accepted', 'in_mediation'),
  transfer: same('registered', 'accepted'),
  discloseConflict: same('accepted', 'in_mediation'),
  requestRecusal: same('accepted', 'in_mediation'),
  decideRecusal: same('accepted', 'in_mediation'),
  scheduleSession: { accepted: 'in_mediation', in_mediation: 'in_mediation' },
  startSession: same('in_mediation'),
  endSession: same('in_mediation', 'settled', 'terminated', 'withdrawn'),
  cancelSession: same('in_mediation', 'settled', 'terminated', 'withdrawn'),
  invite: same('registered', 'accepted', 'in_mediation'),
  revokeInvitation: same(
    'registered',
    'accepted',
    'refused',
    'in_mediation',
    'settled',
    'terminated',
    'withdrawn',
    'archived',
  ),
  extendMediation: same('accepted', 'in_mediation'),
  recordAgreement: { in_mediation: 'settled' },
  agreementEffective: same('settled'),
  terminate: to('terminated', 'accepted', 'in_mediation'),
  withdraw: to('withdrawn', 'registered', 'accepted', 'in_mediation'),
  recordFollowUp: same('settled', 'terminated', 'withdrawn'),
  // Each worker's own claims while the case is open; their part of the agreement once settled.
  setPersonClaims: same('registered', 'accepted', 'in_mediation'),
  recordPerformance: same('settled'),
  archive: to('archived', 'settled', 'terminated', 'withdrawn', 'refused'),
};

const cells = CASE_ACTIONS.flatMap((action) =>
  CASE_STATUSES.map((status) => ({ action, status, next: EXPECTED[action][status] })),
);

describe('case state machine', () => {
  it('knows exactly the actions of the expected table', () => {
    expect([...CASE_ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(cells).toHaveLength(Object.keys(EXPECTED).length * CASE_STATUSES.length);
  });

  it.each(cells.filter((c) => c.next !== undefined))(
    '$action from $status leads to $next',
    ({ action, status, next }) => {
      expect(canApply(status, action)).toBe(true);
      expect(applyTransition(status, action)).toBe(next);
    },
  );

  it.each(cells.filter((c) => c.next === undefined))(
    '$action from $status is refused with INVALID_STATE',
    ({ action, status }) => {
      expect(canApply(status, action)).toBe(false);
      let thrown: unknown;
      try {
        applyTransition(status, action);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      expect(thrown).toBeInstanceOf(InvalidStateError);
      expect(thrown).toMatchObject({ code: 'INVALID_STATE', action, status });
    },
  );

  it('allows nothing but revoking invitations on an archived case', () => {
    const legal = CASE_ACTIONS.filter((a) => canApply('archived', a));
    expect(legal).toEqual(['revokeInvitation']);
  });

  it('leaves every terminal outcome only through archiving', () => {
    for (const status of ['settled', 'terminated', 'withdrawn', 'refused'] as const) {
      const moves = CASE_ACTIONS.filter(
        (a) => canApply(status, a) && applyTransition(status, a) !== status,
      );
      expect(moves, status).toEqual(['archive']);
    }
  });
});
