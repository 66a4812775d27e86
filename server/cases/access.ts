/**
 * Who may do what to which case. Staff act within their organisation — a
 * mediator only on the cases assigned to them, a supervisor reading (never editing) the cases
 * of their organisation and those below it; parties, agents and observers
 * only on the one case their invitation names. A case outside the asker's
 * scope is reported as not found, so its existence is not revealed.
 */
import { fail, NotFoundError } from '../errors.js';
import type { CaseRepository } from './CaseRepository.js';
import type { CasePerson, MediationCase, StaffRole } from './model.js';

export type Actor =
  | {
      kind: 'staff';
      id: string;
      role: StaffRole;
      organisationId: string;
      name: string;
      /** A supervisor's organisations: their own and every one below it (read at sign-in check). */
      reach?: readonly string[];
    }
  | {
      kind: 'person';
      id: string;
      role: 'party' | 'agent' | 'observer';
      caseId: string;
      invitationId: string;
      name: string;
    }
  | { kind: 'system'; id: 'system'; role: 'system' };

export const CASE_PERMISSIONS = [
  'case.view',
  'case.viewPersonalData',
  'case.register',
  'case.editPeople',
  'case.decide',
  'case.assign',
  'case.disclose',
  'case.schedule',
  'case.runSession',
  'case.invite',
  'case.extend',
  'case.outcome',
  'case.followUp',
  'case.archive',
  'case.audit',
  'case.recordings',
  'session.join',
  /** A respondent (or its specially authorised agent) answers a party application. */
  'case.respond',
  /** A party or agent asks for the mediator's recusal (回避申请). */
  'case.requestRecusal',
] as const;
export type CasePermission = (typeof CASE_PERMISSIONS)[number];

const CLERK: readonly CasePermission[] = [
  'case.view',
  'case.viewPersonalData',
  'case.register',
  'case.editPeople',
  'case.decide',
  'case.assign',
  'case.schedule',
  'case.invite',
  'case.extend',
  'case.followUp',
  'case.archive',
  'case.audit',
  'case.recordings',
];
const MEDIATOR: readonly CasePermission[] = [
  'case.view',
  'case.viewPersonalData',
  'case.editPeople',
  'case.disclose',
  'case.schedule',
  'case.runSession',
  'case.invite',
  'case.extend',
  'case.outcome',
  'case.followUp',
  'case.audit',
  'case.recordings',
  'session.join',
];
/** Reads, never edits: the case file (personal data masked) and its audit trail. */
const SUPERVISOR: readonly CasePermission[] = ['case.view', 'case.audit'];
const PERSON: readonly CasePermission[] = [
  'case.view',
  'case.audit',
  'session.join',
  'case.respond',
  'case.requestRecusal',
];

export function permissionsOf(actor: Actor): readonly CasePermission[] {
  switch (actor.kind) {
    case 'system':
      return CASE_PERMISSIONS;
    case 'person':
      return PERSON;
    case 'staff':
      return actor.role === 'clerk' ? CLERK : actor.role === 'mediator' ? MEDIATOR : SUPERVISOR;
  }
}

/** Whether `c` is within the actor's reach at all. */
export function inScope(actor: Actor, c: MediationCase): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'person':
      return actor.caseId === c.id;
    case 'staff':
      if (actor.role === 'supervisor') return actor.reach?.includes(c.organisationId) ?? false;
      return (
        c.organisationId === actor.organisationId &&
        (actor.role === 'clerk' || c.mediatorId === actor.id)
      );
  }
}

/** Throws NotFound outside the actor's scope and Forbidden for a permission the role lacks. */
export function authorize(actor: Actor, permission: CasePermission, c: MediationCase): void {
  if (!inScope(actor, c)) throw new NotFoundError('Case');
  if (!permissionsOf(actor).includes(permission)) {
    throw fail('ROLE_MAY_NOT_ON_CASE', {
      role: actor.role,
      action: permission.replace('case.', ''),
    });
  }
}

/** Organisation-wide permissions (no case yet). */
export function authorizeStaff(
  actor: Actor,
  roles: readonly StaffRole[],
): Extract<Actor, { kind: 'staff' }> {
  if (actor.kind !== 'staff' || !roles.includes(actor.role)) {
    throw fail('STAFF_ONLY', { roles: roles.join(' or ') });
  }
  return actor;
}

/** The case and its people, when `c` is within the actor's reach; otherwise NotFound. */
export async function caseInScope(
  cases: Pick<CaseRepository, 'getCase' | 'listPeople'>,
  actor: Actor,
  caseId: string,
): Promise<{ c: MediationCase; people: CasePerson[] }> {
  const c = await cases.getCase(caseId);
  if (!c || !inScope(actor, c)) throw new NotFoundError('Case');
  return { c, people: await cases.listPeople(caseId) };
}
