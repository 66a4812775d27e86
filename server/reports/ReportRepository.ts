/** The statistics reports kept (server/db/SqlReportRepository.ts on either database). */

export interface StoredFile {
  location: string;
  sha256: string;
  bytes: number;
}

export interface StatisticsReport {
  id: string;
  organisationId: string;
  periodKind: 'month' | 'quarter';
  period: string;
  from: string;
  to: string;
  generatedAt: string;
  generatedBy: string | null;
  pdf: StoredFile;
  csv: StoredFile;
  jws: string;
}

export interface ReportRepository {
  /** False when the organisation's report of that period exists already (another made it). */
  insert(r: StatisticsReport): Promise<boolean>;
  get(id: string): Promise<StatisticsReport | undefined>;
  find(organisationId: string, period: string): Promise<StatisticsReport | undefined>;
  list(organisationIds: readonly string[]): Promise<StatisticsReport[]>;
}
