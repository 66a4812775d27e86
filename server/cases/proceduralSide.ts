/**
 * The side of the dispute a person of the case stands on: an applicant or a
 * respondent their own, an agent the side of the party they represent.
 * Observers and people whose party is unknown stand on none.
 */
import type { ProceduralSide } from '../../signaling/index.js';
import type { CaseRepository } from './CaseRepository.js';
import type { CasePerson } from './model.js';

export async function proceduralSide(
  repository: Pick<CaseRepository, 'getPerson'>,
  person: Pick<CasePerson, 'kind' | 'representsId' | 'caseId'>,
): Promise<ProceduralSide | undefined> {
  if (person.kind === 'applicant' || person.kind === 'respondent') return person.kind;
  if (person.kind !== 'agent' || !person.representsId) return undefined;
  const party = await repository.getPerson(person.representsId);
  if (!party || party.caseId !== person.caseId) return undefined;
  return party.kind === 'applicant' || party.kind === 'respondent' ? party.kind : undefined;
}
