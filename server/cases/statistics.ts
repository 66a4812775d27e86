/**
 * The organisation's statistics report (统计报告): counts over the cases received
 * in a period, and a CSV rendering for spreadsheet software. Pure functions.
 */
import {
  CASE_SOURCES,
  CASE_SOURCE_LABELS,
  CASE_STATUS_LABELS,
  DEADLINE_KIND_LABELS,
  DEADLINE_KINDS,
  DISPUTE_TYPES,
  DISPUTE_TYPE_LABELS,
  PRIORITY_GROUPS,
  PRIORITY_GROUP_LABELS,
} from './model.js';
import type {
  CaseDeadline,
  CaseSource,
  CaseStatus,
  DeadlineKind,
  DisputeType,
  MediationCase,
  PriorityGroup,
} from './model.js';

/** Inclusive 'YYYY-MM-DD' bounds on receivedOn; null = open. */
export interface StatisticsPeriod {
  from: string | null;
  to: string | null;
}

export interface CaseStatistics {
  period: StatisticsPeriod;
  generatedAt: string;
  totals: {
    received: number;
    accepted: number;
    refused: number;
    open: number;
    closed: number;
    settled: number;
    terminated: number;
    withdrawn: number;
    archived: number;
  };
  /** Every key present, 0 when none. */
  byDisputeType: Record<DisputeType, number>;
  bySource: Record<CaseSource, number>;
  /** A case may count in several groups. */
  byPriorityGroup: Record<PriorityGroup, number>;
  /** A partition of the received cases: the five counts add up to totals.received. */
  byOutcome: {
    agreement: number;
    termination: number;
    withdrawal: number;
    refused: number;
    pending: number;
  };
  /**
   * Ascending; only months within the period that have any case. 'received' is counted in the
   * month of receivedOn, 'closed'/'settled' in the month of closedAt/outcome.at (Asia/Shanghai).
   */
  byMonth: { month: string; received: number; closed: number; settled: number }[];
  /** settled ÷ cases that ended in agreement, termination or withdrawal after acceptance; null when none ended. */
  settlementRate: number | null;
  /** Median whole days from receivedOn to the closing date (Asia/Shanghai date of closedAt); null when none closed. Even count: mean of the two middle values. */
  medianDaysToClose: number | null;
  /** Deadlines with status 'overdue' of cases in the period. */
  overdue: { total: number; byKind: Record<DeadlineKind, number> };
  /**
   * People and amounts, not only cases: natural persons and organisations among the parties,
   * the amounts claimed, collective cases (ten or more workers on one side, 劳动争议调解仲裁法
   * 第七条) and cases with several respondents (a dispatch agency and its user unit).
   */
  people: {
    workers: number;
    employers: number;
    amountClaimed: number;
    collectiveCases: number;
    multiRespondentCases: number;
  };
}

/** Each case's parties, counted (the repository's one query for the organisation). */
export interface CaseParties {
  persons: number;
  organisations: number;
  respondents: number;
}

/** 劳动者一方在十人以上并有共同请求的 (劳动争议调解仲裁法第七条): a collective dispute. */
export const COLLECTIVE_THRESHOLD = 10;

const OPEN_STATUSES: readonly CaseStatus[] = ['registered', 'accepted', 'in_mediation'];
const CLOSED_STATUSES: readonly CaseStatus[] = [
  'settled',
  'terminated',
  'withdrawn',
  'refused',
  'archived',
];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
// Shanghai has had no daylight saving time since 1991, so a fixed offset is exact.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The Asia/Shanghai calendar date of an ISO instant, or null if it does not parse. */
export function instantShanghaiDate(instant: string): string | null {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return null;
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function daysBetween(fromDate: string, toDate: string): number {
  return Math.round(
    (Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / DAY_MS,
  );
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? null;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function isRefused(c: MediationCase): boolean {
  return c.decision?.kind === 'refused' || c.status === 'refused';
}

function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

function assertPeriod(period: StatisticsPeriod): void {
  for (const bound of [period.from, period.to]) {
    // The round trip rejects dates such as 2026-02-30 that Date.parse would roll over.
    if (bound !== null && (!DATE_RE.test(bound) || !isCalendarDate(bound)))
      throw new RangeError(
        `statistics period bound must be YYYY-MM-DD, got ${JSON.stringify(bound)}`,
      );
  }
  if (period.from !== null && period.to !== null && period.from > period.to)
    throw new RangeError(`statistics period starts (${period.from}) after it ends (${period.to})`);
}

export function computeStatistics(
  cases: readonly MediationCase[],
  deadlines: readonly CaseDeadline[],
  period: StatisticsPeriod,
  now: Date,
  parties: ReadonlyMap<string, CaseParties> = new Map(),
  /** Each case's total of its applicants' own claimed amounts, where any were recorded. */
  claimed: ReadonlyMap<string, number> = new Map(),
): CaseStatistics {
  assertPeriod(period);
  // YYYY-MM-DD strings compare correctly as strings.
  const inPeriod = cases.filter(
    (c) =>
      (period.from === null || c.receivedOn >= period.from) &&
      (period.to === null || c.receivedOn <= period.to),
  );

  const totals = {
    received: inPeriod.length,
    accepted: 0,
    refused: 0,
    open: 0,
    closed: 0,
    settled: 0,
    terminated: 0,
    withdrawn: 0,
    archived: 0,
  };
  const byDisputeType = zeroCounts(DISPUTE_TYPES);
  const bySource = zeroCounts(CASE_SOURCES);
  const byPriorityGroup = zeroCounts(PRIORITY_GROUPS);
  const byOutcome = { agreement: 0, termination: 0, withdrawal: 0, refused: 0, pending: 0 };
  const months = new Map<string, { received: number; closed: number; settled: number }>();
  const monthRow = (month: string) => {
    let row = months.get(month);
    if (!row) {
      row = { received: 0, closed: 0, settled: 0 };
      months.set(month, row);
    }
    return row;
  };
  const daysToClose: number[] = [];
  let endedAfterAcceptance = 0;
  let settledAfterAcceptance = 0;

  for (const c of inPeriod) {
    byDisputeType[c.disputeType] += 1;
    bySource[c.source] += 1;
    // A group listed twice on one case still counts that case once.
    for (const group of new Set(c.priorityGroups)) byPriorityGroup[group] += 1;
    monthRow(c.receivedOn.slice(0, 7)).received += 1;

    if (c.decision?.kind === 'accepted') totals.accepted += 1;
    if (isRefused(c)) totals.refused += 1;
    if (OPEN_STATUSES.includes(c.status)) totals.open += 1;
    if (c.status === 'archived') totals.archived += 1;

    // The outcome, not the status, decides: an archived case keeps its outcome.
    const outcome = c.outcome?.kind ?? null;
    if (outcome === 'agreement') totals.settled += 1;
    if (outcome === 'termination') totals.terminated += 1;
    if (outcome === 'withdrawal') totals.withdrawn += 1;
    if (outcome !== null) byOutcome[outcome] += 1;
    else if (isRefused(c)) byOutcome.refused += 1;
    else byOutcome.pending += 1;

    // A withdrawal before the acceptance decision says nothing about mediation work.
    if (outcome !== null && c.decision?.kind === 'accepted') {
      endedAfterAcceptance += 1;
      if (outcome === 'agreement') settledAfterAcceptance += 1;
    }
    if (outcome === 'agreement' && c.outcome) {
      const settledOn = instantShanghaiDate(c.outcome.at);
      if (settledOn !== null) monthRow(settledOn.slice(0, 7)).settled += 1;
    }

    if (CLOSED_STATUSES.includes(c.status) && c.closedAt !== null) {
      totals.closed += 1;
      const closedOn = instantShanghaiDate(c.closedAt);
      if (closedOn !== null) {
        monthRow(closedOn.slice(0, 7)).closed += 1;
        daysToClose.push(daysBetween(c.receivedOn, closedOn));
      }
    }
  }

  const fromMonth = period.from?.slice(0, 7) ?? null;
  const toMonth = period.to?.slice(0, 7) ?? null;
  const byMonth = [...months.entries()]
    .filter(([m]) => (fromMonth === null || m >= fromMonth) && (toMonth === null || m <= toMonth))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, row]) => ({ month, ...row }));

  const caseIds = new Set(inPeriod.map((c) => c.id));
  const overdueByKind = zeroCounts(DEADLINE_KINDS);
  let overdueTotal = 0;
  for (const d of deadlines) {
    if (d.status !== 'overdue' || !caseIds.has(d.caseId)) continue;
    overdueByKind[d.kind] += 1;
    overdueTotal += 1;
  }

  const people = {
    workers: 0,
    employers: 0,
    amountClaimed: 0,
    collectiveCases: 0,
    multiRespondentCases: 0,
  };
  for (const c of inPeriod) {
    const p = parties.get(c.id);
    // The workers' own claims, where recorded, count instead of the application's total.
    people.amountClaimed += claimed.get(c.id) ?? c.application.amountClaimed ?? 0;
    if (!p) continue;
    people.workers += p.persons;
    people.employers += p.organisations;
    if (p.persons >= COLLECTIVE_THRESHOLD) people.collectiveCases += 1;
    if (p.respondents >= 2) people.multiRespondentCases += 1;
  }
  // Sums of yuan amounts in floating point: kept to the fen.
  people.amountClaimed = Math.round(people.amountClaimed * 100) / 100;
  return {
    period: { from: period.from, to: period.to },
    generatedAt: now.toISOString(),
    totals,
    byDisputeType,
    bySource,
    byPriorityGroup,
    byOutcome,
    byMonth,
    settlementRate:
      endedAfterAcceptance === 0 ? null : settledAfterAcceptance / endedAfterAcceptance,
    medianDaysToClose: median(daysToClose),
    overdue: { total: overdueTotal, byKind: overdueByKind },
    people,
  };
}

/**
 * RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. Text that
 * a spreadsheet would run as a formula (= + - @, a tab or carriage return first: names typed by
 * staff reach other organisations' spreadsheets) gets a leading apostrophe; numbers do not.
 */
export function csvField(value: string | number): string {
  const text =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: readonly (string | number)[]): string {
  return fields.map(csvField).join(',');
}

export function statisticsToCsv(stats: CaseStatistics): string {
  const { totals } = stats;
  // Empty cell, not 0, where there is nothing to measure, so spreadsheet sums stay honest.
  const rate = stats.settlementRate === null ? '' : `${(stats.settlementRate * 100).toFixed(1)}%`;
  const median = stats.medianDaysToClose === null ? '' : stats.medianDaysToClose;

  const sections: (string | number)[][][] = [
    [
      ['指标', '数值'],
      ['统计期间起', stats.period.from ?? '不限'],
      ['统计期间止', stats.period.to ?? '不限'],
      ['生成时间', stats.generatedAt],
      ['收案数', totals.received],
      ['受理数', totals.accepted],
      ['不予受理数', totals.refused],
      ['办理中', totals.open],
      ['结案数', totals.closed],
      ['调解成功数', totals.settled],
      ['调解终止数', totals.terminated],
      ['撤回数', totals.withdrawn],
      ['归档数', totals.archived],
      ['调解成功率', rate],
      ['结案天数中位数', median],
      ['涉及劳动者（自然人当事人）人数', stats.people.workers],
      ['涉及用人单位数', stats.people.employers],
      ['请求金额合计（元）', stats.people.amountClaimed],
      ['集体争议案件数（劳动者十人以上）', stats.people.collectiveCases],
      ['多被申请人案件数', stats.people.multiRespondentCases],
    ],
    [
      ['纠纷类型', '案件数'],
      ...DISPUTE_TYPES.map((t) => [DISPUTE_TYPE_LABELS[t], stats.byDisputeType[t]]),
    ],
    [
      ['案件来源', '案件数'],
      ...CASE_SOURCES.map((s) => [CASE_SOURCE_LABELS[s], stats.bySource[s]]),
    ],
    [
      ['重点群体', '案件数'],
      ...PRIORITY_GROUPS.map((g) => [PRIORITY_GROUP_LABELS[g], stats.byPriorityGroup[g]]),
    ],
    [
      ['办理结果', '案件数'],
      [CASE_STATUS_LABELS.settled, stats.byOutcome.agreement],
      [CASE_STATUS_LABELS.terminated, stats.byOutcome.termination],
      [CASE_STATUS_LABELS.withdrawn, stats.byOutcome.withdrawal],
      [CASE_STATUS_LABELS.refused, stats.byOutcome.refused],
      ['尚未办结', stats.byOutcome.pending],
    ],
    [
      ['月份', '收案数', '结案数', '调解成功数'],
      ...stats.byMonth.map((m) => [m.month, m.received, m.closed, m.settled]),
    ],
    [
      ['逾期期限', '件数'],
      ...DEADLINE_KINDS.map((k) => [DEADLINE_KIND_LABELS[k], stats.overdue.byKind[k]]),
      ['合计', stats.overdue.total],
    ],
  ];

  // A BOM so that Excel reads UTF-8; a blank line between sections.
  const lines = sections.flatMap((rows, i) => [...(i > 0 ? [''] : []), ...rows.map(csvRow)]);
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
