/**
 * The dashboard (数据看板, issue 21): reads an organisation's subtree, each organisation's cases,
 * deadlines, parties, claims and sessions, and hands them to dashboard.ts. A clerk asks about
 * their organisation or one below it; a supervisor about any in their reach; anything else is
 * "not found". The figures hold no party's name or contact.
 */
import type { z } from 'zod';
import type { dashboardQuery } from '../../signaling/http/dashboard.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { shanghaiDate } from '../cases/deadlines.js';
import type { CaseDeadline, MediationCase, MediationSessionRecord } from '../cases/model.js';
import type { CaseParties } from '../cases/statistics.js';
import { fail, NotFoundError } from '../errors.js';
import { computeDashboard, lastTwelveMonths, type Dashboard } from './dashboard.js';
import { subtree } from './tree.js';

type Repo = Pick<
  CaseRepository,
  | 'listOrganisations'
  | 'listCases'
  | 'listOrganisationDeadlines'
  | 'countOrganisationParties'
  | 'organisationClaimed'
  | 'listOrganisationSessions'
  | 'listMediators'
>;

/** Ten years of months at the most: a chart of more says nothing and costs a lot. */
const MAX_DAYS = 3_660;

export class DashboardService {
  readonly #repo: Repo;
  readonly #now: () => Date;

  constructor(repo: Repo, now: () => Date = () => new Date()) {
    this.#repo = repo;
    this.#now = now;
  }

  async dashboard(
    actor: Actor,
    query: z.output<typeof dashboardQuery>,
  ): Promise<Dashboard & { organisation: { id: string; name: string } }> {
    const all = await this.#repo.listOrganisations();
    let reach: Set<string>;
    let organisationId: string | undefined;
    if (actor.kind === 'system') {
      // Statistics reports (server/reports/): the whole network, one organisation named.
      reach = new Set(all.map((o) => o.id));
      organisationId = query.organisationId;
    } else {
      const staff = authorizeStaff(actor, ['clerk', 'supervisor']);
      reach =
        staff.role === 'supervisor'
          ? new Set(staff.reach ?? [])
          : new Set(subtree(all, staff.organisationId).map((o) => o.id));
      organisationId = query.organisationId ?? staff.organisationId;
    }
    if (organisationId === undefined) throw new NotFoundError('Organisation');
    if (!reach.has(organisationId)) throw new NotFoundError('Organisation');
    const scope = subtree(all, organisationId).filter((o) => reach.has(o.id));
    const now = this.#now();
    const fallback = lastTwelveMonths(shanghaiDate(now));
    const period = { from: query.from ?? fallback.from, to: query.to ?? fallback.to };
    if (period.from > period.to) throw fail('PERIOD_REVERSED');
    if ((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000 > MAX_DAYS)
      throw fail('PERIOD_TOO_LONG', { years: 10 });

    const cases: MediationCase[] = [];
    const deadlines: CaseDeadline[] = [];
    const sessions: MediationSessionRecord[] = [];
    const parties = new Map<string, CaseParties>();
    const claimed = new Map<string, number>();
    const mediators: { id: string; displayName: string; organisationId: string }[] = [];
    for (const o of scope) {
      const [c, d, p, k, s, m] = await Promise.all([
        this.#repo.listCases({ organisationId: o.id }),
        this.#repo.listOrganisationDeadlines(o.id),
        this.#repo.countOrganisationParties(o.id),
        this.#repo.organisationClaimed(o.id),
        this.#repo.listOrganisationSessions(o.id),
        this.#repo.listMediators(o.id),
      ]);
      cases.push(...c);
      deadlines.push(...d);
      sessions.push(...s);
      for (const [id, v] of p) parties.set(id, v);
      for (const [id, v] of k) claimed.set(id, v);
      mediators.push(
        ...m.map((x) => ({ id: x.id, displayName: x.displayName, organisationId: o.id })),
      );
    }
    const dashboard = computeDashboard(
      { organisations: scope, cases, deadlines, parties, claimed, sessions, mediators },
      period,
      now,
    );
    const own = scope[0]!;
    return { ...dashboard, organisation: { id: own.id, name: own.name } };
  }
}
