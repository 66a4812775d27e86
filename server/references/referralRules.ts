/**
 * What may leave the organisation when a case goes to a court or an
 * arbitration commission, and when: a joint application goes only to the
 * institution that decides it (judicial confirmation to a court, arbitration
 * review to an arbitration commission) and within its statutory window
 * unless staff record why it is still sent; only the agreement that took
 * effect is sent, never a draft; and everything sent carries the statement
 * that concessions made to settle cannot be used against a party. Pure: no I/O.
 */
import type { StoredAuditEvent } from '../audit/AuditChain.js';

/**
 * The statutory statement on concessions, carried (and signed) in every
 * reference and bundle and printed on the joint applications.
 */
export const CONCESSIONS_STATEMENT =
  '当事人为达成调解协议作出妥协而认可的事实，不得在后续的仲裁或诉讼中作为对其不利的根据，但法律另有规定或者当事人均同意的除外。(参照《最高人民法院关于民事诉讼证据的若干规定》第一百零七条) / Facts a party acknowledged as a concession in order to reach a mediation agreement may not be used against that party in later arbitration or litigation, unless the law provides otherwise or all parties agree.';

export type JointApplicationKind = 'judicial_confirmation' | 'arbitration_review';

/** The institution kind that decides each joint application. */
export const DECIDED_BY: Record<JointApplicationKind, 'court' | 'arbitration'> = {
  judicial_confirmation: 'court',
  arbitration_review: 'arbitration',
};

/** A late referral's record: the window's last day and the reason staff gave. */
export interface LateReferral {
  windowClosedOn: string;
  reason: string;
}

/**
 * The agreement that took effect (sealed, or signed on paper), from the
 * case's chain; null when none did.
 */
export function effectiveAgreementId(events: readonly StoredAuditEvent[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.withheld) continue;
    if (e.action === 'agreement.sealed' || e.action === 'agreement.paperSigned') {
      const id = (JSON.parse(e.payload) as { documentId?: unknown }).documentId;
      if (typeof id === 'string') return id;
    }
  }
  return null;
}

/**
 * Agreement documents that never took effect (superseded versions, or
 * unsigned ones): they stay inside the organisation.
 */
export function agreementDrafts(events: readonly StoredAuditEvent[]): Set<string> {
  const effective = effectiveAgreementId(events);
  const drafts = new Set<string>();
  for (const e of events) {
    if (e.withheld || e.action !== 'document.issued') continue;
    const p = JSON.parse(e.payload) as { documentId?: unknown; kind?: unknown };
    if (p.kind === 'mediation_agreement' && typeof p.documentId === 'string') {
      if (p.documentId !== effective) drafts.add(p.documentId);
    }
  }
  return drafts;
}

export const DRAFT_REASON =
  '未生效的调解协议草稿（已被取代或未签署），不对外提供 / an agreement draft that never took effect (superseded or unsigned): not sent';
