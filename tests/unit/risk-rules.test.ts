/**
 * The risk ledger's early-warning rules (server/risk/rules.ts), by tables of cases: each rule
 * fires at its threshold and not below, only on the cases it is about (open ones, wage ones,
 * agreements), with each organisation's own thresholds, and a switched-off rule never fires.
 * The same employer in several organisations' cases is reported once, by the lowest
 * organisation whose subtree reaches the threshold (a property over seeded random networks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RISK_SETTINGS,
  employerKey,
  evaluateRisks,
  type RiskCase,
  type RiskSettings,
} from '../../server/risk/rules.js';

const NOW = new Date('2026-12-05T04:00:00Z'); // 12:00 in Shanghai
const TODAY = '2026-12-05';
const AGREED = { kind: 'agreement', at: '2026-11-01T00:00:00Z' } as const;
const TREE = [
  { id: 'centre', parentId: null },
  { id: 'street1', parentId: 'centre' },
  { id: 'street2', parentId: 'centre' },
  { id: 'firm1', parentId: 'street1' },
];

let serial = 0;
function riskCase(
  over: Partial<Omit<RiskCase, 'case'>> & { case?: Partial<RiskCase['case']> } = {},
): RiskCase {
  serial += 1;
  const { case: c, ...rest } = over;
  return {
    case: {
      id: `case-${serial}`,
      caseNumber: `沪调 2026 第${serial}号`,
      organisationId: 'centre',
      status: 'accepted',
      disputeType: 'termination',
      application: {
        requests: '',
        factsAndReasons: '',
        claimTypes: ['economic_compensation'],
        amountClaimed: null,
      },
      outcome: null,
      ...c,
    },
    workers: 1,
    amountClaimed: null,
    employers: [{ name: '某某科技有限公司', code: null }],
    deadlines: [],
    sessions: [],
    latestPerformance: [],
    ...rest,
  };
}

const settings =
  (over: Partial<RiskSettings> = {}, per: Record<string, Partial<RiskSettings>> = {}) =>
  (id: string): RiskSettings => ({ ...DEFAULT_RISK_SETTINGS, ...over, ...per[id] });

function rulesOf(cases: RiskCase[], s = settings()) {
  return evaluateRisks(TREE, cases, s, NOW, TODAY).map((h) => `${h.rule}@${h.organisationId}`);
}

/** Employers unique per case, so the repeat-employer rule stays out of the single-rule rows. */
const solo = (over: Parameters<typeof riskCase>[0] = {}) =>
  riskCase({ employers: [{ name: `单位${serial + 1}`, code: null }], ...over });

describe('each rule fires at its threshold, on the cases it is about', () => {
  const rows: [string, () => RiskCase, string[]][] = [
    ['9 workers (default threshold 10)', () => solo({ workers: 9 }), []],
    ['10 workers', () => solo({ workers: 10 }), ['collective_dispute@centre']],
    ['10 workers, case closed', () => solo({ workers: 10, case: { status: 'settled' } }), []],
    [
      'wage case claiming 200,000',
      () =>
        solo({
          case: { disputeType: 'wages' },
          amountClaimed: 200_000,
        }),
      ['wage_arrears@centre'],
    ],
    [
      'wage case claiming 199,999.99',
      () => solo({ case: { disputeType: 'wages' }, amountClaimed: 199_999.99 }),
      [],
    ],
    [
      'wages among the claims of another dispute type',
      () =>
        solo({
          case: {
            application: {
              requests: '',
              factsAndReasons: '',
              claimTypes: ['wages'],
              amountClaimed: 300_000,
            },
          },
          amountClaimed: 300_000,
        }),
      ['wage_arrears@centre'],
    ],
    ['a large claim that is not about wages', () => solo({ amountClaimed: 900_000 }), []],
    [
      'acceptance decision overdue',
      () =>
        solo({
          case: { status: 'registered' },
          deadlines: [
            { id: 'd1', kind: 'acceptance_decision', dueOn: '2026-12-01', status: 'overdue' },
          ],
        }),
      ['overdue_deadline@centre'],
    ],
    [
      'a deadline open past its day (not marked yet) or met',
      () =>
        solo({
          deadlines: [
            { id: 'd2', kind: 'mediation_period', dueOn: '2026-12-01', status: 'open' },
            { id: 'd3', kind: 'acceptance_decision', dueOn: '2026-11-01', status: 'met' },
          ],
        }),
      [],
    ],
    [
      'agreement whose performance deadline passed',
      () =>
        solo({
          case: { status: 'settled', outcome: AGREED },
          deadlines: [{ id: 'd4', kind: 'performance', dueOn: '2026-11-30', status: 'overdue' }],
        }),
      ['unperformed_agreement@centre'],
    ],
    [
      'agreement with a worker found not paid, deadline still open',
      () =>
        solo({
          case: { status: 'settled', outcome: AGREED },
          deadlines: [{ id: 'd5', kind: 'performance', dueOn: '2026-12-31', status: 'open' }],
          latestPerformance: ['performed', 'not_performed'],
        }),
      ['unperformed_agreement@centre'],
    ],
    [
      'agreement performed by everyone',
      () =>
        solo({
          case: { status: 'settled', outcome: AGREED },
          deadlines: [{ id: 'd6', kind: 'performance', dueOn: '2026-12-31', status: 'met' }],
          latestPerformance: ['performed', 'performed'],
        }),
      [],
    ],
    [
      'one session cancelled, one missed (scheduled 3 h ago, never started)',
      () =>
        solo({
          sessions: [
            { status: 'cancelled', scheduledStart: '2026-12-01T02:00:00Z' },
            { status: 'scheduled', scheduledStart: '2026-12-05T01:00:00Z' },
          ],
        }),
      ['failed_sessions@centre'],
    ],
    [
      'one session cancelled, one scheduled an hour ago (within the grace)',
      () =>
        solo({
          sessions: [
            { status: 'cancelled', scheduledStart: '2026-12-01T02:00:00Z' },
            { status: 'scheduled', scheduledStart: '2026-12-05T03:00:00Z' },
          ],
        }),
      [],
    ],
  ];
  it.each(rows)('%s', (_name, make, expected) => {
    expect(rulesOf([make()]).sort()).toEqual(expected.sort());
  });

  it('judges each organisation by its own thresholds, and null switches a rule off', () => {
    const street = solo({ workers: 4, case: { organisationId: 'street1' } });
    const centre = solo({ workers: 4 });
    const s = settings(
      {},
      { street1: { collectiveWorkers: 3 }, centre: { collectiveWorkers: null } },
    );
    expect(rulesOf([street, centre], s)).toEqual(['collective_dispute@street1']);
    const off = solo({ workers: 50 });
    expect(rulesOf([off], settings({ collectiveWorkers: null }))).toEqual([]);
  });

  it('names the figures that triggered it and grades the level', () => {
    const [hit] = evaluateRisks(
      TREE,
      [solo({ case: { disputeType: 'wages' }, amountClaimed: 450_000 })],
      settings(),
      NOW,
      TODAY,
    );
    expect(hit).toMatchObject({
      rule: 'wage_arrears',
      level: 'high',
      figures: { amountClaimed: 450_000, threshold: 200_000 },
    });
  });
});

describe('the same employer in several open cases', () => {
  const firm = (org: string, name = '某某物流有限公司', code: string | null = null) =>
    riskCase({ case: { organisationId: org }, employers: [{ name, code }] });

  it('is one employer whatever spacing or full-width letters its name is written with, or by its credit code', () => {
    expect(employerKey({ name: '某某 物流有限公司', code: null })).toBe(
      employerKey({ name: '某某物流有限公司', code: null }),
    );
    expect(employerKey({ name: 'ＡＢＣ公司', code: null })).toBe(
      employerKey({ name: 'abc公司', code: null }),
    );
    expect(employerKey({ name: '甲', code: '91310000ma1fl00000' })).toBe(
      employerKey({ name: '乙', code: '91310000MA1FL00000' }),
    );
  });

  const rows: [string, string[], string[]][] = [
    ['two cases at the centre (threshold 3)', ['centre', 'centre'], []],
    ['three at the centre', ['centre', 'centre', 'centre'], ['centre']],
    [
      'three in one street: the street reports it, the centre does not repeat it',
      ['street1', 'street1', 'street1'],
      ['street1'],
    ],
    [
      'two in one street, one in the other: only the centre sees it',
      ['street1', 'street1', 'street2'],
      ['centre'],
    ],
    ['three in a firm below a street: the firm', ['firm1', 'firm1', 'firm1'], ['firm1']],
    ['two in a firm, one in its street: the street', ['firm1', 'firm1', 'street1'], ['street1']],
    [
      'three in street1 and one in street2: street1, and the centre for the spread',
      ['street1', 'street1', 'street1', 'street2'],
      ['street1', 'centre'],
    ],
  ];
  it.each(rows)('%s', (_name, orgs, expected) => {
    const hits = evaluateRisks(
      TREE,
      orgs.map((o) => firm(o)),
      settings(),
      NOW,
      TODAY,
    ).filter((h) => h.rule === 'repeat_employer');
    expect(hits.map((h) => h.organisationId).sort()).toEqual([...expected].sort());
    for (const h of hits) expect(h.label).toBe('某某物流有限公司');
  });

  it('counts open cases only', () => {
    const closed = riskCase({
      case: { status: 'withdrawn' },
      employers: [{ name: '某某物流有限公司', code: null }],
    });
    const hits = evaluateRisks(
      TREE,
      [firm('centre'), firm('centre'), closed],
      settings(),
      NOW,
      TODAY,
    );
    expect(hits.filter((h) => h.rule === 'repeat_employer')).toEqual([]);
  });

  it('places every qualifying employer somewhere, and never twice without a new case to show (seeded)', () => {
    const orgs = TREE.map((o) => o.id);
    const below = (a: string, b: string): boolean => {
      // b in a's subtree
      for (
        let at: string | null = b;
        at !== null;
        at = TREE.find((o) => o.id === at)?.parentId ?? null
      )
        if (at === a) return true;
      return false;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...orgs), { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 2, max: 5 }),
        (placed, threshold) => {
          const cases = placed.map((o) => firm(o));
          const hits = evaluateRisks(
            TREE,
            cases,
            settings({ repeatEmployerCases: threshold }),
            NOW,
            TODAY,
          );
          // Somewhere: whenever the whole network holds enough, some organisation reports it.
          if (placed.length >= threshold) expect(hits.length).toBeGreaterThan(0);
          else expect(hits).toEqual([]);
          for (const h of hits) {
            // Each entry's cases are within its organisation's subtree and reach the threshold.
            expect(h.caseIds.length).toBeGreaterThanOrEqual(threshold);
            const orgOf = new Map(cases.map((c) => [c.case.id, c.case.organisationId]));
            for (const id of h.caseIds) expect(below(h.organisationId, orgOf.get(id)!)).toBe(true);
            // A parent's entry holds a case no entry below it holds.
            const lower = hits.filter((x) => x !== h && below(h.organisationId, x.organisationId));
            const covered = new Set(lower.flatMap((x) => x.caseIds));
            if (lower.length > 0) expect(h.caseIds.some((id) => !covered.has(id))).toBe(true);
          }
        },
      ),
      { seed: 20261205, numRuns: 400 },
    );
  });
});
