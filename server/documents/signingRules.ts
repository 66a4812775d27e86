/**
 * Who must sign a mediation agreement before it can take effect (seal or
 * recorded paper signing): every applicant and every respondent — each
 * co-party on its own, either personally or through an agent holding a
 * special authorisation (特别授权) that covers signing — and the case's
 * mediator. One signature per side is not enough: a dispatched worker's
 * agency and user unit are both respondents, and each is bound only by its
 * own signature.
 */
import type { CasePerson } from '../cases/model.js';
import type { CaseDocument } from './model.js';

export type SignsFor = 'applicant' | 'respondent' | 'mediator';

/** A signatory the agreement needs: a party (by id) or the mediator (partyId null). */
export interface RequiredSigner {
  signsFor: SignsFor;
  partyId: string | null;
  name: string;
}

/** What a signature says about who signed (a subset of AgreementSignature). */
export interface SignatureFact {
  signerId: string;
  signsFor: SignsFor;
  /** When it was signed online; absent for a signing on paper recorded now. */
  signedAt?: string;
}

/** A representative's recorded authority (cases/model.ts CaseRepresentative). */
export interface Representation {
  representativeId: string;
  represents: readonly string[];
  maySign: boolean;
  recordedAt: string;
  revokedAt: string | null;
}

/** The election stood when the signature was made (a paper signing: it stands now). */
function inForce(r: Representation, signedAt: string | undefined): boolean {
  if (signedAt === undefined) return r.revokedAt === null;
  return signedAt >= r.recordedAt && (r.revokedAt === null || signedAt < r.revokedAt);
}

/**
 * Every party a signature binds: its own (partyBound), and when an applicant signs in person
 * as an elected representative (代表人) whose recorded authority covers signing and stood at
 * that moment, each co-applicant it represents.
 */
export function partiesBound(
  signature: SignatureFact,
  people: readonly CasePerson[],
  representations: readonly Representation[] = [],
): string[] {
  const own = partyBound(signature, people);
  if (own === null) return [];
  const bound = [own];
  if (own !== signature.signerId || signature.signsFor !== 'applicant') return bound;
  for (const r of representations)
    if (r.representativeId === own && r.maySign && inForce(r, signature.signedAt))
      bound.push(...r.represents);
  return bound;
}

/** Every applicant and respondent, in the order they were added, then the mediator. */
export function requiredSigners(
  people: readonly CasePerson[],
  mediatorName: string,
): RequiredSigner[] {
  const parties = (['applicant', 'respondent'] as const).flatMap((kind) =>
    people
      .filter((p) => p.kind === kind)
      .map((p) => ({ signsFor: kind, partyId: p.id, name: p.name })),
  );
  return [...parties, { signsFor: 'mediator', partyId: null, name: mediatorName }];
}

/** An agent may sign for its party only with a special authorisation that covers signing. */
export function maySignFor(agent: CasePerson): boolean {
  return (
    agent.kind === 'agent' &&
    agent.powerOfAttorney?.scope === 'special' &&
    agent.powerOfAttorney.maySign === true
  );
}

/**
 * The party a signature binds: the signer itself when it is a party, the
 * party it represents when it is an agent with signing authority, none otherwise.
 */
export function partyBound(signature: SignatureFact, people: readonly CasePerson[]): string | null {
  const signer = people.find((p) => p.id === signature.signerId);
  if (!signer) return null;
  if (signer.kind === 'applicant' || signer.kind === 'respondent')
    return signer.kind === signature.signsFor ? signer.id : null;
  if (signer.kind === 'agent' && maySignFor(signer)) {
    const party = people.find((p) => p.id === signer.representsId);
    if (party && party.kind === signature.signsFor) return party.id;
  }
  return null;
}

/** The required signers not yet covered by a signature. */
export function missingSigners(
  people: readonly CasePerson[],
  mediatorId: string | null,
  mediatorName: string,
  signatures: readonly SignatureFact[],
  representations: readonly Representation[] = [],
): RequiredSigner[] {
  const boundParties = new Set(signatures.flatMap((s) => partiesBound(s, people, representations)));
  const mediatorSigned = signatures.some(
    (s) => s.signsFor === 'mediator' && mediatorId !== null && s.signerId === mediatorId,
  );
  return requiredSigners(people, mediatorName).filter((r) =>
    r.partyId === null ? !mediatorSigned : !boundParties.has(r.partyId),
  );
}

/** Who signs an issued session record: the attendees present who are parties or agents, by person id. */
export function recordSigners(doc: Pick<CaseDocument, 'fields'>): string[] {
  const signers = doc.fields['signers'];
  return Array.isArray(signers) ? signers.filter((s): s is string => typeof s === 'string') : [];
}
