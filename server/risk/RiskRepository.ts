/** What the risk ledger keeps (server/db/SqlRiskLedger.ts on either database). */
import type { RISK_ACTION_KINDS } from '../../signaling/http/risks.js';
import type { StaffRole } from '../cases/model.js';
import type { RiskLevel, RiskRule, RiskSettings } from './rules.js';

export interface RiskEntry {
  id: string;
  organisationId: string;
  rule: RiskRule;
  /** `rule:key` (rules.ts); one open entry per organisation and subject. */
  subject: string;
  level: RiskLevel;
  label: string;
  figures: Record<string, number | string>;
  caseIds: string[];
  status: 'open' | 'closed';
  /** The condition held at the last scan. */
  active: boolean;
  openedAt: string;
  updatedAt: string;
  clearedAt: string | null;
  ownerId: string | null;
  closedAt: string | null;
  closedBy: string | null;
  closingNote: string | null;
}

export interface RiskAction {
  id: string;
  riskId: string;
  kind: (typeof RISK_ACTION_KINDS)[number];
  note: string;
  by: string | null;
  at: string;
}

/** What the rules read of a case beyond the case row: one query per kind and organisation. */
export interface CaseSignals {
  employers: Map<string, { name: string; code: string | null }[]>;
  sessions: Map<
    string,
    { status: 'scheduled' | 'live' | 'ended' | 'cancelled'; scheduledStart: string }[]
  >;
  latestPerformance: Map<string, ('performed' | 'partly_performed' | 'not_performed')[]>;
}

export interface RiskStaff {
  id: string;
  organisationId: string;
  displayName: string;
  role: StaffRole;
  active: boolean;
}

export interface RiskRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  settings(organisationId: string): Promise<RiskSettings | undefined>;
  allSettings(): Promise<Map<string, RiskSettings>>;
  saveSettings(organisationId: string, s: RiskSettings, at: string, by: string): Promise<void>;
  /** Entries a scan may touch: every open one, and closed ones whose condition still held. */
  tracked(): Promise<RiskEntry[]>;
  /** False when an open entry of the same organisation and subject exists (another scan won). */
  insertEntry(e: RiskEntry): Promise<boolean>;
  updateEntry(
    id: string,
    f: Pick<
      RiskEntry,
      'level' | 'label' | 'figures' | 'caseIds' | 'active' | 'clearedAt' | 'updatedAt'
    >,
  ): Promise<void>;
  setOwner(id: string, ownerId: string, at: string): Promise<boolean>;
  /** False when it was no longer open. */
  close(id: string, by: string, at: string, note: string): Promise<boolean>;
  getEntry(id: string): Promise<RiskEntry | undefined>;
  listEntries(
    organisationIds: readonly string[],
    status: 'open' | 'closed' | 'all',
  ): Promise<RiskEntry[]>;
  insertAction(a: RiskAction): Promise<void>;
  listActions(riskId: string): Promise<RiskAction[]>;
  caseSignals(organisationId: string): Promise<CaseSignals>;
  staff(organisationIds: readonly string[]): Promise<RiskStaff[]>;
}
