/**
 * The early-warning rules of the risk ledger (风险台账, issue 21), computed from case data with
 * each organisation's thresholds. Pure: RiskLedger.ts gathers the data and keeps the entries.
 *
 * Each hit names a subject (a case, a deadline, an employer) so that a later scan finds the
 * same entry again instead of opening another: `rule:key`.
 */
import type { z } from 'zod';
import type { RISK_LEVELS, RISK_RULES, riskSettingsSchema } from '../../signaling/http/risks.js';
import type { CaseDeadline, CaseStatus, MediationCase } from '../cases/model.js';
import { daysBetween } from '../cases/statistics.js';
import { subtree, type TreeNode } from '../organisations/tree.js';

export type RiskRule = (typeof RISK_RULES)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type RiskSettings = z.output<typeof riskSettingsSchema>;

/** Until a clerk sets them. Amounts in yuan. */
export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  collectiveWorkers: 10,
  wageArrearsAmount: 200_000,
  repeatEmployerCases: 3,
  overdueDays: 0,
  unperformedDays: 0,
  failedSessions: 2,
  alertEmail: null,
  alertPhone: null,
};

/** A scheduled session not started this long after its start counts as missed. */
export const MISSED_SESSION_GRACE_MS = 2 * 3_600_000;

export interface RiskHit {
  organisationId: string;
  rule: RiskRule;
  /** `rule:key`, stable across scans. */
  subject: string;
  level: RiskLevel;
  /** What it is about, as people read it (a case number, an employer's name). */
  label: string;
  figures: Record<string, number | string>;
  caseIds: string[];
}

/** One case as the rules see it. */
export interface RiskCase {
  case: Pick<
    MediationCase,
    'id' | 'caseNumber' | 'organisationId' | 'status' | 'disputeType' | 'application' | 'outcome'
  >;
  /** Natural persons among its parties. */
  workers: number;
  /** The applicants' own claims where recorded, else the application's amount. */
  amountClaimed: number | null;
  /** Its employers on the respondent side: name and unified social credit code. */
  employers: { name: string; code: string | null }[];
  deadlines: Pick<CaseDeadline, 'id' | 'kind' | 'dueOn' | 'status'>[];
  sessions: { status: 'scheduled' | 'live' | 'ended' | 'cancelled'; scheduledStart: string }[];
  /** Each person's latest performance finding. */
  latestPerformance: ('performed' | 'partly_performed' | 'not_performed')[];
}

const OPEN: readonly CaseStatus[] = ['registered', 'accepted', 'in_mediation'];

/** The employer as one party across cases: its credit code, else its name as people read it. */
export function employerKey(e: { name: string; code: string | null }): string {
  const code = e.code?.replace(/\s+/g, '').toUpperCase();
  if (code && /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return `code:${code}`;
  return `name:${e.name.normalize('NFKC').replace(/\s+/g, '').toLowerCase()}`;
}

function caseHits(c: RiskCase, s: RiskSettings, now: Date, today: string): RiskHit[] {
  const hits: RiskHit[] = [];
  const base = {
    organisationId: c.case.organisationId,
    label: c.case.caseNumber,
    caseIds: [c.case.id],
  };
  const open = OPEN.includes(c.case.status);
  if (open && s.collectiveWorkers !== null && c.workers >= s.collectiveWorkers)
    hits.push({
      ...base,
      rule: 'collective_dispute',
      subject: `collective_dispute:${c.case.id}`,
      level: 'high',
      figures: { workers: c.workers, threshold: s.collectiveWorkers },
    });
  const wageCase =
    c.case.disputeType === 'wages' || c.case.application.claimTypes.includes('wages');
  if (
    open &&
    wageCase &&
    s.wageArrearsAmount !== null &&
    c.amountClaimed !== null &&
    c.amountClaimed >= s.wageArrearsAmount
  )
    hits.push({
      ...base,
      rule: 'wage_arrears',
      subject: `wage_arrears:${c.case.id}`,
      level: c.amountClaimed >= 2 * s.wageArrearsAmount ? 'high' : 'medium',
      figures: { amountClaimed: c.amountClaimed, threshold: s.wageArrearsAmount },
    });
  if (s.overdueDays !== null)
    for (const d of c.deadlines) {
      // A performance deadline is the unperformed-agreement rule's.
      if (d.status !== 'overdue' || d.kind === 'performance') continue;
      const days = daysBetween(d.dueOn, today);
      if (days < s.overdueDays) continue;
      hits.push({
        ...base,
        rule: 'overdue_deadline',
        subject: `overdue_deadline:${d.id}`,
        level: d.kind === 'acceptance_decision' || d.kind === 'mediation_period' ? 'medium' : 'low',
        figures: { deadline: d.kind, dueOn: d.dueOn, daysOverdue: days },
      });
    }
  if (s.unperformedDays !== null && c.case.outcome?.kind === 'agreement') {
    const due = c.deadlines.find((d) => d.kind === 'performance' && d.status === 'overdue');
    const days = due ? daysBetween(due.dueOn, today) : null;
    const notPerformed = c.latestPerformance.filter((r) => r === 'not_performed').length;
    const partly = c.latestPerformance.filter((r) => r === 'partly_performed').length;
    if ((days !== null && days >= s.unperformedDays) || notPerformed > 0)
      hits.push({
        ...base,
        rule: 'unperformed_agreement',
        subject: `unperformed_agreement:${c.case.id}`,
        level: 'medium',
        figures: {
          ...(due ? { dueOn: due.dueOn, daysOverdue: days ?? 0 } : {}),
          notPerformed,
          partlyPerformed: partly,
        },
      });
  }
  if (open && s.failedSessions !== null) {
    const cancelled = c.sessions.filter((x) => x.status === 'cancelled').length;
    const missed = c.sessions.filter(
      (x) =>
        x.status === 'scheduled' &&
        Date.parse(x.scheduledStart) + MISSED_SESSION_GRACE_MS < now.getTime(),
    ).length;
    if (cancelled + missed >= s.failedSessions)
      hits.push({
        ...base,
        rule: 'failed_sessions',
        subject: `failed_sessions:${c.case.id}`,
        level: 'low',
        figures: { cancelled, missed, threshold: s.failedSessions },
      });
  }
  return hits;
}

/**
 * The same employer in several open cases. Counted over an organisation's subtree, so that an
 * employer spread over several sub-district organisations shows at their centre; the entry
 * sits with the lowest organisation whose subtree alone reaches the threshold (a child that
 * holds enough cases by itself reports it, its parent does not repeat it).
 */
function employerHits(
  tree: readonly TreeNode[],
  cases: readonly RiskCase[],
  settingsOf: (organisationId: string) => RiskSettings,
): RiskHit[] {
  const open = cases.filter((c) => OPEN.includes(c.case.status));
  const names = new Map<string, string>();
  const byEmployer = new Map<string, RiskCase[]>();
  for (const c of open)
    for (const key of new Set(c.employers.map(employerKey))) {
      const e = c.employers.find((x) => employerKey(x) === key)!;
      names.set(key, names.get(key) ?? e.name);
      byEmployer.set(key, [...(byEmployer.get(key) ?? []), c]);
    }
  const reach = new Map(tree.map((o) => [o.id, new Set(subtree(tree, o.id).map((x) => x.id))]));
  const hits: RiskHit[] = [];
  for (const [key, list] of byEmployer) {
    // Smallest subtree first, so children come before their parents.
    const holders: string[] = [];
    const ordered = [...tree].sort(
      (a, b) => (reach.get(a.id)?.size ?? 0) - (reach.get(b.id)?.size ?? 0),
    );
    for (const o of ordered) {
      const threshold = settingsOf(o.id).repeatEmployerCases;
      const mine = reach.get(o.id);
      if (threshold === null || !mine) continue;
      const inReach = list.filter((c) => mine.has(c.case.organisationId));
      if (inReach.length < threshold) continue;
      // Every one of these cases already sits in an entry below: nothing new to see here.
      const below = holders.filter((h) => mine.has(h));
      if (inReach.every((c) => below.some((h) => reach.get(h)?.has(c.case.organisationId))))
        continue;
      holders.push(o.id);
      hits.push({
        organisationId: o.id,
        rule: 'repeat_employer',
        subject: `repeat_employer:${key}`,
        level: inReach.length >= 2 * threshold ? 'high' : 'medium',
        label: names.get(key) ?? key,
        figures: { openCases: inReach.length, threshold },
        caseIds: inReach.map((c) => c.case.id),
      });
    }
  }
  return hits;
}

/**
 * Every hit over the cases of a network (`tree`: its organisations), each organisation's own
 * cases judged by its own thresholds. `today` is the Asia/Shanghai date of `now`.
 */
export function evaluateRisks(
  tree: readonly TreeNode[],
  cases: readonly RiskCase[],
  settingsOf: (organisationId: string) => RiskSettings,
  now: Date,
  today: string,
): RiskHit[] {
  return [
    ...cases.flatMap((c) => caseHits(c, settingsOf(c.case.organisationId), now, today)),
    ...employerHits(tree, cases, settingsOf),
  ];
}
