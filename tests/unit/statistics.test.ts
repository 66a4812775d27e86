import { describe, expect, it } from 'vitest';
import type { CaseDeadline, DeadlineKind, MediationCase } from '../../server/cases/model.js';
import { computeStatistics, statisticsToCsv } from '../../server/cases/statistics.js';
import type { StatisticsPeriod } from '../../server/cases/statistics.js';

const NOW = new Date('2026-05-01T00:00:00Z');
const MARCH_APRIL: StatisticsPeriod = { from: '2026-03-01', to: '2026-04-30' };
const ALL: StatisticsPeriod = { from: null, to: null };

function makeCase(overrides: Partial<MediationCase> & Pick<MediationCase, 'id' | 'receivedOn'>) {
  const base: MediationCase = {
    id: overrides.id,
    caseNumber: `（2026）沪调字第${overrides.id}号`,
    organisationId: 'org-1',
    status: 'registered',
    disputeType: 'wages',
    source: 'party_application',
    sourceReference: null,
    priorityGroups: [],
    intakeMode: 'written',
    application: { requests: '', factsAndReasons: '', claimTypes: [], amountClaimed: null },
    receivedOn: overrides.receivedOn,
    registeredAt: `${overrides.receivedOn}T01:00:00Z`,
    registeredBy: 'clerk-1',
    decision: null,
    mediatorId: null,
    mediationDueOn: overrides.receivedOn,
    outcome: null,
    closedAt: null,
    archivedAt: null,
    version: 1,
    updatedAt: `${overrides.receivedOn}T01:00:00Z`,
  };
  return { ...base, ...overrides };
}

const accepted = (at: string) => ({ kind: 'accepted' as const, at, by: 'clerk-1', reason: null });

// Days to close (receivedOn → Shanghai date of closedAt): c1 8, c2 15, c3 3, c4 2, c5 7, c8 1.
const CASES: MediationCase[] = [
  makeCase({
    id: 'c1',
    receivedOn: '2026-03-02',
    status: 'settled',
    // Listed twice by mistake: still one case in the group.
    priorityGroups: ['migrant_worker', 'migrant_worker'],
    decision: accepted('2026-03-03T02:00:00Z'),
    outcome: { kind: 'agreement', at: '2026-03-10T02:00:00Z' },
    closedAt: '2026-03-10T02:00:00Z',
  }),
  makeCase({
    id: 'c2',
    receivedOn: '2026-03-05',
    status: 'terminated',
    disputeType: 'termination',
    source: 'arbitration_delegated',
    priorityGroups: ['dispatched_worker'],
    decision: accepted('2026-03-06T02:00:00Z'),
    outcome: { kind: 'termination', at: '2026-03-20T03:00:00Z', ground: 'party_refuses' },
    closedAt: '2026-03-20T03:00:00Z',
  }),
  makeCase({
    id: 'c3',
    receivedOn: '2026-03-09',
    status: 'withdrawn',
    source: 'court_delegated',
    priorityGroups: ['migrant_worker', 'platform_worker'],
    decision: accepted('2026-03-10T02:00:00Z'),
    outcome: { kind: 'withdrawal', at: '2026-03-12T06:00:00Z' },
    closedAt: '2026-03-12T06:00:00Z',
  }),
  makeCase({
    id: 'c4',
    receivedOn: '2026-03-16',
    status: 'refused',
    disputeType: 'social_insurance',
    source: 'union_referral',
    decision: {
      kind: 'refused',
      at: '2026-03-18T01:00:00Z',
      by: 'clerk-1',
      reason: '不属于受理范围',
    },
    closedAt: '2026-03-18T01:00:00Z',
  }),
  makeCase({
    // Settled and closed at 00:30 on 1 April in Shanghai, then archived.
    id: 'c5',
    receivedOn: '2026-03-25',
    status: 'archived',
    priorityGroups: ['migrant_worker'],
    decision: accepted('2026-03-26T02:00:00Z'),
    outcome: { kind: 'agreement', at: '2026-03-31T16:30:00Z' },
    closedAt: '2026-03-31T16:30:00Z',
    archivedAt: '2026-04-02T02:00:00Z',
  }),
  makeCase({
    id: 'c6',
    receivedOn: '2026-04-03',
    status: 'in_mediation',
    disputeType: 'work_injury',
    source: 'one_stop_referral',
    priorityGroups: ['platform_worker'],
    decision: accepted('2026-04-03T06:00:00Z'),
  }),
  makeCase({
    id: 'c7',
    receivedOn: '2026-04-07',
    disputeType: 'economic_compensation',
    source: 'court_entrusted',
  }),
  makeCase({
    // Withdrawn before any acceptance decision: not part of the settlement rate.
    id: 'c8',
    receivedOn: '2026-04-10',
    status: 'withdrawn',
    disputeType: 'other',
    outcome: { kind: 'withdrawal', at: '2026-04-11T02:00:00Z' },
    closedAt: '2026-04-11T02:00:00Z',
  }),
  makeCase({
    // Outside March–April.
    id: 'c9',
    receivedOn: '2026-02-27',
    status: 'in_mediation',
    decision: accepted('2026-02-28T02:00:00Z'),
  }),
];

function deadline(id: string, caseId: string, kind: DeadlineKind, status: CaseDeadline['status']) {
  const d: CaseDeadline = {
    id,
    caseId,
    kind,
    dueOn: '2026-04-20',
    basis: '',
    consequence: '',
    provisional: false,
    missingCalendarYears: [],
    status,
    createdAt: '2026-03-01T00:00:00Z',
    resolvedAt: null,
  };
  return d;
}

const DEADLINES: CaseDeadline[] = [
  deadline('d1', 'c7', 'acceptance_decision', 'overdue'),
  deadline('d2', 'c6', 'mediation_period', 'overdue'),
  deadline('d3', 'c1', 'performance', 'overdue'),
  deadline('d4', 'c1', 'judicial_confirmation', 'met'),
  deadline('d5', 'c6', 'acceptance_decision', 'met'),
  deadline('d6', 'c9', 'mediation_period', 'overdue'), // case outside the period
  deadline('d7', 'c2', 'mediation_period', 'cancelled'),
];

describe('computeStatistics', () => {
  const stats = computeStatistics(CASES, DEADLINES, MARCH_APRIL, NOW);

  it('echoes the period and the generation time', () => {
    expect(stats.period).toEqual(MARCH_APRIL);
    expect(stats.generatedAt).toBe('2026-05-01T00:00:00.000Z');
  });

  it('counts the totals, archived cases by their outcome', () => {
    expect(stats.totals).toEqual({
      received: 8,
      accepted: 5,
      refused: 1,
      open: 2,
      closed: 6,
      settled: 2,
      terminated: 1,
      withdrawn: 2,
      archived: 1,
    });
  });

  it('lists every dispute type, source and priority group, with zeros', () => {
    expect(stats.byDisputeType).toEqual({
      employment_relationship: 0,
      wages: 3,
      working_hours: 0,
      termination: 1,
      economic_compensation: 1,
      social_insurance: 1,
      work_injury: 1,
      other: 1,
    });
    expect(stats.bySource).toEqual({
      party_application: 3,
      arbitration_delegated: 1,
      court_delegated: 1,
      court_entrusted: 1,
      union_referral: 1,
      one_stop_referral: 1,
    });
    expect(stats.byPriorityGroup).toEqual({
      migrant_worker: 3,
      dispatched_worker: 1,
      platform_worker: 2,
    });
  });

  it('splits the received cases by outcome, refusals apart', () => {
    expect(stats.byOutcome).toEqual({
      agreement: 2,
      termination: 1,
      withdrawal: 2,
      refused: 1,
      pending: 2,
    });
  });

  it('counts receipts, closures and settlements in their own months', () => {
    expect(stats.byMonth).toEqual([
      { month: '2026-03', received: 5, closed: 4, settled: 1 },
      { month: '2026-04', received: 3, closed: 2, settled: 1 },
    ]);
  });

  it('computes the settlement rate over cases ended after acceptance', () => {
    // c1, c5 settled of c1, c2, c3, c5; c4 (refused) and c8 (withdrawn unaccepted) left out.
    expect(stats.settlementRate).toBe(0.5);
  });

  it('takes the mean of the two middle values for an even count of closed cases', () => {
    // 1, 2, 3, 7, 8, 15
    expect(stats.medianDaysToClose).toBe(5);
  });

  it('takes the middle value for an odd count of closed cases', () => {
    // March only: 2, 3, 7, 8, 15
    const march = computeStatistics(
      CASES,
      DEADLINES,
      { from: '2026-03-01', to: '2026-03-31' },
      NOW,
    );
    expect(march.totals.closed).toBe(5);
    expect(march.medianDaysToClose).toBe(7);
  });

  it('counts overdue deadlines of cases in the period only, by kind', () => {
    expect(stats.overdue).toEqual({
      total: 3,
      byKind: {
        acceptance_decision: 1,
        mediation_period: 1,
        judicial_confirmation: 0,
        arbitration_review: 0,
        performance: 1,
      },
    });
  });
});

describe('period filtering', () => {
  const received = (period: StatisticsPeriod) =>
    computeStatistics(CASES, DEADLINES, period, NOW).totals.received;

  it('includes both bounds', () => {
    // c3 (03-09), c4 (03-16), c5 (03-25)
    expect(received({ from: '2026-03-09', to: '2026-03-25' })).toBe(3);
    expect(received({ from: '2026-03-10', to: '2026-03-24' })).toBe(1);
  });

  it('treats a null bound as open', () => {
    expect(received(ALL)).toBe(9);
    expect(received({ from: '2026-04-10', to: null })).toBe(1);
    expect(received({ from: null, to: '2026-03-02' })).toBe(2);
  });

  it('counts an overdue deadline once its case is in the period', () => {
    const all = computeStatistics(CASES, DEADLINES, ALL, NOW);
    expect(all.overdue.total).toBe(4);
    expect(all.overdue.byKind.mediation_period).toBe(2);
  });

  it('keeps only months within the period in byMonth', () => {
    // c5 closes in April, outside a March-only report, though it still counts as closed.
    const march = computeStatistics(
      CASES,
      DEADLINES,
      { from: '2026-03-01', to: '2026-03-31' },
      NOW,
    );
    expect(march.byMonth).toEqual([{ month: '2026-03', received: 5, closed: 4, settled: 1 }]);
    expect(march.totals.settled).toBe(2);
  });

  it('rejects malformed or reversed bounds', () => {
    expect(() => computeStatistics([], [], { from: '2026-3-1', to: null }, NOW)).toThrow(
      RangeError,
    );
    expect(() => computeStatistics([], [], { from: null, to: '2026-02-30' }, NOW)).toThrow(
      RangeError,
    );
    expect(() => computeStatistics([], [], { from: '2026-04-01', to: '2026-03-31' }, NOW)).toThrow(
      RangeError,
    );
  });
});

describe('Asia/Shanghai month boundary', () => {
  it('puts a closure at 2026-03-31T16:30:00Z in April', () => {
    const c5 = CASES.filter((c) => c.id === 'c5');
    const stats = computeStatistics(c5, [], ALL, NOW);
    expect(stats.byMonth).toEqual([
      { month: '2026-03', received: 1, closed: 0, settled: 0 },
      { month: '2026-04', received: 0, closed: 1, settled: 1 },
    ]);
    // 2026-03-25 → 2026-04-01 in Shanghai, not 03-31 as in UTC.
    expect(stats.medianDaysToClose).toBe(7);
  });
});

describe('empty input', () => {
  it('gives zeros and nulls', () => {
    const stats = computeStatistics([], [], ALL, NOW);
    expect(Object.values(stats.totals).every((n) => n === 0)).toBe(true);
    expect(Object.values(stats.byDisputeType)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Object.values(stats.bySource)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Object.values(stats.byPriorityGroup)).toEqual([0, 0, 0]);
    expect(stats.byOutcome).toEqual({
      agreement: 0,
      termination: 0,
      withdrawal: 0,
      refused: 0,
      pending: 0,
    });
    expect(stats.byMonth).toEqual([]);
    expect(stats.settlementRate).toBeNull();
    expect(stats.medianDaysToClose).toBeNull();
    expect(stats.overdue.total).toBe(0);
    expect(Object.values(stats.overdue.byKind)).toEqual([0, 0, 0, 0, 0]);
  });

  it('renders the null rate and median as empty cells', () => {
    const csv = statisticsToCsv(computeStatistics([], [], ALL, NOW));
    expect(csv).toContain('\r\n统计期间起,不限\r\n');
    expect(csv).toContain('\r\n调解成功率,\r\n');
    expect(csv).toContain('\r\n结案天数中位数,\r\n');
    expect(csv).toContain('\r\n月份,收案数,结案数,调解成功数\r\n\r\n');
  });
});

describe('statisticsToCsv', () => {
  const stats = computeStatistics(CASES, DEADLINES, MARCH_APRIL, NOW);
  const csv = statisticsToCsv(stats);

  it('starts with a BOM and ends every line with CRLF', () => {
    expect(csv.startsWith('\uFEFF指标,数值\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes one section per table, labels in Chinese', () => {
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain('收案数,8');
    expect(lines).toContain('追索劳动报酬,3');
    expect(lines).toContain('当事人申请,3');
    expect(lines).toContain('农民工,3');
    expect(lines).toContain('不予受理,1');
    expect(lines).toContain('2026-03,5,4,1');
    expect(lines).toContain('2026-04,3,2,1');
    expect(lines).toContain('合计,3');
    expect(lines).toContain('结案天数中位数,5');
    const headers = ['指标,数值', '纠纷类型,案件数', '案件来源,案件数', '重点群体,案件数'];
    for (const header of headers) expect(lines).toContain(header);
    // Sections are separated by one blank line: seven sections, six separators.
    expect(lines.slice(0, -1).filter((l) => l === '')).toHaveLength(6);
  });

  it('shows the rate as a percentage with one decimal', () => {
    expect(csv).toContain('\r\n调解成功率,50.0%\r\n');
    expect(statisticsToCsv({ ...stats, settlementRate: 2 / 3 })).toContain(
      '\r\n调解成功率,66.7%\r\n',
    );
  });

  it('quotes a field holding a comma or a quote', () => {
    const odd = statisticsToCsv({ ...stats, period: { from: '2026-03-01, "一季度"', to: null } });
    expect(odd).toContain('\r\n统计期间起,"2026-03-01, ""一季度"""\r\n');
    expect(statisticsToCsv({ ...stats, period: { from: 'a"b', to: null } })).toContain(
      '\r\n统计期间起,"a""b"\r\n',
    );
  });
});

describe('people and amounts, not only cases', () => {
  const cases = [
    makeCase({
      id: 'p1',
      receivedOn: '2026-03-02',
      application: {
        requests: '',
        factsAndReasons: '',
        claimTypes: ['wages'],
        amountClaimed: 12_000,
      },
    }),
    makeCase({
      id: 'p2',
      receivedOn: '2026-03-03',
      application: {
        requests: '',
        factsAndReasons: '',
        claimTypes: ['wages'],
        amountClaimed: 600_000,
      },
    }),
    makeCase({ id: 'p3', receivedOn: '2026-03-04' }),
    // Outside the period: none of its people count.
    makeCase({
      id: 'p4',
      receivedOn: '2026-05-01',
      application: { requests: '', factsAndReasons: '', claimTypes: ['wages'], amountClaimed: 1 },
    }),
  ];
  const parties = new Map([
    ['p1', { persons: 1, organisations: 1, respondents: 1 }],
    // Fifty dispatched workers against the agency and the user unit.
    ['p2', { persons: 50, organisations: 2, respondents: 2 }],
    // Exactly at the threshold: collective.
    ['p3', { persons: 10, organisations: 1, respondents: 1 }],
    ['p4', { persons: 99, organisations: 9, respondents: 9 }],
  ]);

  it('counts workers, employers, amounts, collective and multi-respondent cases in the period', () => {
    const s = computeStatistics(cases, [], MARCH_APRIL, NOW, parties);
    expect(s.people).toEqual({
      workers: 61,
      employers: 4,
      amountClaimed: 612_000,
      collectiveCases: 2,
      multiRespondentCases: 1,
    });
    const csvLines = statisticsToCsv(s).split('\r\n');
    expect(csvLines).toContain('涉及劳动者（自然人当事人）人数,61');
    expect(csvLines).toContain('集体争议案件数（劳动者十人以上）,2');
  });

  it("counts each worker's own claims instead of the application's total where recorded", () => {
    // p2's fifty workers claimed 650,000.10 between them; p3 has no amount in its application.
    const claimed = new Map([
      ['p2', 650_000.1],
      ['p3', 0.2],
      ['p4', 5],
    ]);
    const s = computeStatistics(cases, [], MARCH_APRIL, NOW, parties, claimed);
    expect(s.people.amountClaimed).toBe(662_000.3);
  });

  it('counts nothing for cases whose parties are unknown', () => {
    expect(computeStatistics(cases, [], MARCH_APRIL, NOW).people).toEqual({
      workers: 0,
      employers: 0,
      amountClaimed: 612_000,
      collectiveCases: 0,
      multiRespondentCases: 0,
    });
  });
});
