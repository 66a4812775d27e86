/**
 * Which agreement document made the case's agreement effective, and how:
 * sealed after every signature online, or signed on paper — then the scan of
 * the signed paper (evidence category signed_agreement) that the mediator's
 * paper-signing record names is part of what goes to a court or an
 * arbitration commission, since the issued PDF carries no signature.
 */
import type { AuditLog } from '../audit/AuditLog.js';
import type { Actor } from '../cases/access.js';
import type { DocumentView } from '../documents/DocumentService.js';
import type { EvidenceItem } from '../evidence/model.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

export interface EffectiveAgreement {
  agreement: DocumentView;
  basis: 'seal' | 'paper_signing';
  /** The scanned signed agreement (paper signing only). */
  scan: EvidenceItem | null;
}

/**
 * The effective agreement of a case, or null when none is on the platform
 * (or, for a paper signing, its scan is missing from the store).
 */
export async function effectiveAgreement(
  o: {
    documents: { list(actor: Actor, caseId: string): Promise<{ documents: DocumentView[] }> };
    evidence: { list(actor: Actor, caseId: string): Promise<EvidenceItem[]> };
    audit: Pick<AuditLog, 'list'>;
  },
  caseId: string,
): Promise<EffectiveAgreement | null> {
  const { documents } = await o.documents.list(SYSTEM, caseId);
  const sealed = documents.find((d) => d.kind === 'mediation_agreement' && d.signing?.sealed);
  if (sealed) return { agreement: sealed, basis: 'seal', scan: null };
  const events = await o.audit.list(caseId);
  const record = events.findLast((e) => e.action === 'agreement.paperSigned');
  if (!record) return null;
  const payload = JSON.parse(record.payload) as {
    documentId?: unknown;
    scan?: { evidenceId?: unknown; sha256?: unknown };
  };
  const agreement = documents.find((d) => d.id === payload.documentId);
  const scan = (await o.evidence.list(SYSTEM, caseId)).find(
    (i) => i.id === payload.scan?.evidenceId,
  );
  if (!agreement || !scan || scan.integrity !== 'ok' || scan.sha256 !== payload.scan?.sha256) {
    return null;
  }
  return { agreement, basis: 'paper_signing', scan };
}
