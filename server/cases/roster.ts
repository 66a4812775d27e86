/**
 * Who is on the case: its people (parties, agents, observers), the
 * organisation's staff roster, the mediator's assignment, their disclosure of
 * conflicts, and recusal requests with the organisation's decision. A change
 * that withdraws someone's standing is announced (sessionAccess.ts).
 */
import { subtree } from '../organisations/tree.js';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { fail, NotFoundError } from '../errors.js';
import { mayRequestRecusal, pendingRecusal } from './recusal.js';
import { authorizeStaff, type Actor } from './access.js';
import type {
  CasePerson,
  ConflictDisclosure,
  MediationCase,
  RecusalRequest,
  StaffMember,
} from './model.js';
import { assertStrongPassword } from '../auth/passwordPolicy.js';
import { hashPassword } from '../auth/passwords.js';
import type {
  createStaffSchema,
  disclosureSchema,
  personInputSchema,
  recusalDecisionSchema,
  recusalRequestSchema,
} from './schemas.js';
import type { CaseContext } from './context.js';

export class CaseRoster {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async addPerson(
    actor: Actor,
    caseId: string,
    input: z.output<typeof personInputSchema>,
  ): Promise<CasePerson> {
    return this.#ctx.change(actor, caseId, 'case.editPeople', 'addPerson', async (c, at) => {
      if (input.representsId) {
        const represented = await this.#ctx.repo.getPerson(input.representsId);
        if (
          !represented ||
          represented.caseId !== c.id ||
          !['applicant', 'respondent'].includes(represented.kind)
        ) {
          throw fail('AGENT_NEEDS_PARTY');
        }
      }
      const person = this.#ctx.person(c.id, input, at);
      await this.#ctx.repo.insertPerson(person);
      return { result: person, action: 'person.added', target: person.id, payload: person };
    });
  }

  async roster(actor: Actor): Promise<(StaffMember & { openCases: number })[]> {
    const staff = authorizeStaff(actor, ['clerk']);
    return this.#ctx.repo.listMediators(staff.organisationId);
  }

  /** A clerk adds a mediator or a clerk to the organisation. */
  async addStaff(actor: Actor, input: z.output<typeof createStaffSchema>): Promise<StaffMember> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const organisationId = input.organisationId ?? clerk.organisationId;
    // A clerk staffs their own organisation and those below it (a new one gets its first clerk).
    if (
      organisationId !== clerk.organisationId &&
      !subtree(await this.#ctx.repo.listOrganisations(), clerk.organisationId).some(
        (o) => o.id === organisationId,
      )
    )
      throw new NotFoundError('Organisation');
    const organisation = await this.#ctx.repo.getOrganisation(organisationId);
    assertStrongPassword(input.password, [
      input.username,
      input.displayName,
      ...(organisation ? [organisation.name] : []),
    ]);
    const passwordHash = await hashPassword(input.password);
    return this.#ctx.repo.transaction(async () => {
      if (await this.#ctx.repo.getStaffByUsername(input.username)) {
        throw fail('USERNAME_TAKEN');
      }
      const member: StaffMember = {
        id: randomUUID(),
        organisationId,
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        specialties: input.role === 'mediator' ? [...new Set(input.specialties)] : [],
        active: true,
        createdAt: this.#ctx.now().toISOString(),
      };
      await this.#ctx.repo.insertStaff({ ...member, passwordHash });
      return member;
    });
  }

  /** Takes someone off the roster: they can no longer sign in; their open cases need reassigning. */
  async deactivateStaff(
    actor: Actor,
    staffId: string,
    reason: string | null = null,
  ): Promise<StaffMember> {
    const clerk = authorizeStaff(actor, ['clerk']);
    if (staffId === clerk.id) throw fail('CANNOT_DEACTIVATE_SELF');
    const member = await this.#ctx.repo.transaction(async () => {
      const member = await this.#ctx.repo.getStaff(staffId);
      // Their own organisation's staff, or an organisation's below it.
      if (
        !member ||
        (member.organisationId !== clerk.organisationId &&
          !subtree(await this.#ctx.repo.listOrganisations(), clerk.organisationId).some(
            (o) => o.id === member.organisationId,
          ))
      )
        throw new NotFoundError('Staff member');
      await this.#ctx.repo.setStaffActive(staffId, false, {
        at: this.#ctx.now().toISOString(),
        reason,
      });
      return { ...member, active: false };
    });
    this.#ctx.announce({ kind: 'staff-deactivated', staffId });
    return member;
  }

  async assignMediator(actor: Actor, caseId: string, mediatorId: string): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.assign', 'assignMediator', async (c, at) => {
      const mediator = await this.#ctx.repo.getStaff(mediatorId);
      if (
        !mediator ||
        mediator.role !== 'mediator' ||
        !mediator.active ||
        mediator.organisationId !== c.organisationId
      ) {
        throw fail('NO_SUCH_MEDIATOR');
      }
      const previous = c.mediatorId;
      c.mediatorId = mediatorId;
      // Each new assignment needs its own disclosure; the same mediator confirmed keeps theirs.
      let assignment = await this.#ctx.repo.currentAssignment(c.id);
      if (!assignment || assignment.mediatorId !== mediatorId || previous !== mediatorId) {
        await this.#ctx.repo.endAssignments(c.id, at, 'reassigned');
        assignment = {
          id: randomUUID(),
          caseId: c.id,
          mediatorId,
          assignedAt: at,
          assignedBy: actor.id,
          endedAt: null,
          endedReason: null,
        };
        await this.#ctx.repo.insertAssignment(assignment);
      }
      return {
        result: c,
        action: 'mediator.assigned',
        target: mediatorId,
        payload: { mediatorId, previous, assignmentId: assignment.id },
        ...(previous !== mediatorId
          ? { announce: { kind: 'mediator-changed', caseId: c.id, previous, next: mediatorId } }
          : {}),
      };
    });
  }

  /** The assigned mediator discloses (or denies) a conflict of interest; a conflict unassigns them. */
  async disclose(
    actor: Actor,
    caseId: string,
    input: z.output<typeof disclosureSchema>,
  ): Promise<ConflictDisclosure> {
    return this.#ctx.change(actor, caseId, 'case.disclose', 'discloseConflict', async (c, at) => {
      const assignment = await this.#ctx.repo.currentAssignment(c.id);
      const d: ConflictDisclosure = {
        id: randomUUID(),
        caseId: c.id,
        mediatorId: actor.id,
        assignmentId: assignment?.mediatorId === actor.id ? assignment.id : null,
        ...input,
        at,
      };
      await this.#ctx.repo.insertDisclosure(d);
      const previous = c.mediatorId;
      if (d.hasConflict) {
        c.mediatorId = null;
        await this.#ctx.repo.endAssignments(c.id, at, 'conflict_disclosed');
      }
      return {
        result: d,
        action: 'mediator.disclosed',
        target: actor.id,
        payload: d,
        ...(d.hasConflict && previous
          ? { announce: { kind: 'mediator-changed', caseId: c.id, previous, next: null } }
          : {}),
      };
    });
  }

  /** 回避申请: a party or agent asks that the assigned mediator withdraw, with reasons. */
  async requestRecusal(
    actor: Actor,
    caseId: string,
    input: z.output<typeof recusalRequestSchema>,
  ): Promise<RecusalRequest> {
    return this.#ctx.change(
      actor,
      caseId,
      'case.requestRecusal',
      'requestRecusal',
      async (c, at) => {
        const person =
          actor.kind === 'person' ? await this.#ctx.repo.getPerson(actor.id) : undefined;
        if (!mayRequestRecusal(person) || person?.caseId !== c.id)
          throw fail('RECUSAL_PARTIES_ONLY');
        if (!c.mediatorId) throw fail('NO_MEDIATOR_ASSIGNED');
        if (pendingRecusal(await this.#ctx.repo.listRecusalRequests(c.id)))
          throw fail('RECUSAL_ALREADY_PENDING');
        const request: RecusalRequest = {
          id: randomUUID(),
          caseId: c.id,
          mediatorId: c.mediatorId,
          assignmentId: (await this.#ctx.repo.currentAssignment(c.id))?.id ?? null,
          requestedBy: person.id,
          reasons: input.reasons,
          requestedAt: at,
          requestDocumentId: null,
          status: 'pending',
          decidedBy: null,
          decidedAt: null,
          decisionReasons: null,
          decisionDocumentId: null,
        };
        await this.#ctx.repo.insertRecusalRequest(request);
        return {
          result: request,
          action: 'recusal.requested',
          target: request.id,
          payload: request,
        };
      },
    );
  }

  /** The organisation decides a recusal request with reasons; a granted one withdraws the mediator. */
  async decideRecusal(
    actor: Actor,
    caseId: string,
    requestId: string,
    input: z.output<typeof recusalDecisionSchema>,
  ): Promise<RecusalRequest> {
    return this.#ctx.change(actor, caseId, 'case.assign', 'decideRecusal', async (c, at) => {
      const request = (await this.#ctx.repo.listRecusalRequests(c.id)).find(
        (r) => r.id === requestId,
      );
      if (!request) throw new NotFoundError('Recusal request');
      if (request.status !== 'pending') throw fail('RECUSAL_DECIDED');
      const decided: RecusalRequest = {
        ...request,
        status: input.decision,
        decidedBy: actor.id,
        decidedAt: at,
        decisionReasons: input.reasons,
      };
      await this.#ctx.repo.updateRecusalRequest(decided);
      const withdrawn = input.decision === 'granted' && c.mediatorId === request.mediatorId;
      if (withdrawn) {
        c.mediatorId = null;
        await this.#ctx.repo.endAssignments(c.id, at, 'recusal_granted');
      }
      return {
        result: decided,
        action: 'recusal.decided',
        target: request.id,
        payload: decided,
        ...(withdrawn
          ? {
              announce: {
                kind: 'mediator-changed',
                caseId: c.id,
                previous: request.mediatorId,
                next: null,
              },
            }
          : {}),
      };
    });
  }
}
