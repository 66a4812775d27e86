/**
 * The mediation network's organisations (issue 21): the tree within a staff member's reach and
 * a clerk's new organisation in it. A clerk acts on their own organisation and those below it;
 * an organisation outside that reach is reported as not found.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  createOrganisationSchema,
  transferCaseSchema,
} from '../../signaling/http/organisations.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { Transferred } from '../cases/transfer.js';
import { clip } from '../channels/smsText.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import type { Organisation } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ALLOWED_PARENTS, sameName, subtree } from './tree.js';

type Repo = Pick<
  CaseRepository,
  | 'getOrganisation'
  | 'listOrganisations'
  | 'insertOrganisation'
  | 'organisationLoad'
  | 'transaction'
  | 'listPeople'
>;

export interface OrganisationServiceDeps {
  repo: Repo;
  cases: Pick<CaseService, 'transfer'>;
  notifications: NotificationChannel;
  logger: Logger;
}

export type OrganisationNode = Organisation & { staff: number; openCases: number };

export class OrganisationService {
  readonly #repo: Repo;
  readonly #cases: OrganisationServiceDeps['cases'];
  readonly #notifications: NotificationChannel;
  readonly #logger: Logger;

  constructor(d: OrganisationServiceDeps) {
    this.#repo = d.repo;
    this.#cases = d.cases;
    this.#notifications = d.notifications;
    this.#logger = d.logger.child({ component: 'organisations' });
  }

  /**
   * A case moved to another organisation of the network (cases/transfer.ts); then each party
   * with a mobile number is told by SMS where the case is now and under which number (an agent
   * is told through the party's record; in-app, the case page shows it at once).
   */
  async transfer(
    actor: Actor,
    caseId: string,
    input: z.output<typeof transferCaseSchema>,
  ): Promise<Transferred> {
    const moved = await this.#cases.transfer(actor, caseId, input);
    for (const p of await this.#repo.listPeople(caseId)) {
      const phone = p.phone?.replace(/[\s-]/g, '');
      if (
        (p.kind !== 'applicant' && p.kind !== 'respondent') ||
        !phone ||
        !/^1[3-9]\d{9}$/.test(phone)
      )
        continue;
      await this.#notifications.send({
        caseId,
        personId: p.id,
        channel: 'sms',
        address: phone,
        purpose: 'case_transferred',
        subject: `案件移交 ${moved.case.caseNumber}`,
        body: transferSms(p.name, moved),
      });
    }
    this.#logger.info(
      { caseId, from: moved.from.id, to: moved.to.id, by: actor.id },
      'case transferred to another organisation',
    );
    return moved;
  }

  /** The ids of the actor's organisation and every one below it. */
  async reach(organisationId: string): Promise<Set<string>> {
    return new Set(subtree(await this.#repo.listOrganisations(), organisationId).map((o) => o.id));
  }

  /** The staff member's organisation and those below it, parents first. */
  async network(actor: Actor): Promise<OrganisationNode[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator', 'supervisor']);
    const [all, load] = await Promise.all([
      this.#repo.listOrganisations(),
      this.#repo.organisationLoad(),
    ]);
    return subtree(all, staff.organisationId).map((o) => ({
      ...o,
      staff: load.get(o.id)?.staff ?? 0,
      openCases: load.get(o.id)?.openCases ?? 0,
    }));
  }

  async create(
    actor: Actor,
    input: z.output<typeof createOrganisationSchema>,
  ): Promise<OrganisationNode> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const created = await this.#repo.transaction(async () => {
      const all = await this.#repo.listOrganisations();
      const reach = subtree(all, clerk.organisationId);
      const parent = reach.find((o) => o.id === input.parentId);
      if (!parent) throw new NotFoundError('Organisation');
      if (!ALLOWED_PARENTS[input.kind].includes(parent.kind))
        throw fail('ORGANISATION_KIND_NOT_UNDER', { kind: input.kind, parentKind: parent.kind });
      if (all.some((o) => o.parentId === parent.id && sameName(o.name, input.name)))
        throw fail('ORGANISATION_NAME_TAKEN');
      const id = randomUUID();
      await this.#repo.insertOrganisation({
        id,
        name: input.name,
        kind: input.kind,
        parentId: parent.id,
        createdBy: clerk.id,
      });
      return (await this.#repo.getOrganisation(id))!;
    });
    this.#logger.info(
      { organisationId: created.id, parentId: created.parentId, kind: created.kind, by: clerk.id },
      'organisation added to the network',
    );
    return { ...created, staff: 0, openCases: 0 };
  }
}

/** Within two SMS with the signature: the organisation's name is cut if it must be. */
function transferSms(name: string, t: Transferred): string {
  return `${clip(name, 10)}：您的劳动争议调解案件（原案号${t.previousNumber}）已移交${clip(t.to.name, 40)}办理，新案号${t.case.caseNumber}。案件材料和链接不变。`;
}
