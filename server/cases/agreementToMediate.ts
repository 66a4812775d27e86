/**
 * A party application is mediated only if the respondent agrees (DOMAIN.md:
 * "the respondent's agreement to mediate is recorded before acceptance"):
 * every co-respondent answers for itself, personally or through an agent
 * holding a special authorisation (特别授权). Cases delegated or entrusted by
 * an arbitration commission or a court came with the parties already before
 * that institution and need no separate agreement.
 */
import type { CasePerson, CaseSource, MediationResponse } from './model.js';

/** Sources whose acceptance waits for the respondents' agreement. */
export const SOURCES_NEEDING_AGREEMENT: readonly CaseSource[] = ['party_application'];

export function needsRespondentAgreement(source: CaseSource): boolean {
  return SOURCES_NEEDING_AGREEMENT.includes(source);
}

/**
 * The respondent a person may answer for: a respondent for itself, an agent
 * with special authority for the respondent it represents; otherwise none.
 */
export function respondentAnsweredBy(
  personId: string,
  people: readonly CasePerson[],
): CasePerson | undefined {
  const person = people.find((p) => p.id === personId);
  if (!person) return undefined;
  if (person.kind === 'respondent') return person;
  if (person.kind === 'agent' && person.powerOfAttorney?.scope === 'special') {
    const party = people.find((p) => p.id === person.representsId);
    return party?.kind === 'respondent' ? party : undefined;
  }
  return undefined;
}

/** Each respondent's answer in force: its latest one. */
export function latestResponses(
  responses: readonly MediationResponse[],
): Map<string, MediationResponse> {
  const latest = new Map<string, MediationResponse>();
  for (const r of responses) latest.set(r.respondentId, r);
  return latest;
}

/** Respondents whose agreement is still missing (no answer, or a refusal). */
export function respondentsYetToAgree(
  people: readonly CasePerson[],
  responses: readonly MediationResponse[],
): CasePerson[] {
  const latest = latestResponses(responses);
  return people.filter((p) => p.kind === 'respondent' && latest.get(p.id)?.decision !== 'agree');
}

/** 劳动争议调解仲裁法 第五条: a party unwilling to mediate may apply for arbitration. */
export const REFUSAL_BASIS =
  '《中华人民共和国劳动争议调解仲裁法》第五条：发生劳动争议，当事人不愿调解、调解不成或者达成调解协议后不履行的，可以向劳动争议仲裁委员会申请仲裁。';
