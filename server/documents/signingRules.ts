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
): RequiredSigner[] {
  const boundParties = new Set(
    signatures.map((s) => partyBound(s, people)).filter((id): id is string => id !== null),
  );
  const mediatorSigned = signatures.some(
    (s) => s.signsFor === 'mediator' && mediatorId !== null && s.signerId === mediatorId,
  );
  return requiredSigners(people, mediatorName).filter((r) =>
    r.partyId === null ? !mediatorSigned : !boundParties.has(r.partyId),
  );
}
