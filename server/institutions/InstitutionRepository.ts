/**
 * Storage port of institutions (courts and arbitration commissions as API
 * clients) and of the referrals of cases to them. The implementation (SQLite
 * or PostgreSQL) lives in server/db. A referral is written inside
 * `transaction()`, with the deadlines it meets and its audit event.
 */
import type { Institution, Referral } from './InstitutionService.js';

/** A payment-order pack as the institution it was sent to lists it. */
export interface SentPaymentOrderPack {
  id: string;
  caseId: string;
  createdAt: string;
  sha256: string;
  size: number;
}

export interface InstitutionRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;

  insertInstitution(institution: Institution, keyHash: string): Promise<void>;
  getInstitution(id: string): Promise<Institution | undefined>;
  /** The organisation's institutions, oldest first. */
  listInstitutions(organisationId: string): Promise<Institution[]>;
  /** The organisation's courts whose credential is not revoked, by name. */
  activeCourts(organisationId: string): Promise<{ id: string; name: string }[]>;
  setRevoked(id: string, at: string): Promise<void>;
  /** The scrypt hash of the institution's API key (undefined when unknown). */
  keyHash(id: string): Promise<string | undefined>;

  insertReferral(referral: Referral): Promise<void>;
  /** The referral of the case to the institution for that kind, if one exists. */
  findReferral(
    caseId: string,
    institutionId: string,
    kind: Referral['kind'],
  ): Promise<Referral | undefined>;
  getReferral(caseId: string, id: string): Promise<Referral | undefined>;
  /** The case's referrals, oldest first, with the institutions' names. */
  listCaseReferrals(caseId: string): Promise<(Referral & { institutionName: string })[]>;
  /** The institution's referrals, oldest first. */
  listInstitutionReferrals(institutionId: string): Promise<Referral[]>;
  isReferred(institutionId: string, caseId: string): Promise<boolean>;
  /** The payment-order packs sent to the institution, oldest first. */
  packsSentTo(institutionId: string): Promise<SentPaymentOrderPack[]>;
}
