/**
 * Online applications' domain rules without a server: every form the contract accepts makes a
 * case registration the case schema accepts, with the right parties and the claims' total
 * (property-based, forms generated from the zod contract); the proof of work; the masking of
 * what the applicant's SMS-linked page shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodFastCheck } from 'zod-fast-check';
import { caseInput } from '../../server/applications/caseInput.js';
import type { OnlineApplication } from '../../server/applications/model.js';
import {
  ProofOfWork,
  leadingZeroBits,
  powDigest,
  solveChallenge,
} from '../../server/applications/proofOfWork.js';
import { maskIdNumber, maskPhone } from '../../server/applications/views.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import {
  applicationFormSchema,
  contactPhoneSchema,
  mobileSchema,
} from '../../signaling/http/applications.js';
import {
  creditCodeCheckChar,
  creditCodeSchema,
  residentIdCheckChar,
  residentIdSchema,
} from '../../signaling/identifiers.js';

const SECRET = 'x'.repeat(48);

const residentIds = fc
  .tuple(
    fc.constantFrom('110105', '310101', '310115', '440305', '510104'),
    fc.date({ min: new Date('1950-01-01'), max: new Date('2008-12-31'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, birth, seq]) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    return first17 + residentIdCheckChar(first17);
  });
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodes = fc
  .tuple(
    fc.constantFrom('91', '92', '93', '12', '52', 'Y1'),
    fc.constantFrom('310115', '310101', '110108'),
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 9, maxLength: 9 }),
  )
  .map(([head, region, org]) => {
    const first17 = `${head}${region}${org.join('')}`;
    return first17 + creditCodeCheckChar(first17);
  });
const mobiles = fc
  .tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([p, n]) => `${p}${String(n).padStart(9, '0')}`);

const forms = ZodFastCheck()
  .override(residentIdSchema, residentIds)
  .override(creditCodeSchema, creditCodes)
  .override(mobileSchema, mobiles)
  .override(contactPhoneSchema, fc.oneof(mobiles, fc.stringMatching(/^0\d{2,3}-\d{7,8}$/)))
  .outputOf(applicationFormSchema);

function submitted(idNumber: string, phone: string): OnlineApplication {
  return {
    id: 'a',
    organisationId: 'o',
    number: 'WS20261205-ABCDEF',
    status: 'submitted',
    applicantName: '张三',
    applicantIdNumber: idNumber,
    applicantPhone: phone,
    form: null,
    formSha256: null,
    createdAt: '2026-12-05T01:00:00.000Z',
    submittedAt: '2026-12-05T17:30:00.000Z',
    decidedAt: null,
    decidedBy: null,
    reason: null,
    caseId: null,
  };
}

describe('an accepted application as a case registration', () => {
  it('every form the contract accepts registers, with the parties by role and the claims’ total', () => {
    fc.assert(
      fc.property(forms, residentIds, mobiles, (form, idNumber, phone) => {
        const parsed = registerCaseSchema.safeParse(caseInput(submitted(idNumber, phone), form));
        expect(parsed.error?.issues ?? []).toEqual([]);
        const c = parsed.data!;
        expect(c.source).toBe('party_application');
        expect(c.sourceReference).toBe('WS20261205-ABCDEF');
        // Submitted at 01:30 on 6 December in Shanghai: received that day.
        expect(c.receivedOn).toBe('2026-12-06');
        expect(c.application.claimTypes).toEqual(form.claims.map((x) => x.type));
        const amounts = form.claims.flatMap((x) => (x.amount === null ? [] : [x.amount]));
        expect(c.application.amountClaimed).toBe(
          amounts.length ? amounts.reduce((a, b) => a + b, 0) : null,
        );
        const employer = form.applicantRole === 'worker' ? c.respondent : c.applicant;
        expect(employer).toMatchObject({
          name: form.employer.name,
          idNumber: form.employer.creditCode,
          isOrganisation: true,
        });
        if (form.applicantRole === 'worker')
          expect(c.applicant).toMatchObject({ name: '张三', idNumber, phone });
        else {
          expect(c.applicant.phone).toBe(phone);
          expect(c.respondent).toMatchObject({ name: form.worker!.name, isOrganisation: false });
        }
      }),
      { seed: 20_261_205, numRuns: 300 },
    );
  });
});

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.from([0x80]))).toBe(0);
    expect(leadingZeroBits(Uint8Array.from([0x01, 0xff]))).toBe(7);
    expect(leadingZeroBits(Uint8Array.from([0x00, 0x10]))).toBe(11);
    expect(leadingZeroBits(Uint8Array.from([0x00, 0x00]))).toBe(16);
  });

  it('accepts a solution, refuses an unsolved, forged or easier one', () => {
    const pow = new ProofOfWork(SECRET, 10);
    const { challenge, bits } = pow.challenge();
    expect(bits).toBe(10);
    const nonce = solveChallenge(challenge, bits);
    expect(leadingZeroBits(powDigest(challenge, nonce))).toBeGreaterThanOrEqual(10);
    expect(pow.check({ challenge, nonce })).toMatch(/^[0-9a-f-]{36}$/);

    let wrong = 0;
    while (leadingZeroBits(powDigest(challenge, `w${wrong}`)) >= 10) wrong += 1;
    expect(() => pow.check({ challenge, nonce: `w${wrong}` })).toThrow(
      expect.objectContaining({ reason: 'APPLICATION_CHALLENGE_INVALID' }),
    );
    expect(() => pow.check({ challenge: `${challenge}x`, nonce })).toThrow(
      expect.objectContaining({ reason: 'APPLICATION_CHALLENGE_INVALID' }),
    );
    // A challenge of another service's secret, or of a lower difficulty, is not honoured.
    const other = new ProofOfWork('y'.repeat(48), 10).challenge().challenge;
    expect(() => pow.check({ challenge: other, nonce: solveChallenge(other, 10) })).toThrow();
    const easy = new ProofOfWork(SECRET, 2).challenge().challenge;
    expect(() => pow.check({ challenge: easy, nonce: solveChallenge(easy, 2) })).toThrow(
      expect.objectContaining({ reason: 'APPLICATION_CHALLENGE_INVALID' }),
    );
  });
});

describe('what the applicant’s page shows', () => {
  it('masks the ID number and the mobile', () => {
    expect(maskIdNumber('310101199001011234')).toBe('310101********1234');
    expect(maskPhone('13912345678')).toBe('139****5678');
  });
});
