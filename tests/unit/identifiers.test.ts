import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_MESSAGES,
  RESIDENT_ID_MESSAGES,
  creditCodeCheckChar,
  creditCodeProblem,
  creditCodeSchema,
  normaliseCreditCode,
  normaliseResidentId,
  residentIdBirthDate,
  residentIdCheckChar,
  residentIdProblem,
  residentIdSchema,
} from '../../signaling/identifiers.js';

const TODAY = '2025-06-30';

/** An ID number with the given region (6 digits), birth date (YYYYMMDD) and sequence, and its check char. */
function residentId(region: string, birth: string, sequence = '001'): string {
  const body = `${region}${birth}${sequence}`;
  return body + residentIdCheckChar(body);
}

const PROVINCES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
  53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
].map(String);

const DAY = 86_400_000;
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Region, birth date (1900-01-01 to TODAY) and sequence of a valid ID number. */
const validResidentId = fc
  .record({
    province: fc.constantFrom(...PROVINCES),
    county: digits(4),
    day: fc.integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.parse(TODAY) / DAY }),
    sequence: digits(3),
  })
  .map(({ province, county, day, sequence }) => {
    const birth = new Date(day * DAY).toISOString().slice(0, 10);
    return { id: residentId(province + county, birth.replaceAll('-', ''), sequence), birth };
  });

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const AUTHORITIES = '123456789ANY';
/** The characters GB 32100 allows at each of the 18 positions. */
const ALLOWED_AT = [AUTHORITIES, ALPHABET, ...Array<string>(6).fill('0123456789')].concat(
  Array<string>(10).fill(ALPHABET),
);

const validCreditCode = fc
  .tuple(...ALLOWED_AT.slice(0, 17).map((chars) => fc.constantFrom(...chars)))
  .map((chars) => {
    const body = chars.join('');
    return body + creditCodeCheckChar(body);
  });

describe('resident identity card number (GB 11643-1999)', () => {
  it('accepts valid numbers, a final x in either case', () => {
    for (const id of ['310101199001011234', '310115198503151230', '11010519491231002X']) {
      expect(residentIdProblem(id, TODAY)).toBeNull();
    }
    expect(residentIdProblem(' 11010519491231002x ', TODAY)).toBeNull();
    expect(normaliseResidentId(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
  });

  it('names the problem of a malformed number', () => {
    expect(residentIdProblem('31010119900101123', TODAY)).toBe('format');
    expect(residentIdProblem('3101011990010112345', TODAY)).toBe('format');
    expect(residentIdProblem('31010119900101123A', TODAY)).toBe('format');
    expect(residentIdProblem('3101011990010112X4', TODAY)).toBe('format');
    expect(residentIdProblem('', TODAY)).toBe('format');
    expect(residentIdProblem(residentId('000105', '19900101'), TODAY)).toBe('region');
    expect(residentIdProblem(residentId('200105', '19900101'), TODAY)).toBe('region');
    expect(residentIdProblem('310101199001011235', TODAY)).toBe('checksum');
  });

  it('requires a real birth date from 1900-01-01 up to today', () => {
    expect(residentIdProblem(residentId('110105', '19000229'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '20000229'), TODAY)).toBeNull();
    expect(residentIdProblem(residentId('110105', '19900431'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '19901301'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '19900100'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '18991231'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '19000101'), TODAY)).toBeNull();
    expect(residentIdProblem(residentId('110105', '20250630'), TODAY)).toBeNull();
    expect(residentIdProblem(residentId('110105', '20250701'), TODAY)).toBe('birth_date');
    expect(residentIdProblem(residentId('110105', '20250701'), '2025-07-01')).toBeNull();
    // By default, today in Shanghai.
    expect(residentIdProblem('310101199001011234')).toBeNull();
    expect(residentIdProblem(residentId('110105', '29990101'))).toBe('birth_date');
  });

  it('refuses to compute a check char of anything but 17 digits', () => {
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => residentIdCheckChar('1101051949123100X')).toThrow(RangeError);
  });

  it('accepts every generated valid number and reads its birth date back', () => {
    fc.assert(
      fc.property(validResidentId, ({ id, birth }) => {
        expect(residentIdProblem(id, TODAY)).toBeNull();
        expect(residentIdBirthDate(id)).toBe(birth);
      }),
      { seed: 11_643, numRuns: 500 },
    );
  });

  it('rejects any single character changed to another digit', () => {
    fc.assert(
      fc.property(
        validResidentId,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 9 }),
        ({ id }, position, shift) => {
          const old = id[position]!;
          const digit = old === 'X' ? String(shift) : String((Number(old) + shift) % 10);
          const changed = id.slice(0, position) + digit + id.slice(position + 1);
          const problem = residentIdProblem(changed, TODAY);
          expect(problem).not.toBeNull();
          // The sequence and the check char carry no other rule.
          if (position >= 14) expect(problem).toBe('checksum');
        },
      ),
      { seed: 1_999, numRuns: 500 },
    );
  });

  it('rejects any swap of two adjacent different digits of the body', () => {
    fc.assert(
      fc.property(
        validResidentId.chain(({ id }) =>
          fc.tuple(
            fc.constant(id),
            fc.constantFrom(...[...Array(16).keys()].filter((i) => id[i] !== id[i + 1])),
          ),
        ),
        ([id, i]) => {
          const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
          // MOD 11-2: the weights of neighbours differ, and 11 is prime.
          expect(residentIdCheckChar(swapped.slice(0, 17))).not.toBe(id[17]);
          expect(residentIdProblem(swapped, TODAY)).not.toBeNull();
        },
      ),
      { seed: 7_064, numRuns: 500 },
    );
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts valid codes, in either case', () => {
    const shanghai = '91310000MA1FL0000';
    expect(creditCodeProblem(shanghai + creditCodeCheckChar(shanghai))).toBeNull();
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeProblem(' 91350100m000100y43 ')).toBeNull();
    expect(normaliseCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });

  it('names the problem of a malformed code', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('format');
    expect(creditCodeProblem('91350100M000100Y433')).toBe('format');
    expect(creditCodeProblem('91350100M000100I43')).toBe('format'); // no I, O, S, V, Z
    expect(creditCodeProblem('01350100M000100Y43')).toBe('format'); // no authority 0
    expect(creditCodeProblem('9135A100M000100Y43')).toBe('format'); // division is digits
    expect(creditCodeProblem('91350100M000100Y44')).toBe('checksum');
    expect(() => creditCodeCheckChar('91350100M000100Y')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('91350100M000100O4')).toThrow(RangeError);
  });

  it('rejects any single character replaced by another of the alphabet', () => {
    fc.assert(
      fc.property(
        validCreditCode,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 30 }),
        (code, position, shift) => {
          const char = ALPHABET[(ALPHABET.indexOf(code[position]!) + shift) % 31]!;
          const changed = code.slice(0, position) + char + code.slice(position + 1);
          // A character the position allows fails the check; any other, the format.
          const expected = ALLOWED_AT[position]!.includes(char) ? 'checksum' : 'format';
          expect(creditCodeProblem(changed)).toBe(expected);
        },
      ),
      { seed: 32_100, numRuns: 500 },
    );
  });
});

describe('zod schemas and messages', () => {
  it('normalise what they accept', () => {
    expect(residentIdSchema.parse(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(creditCodeSchema.parse('91350100m000100y43')).toBe('91350100M000100Y43');
  });

  it('refuse with the bilingual message of the problem', () => {
    const id = residentIdSchema.safeParse('310101199001011235');
    expect(id.success).toBe(false);
    expect(id.error?.issues[0]?.message).toBe(RESIDENT_ID_MESSAGES.checksum);
    expect(id.error?.issues[0]?.message).toContain('身份证号码校验位不正确');
    const code = creditCodeSchema.safeParse('91350100M000100Y44');
    expect(code.success).toBe(false);
    expect(code.error?.issues[0]?.message).toContain('统一社会信用代码校验位不正确');
    expect(creditCodeSchema.safeParse('9135').error?.issues[0]?.message).toBe(
      CREDIT_CODE_MESSAGES.format,
    );
  });

  it('put Chinese first and English second', () => {
    for (const message of [
      ...Object.values(RESIDENT_ID_MESSAGES),
      ...Object.values(CREDIT_CODE_MESSAGES),
    ]) {
      expect(message).toMatch(/^[\u4e00-\u9fff][^/]* \/ [A-Z][^\u4e00-\u9fff]*$/);
    }
  });
});
