/**
 * Which agreement document made the case's agreement effective, and how:
 * sealed after every signature online, or signed on paper — then the scan of
 * the signed paper (evidence category signed_agreement) that the mediator's
 * paper-signing record names is part of what goes to a court or an
 * arbitration commission, since the issued PDF carries no signature.
 */
import type { StoredAuditEvent } from '../audit/AuditChain.js';
import type { DocumentView } from '../documents/DocumentService.js';
import { latestPaperSigning } from '../documents/paperSigning.js';
import type { EvidenceItem } from '../evidence/model.js';

export interface EffectiveAgreement {
  agreement: DocumentView;
  basis: 'seal' | 'paper_signing';
  /** The scanned signed agreement (paper signing only). */
  scan: EvidenceItem | null;
}

/**
 * The effective agreement of a case, from its documents and chain as the
 * caller already loaded them, or null when none is on the platform (or, for a
 * paper signing, its scan is missing from the store or no longer the one filed).
 */
export async function effectiveAgreement(
  documents: readonly DocumentView[],
  events: readonly StoredAuditEvent[],
  evidence: () => Promise<readonly EvidenceItem[]>,
): Promise<EffectiveAgreement | null> {
  const sealed = documents.find((d) => d.kind === 'mediation_agreement' && d.signing?.sealed);
  if (sealed) return { agreement: sealed, basis: 'seal', scan: null };
  const record = latestPaperSigning(events);
  if (!record) return null;
  const agreement = documents.find((d) => d.id === record.documentId);
  const scan = (await evidence()).find((i) => i.id === record.evidenceId);
  if (!agreement || !scan || scan.integrity !== 'ok' || scan.sha256 !== record.evidenceSha256) {
    return null;
  }
  return { agreement, basis: 'paper_signing', scan };
}
