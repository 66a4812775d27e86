/**
 * Storage port of the parties' says on disclosing caucus material
 * (DisclosureConsents). The SQLite implementation lives in server/db. A say
 * is written inside `transaction()`, together with its audit event.
 */

export type DisclosureSide = 'applicant' | 'respondent';

export interface DisclosureConsentRecord {
  id: string;
  caseId: string;
  personId: string;
  side: DisclosureSide;
  agree: boolean;
  at: string;
}

export interface DisclosureConsentRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  insert(consent: DisclosureConsentRecord): Promise<void>;
  /** The case's says, oldest first (in the order they were written when at the same instant). */
  listByCase(caseId: string): Promise<DisclosureConsentRecord[]>;
}
