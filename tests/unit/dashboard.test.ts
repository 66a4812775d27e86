/**
 * The dashboard's figures (server/organisations/dashboard.ts): every month of the period shown,
 * empty ones too; caseload by month and dispute type; closings and the median days to close in
 * the month they closed (Asia/Shanghai); sessions held online and in person (cancelled apart,
 * outside the period left out); deadlines met, overdue and open by kind; one row per
 * organisation and per mediator. Seeded generated cases: the months' caseload adds up to the
 * cases received and each organisation's row to its own cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CaseDeadline,
  MediationCase,
  MediationSessionRecord,
  Organisation,
} from '../../server/cases/model.js';
import {
  computeDashboard,
  lastTwelveMonths,
  monthsOf,
  type DashboardInput,
} from '../../server/organisations/dashboard.js';

const NOW = new Date('2026-12-05T04:00:00Z');
const PERIOD = { from: '2026-09-01', to: '2026-12-05' };
const ORGS: Organisation[] = [
  { id: 'centre', name: '中心', kind: 'district_centre', parentId: null, createdAt: '' },
  { id: 'street', name: '街道', kind: 'street_town', parentId: 'centre', createdAt: '' },
];

function makeCase(
  o: Partial<MediationCase> & Pick<MediationCase, 'id' | 'receivedOn'>,
): MediationCase {
  return {
    caseNumber: `2026-${o.id}`,
    organisationId: 'centre',
    status: 'registered',
    disputeType: 'wages',
    source: 'party_application',
    sourceReference: null,
    priorityGroups: [],
    intakeMode: 'written',
    application: { requests: '', factsAndReasons: '', claimTypes: [], amountClaimed: null },
    registeredAt: `${o.receivedOn}T01:00:00Z`,
    registeredBy: 'clerk',
    decision: null,
    mediatorId: null,
    mediationDueOn: o.receivedOn,
    outcome: null,
    closedAt: null,
    archivedAt: null,
    version: 1,
    updatedAt: `${o.receivedOn}T01:00:00Z`,
    ...o,
  };
}

const accepted = {
  kind: 'accepted' as const,
  at: '2026-09-03T02:00:00Z',
  by: 'clerk',
  reason: null,
};

const CASES = [
  makeCase({
    id: 'a',
    receivedOn: '2026-09-02',
    status: 'settled',
    decision: accepted,
    mediatorId: 'm1',
    outcome: { kind: 'agreement', at: '2026-09-11T02:00:00Z' },
    // 23:30 UTC on 30 Sept is 1 October in Shanghai: closed in October, 29 days.
    closedAt: '2026-09-30T23:30:00Z',
  }),
  makeCase({
    id: 'b',
    receivedOn: '2026-09-20',
    disputeType: 'termination',
    status: 'terminated',
    decision: accepted,
    mediatorId: 'm1',
    outcome: { kind: 'termination', at: '2026-10-05T02:00:00Z' },
    closedAt: '2026-10-05T02:00:00Z',
  }),
  makeCase({
    id: 'c',
    receivedOn: '2026-11-15',
    organisationId: 'street',
    mediatorId: 'm2',
    status: 'in_mediation',
  }),
  makeCase({ id: 'old', receivedOn: '2026-05-01', status: 'accepted' }),
];

const session = (
  id: string,
  caseId: string,
  status: MediationSessionRecord['status'],
  mode: MediationSessionRecord['mode'],
  at: string,
): MediationSessionRecord => ({
  ...{ id, caseId, status, mode, scheduledStart: at, scheduledEnd: null },
  ...{ startedAt: status === 'ended' ? at : null, endedAt: null, createdBy: 'm' },
});

const deadline = (
  id: string,
  caseId: string,
  kind: CaseDeadline['kind'],
  status: CaseDeadline['status'],
) => ({ id, caseId, kind, status, dueOn: '2026-10-01' }) as CaseDeadline;

const INPUT: DashboardInput = {
  organisations: ORGS,
  cases: CASES,
  deadlines: [
    deadline('d1', 'a', 'acceptance_decision', 'met'),
    deadline('d2', 'b', 'acceptance_decision', 'overdue'),
    deadline('d3', 'c', 'mediation_period', 'open'),
    deadline('d4', 'old', 'mediation_period', 'overdue'),
    deadline('d5', 'c', 'acceptance_decision', 'cancelled'),
  ],
  parties: new Map(),
  claimed: new Map(),
  sessions: [
    session('s1', 'a', 'ended', 'online', '2026-09-10T02:00:00Z'),
    session('s2', 'b', 'ended', 'in_person', '2026-10-02T02:00:00Z'),
    session('s3', 'c', 'cancelled', 'online', '2026-11-20T02:00:00Z'),
    session('s4', 'c', 'scheduled', 'online', '2026-12-20T02:00:00Z'),
    session('s5', 'old', 'ended', 'online', '2026-05-10T02:00:00Z'),
  ],
  mediators: [
    { id: 'm1', displayName: '王调解', organisationId: 'centre' },
    { id: 'm2', displayName: '陈调解', organisationId: 'street' },
  ],
};

describe('the dashboard over a period', () => {
  const d = computeDashboard(INPUT, PERIOD, NOW);

  it('shows every month of the period, empty ones too, with the caseload by dispute type', () => {
    expect(d.months.map((m) => m.month)).toEqual(['2026-09', '2026-10', '2026-11', '2026-12']);
    expect(d.months.map((m) => m.received)).toEqual([2, 0, 1, 0]);
    expect(d.months[0]?.byType).toMatchObject({ wages: 1, termination: 1 });
    expect(d.months[2]?.byType.wages).toBe(1);
  });

  it('counts closings in the Shanghai month they happened, with their median days', () => {
    expect(d.months.map((m) => m.closed)).toEqual([0, 2, 0, 0]);
    // a: 2 Sept → 1 Oct, 29 days; b: 20 Sept → 5 Oct, 15 days.
    expect(d.months[1]?.medianDaysToClose).toBe(22);
    expect(d.months[0]?.settled).toBe(1);
    expect(d.settlementRate).toBe(0.5);
  });

  it('counts sessions held online and in person in the period, cancelled ones apart', () => {
    expect(d.sessions).toEqual({ online: 1, inPerson: 1, cancelled: 1 });
    expect(d.months.map((m) => [m.sessionsOnline, m.sessionsInPerson])).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ]);
  });

  it('counts deadlines of the period’s cases met, overdue and open', () => {
    expect(d.deadlines.find((x) => x.kind === 'acceptance_decision')).toEqual({
      kind: 'acceptance_decision',
      met: 1,
      overdue: 1,
      open: 0,
    });
    // The May case's deadline is outside the period.
    expect(d.deadlines.find((x) => x.kind === 'mediation_period')).toMatchObject({
      overdue: 0,
      open: 1,
    });
  });

  it('gives one row per organisation and per mediator', () => {
    expect(d.organisations.map((o) => [o.id, o.received, o.open, o.settled])).toEqual([
      ['centre', 2, 0, 1],
      ['street', 1, 1, 0],
    ]);
    expect(d.mediators).toEqual([
      expect.objectContaining({
        id: 'm1',
        open: 0,
        closed: 2,
        settled: 1,
        settlementRate: 0.5,
        sessionsHeld: 2,
      }),
      expect.objectContaining({
        id: 'm2',
        open: 1,
        closed: 0,
        settled: 0,
        settlementRate: null,
        sessionsHeld: 0,
      }),
    ]);
    expect(d.cases.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('periods', () => {
  it('runs twelve months up to today from the first day of the first', () => {
    expect(lastTwelveMonths('2026-12-05')).toEqual({ from: '2026-01-01', to: '2026-12-05' });
    expect(lastTwelveMonths('2026-03-31')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(monthsOf({ from: '2025-11-20', to: '2026-02-01' })).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });

  it('adds every case received in the period once to its month and its organisation (seeded)', () => {
    const day = fc
      .integer({ min: 0, max: 500 })
      .map((n) => new Date(Date.UTC(2025, 10, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            day,
            fc.constantFrom('centre', 'street'),
            fc.constantFrom('wages', 'termination', 'other'),
          ),
          {
            maxLength: 40,
          },
        ),
        fc.tuple(day, day),
        (rows, [a, b]) => {
          const period = a <= b ? { from: a, to: b } : { from: b, to: a };
          const cases = rows.map(([receivedOn, organisationId, disputeType], i) =>
            makeCase({
              id: `g${i}`,
              receivedOn,
              organisationId,
              disputeType: disputeType as 'wages',
            }),
          );
          const d = computeDashboard({ ...INPUT, cases, deadlines: [], sessions: [] }, period, NOW);
          const received = cases.filter(
            (c) => c.receivedOn >= period.from && c.receivedOn <= period.to,
          );
          expect(d.months.reduce((n, m) => n + m.received, 0)).toBe(received.length);
          expect(
            d.months.reduce((n, m) => n + Object.values(m.byType).reduce((x, y) => x + y, 0), 0),
          ).toBe(received.length);
          expect(d.organisations.reduce((n, o) => n + o.received, 0)).toBe(received.length);
          expect(d.totals.received).toBe(received.length);
        },
      ),
      { seed: 20261205, numRuns: 300 },
    );
  });
});
