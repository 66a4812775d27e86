/**
 * Reading cases: the list a staff member works on, the case file as the
 * actor may see it (parties see others' identity and contacts redacted), the
 * audit chain's verification and the organisation's statistics.
 */
import type { ChainVerification } from '../audit/AuditChain.js';
import { authorizeStaff, permissionsOf, type Actor } from './access.js';
import { missingScheduleYears, shanghaiDate } from './deadlines.js';
import type {
  CaseDeadline,
  CaseNotice,
  CasePerson,
  CaseRepresentative,
  PerformanceRecord,
  PersonClaims,
  ConflictDisclosure,
  FollowUpVisit,
  Invitation,
  MediationCase,
  MediationResponse,
  MediationSessionRecord,
  RecusalRequest,
  StaffMember,
} from './model.js';
import { computeStatistics, type CaseStatistics, type StatisticsPeriod } from './statistics.js';
import type { CaseContext } from './context.js';

export interface CaseFile {
  case: MediationCase;
  people: CasePerson[];
  sessions: MediationSessionRecord[];
  deadlines: CaseDeadline[];
  disclosures: ConflictDisclosure[];
  notices: CaseNotice[];
  followUps: FollowUpVisit[];
  invitations: Invitation[];
  mediator: Pick<StaffMember, 'id' | 'displayName'> | null;
  recusalRequests: RecusalRequest[];
  mediationResponses: MediationResponse[];
  /** 代表人 of a collective dispute, revoked elections included. */
  representatives: CaseRepresentative[];
  /** Each applicant's own claims; a party sees its own only. */
  claims: PersonClaims[];
  /** Findings on each person's part of the agreement; a party sees its own only. */
  performance: PerformanceRecord[];
}

export class CaseReading {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async list(actor: Actor): Promise<(MediationCase & { openDeadlines: CaseDeadline[] })[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator', 'supervisor']);
    // A supervisor's list is every organisation's in reach; the others', their own.
    const organisations =
      staff.role === 'supervisor' ? (staff.reach ?? []) : [staff.organisationId];
    const cases = (
      await Promise.all(
        organisations.map((organisationId) =>
          this.#ctx.repo.listCases({
            organisationId,
            ...(staff.role === 'mediator' ? { mediatorId: staff.id } : {}),
          }),
        ),
      )
    ).flat();
    // One query for an organisation's deadlines, not one per case (bench:db: the list
    // was a round trip per case on PostgreSQL); each case's stay in due-date order.
    const running = new Map<string, CaseDeadline[]>();
    for (const organisationId of organisations)
      for (const d of await this.#ctx.repo.listOrganisationDeadlines(organisationId)) {
        if (d.status !== 'open' && d.status !== 'overdue') continue;
        running.set(d.caseId, [...(running.get(d.caseId) ?? []), d]);
      }
    return cases.map((c) => ({ ...c, openDeadlines: running.get(c.id) ?? [] }));
  }

  async file(actor: Actor, caseId: string): Promise<CaseFile> {
    const c = await this.#ctx.load(actor, caseId, 'case.view');
    const [people, sessions, deadlines, disclosures, notices, followUps, invitations] =
      await Promise.all([
        this.#ctx.repo.listPeople(c.id),
        this.#ctx.repo.listSessions(c.id),
        this.#ctx.repo.listDeadlines(c.id),
        this.#ctx.repo.listDisclosures(c.id),
        this.#ctx.repo.listNotices(c.id),
        this.#ctx.repo.listFollowUps(c.id),
        this.#ctx.repo.listInvitations(c.id),
      ]);
    const [recusalRequests, mediationResponses, representatives, claims, performance] =
      await Promise.all([
        this.#ctx.repo.listRecusalRequests(c.id),
        this.#ctx.repo.listMediationResponses(c.id),
        this.#ctx.repo.listRepresentatives(c.id),
        this.#ctx.repo.listPersonClaims(c.id),
        this.#ctx.repo.listPerformance(c.id),
      ]);
    const mediator = c.mediatorId ? await this.#ctx.repo.getStaff(c.mediatorId) : undefined;
    const staffView = actor.kind === 'staff' || actor.kind === 'system';
    // The parties' identity numbers and contacts: not for supervisors (they read the case).
    const personalData =
      actor.kind === 'system' ||
      (actor.kind === 'staff' && permissionsOf(actor).includes('case.viewPersonalData'));
    const self = people.find((p) => p.id === actor.id);
    const own = new Set([actor.id, ...(self?.representsId ? [self.representsId] : [])]);
    return {
      case: c,
      // Parties see who is involved, not the others' identity numbers and contacts.
      people: personalData ? people : people.map((p) => (p.id === actor.id ? p : redactPerson(p))),
      sessions,
      deadlines,
      disclosures,
      notices,
      followUps: staffView ? followUps : [],
      invitations: staffView ? invitations : [],
      mediator: mediator ? { id: mediator.id, displayName: mediator.displayName } : null,
      recusalRequests,
      // Offline proofs are the organisation's file; parties see each answer and how it was given.
      mediationResponses: staffView
        ? mediationResponses
        : mediationResponses.map((r) => ({ ...r, evidenceId: null, note: null })),
      // Whom a representative acts for is every applicant's business; the document and the
      // staff who recorded it, the organisation's.
      representatives: staffView
        ? representatives
        : representatives.map((r) => ({
            ...r,
            evidenceId: '',
            recordedBy: '',
            revokedBy: r.revokedBy === null ? null : '',
          })),
      // One worker's wages and payments are not the other workers' business (its agent's, yes).
      claims: staffView ? claims : claims.filter((x) => own.has(x.personId)),
      performance: staffView
        ? performance
        : performance
            .filter((x) => own.has(x.personId))
            .map((x) => ({ ...x, recordedBy: '', evidenceId: null })),
    };
  }

  async verifyAudit(actor: Actor, caseId: string): Promise<ChainVerification> {
    await this.#ctx.load(actor, caseId, 'case.audit');
    return this.#ctx.audit.verify(caseId);
  }

  async statistics(
    actor: Actor,
    period: StatisticsPeriod,
  ): Promise<CaseStatistics & { calendar: { missingScheduleYears: number[] } }> {
    const staff = authorizeStaff(actor, ['clerk']);
    const [cases, deadlines, parties, claimed] = await Promise.all([
      this.#ctx.repo.listCases({ organisationId: staff.organisationId }),
      this.#ctx.repo.listOrganisationDeadlines(staff.organisationId),
      this.#ctx.repo.countOrganisationParties(staff.organisationId),
      this.#ctx.repo.organisationClaimed(staff.organisationId),
    ]);
    const now = this.#ctx.now();
    return {
      ...computeStatistics(cases, deadlines, period, now, parties, claimed),
      // Years whose holiday schedule is due but not loaded: deadlines in them are provisional.
      calendar: {
        missingScheduleYears: missingScheduleYears(this.#ctx.calendar, shanghaiDate(now)),
      },
    };
  }
}

function redactPerson(p: CasePerson): CasePerson {
  return {
    ...p,
    idNumber: null,
    phone: null,
    address: null,
    serviceAddress: null,
    powerOfAttorney: p.powerOfAttorney,
  };
}
