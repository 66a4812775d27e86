/**
 * The mediator roster (调解员名册, issue 21): every mediator of an organisation and those below
 * it, active and deactivated (with when and why), the organisation's own and invited ones
 * (特邀调解员) with their expertise, specialties, training records with hours, yearly
 * assessments, and their load and results. A clerk keeps it for their organisation and those
 * below; a supervisor reads their reach; anyone else's mediator is "not found".
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  assessmentSchema,
  mediatorProfileSchema,
  rosterEntryView,
  trainingSchema,
} from '../../signaling/http/roster.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { shanghaiDate } from '../cases/deadlines.js';
import { fail, NotFoundError } from '../errors.js';
import { subtree } from './tree.js';

export type RosterEntry = z.output<typeof rosterEntryView>;

export interface RosterMediator {
  id: string;
  displayName: string;
  organisationId: string;
  active: boolean;
  mediatorKind: 'staff' | 'invited';
  expertise: string | null;
  specialties: RosterEntry['specialties'];
  deactivatedAt: string | null;
  deactivationReason: string | null;
}

export interface RosterRepository {
  mediators(organisationIds: readonly string[]): Promise<RosterMediator[]>;
  setProfile(staffId: string, p: z.output<typeof mediatorProfileSchema>): Promise<void>;
  insertTraining(t: {
    id: string;
    staffId: string;
    onDate: string;
    title: string;
    hours: number;
    provider: string;
    recordedBy: string;
    recordedAt: string;
  }): Promise<void>;
  trainings(staffIds: readonly string[]): Promise<
    {
      id: string;
      staffId: string;
      onDate: string;
      title: string;
      hours: number;
      provider: string;
    }[]
  >;
  /** False when the year's assessment exists already. */
  insertAssessment(a: {
    id: string;
    staffId: string;
    period: string;
    result: RosterEntry['assessments'][number]['result'];
    note: string;
    assessedBy: string;
    assessedAt: string;
  }): Promise<boolean>;
  assessments(
    staffIds: readonly string[],
  ): Promise<(RosterEntry['assessments'][number] & { staffId: string })[]>;
}

const OPEN = new Set(['registered', 'accepted', 'in_mediation']);
const CLOSED = new Set(['settled', 'terminated', 'withdrawn', 'refused', 'archived']);

export class MediatorRoster {
  readonly #repo: RosterRepository;
  readonly #cases: Pick<CaseRepository, 'listOrganisations' | 'listCases'>;
  readonly #now: () => Date;

  constructor(
    repo: RosterRepository,
    cases: Pick<CaseRepository, 'listOrganisations' | 'listCases'>,
    now: () => Date = () => new Date(),
  ) {
    this.#repo = repo;
    this.#cases = cases;
    this.#now = now;
  }

  async list(actor: Actor): Promise<RosterEntry[]> {
    const staff = authorizeStaff(actor, ['clerk', 'supervisor']);
    const all = await this.#cases.listOrganisations();
    const ids =
      staff.role === 'supervisor'
        ? [...(staff.reach ?? [])]
        : subtree(all, staff.organisationId).map((o) => o.id);
    return this.#entries(await this.#repo.mediators(ids), ids);
  }

  async setProfile(
    actor: Actor,
    staffId: string,
    input: z.output<typeof mediatorProfileSchema>,
  ): Promise<RosterEntry> {
    const m = await this.#kept(actor, staffId);
    await this.#repo.setProfile(m.id, {
      ...input,
      expertise: input.expertise === '' ? null : input.expertise,
      specialties: [...new Set(input.specialties)],
    });
    return this.#one(m.id, m.organisationId);
  }

  async addTraining(
    actor: Actor,
    staffId: string,
    input: z.output<typeof trainingSchema>,
  ): Promise<RosterEntry> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const m = await this.#kept(actor, staffId);
    if (input.onDate > shanghaiDate(this.#now())) throw fail('TRAINING_IN_FUTURE');
    await this.#repo.insertTraining({
      id: randomUUID(),
      staffId: m.id,
      ...input,
      recordedBy: clerk.id,
      recordedAt: this.#now().toISOString(),
    });
    return this.#one(m.id, m.organisationId);
  }

  async addAssessment(
    actor: Actor,
    staffId: string,
    input: z.output<typeof assessmentSchema>,
  ): Promise<RosterEntry> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const m = await this.#kept(actor, staffId);
    if (input.period > shanghaiDate(this.#now()).slice(0, 4)) throw fail('ASSESSMENT_IN_FUTURE');
    const inserted = await this.#repo.insertAssessment({
      id: randomUUID(),
      staffId: m.id,
      ...input,
      assessedBy: clerk.id,
      assessedAt: this.#now().toISOString(),
    });
    if (!inserted) throw fail('ASSESSMENT_EXISTS', { period: input.period });
    return this.#one(m.id, m.organisationId);
  }

  /** A mediator of the clerk's organisation or one below it; anything else is not found. */
  async #kept(actor: Actor, staffId: string): Promise<RosterMediator> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const ids = subtree(await this.#cases.listOrganisations(), clerk.organisationId).map(
      (o) => o.id,
    );
    const m = (await this.#repo.mediators(ids)).find((x) => x.id === staffId);
    if (!m) throw new NotFoundError('Mediator');
    return m;
  }

  async #one(staffId: string, organisationId: string): Promise<RosterEntry> {
    const [entry] = await this.#entries(
      (await this.#repo.mediators([organisationId])).filter((m) => m.id === staffId),
      [organisationId],
    );
    if (!entry) throw new NotFoundError('Mediator');
    return entry;
  }

  async #entries(mediators: RosterMediator[], organisationIds: string[]): Promise<RosterEntry[]> {
    const all = await this.#cases.listOrganisations();
    const names = new Map(all.map((o) => [o.id, o.name]));
    const staffIds = mediators.map((m) => m.id);
    const [trainings, assessments] = await Promise.all([
      this.#repo.trainings(staffIds),
      this.#repo.assessments(staffIds),
    ]);
    const cases = (
      await Promise.all(
        organisationIds.map((organisationId) => this.#cases.listCases({ organisationId })),
      )
    ).flat();
    const year = shanghaiDate(this.#now()).slice(0, 4);
    return mediators.map((m) => {
      const own = trainings.filter((t) => t.staffId === m.id);
      const mine = cases.filter((c) => c.mediatorId === m.id);
      const ended = mine.filter((c) => c.outcome !== null && c.decision?.kind === 'accepted');
      const settled = mine.filter((c) => c.outcome?.kind === 'agreement').length;
      const hours = (list: typeof own) =>
        Math.round(list.reduce((n, t) => n + t.hours, 0) * 10) / 10;
      return {
        ...m,
        organisationName: names.get(m.organisationId) ?? '',
        trainings: own.map(({ staffId: _s, ...t }) => t),
        trainingHoursThisYear: hours(own.filter((t) => t.onDate.startsWith(year))),
        trainingHoursTotal: hours(own),
        assessments: assessments
          .filter((a) => a.staffId === m.id)
          .map(({ staffId: _s, ...a }) => a),
        openCases: mine.filter((c) => OPEN.has(c.status)).length,
        closedCases: mine.filter((c) => CLOSED.has(c.status)).length,
        settledCases: settled,
        settlementRate:
          ended.length === 0
            ? null
            : ended.filter((c) => c.outcome?.kind === 'agreement').length / ended.length,
      };
    });
  }
}
