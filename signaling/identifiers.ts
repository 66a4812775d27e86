/**
 * Checks of the two national identifiers a mediation case records for its
 * parties: the resident identity card number of a person (居民身份证号码,
 * GB 11643-1999 《公民身份号码》) and the unified social credit code of an
 * employer or other organisation (统一社会信用代码, GB 32100-2015
 * 《法人和其他组织统一社会信用代码编码规则》).
 *
 * Shared by the client (to tell the user at once what is wrong with what they
 * typed) and the server (to refuse it): no Node imports, no Intl. Each check
 * names the first problem it finds as a stable code, and the bilingual
 * messages (Simplified Chinese / English) render that code. The checks catch
 * typing mistakes — every single wrong character, and for ID numbers every
 * swap of two adjacent digits — not forgeries: a well-formed number may still
 * belong to nobody.
 */
import { z } from 'zod';

// ── resident identity card number (GB 11643-1999) ──────────────────────────

export type ResidentIdProblem = 'format' | 'region' | 'birth_date' | 'checksum';

export const RESIDENT_ID_MESSAGES: Record<ResidentIdProblem, string> = {
  format:
    '身份证号码应为18位，前17位为数字，末位为数字或X / The ID number must be 18 characters: 17 digits, then a digit or X',
  region: '身份证号码的地区代码无效 / The region code in the ID number is not valid',
  birth_date: '身份证号码中的出生日期无效 / The birth date in the ID number is not a real date',
  checksum: "身份证号码校验位不正确 / The ID number's check digit is wrong",
};

const RESIDENT_ID_FORMAT = /^\d{17}[\dX]$/;

/** ISO 7064 MOD 11-2 weights of the 17 body digits (2^(18−i) mod 11). */
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/**
 * Province-level codes (GB/T 2260), the first two digits: 11–15 North,
 * 21–23 North-east, 31–37 East, 41–46 Centre-South, 50–54 South-west,
 * 61–65 North-west, 71 Taiwan, 81/82 Hong Kong/Macao, 83 Taiwan residents'
 * permits, 91 foreign permanent residents.
 */
const PROVINCE_CODE = /^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3]|91)$/;

/** The earliest birth date accepted. */
const EARLIEST_BIRTH_DATE = '1900-01-01';

/** Trimmed and upper-cased, so a final lowercase x reads as X. */
export function normaliseResidentId(value: string): string {
  return value.trim().toUpperCase();
}

/** The check character (digit or X) of the 17 body digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK_CHARS[sum % 11]!;
}

/** The birth date (YYYY-MM-DD) written in an ID number; not checked to be a real date. */
export function residentIdBirthDate(id: string): string {
  const normalised = normaliseResidentId(id);
  if (!RESIDENT_ID_FORMAT.test(normalised)) throw new RangeError('not an 18-character ID number');
  return `${normalised.slice(6, 10)}-${normalised.slice(10, 12)}-${normalised.slice(12, 14)}`;
}

/**
 * The first problem of an ID number — format, region, birth date, then check
 * digit — or null if it has none. The birth date must be a calendar date from
 * 1900-01-01 up to `today` (YYYY-MM-DD, the date in Shanghai; by default the
 * current one).
 */
export function residentIdProblem(
  value: string,
  today: string = shanghaiToday(),
): ResidentIdProblem | null {
  const id = normaliseResidentId(value);
  if (!RESIDENT_ID_FORMAT.test(id)) return 'format';
  if (!PROVINCE_CODE.test(id.slice(0, 2))) return 'region';
  const birth = residentIdBirthDate(id);
  if (!isCalendarDate(birth) || birth < EARLIEST_BIRTH_DATE || birth > today) return 'birth_date';
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return 'checksum';
  return null;
}

/** The calendar date in Asia/Shanghai (UTC+8, no daylight saving since 1991) of an instant. */
function shanghaiToday(now: number = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

// ── unified social credit code (GB 32100-2015) ─────────────────────────────

export type CreditCodeProblem = 'format' | 'checksum';

export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, string> = {
  format:
    '统一社会信用代码应为18位数字或字母（不含I、O、S、V、Z） / The unified social credit code must be 18 digits or letters (not I, O, S, V or Z)',
  checksum:
    "统一社会信用代码校验位不正确 / The unified social credit code's check character is wrong",
};

/** The 31 characters of the code, in the order of their values 0–30. */
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of the 17 body characters (3^(i−1) mod 31). */
const CREDIT_CODE_WEIGHTS = [
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
] as const;

/**
 * 1: registration authority (1 机构编制, 5 民政, 9 工商, Y 其他, …);
 * 2: organisation type; 3–8: administrative division (GB/T 2260);
 * 9–17: organisation code (GB 11714); 18: check character.
 */
const CREDIT_CODE_FORMAT =
  /^[1-9ANY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]$/;

/** Trimmed and upper-cased. */
export function normaliseCreditCode(value: string): string {
  return value.trim().toUpperCase();
}

/** The check character of the 17 body characters. */
export function creditCodeCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) {
    throw new RangeError('expected 17 characters of the credit code alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The first problem of a credit code — format, then check character — or null if it has none. */
export function creditCodeProblem(value: string): CreditCodeProblem | null {
  const code = normaliseCreditCode(value);
  if (!CREDIT_CODE_FORMAT.test(code)) return 'format';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'checksum';
  return null;
}

// ── zod schemas: normalise, then refuse with the bilingual message ─────────

/** An ID number, normalised; the birth date is checked against today in Shanghai. */
export const residentIdSchema = z
  .string()
  .transform(normaliseResidentId)
  .superRefine((id, ctx) => {
    const problem = residentIdProblem(id);
    if (problem) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: RESIDENT_ID_MESSAGES[problem],
        params: { problem },
      });
    }
  });

/** A unified social credit code, normalised. */
export const creditCodeSchema = z
  .string()
  .transform(normaliseCreditCode)
  .superRefine((code, ctx) => {
    const problem = creditCodeProblem(code);
    if (problem) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: CREDIT_CODE_MESSAGES[problem],
        params: { problem },
      });
    }
  });
