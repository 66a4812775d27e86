/**
 * Whether confidential caucus material may go to a court or arbitration
 * commission. Concessions made in order to settle cannot later be used
 * against a party, so by default references and bundles leave out recorded
 * caucus phases and confidential evidence, and withhold the payloads of their
 * audit events. Only when every party of both sides agrees — each itself or
 * through an agent with special authority, the latest word of each person
 * counting — is that material included. Every say is an event in the case's chain.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import { caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { fail } from '../errors.js';
import { sideOf } from '../evidence/EvidenceService.js';
import { disclosureConsentSchema } from '../../signaling/http/institutions.js';
import type { DisclosureConsentRepository, DisclosureSide } from './DisclosureConsentRepository.js';

export { disclosureConsentSchema as disclosureSchema };

type Side = DisclosureSide;

export interface DisclosureState {
  /** Both sides agree. */
  agreed: boolean;
  sides: Record<Side, boolean>;
  consents: { personId: string; name: string; side: Side; agree: boolean; at: string }[];
}

export class DisclosureConsents {
  readonly #repository: DisclosureConsentRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #now: () => Date;

  constructor(options: {
    repository: DisclosureConsentRepository;
    cases: CaseRepository;
    audit: AuditLog;
    now?: () => Date;
  }) {
    this.#repository = options.repository;
    this.#cases = options.cases;
    this.#audit = options.audit;
    this.#now = options.now ?? (() => new Date());
  }

  async state(actor: Actor, caseId: string): Promise<DisclosureState> {
    await caseInScope(this.#cases, actor, caseId);
    return this.current(caseId);
  }

  /** A party (or an agent with special authority) says yes or no; staff cannot say it for them. */
  async record(
    actor: Actor,
    caseId: string,
    input: z.infer<typeof disclosureConsentSchema>,
  ): Promise<DisclosureState> {
    const { people } = await caseInScope(this.#cases, actor, caseId);
    const person = actor.kind === 'person' ? people.find((p) => p.id === actor.id) : undefined;
    // A party speaks for its side; an agent only with special authority.
    const side =
      person?.kind === 'agent' && person.powerOfAttorney?.scope !== 'special'
        ? undefined
        : sideOf(actor, people);
    if (!person || !side) {
      throw fail('DISCLOSURE_CONSENT_PARTIES_ONLY');
    }
    const at = this.#now().toISOString();
    await this.#repository.transaction(async () => {
      await this.#repository.insert({
        id: randomUUID(),
        caseId,
        personId: person.id,
        side,
        agree: input.agree,
        at,
      });
      await this.#audit.append({
        caseId,
        actorId: person.id,
        actorRole: actor.role,
        action: input.agree ? 'disclosure.agreed' : 'disclosure.withdrawn',
        target: caseId,
        payload: { side, agree: input.agree, at },
      });
    });
    return this.current(caseId);
  }

  /** The state now (server-internal: references and bundles ask it). */
  async current(caseId: string): Promise<DisclosureState> {
    const people = await this.#cases.listPeople(caseId);
    const says = await this.#repository.listByCase(caseId);
    const latest = new Map<string, DisclosureState['consents'][number]>();
    for (const r of says) {
      latest.set(r.personId, {
        personId: r.personId,
        name: people.find((p) => p.id === r.personId)?.name ?? r.personId,
        side: r.side,
        agree: r.agree,
        at: r.at,
      });
    }
    const consents = [...latest.values()];
    // Every party agrees, itself or through an agent with special authority, and nobody
    // speaking for it said no: with co-parties (two respondents, several workers) one of
    // them cannot give away another's concessions. A side agrees when all its parties do.
    const partyAgrees = (party: (typeof people)[number]) => {
      const said = consents.filter((c) => {
        if (c.personId === party.id) return true;
        const speaker = people.find((p) => p.id === c.personId);
        return speaker?.kind === 'agent' && speaker.representsId === party.id;
      });
      return said.length > 0 && said.every((c) => c.agree);
    };
    const sideAgrees = (side: Side) => {
      const parties = people.filter((p) => p.kind === side);
      return parties.length > 0 && parties.every(partyAgrees);
    };
    const sides = { applicant: sideAgrees('applicant'), respondent: sideAgrees('respondent') };
    return { agreed: sides.applicant && sides.respondent, sides, consents };
  }
}
