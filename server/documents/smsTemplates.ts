/**
 * The SMS texts of the documents' channel (electronic service notices and signing codes), cut to
 * the SMS limits (server/channels/smsText.ts) with room for the carrier's 【signature】: a notice
 * is at most two messages, a code one. The link and the code are never cut; the name and the
 * title are, with an ellipsis. A notice carries the document's fingerprint (the first 8 hex
 * digits of its SHA-256), which the recipient's case page shows beside the full hash.
 *
 * Carriers in China check business SMS against templates registered with them, so the texts
 * are templates an operator may replace (SMS_TEMPLATE_NOTICE, SMS_TEMPLATE_CODE) with the
 * wording their carrier approved; checkTemplate refuses one that could not fit or lacks a part.
 */
import { CODE_MAX_CHARS, NOTICE_MAX_CHARS, clip, smsLength } from '../channels/smsText.js';

/** The most a 【signature】 may take: 12 characters (smsConfig.ts) and the brackets. */
export const SIGNATURE_ROOM = 14;

export const DEFAULT_NOTICE_TEMPLATE =
  '{name}：{caseNumber}号案件的《{title}》已向您电子送达，请打开 {link} 查看并签收。校验码{fingerprint}';
export const DEFAULT_CODE_TEMPLATE =
  '验证码 {code}，用于签署{caseNumber}号案件的{label}，10分钟内有效，请勿告诉他人。';
/** The code template without the case number, for when the full one would not fit. */
const SHORT_CODE_TEMPLATE = '验证码 {code}，用于签署{label}，10分钟内有效，请勿告诉他人。';

const FIELDS = {
  notice: { all: ['name', 'caseNumber', 'title', 'link', 'fingerprint'], required: ['link'] },
  code: { all: ['code', 'caseNumber', 'label'], required: ['code'] },
} as const;

/**
 * Room the fields take: a name of 10 (cut), a case number of 11 (YYYY-NNNNNN), at least 4 of the
 * title (cut), a link of 50 (PUBLIC_URL up to 37 characters and /s/ and the code), the
 * fingerprint's 8; a code's 6, a document kind's label of 9.
 */
const FIELD_ROOM = { notice: 10 + 11 + 4 + 50 + 8, code: 6 + 11 + 9 } as const;

export interface SmsTemplates {
  notice: string;
  code: string;
}

/** Why a template cannot be used, or null. */
export function checkTemplate(kind: 'notice' | 'code', template: string): string | null {
  const used = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const known: readonly string[] = FIELDS[kind].all;
  const unknown = used.filter((f) => !known.includes(f));
  if (unknown.length > 0) return `unknown placeholder {${unknown[0]}} (known: ${known.join(', ')})`;
  const missing = FIELDS[kind].required.filter((f) => !used.includes(f));
  if (missing.length > 0) return `the template needs {${missing[0]}}`;
  const fixed = smsLength(template.replace(/\{\w+\}/g, ''));
  const max = (kind === 'notice' ? NOTICE_MAX_CHARS : CODE_MAX_CHARS) - SIGNATURE_ROOM;
  if (fixed + FIELD_ROOM[kind] > max)
    return `${fixed} characters besides the placeholders: at most ${max - FIELD_ROOM[kind]} fit`;
  return null;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);
}

export function noticeSms(
  p: { name: string; caseNumber: string; title: string; link: string | null; sha256: string },
  template = DEFAULT_NOTICE_TEMPLATE,
): string {
  const values = {
    name: clip(p.name, 10),
    caseNumber: p.caseNumber,
    // Without a live invitation there is no personal link: the platform's own page.
    link: p.link ?? '在线调解平台',
    fingerprint: p.sha256.slice(0, 8),
  };
  const room =
    NOTICE_MAX_CHARS - SIGNATURE_ROOM - smsLength(fill(template, { ...values, title: '' }));
  return fill(template, { ...values, title: clip(p.title, Math.max(4, room)) });
}

export function signingCodeSms(
  p: { code: string; caseNumber: string; label: string },
  template = DEFAULT_CODE_TEMPLATE,
): string {
  const max = CODE_MAX_CHARS - SIGNATURE_ROOM;
  const full = fill(template, p);
  if (smsLength(full) <= max || template !== DEFAULT_CODE_TEMPLATE)
    return clipAfterCode(full, p.code, max);
  return clipAfterCode(fill(SHORT_CODE_TEMPLATE, p), p.code, max);
}

/** Cut to `max`, but never before the end of the code. */
function clipAfterCode(text: string, code: string, max: number): string {
  const end = text.indexOf(code) + code.length;
  return clip(text, Math.max(max, end));
}
