/** An item of electronic evidence in a case file, with its fixed hash. */
import { EVIDENCE_CATEGORIES } from '../../signaling/http/vocabulary.js';

export type EvidenceSide = 'applicant' | 'respondent' | 'organisation';

/**
 * What an item is for the case file: evidence proper, or a party's identity
 * document or authorisation (power of attorney), which a joint application
 * bundle for judicial confirmation or arbitration review must carry, or the
 * scan of a mediation agreement signed on paper (the record of a paper signing).
 */
export { EVIDENCE_CATEGORIES };
export type EvidenceCategory = (typeof EVIDENCE_CATEGORIES)[number];
export const EVIDENCE_CATEGORY_LABELS: Record<EvidenceCategory, string> = {
  evidence: '证据材料',
  identity: '身份证明',
  authorisation: '授权委托书',
  signed_agreement: '已签署调解协议书',
};

export interface EvidenceItem {
  id: string;
  caseId: string;
  blobKey: string;
  title: string;
  /** What the item is meant to prove (证明目的). */
  purpose: string;
  originalOrCopy: 'original' | 'copy';
  category: EvidenceCategory;
  /** The client's filename, cleaned; metadata only. */
  filename: string;
  typeId: string;
  mediaType: string;
  size: number;
  pages: number | null;
  /**
   * PDF only: names of active content found at upload (scripts, automatic
   * actions, embedded files, …), sorted; empty when none or not a PDF; null
   * for a PDF received before the check existed.
   */
  activeContent: string[] | null;
  /** SHA-256 of the bytes, fixed while they were received. */
  sha256: string;
  uploadedBy: string;
  uploaderRole: string;
  uploaderSide: EvidenceSide;
  uploaderIp: string | null;
  uploaderAgent: string | null;
  receivedAt: string;
  /** Shared with every party of the case (otherwise: the uploader's side and staff). */
  shared: boolean;
  /** Kept to a caucus: never shown to the other side, whatever `shared` says. */
  confidential: boolean;
  /** 'missing' when the start-up check did not find the file (never expected). */
  integrity: 'ok' | 'missing';
}

/** What the evidence receipt (证据收据) states. */
export interface EvidenceReceipt {
  itemId: string;
  caseId: string;
  caseNumber: string;
  title: string;
  purpose: string;
  originalOrCopy: 'original' | 'copy';
  filename: string;
  typeLabel: string;
  mediaType: string;
  size: number;
  pages: number | null;
  /** See {@link EvidenceItem.activeContent}: flagged on the receipt. */
  activeContent: string[] | null;
  receivedAt: string;
  receivedBy: string;
  submittedBy: { id: string; name: string; role: string };
  sha256: string;
}
