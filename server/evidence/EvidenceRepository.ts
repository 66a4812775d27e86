/** Storage port for evidence records (the bytes live in a BlobStore). */
import type { EvidenceCategory, EvidenceItem } from './model.js';

export interface EvidenceRepository {
  insert(item: EvidenceItem): Promise<void>;
  get(id: string): Promise<EvidenceItem | undefined>;
  listByCase(caseId: string): Promise<EvidenceItem[]>;
  totalSize(caseId: string): Promise<number>;
  setFlags(id: string, flags: { shared?: boolean; confidential?: boolean }): Promise<void>;
  setCategory(id: string, category: EvidenceCategory): Promise<void>;
  setIntegrity(id: string, integrity: EvidenceItem['integrity']): Promise<void>;
  /** Every record, for the start-up check. */
  listAll(): Promise<EvidenceItem[]>;
}
