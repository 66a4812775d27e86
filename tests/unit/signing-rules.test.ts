import { describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import {
  missingSigners,
  requiredSigners,
  type SignatureFact,
} from '../../server/documents/signingRules.js';

const MEDIATOR = 'mediator-1';

function person(id: string, kind: CasePerson['kind'], extra: Partial<CasePerson> = {}): CasePerson {
  return {
    id,
    caseId: 'case-1',
    kind,
    name: id,
    idNumber: null,
    phone: null,
    address: null,
    legalRepresentative: null,
    isOrganisation: false,
    representsId: null,
    powerOfAttorney: null,
    serviceAddress: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    ...extra,
  };
}

function agent(id: string, represents: string, scope: 'general' | 'special', maySign: boolean) {
  return person(id, 'agent', {
    representsId: represents,
    powerOfAttorney: { scope, maySign, document: null },
  });
}

function parties(applicants: number, respondents: number): CasePerson[] {
  return [
    ...Array.from({ length: applicants }, (_, i) => person(`a${i + 1}`, 'applicant')),
    ...Array.from({ length: respondents }, (_, i) => person(`r${i + 1}`, 'respondent')),
  ];
}

const mediatorSig: SignatureFact = { signerId: MEDIATOR, signsFor: 'mediator' };
const own = (p: CasePerson): SignatureFact => ({
  signerId: p.id,
  signsFor: p.kind as 'applicant' | 'respondent',
});
const missingIds = (people: CasePerson[], sigs: SignatureFact[]) =>
  missingSigners(people, MEDIATOR, '调解员', sigs).map((m) => m.partyId ?? 'mediator');

const COMBINATIONS = [1, 2, 3].flatMap((a) => [1, 2, 3].map((r) => [a, r] as const));

describe('signing rules: every co-party signs', () => {
  it.each(COMBINATIONS)('%i applicant(s) × %i respondent(s): each party is required', (a, r) => {
    const people = parties(a, r);
    const required = requiredSigners(people, '调解员');
    expect(required).toHaveLength(a + r + 1);
    expect(required.filter((x) => x.signsFor === 'applicant')).toHaveLength(a);
    expect(required.filter((x) => x.signsFor === 'respondent')).toHaveLength(r);

    // All sign: nothing is missing.
    expect(missingIds(people, [...people.map(own), mediatorSig])).toEqual([]);
    // Leave each party out in turn: exactly that party is missing.
    for (const left of people) {
      const sigs = [...people.filter((p) => p !== left).map(own), mediatorSig];
      expect(missingIds(people, sigs)).toEqual([left.id]);
    }
    // One signature per side (the old rule) is not enough when there are co-parties.
    const onePerSide = [own(people[0]!), own(people[a]!), mediatorSig];
    expect(missingIds(people, onePerSide)).toHaveLength(a + r - 2);
    // Without the mediator the mediator is missing.
    expect(missingIds(people, people.map(own))).toEqual(['mediator']);
  });

  it.each(COMBINATIONS)(
    '%i applicant(s) × %i respondent(s): agents sign for their party only with special authority to sign',
    (a, r) => {
      const base = parties(a, r);
      const special = base.map((p) => agent(`ag-${p.id}`, p.id, 'special', true));
      const bySpecial = special.map((g, i) => ({
        signerId: g.id,
        signsFor: base[i]!.kind as 'applicant' | 'respondent',
      }));
      expect(missingIds([...base, ...special], [...bySpecial, mediatorSig])).toEqual([]);

      for (const [scope, maySign] of [
        ['general', true],
        ['general', false],
        ['special', false],
      ] as const) {
        const weak = base.map((p) => agent(`ag-${p.id}`, p.id, scope, maySign));
        expect(missingIds([...base, ...weak], [...bySpecial, mediatorSig])).toEqual(
          base.map((p) => p.id),
        );
      }
    },
  );

  it('a signature binds only its own party and side', () => {
    const people = [...parties(1, 2), agent('ag', 'r1', 'special', true)];
    // An agent of r1 does not cover r2; a signature claiming the wrong side binds nobody.
    expect(
      missingIds(people, [
        { signerId: 'a1', signsFor: 'applicant' },
        { signerId: 'ag', signsFor: 'respondent' },
        { signerId: 'r2', signsFor: 'applicant' },
        mediatorSig,
      ]),
    ).toEqual(['r2']);
    // Another mediator's signature is not the case mediator's; a stranger binds nobody.
    expect(
      missingIds(people, [
        ...people.filter((p) => p.kind !== 'agent').map(own),
        { signerId: 'other-mediator', signsFor: 'mediator' },
        { signerId: 'stranger', signsFor: 'respondent' },
      ]),
    ).toEqual(['mediator']);
  });

  it('paper signing: the attested signatories plus the recording mediator cover everyone', () => {
    const people = [...parties(2, 3), agent('ag-r3', 'r3', 'special', true)];
    const attested: SignatureFact[] = [
      own(people[0]!),
      own(people[1]!),
      own(people[2]!),
      own(people[3]!),
      { signerId: 'ag-r3', signsFor: 'respondent' },
    ];
    expect(missingIds(people, [...attested, mediatorSig])).toEqual([]);
    expect(missingIds(people, [...attested.slice(0, 4), mediatorSig])).toEqual(['r3']);
  });
});
