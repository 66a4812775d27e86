/**
 * Conflict disclosure and recusal (回避). A mediator discloses for each
 * assignment: a disclosure made for an earlier assignment, or by the
 * previous mediator, does not clear the current one. A party or agent may
 * ask for the mediator's recusal; until the organisation decides, with
 * reasons, no session of the case starts.
 */
import type {
  CasePerson,
  ConflictDisclosure,
  MediatorAssignment,
  RecusalRequest,
} from './model.js';

/**
 * Whether `mediatorId` has disclosed, with no conflict, for the assignment in
 * force. A case assigned before assignments were recorded has none: there
 * the mediator's latest disclosure counts, as it did then.
 */
export function disclosureClears(
  mediatorId: string,
  assignment: MediatorAssignment | undefined,
  disclosures: readonly ConflictDisclosure[],
): boolean {
  if (assignment && assignment.mediatorId !== mediatorId) return false;
  const own = disclosures.filter(
    (d) =>
      d.mediatorId === mediatorId &&
      (assignment ? d.assignmentId === assignment.id : d.assignmentId === null),
  );
  // The latest word counts: a declared conflict stands until a new disclosure withdraws it.
  const latest = own.at(-1);
  return latest !== undefined && !latest.hasConflict;
}

export function pendingRecusal(requests: readonly RecusalRequest[]): RecusalRequest | undefined {
  return requests.find((r) => r.status === 'pending');
}

/** Parties and their agents may ask for recusal; observers may not. */
export function mayRequestRecusal(person: CasePerson | undefined): boolean {
  return person !== undefined && ['applicant', 'respondent', 'agent'].includes(person.kind);
}
