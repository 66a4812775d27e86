/**
 * The mediation network's organisations (issue 21): the tree within a staff member's reach and
 * a clerk's new organisation in it. A clerk acts on their own organisation and those below it;
 * an organisation outside that reach is reported as not found.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { createOrganisationSchema } from '../../signaling/http/organisations.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
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
>;

export type OrganisationNode = Organisation & { staff: number; openCases: number };

export class OrganisationService {
  readonly #repo: Repo;
  readonly #logger: Logger;

  constructor(repo: Repo, logger: Logger) {
    this.#repo = repo;
    this.#logger = logger.child({ component: 'organisations' });
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
