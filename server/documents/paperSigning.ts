/**
 * A recorded paper signing lives in the case's audit chain (the
 * `agreement.paperSigned` event names the agreement and the scan filed for
 * it). Every reader — the agreement's status, the joint applications, the
 * bundles, the payment-order pack — reads it through here.
 */
import type { StoredAuditEvent } from '../audit/AuditChain.js';

export interface PaperSigningRecord {
  documentId: string;
  evidenceId: string;
  evidenceSha256: string | null;
  /** When the mediator recorded it. */
  at: string;
}

/** Every recorded paper signing of the case, oldest first (withheld events carry none). */
export function paperSignings(events: readonly StoredAuditEvent[]): PaperSigningRecord[] {
  const out: PaperSigningRecord[] = [];
  for (const e of events) {
    if (e.action !== 'agreement.paperSigned' || e.withheld) continue;
    const p = JSON.parse(e.payload) as {
      documentId?: unknown;
      scan?: { evidenceId?: unknown; sha256?: unknown };
    };
    if (typeof p.documentId !== 'string' || typeof p.scan?.evidenceId !== 'string') continue;
    out.push({
      documentId: p.documentId,
      evidenceId: p.scan.evidenceId,
      evidenceSha256: typeof p.scan.sha256 === 'string' ? p.scan.sha256 : null,
      at: e.at,
    });
  }
  return out;
}

/** The latest one, of a given agreement when `documentId` is named. */
export function latestPaperSigning(
  events: readonly StoredAuditEvent[],
  documentId?: string,
): PaperSigningRecord | undefined {
  return paperSignings(events).findLast(
    (r) => documentId === undefined || r.documentId === documentId,
  );
}
