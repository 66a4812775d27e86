/**
 * The dashboard's figures (issue 21, part 3) over an organisation and those below it: the
 * statistics report's totals (cases/statistics.ts) plus what the charts need: each month of the
 * period (caseload by dispute type, cases closed and settled, median days to close, sessions
 * online and in person), deadlines met and overdue by kind, one row per organisation and per
 * mediator, and the cases themselves for drilling down. Pure.
 */
import { DEADLINE_KINDS, DISPUTE_TYPES } from '../cases/model.js';
import type {
  CaseDeadline,
  DeadlineKind,
  DisputeType,
  MediationCase,
  MediationSessionRecord,
  Organisation,
} from '../cases/model.js';
import {
  computeStatistics,
  daysBetween,
  instantShanghaiDate,
  median,
  type CaseParties,
  type CaseStatistics,
  type StatisticsPeriod,
} from '../cases/statistics.js';

export interface DashboardInput {
  /** The organisation asked about first, then those below it. */
  organisations: readonly Organisation[];
  cases: readonly MediationCase[];
  deadlines: readonly CaseDeadline[];
  parties: ReadonlyMap<string, CaseParties>;
  claimed: ReadonlyMap<string, number>;
  sessions: readonly MediationSessionRecord[];
  mediators: readonly { id: string; displayName: string; organisationId: string }[];
}

export interface DashboardMonth {
  month: string;
  received: number;
  closed: number;
  settled: number;
  byType: Record<DisputeType, number>;
  medianDaysToClose: number | null;
  sessionsOnline: number;
  sessionsInPerson: number;
}

export interface Dashboard {
  period: { from: string; to: string };
  generatedAt: string;
  totals: CaseStatistics['totals'];
  byOutcome: CaseStatistics['byOutcome'];
  byDisputeType: CaseStatistics['byDisputeType'];
  settlementRate: number | null;
  medianDaysToClose: number | null;
  people: CaseStatistics['people'];
  months: DashboardMonth[];
  deadlines: { kind: DeadlineKind; met: number; overdue: number; open: number }[];
  sessions: { online: number; inPerson: number; cancelled: number };
  organisations: {
    id: string;
    name: string;
    kind: Organisation['kind'];
    parentId: string | null;
    received: number;
    open: number;
    settled: number;
    settlementRate: number | null;
    medianDaysToClose: number | null;
    overdue: number;
  }[];
  mediators: {
    id: string;
    name: string;
    organisationId: string;
    open: number;
    closed: number;
    settled: number;
    settlementRate: number | null;
    sessionsHeld: number;
  }[];
  cases: {
    id: string;
    caseNumber: string;
    organisationId: string;
    status: MediationCase['status'];
    disputeType: DisputeType;
    receivedOn: string;
    month: string;
    closedOn: string | null;
    outcome: 'agreement' | 'termination' | 'withdrawal' | null;
    mediatorId: string | null;
  }[];
}

/** Every month from the period's first to its last, both included. */
export function monthsOf(period: { from: string; to: string }): string[] {
  const out: string[] = [];
  let [y, m] = period.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (let guard = 0; guard < 240; guard += 1) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) break;
    out.push(month);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** The twelve months up to `today` (Asia/Shanghai date), the first from its first day. */
export function lastTwelveMonths(today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1 - 11, 1)).toISOString().slice(0, 10);
  return { from: start, to: today };
}

const CLOSED = new Set(['settled', 'terminated', 'withdrawn', 'refused', 'archived']);
const OPEN = new Set(['registered', 'accepted', 'in_mediation']);

export function computeDashboard(
  input: DashboardInput,
  period: { from: string; to: string },
  now: Date,
): Dashboard {
  const stats = computeStatistics(
    input.cases,
    input.deadlines,
    period,
    now,
    input.parties,
    input.claimed,
  );
  const inPeriod = input.cases.filter(
    (c) => c.receivedOn >= period.from && c.receivedOn <= period.to,
  );
  const caseIds = new Set(inPeriod.map((c) => c.id));
  const months = new Map<string, DashboardMonth & { days: number[] }>(
    monthsOf(period).map((month) => [
      month,
      {
        month,
        received: 0,
        closed: 0,
        settled: 0,
        byType: Object.fromEntries(DISPUTE_TYPES.map((t) => [t, 0])) as Record<DisputeType, number>,
        medianDaysToClose: null,
        sessionsOnline: 0,
        sessionsInPerson: 0,
        days: [],
      },
    ]),
  );
  const cases: Dashboard['cases'] = [];
  for (const c of inPeriod) {
    const row = months.get(c.receivedOn.slice(0, 7));
    if (row) {
      row.received += 1;
      row.byType[c.disputeType] += 1;
    }
    const closedOn = CLOSED.has(c.status) && c.closedAt ? instantShanghaiDate(c.closedAt) : null;
    if (closedOn) {
      const closing = months.get(closedOn.slice(0, 7));
      if (closing) {
        closing.closed += 1;
        closing.days.push(daysBetween(c.receivedOn, closedOn));
      }
    }
    const settledOn = c.outcome?.kind === 'agreement' ? instantShanghaiDate(c.outcome.at) : null;
    if (settledOn) {
      const settling = months.get(settledOn.slice(0, 7));
      if (settling) settling.settled += 1;
    }
    cases.push({
      id: c.id,
      caseNumber: c.caseNumber,
      organisationId: c.organisationId,
      status: c.status,
      disputeType: c.disputeType,
      receivedOn: c.receivedOn,
      month: c.receivedOn.slice(0, 7),
      closedOn,
      outcome: c.outcome?.kind ?? null,
      mediatorId: c.mediatorId,
    });
  }

  const sessions = { online: 0, inPerson: 0, cancelled: 0 };
  const held = new Map<string, number>();
  const mediatorOf = new Map(input.cases.map((c) => [c.id, c.mediatorId]));
  for (const s of input.sessions) {
    const day = instantShanghaiDate(s.startedAt ?? s.scheduledStart);
    if (!day || day < period.from || day > period.to) continue;
    if (s.status === 'cancelled') {
      sessions.cancelled += 1;
      continue;
    }
    if (s.status !== 'ended') continue;
    const row = months.get(day.slice(0, 7));
    if (s.mode === 'in_person') {
      sessions.inPerson += 1;
      if (row) row.sessionsInPerson += 1;
    } else {
      sessions.online += 1;
      if (row) row.sessionsOnline += 1;
    }
    const mediatorId = mediatorOf.get(s.caseId);
    if (mediatorId) held.set(mediatorId, (held.get(mediatorId) ?? 0) + 1);
  }

  const deadlines = DEADLINE_KINDS.map((kind) => ({ kind, met: 0, overdue: 0, open: 0 }));
  for (const d of input.deadlines) {
    if (!caseIds.has(d.caseId) || d.status === 'cancelled') continue;
    const row = deadlines.find((x) => x.kind === d.kind)!;
    row[d.status] += 1;
  }

  const rate = (settled: number, ended: number) => (ended === 0 ? null : settled / ended);
  const organisations = input.organisations.map((o) => {
    const own = inPeriod.filter((c) => c.organisationId === o.id);
    const s = computeStatistics(own, input.deadlines, period, now, input.parties, input.claimed);
    return {
      id: o.id,
      name: o.name,
      kind: o.kind,
      parentId: o.parentId,
      received: s.totals.received,
      open: s.totals.open,
      settled: s.totals.settled,
      settlementRate: s.settlementRate,
      medianDaysToClose: s.medianDaysToClose,
      overdue: s.overdue.total,
    };
  });

  const mediators = input.mediators.map((m) => {
    const own = inPeriod.filter((c) => c.mediatorId === m.id);
    const ended = own.filter((c) => c.outcome !== null && c.decision?.kind === 'accepted');
    const settled = own.filter((c) => c.outcome?.kind === 'agreement').length;
    return {
      id: m.id,
      name: m.displayName,
      organisationId: m.organisationId,
      open: own.filter((c) => OPEN.has(c.status)).length,
      closed: own.filter((c) => CLOSED.has(c.status)).length,
      settled,
      settlementRate: rate(
        ended.filter((c) => c.outcome?.kind === 'agreement').length,
        ended.length,
      ),
      sessionsHeld: held.get(m.id) ?? 0,
    };
  });

  return {
    period: { ...period },
    generatedAt: stats.generatedAt,
    totals: stats.totals,
    byOutcome: stats.byOutcome,
    byDisputeType: stats.byDisputeType,
    settlementRate: stats.settlementRate,
    medianDaysToClose: stats.medianDaysToClose,
    people: stats.people,
    months: [...months.values()].map(({ days, ...m }) => ({
      ...m,
      medianDaysToClose: median(days),
    })),
    deadlines,
    sessions,
    organisations,
    mediators,
    cases: cases.sort((a, b) =>
      a.receivedOn < b.receivedOn ? 1 : a.receivedOn > b.receivedOn ? -1 : 0,
    ),
  };
}

export type { StatisticsPeriod };
