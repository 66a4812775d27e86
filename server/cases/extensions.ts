/**
 * Extending the 15-day mediation period (劳动争议调解仲裁法 第十四条): staff
 * propose a new end date with a reason; every applicant and every respondent
 * answers on its own — itself or through an agent with special authority
 * (特别授权), or staff record an offline answer with proof (an evidence item
 * of the case) and their attestation. The period moves only when every party
 * consented; one refusal ends the proposal. Knows nothing of HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.js';
import { fail, NotFoundError } from '../errors.js';
import { authorize, authorizeStaff, type Actor } from './access.js';
import type { CaseRepository } from './CaseRepository.js';
import type { CaseService } from './CaseService.js';
import { isOpen } from './stateMachine.js';
import { shanghaiDate } from './deadlines.js';
import type { CasePerson, ExtensionProposal, ExtensionResponse, MediationCase } from './model.js';

export interface ExtensionRepository {
  insertProposal(p: ExtensionProposal): Promise<void>;
  getProposal(id: string): Promise<ExtensionProposal | undefined>;
  listProposals(caseId: string): Promise<ExtensionProposal[]>;
  setProposalStatus(id: string, status: ExtensionProposal['status'], at: string): Promise<void>;
  /** False when the party had answered already. */
  insertResponse(r: ExtensionResponse): Promise<boolean>;
  listResponses(proposalId: string): Promise<ExtensionResponse[]>;
}

/** A proposal as its readers see it: who must answer and who did. */
export interface ExtensionProposalView extends ExtensionProposal {
  parties: {
    partyId: string;
    name: string;
    role: 'applicant' | 'respondent';
    response: ExtensionResponse | null;
  }[];
}

export interface ExtensionServiceOptions {
  repository: ExtensionRepository;
  cases: CaseRepository;
  caseService: CaseService;
  audit: AuditLog;
  /** The SHA-256 of an evidence item of the case (offline proof), undefined when it is not the case's. */
  evidenceSha256: (caseId: string, itemId: string) => Promise<string | undefined>;
  now?: () => Date;
}

/** Every applicant and respondent, in the order added: each answers for itself. */
export function answeringParties(people: readonly CasePerson[]): CasePerson[] {
  return people.filter((p) => p.kind === 'applicant' || p.kind === 'respondent');
}

/** The party a person may answer for: itself, or the party it represents with special authority. */
export function partyAnsweredBy(person: CasePerson, people: readonly CasePerson[]): string | null {
  if (person.kind === 'applicant' || person.kind === 'respondent') return person.id;
  if (person.kind === 'agent' && person.powerOfAttorney?.scope === 'special') {
    const party = people.find((p) => p.id === person.representsId);
    if (party && (party.kind === 'applicant' || party.kind === 'respondent')) return party.id;
  }
  return null;
}

export class ExtensionService {
  readonly #repo: ExtensionRepository;
  readonly #cases: CaseRepository;
  readonly #caseService: CaseService;
  readonly #audit: AuditLog;
  readonly #evidenceSha256: ExtensionServiceOptions['evidenceSha256'];
  readonly #now: () => Date;

  constructor(o: ExtensionServiceOptions) {
    this.#repo = o.repository;
    this.#cases = o.cases;
    this.#caseService = o.caseService;
    this.#audit = o.audit;
    this.#evidenceSha256 = o.evidenceSha256;
    this.#now = o.now ?? (() => new Date());
  }

  async list(actor: Actor, caseId: string): Promise<ExtensionProposalView[]> {
    const { people } = await this.#load(actor, caseId, 'case.view');
    const proposals = await this.#repo.listProposals(caseId);
    return Promise.all(proposals.map((p) => this.#view(p, people)));
  }

  async propose(
    actor: Actor,
    caseId: string,
    input: { newDueOn: string; reason: string },
  ): Promise<ExtensionProposalView> {
    authorizeStaff(actor, ['clerk', 'mediator']);
    return this.#cases.transaction(async () => {
      const { c, people } = await this.#load(actor, caseId, 'case.extend');
      if (c.status !== 'accepted' && c.status !== 'in_mediation')
        throw fail('EXTENSION_NOT_IN_MEDIATION');
      if (input.newDueOn <= c.mediationDueOn)
        throw fail('EXTENSION_NOT_LATER').withIssues([
          `newDueOn: must be after ${c.mediationDueOn}`,
        ]);
      const today = shanghaiDate(this.#now());
      if (input.newDueOn < today)
        throw fail('EXTENSION_IN_PAST').withIssues([`newDueOn: before today (${today})`]);
      if ((await this.#repo.listProposals(caseId)).some((p) => p.status === 'pending'))
        throw fail('EXTENSION_ALREADY_PROPOSED');
      const at = this.#now().toISOString();
      const proposal: ExtensionProposal = {
        id: randomUUID(),
        caseId,
        newDueOn: input.newDueOn,
        reason: input.reason,
        previousDueOn: c.mediationDueOn,
        status: 'pending',
        proposedBy: actor.id,
        proposedAt: at,
        decidedAt: null,
      };
      await this.#repo.insertProposal(proposal);
      await this.#record(actor, caseId, 'extension.proposed', proposal.id, proposal);
      return this.#view(proposal, people);
    });
  }

  /** A party (or its specially authorised agent) answers on its own page. */
  async respond(
    actor: Actor,
    caseId: string,
    proposalId: string,
    decision: ExtensionResponse['decision'],
  ): Promise<ExtensionProposalView> {
    // Outside the case: not found, before anything else is revealed.
    await this.#load(actor, caseId, 'case.view');
    if (actor.kind !== 'person') throw fail('EXTENSION_STAFF_RECORD_OFFLINE');
    return this.#answer(actor, caseId, proposalId, async (people) => {
      const me = people.find((p) => p.id === actor.id);
      const partyId = me ? partyAnsweredBy(me, people) : null;
      if (!partyId) throw fail('EXTENSION_AUTHORITY_REQUIRED');
      return { partyId, decision, byId: actor.id, byRole: actor.role, offline: null };
    });
  }

  /** Staff record a party's answer given offline, with proof and their attestation. */
  async recordOffline(
    actor: Actor,
    caseId: string,
    proposalId: string,
    input: {
      partyId: string;
      decision: ExtensionResponse['decision'];
      evidenceId: string;
      attestation: string;
    },
  ): Promise<ExtensionProposalView> {
    authorizeStaff(actor, ['clerk', 'mediator']);
    const evidenceSha256 = await this.#evidenceSha256(caseId, input.evidenceId);
    return this.#answer(actor, caseId, proposalId, async (people) => {
      const party = people.find((p) => p.id === input.partyId);
      if (!party || (party.kind !== 'applicant' && party.kind !== 'respondent'))
        throw fail('NOT_A_PARTY').withIssues([
          `partyId: ${input.partyId} is not an applicant or respondent of this case`,
        ]);
      if (!evidenceSha256)
        throw fail('EXTENSION_OFFLINE_NEEDS_PROOF').withIssues([
          `evidenceId: ${input.evidenceId} is not in this case`,
        ]);
      return {
        partyId: party.id,
        decision: input.decision,
        byId: actor.id,
        byRole: actor.role,
        offline: { evidenceId: input.evidenceId, evidenceSha256, attestation: input.attestation },
      };
    });
  }

  async #answer(
    actor: Actor,
    caseId: string,
    proposalId: string,
    who: (people: CasePerson[]) => Promise<Omit<ExtensionResponse, 'proposalId' | 'at'>>,
  ): Promise<ExtensionProposalView> {
    let agreed: { proposal: ExtensionProposal; responses: ExtensionResponse[] } | undefined;
    const view = await this.#cases.transaction(async () => {
      const { people } = await this.#load(actor, caseId, 'case.view');
      const answer = await who(people);
      const proposal = await this.#repo.getProposal(proposalId);
      if (!proposal || proposal.caseId !== caseId) throw new NotFoundError('Extension proposal');
      if (proposal.status !== 'pending') throw fail('EXTENSION_CLOSED');
      const at = this.#now().toISOString();
      const response: ExtensionResponse = { proposalId, at, ...answer };
      if (!(await this.#repo.insertResponse(response))) throw fail('EXTENSION_ALREADY_ANSWERED');
      await this.#record(actor, caseId, `extension.${response.decision}`, proposalId, response);
      const responses = await this.#repo.listResponses(proposalId);
      if (response.decision === 'refuse') {
        await this.#repo.setProposalStatus(proposalId, 'refused', at);
        await this.#record(actor, caseId, 'extension.refused', proposalId, {
          partyId: response.partyId,
        });
      } else {
        const consented = new Set(
          responses.filter((r) => r.decision === 'consent').map((r) => r.partyId),
        );
        if (answeringParties(people).every((p) => consented.has(p.id)))
          agreed = { proposal, responses };
      }
      return this.#view((await this.#repo.getProposal(proposalId)) ?? proposal, people);
    });
    if (!agreed) return view;
    // Every party consented: the period moves, with the proposal's outcome, in one transaction.
    const { proposal, responses } = agreed;
    await this.#caseService.applyAgreedExtension(
      caseId,
      {
        proposalId: proposal.id,
        newDueOn: proposal.newDueOn,
        reason: proposal.reason,
        consents: responses.map((r) => ({
          partyId: r.partyId,
          byId: r.byId,
          byRole: r.byRole,
          at: r.at,
          offline: r.offline,
        })),
      },
      () => this.#repo.setProposalStatus(proposal.id, 'agreed', this.#now().toISOString()),
    );
    const people = await this.#cases.listPeople(caseId);
    return this.#view((await this.#repo.getProposal(proposal.id)) ?? proposal, people);
  }

  async #load(
    actor: Actor,
    caseId: string,
    permission: 'case.view' | 'case.extend',
  ): Promise<{ c: MediationCase; people: CasePerson[] }> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, permission, c);
    if (permission === 'case.extend' && !isOpen(c.status)) throw fail('CASE_CLOSED');
    return { c, people: await this.#cases.listPeople(caseId) };
  }

  async #view(p: ExtensionProposal, people: readonly CasePerson[]): Promise<ExtensionProposalView> {
    const responses = await this.#repo.listResponses(p.id);
    return {
      ...p,
      parties: answeringParties(people).map((party) => ({
        partyId: party.id,
        name: party.name,
        role: party.kind as 'applicant' | 'respondent',
        response: responses.find((r) => r.partyId === party.id) ?? null,
      })),
    };
  }

  async #record(
    actor: Actor,
    caseId: string,
    action: string,
    target: string,
    payload: unknown,
  ): Promise<void> {
    await this.#audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action,
      target,
      payload: JSON.parse(JSON.stringify(payload ?? null)),
    });
  }
}
