/**
 * Storage port of the cases institutions hand to the organisation (inbound referrals) and of
 * the events sent to them about each. The implementation (SQLite or PostgreSQL) lives in
 * server/db. Decisions and events are written inside `transaction()`, with the case they make
 * and the webhook deliveries they queue.
 */
import type {
  InboundReferral,
  InboundReferralStatus,
  ReferralEvent,
  ReferralEventName,
} from './InboundReferrals.js';

export interface InboundReferralRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;

  /** Inserts the referral; false when the institution already has one with that case number. */
  insert(referral: InboundReferral): Promise<boolean>;
  get(id: string): Promise<InboundReferral | undefined>;
  byNumber(institutionId: string, caseNumber: string): Promise<InboundReferral | undefined>;
  /** The referral a case was registered from, if any. */
  byCase(caseId: string): Promise<InboundReferral | undefined>;
  /** Newest first. */
  listForOrganisation(organisationId: string): Promise<InboundReferral[]>;
  /** Newest first. */
  listForInstitution(institutionId: string): Promise<InboundReferral[]>;
  /**
   * Moves a pending referral to `status` (with who, when, why); false when it is no longer
   * pending (decided by someone else meanwhile, or withdrawn).
   */
  decide(
    id: string,
    status: Exclude<InboundReferralStatus, 'pending'>,
    decision: { at: string; by: string; reason: string | null },
  ): Promise<boolean>;
  setCase(id: string, caseId: string): Promise<void>;

  /**
   * Adds the event unless the referral already has it for that target (then undefined): every
   * event is told once.
   */
  addEvent(
    referralId: string,
    event: ReferralEventName,
    target: string,
    at: string,
    detail: Record<string, unknown>,
  ): Promise<ReferralEvent | undefined>;
  setEventDelivery(referralId: string, seq: number, deliveryId: string): Promise<void>;
  /** Oldest first. */
  events(referralId: string): Promise<ReferralEvent[]>;
}
