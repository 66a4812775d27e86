/**
 * Disputes with several workers, person by person, without a server: amounts kept to the fen,
 * who has a part of the agreement, and when the agreement counts as performed (every person's
 * last finding `performed`, whatever came before: property-based, seeded). The contract refuses
 * a claim type twice and per-person terms for the same person twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementPersons, allPerformed, toFen } from '../../server/cases/personClaims.js';
import type { CasePerson, MediationCase, PerformanceRecord } from '../../server/cases/model.js';
import { personClaimsSchema, performanceRecordSchema } from '../../server/cases/schemas.js';
import { ISSUE_FIELD_SCHEMAS } from '../../signaling/http/documentRequests.js';

const SEED = 20_261_205;
const RESULTS = ['performed', 'partly_performed', 'not_performed'] as const;

function finding(personId: string, result: PerformanceRecord['result']): PerformanceRecord {
  return {
    id: `${personId}-${result}`,
    caseId: 'c',
    personId,
    result,
    amountPaid: null,
    note: '',
    evidenceId: null,
    recordedAt: '2027-01-01T00:00:00.000Z',
    recordedBy: 'm',
  };
}

describe('amounts', () => {
  it('are kept to the fen', () => {
    expect(toFen(3000.004)).toBe(3000);
    expect(toFen(0.125)).toBe(0.13);
    expect(toFen(null)).toBeNull();
  });
});

describe('who has a part of the agreement', () => {
  const people = [
    { id: 'w1', kind: 'applicant' },
    { id: 'w2', kind: 'applicant' },
    { id: 'r1', kind: 'respondent' },
    { id: 'a1', kind: 'agent' },
  ] as CasePerson[];
  const agreement = (personTerms?: { personId: string }[]) =>
    ({
      outcome: {
        kind: 'agreement',
        at: '',
        ...(personTerms
          ? {
              personTerms: personTerms.map((t) => ({
                ...t,
                items: [],
                amount: 1,
                performanceDeadline: null,
              })),
            }
          : {}),
      },
    }) as unknown as MediationCase;

  it('is every applicant when the agreement gives no per-person terms', () => {
    expect(agreementPersons(agreement(), people)).toEqual(['w1', 'w2']);
  });

  it('is the persons of its per-person terms when it gives them', () => {
    expect(agreementPersons(agreement([{ personId: 'w2' }]), people)).toEqual(['w2']);
  });
});

describe('performed', () => {
  it("holds exactly when every person's last finding is `performed`", () => {
    const persons = ['w1', 'w2', 'w3'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...persons, 'stranger'), fc.constantFrom(...RESULTS)), {
          maxLength: 20,
        }),
        (steps) => {
          const records = steps.map(([p, r]) => finding(p, r));
          const last = new Map(steps.map(([p, r]) => [p, r]));
          const expected = persons.every((p) => last.get(p) === 'performed');
          expect(allPerformed(persons, records)).toBe(expected);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never holds for nobody', () => {
    expect(allPerformed([], [finding('w1', 'performed')])).toBe(false);
  });
});

describe('the contract', () => {
  it('refuses a claim type twice in one worker’s claims', () => {
    const twice = personClaimsSchema.safeParse({
      claims: [
        { type: 'wages', amount: 1 },
        { type: 'wages', amount: 2 },
      ],
    });
    expect(twice.success).toBe(false);
    expect(personClaimsSchema.parse({ claims: [{ type: 'wages', amount: 1 }] })).toEqual({
      claims: [{ type: 'wages', amount: 1, note: undefined }],
    });
  });

  it('refuses per-person terms twice for one person, or with neither amount nor term', () => {
    const fields = ISSUE_FIELD_SCHEMAS.mediation_agreement;
    const base = { items: ['支付工资'] };
    expect(
      fields.safeParse({
        ...base,
        perPerson: [
          { personId: 'w1', amount: 1 },
          { personId: 'w1', amount: 2 },
        ],
      }).success,
    ).toBe(false);
    expect(fields.safeParse({ ...base, perPerson: [{ personId: 'w1' }] }).success).toBe(false);
    expect(fields.safeParse({ ...base, perPerson: [{ personId: 'w1', amount: 0 }] }).success).toBe(
      true,
    );
  });

  it('refuses a negative payment', () => {
    expect(
      performanceRecordSchema.safeParse({
        personId: 'w1',
        result: 'performed',
        amountPaid: -1,
        note: '已到账',
      }).success,
    ).toBe(false);
  });
});
