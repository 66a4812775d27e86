/**
 * The SMS texts of the documents' channel (electronic service notices and signing codes), cut to
 * the SMS limits (server/channels/smsText.ts) with room for the carrier's 【signature】: a notice
 * is at most two messages, a code one. The link is never cut; the name and the title are,
 * with an ellipsis. A notice carries the document's fingerprint (the first 8 hex digits of its
 * SHA-256), which the recipient's case page shows beside the full hash.
 */
import { CODE_MAX_CHARS, NOTICE_MAX_CHARS, clip, smsLength } from '../channels/smsText.js';

/** The most a 【signature】 may take: 12 characters (smsConfig.ts) and the brackets. */
export const SIGNATURE_ROOM = 14;

export function noticeSms(p: {
  name: string;
  caseNumber: string;
  title: string;
  link: string | null;
  sha256: string;
}): string {
  const name = clip(p.name, 10);
  const open = p.link ? `请打开 ${p.link} 查看并签收` : '请登录在线调解平台查看并签收';
  const text = (title: string) =>
    `${name}：${p.caseNumber}号案件的《${title}》已向您电子送达，${open}。校验码${p.sha256.slice(0, 8)}`;
  const room = NOTICE_MAX_CHARS - SIGNATURE_ROOM - smsLength(text(''));
  return text(clip(p.title, Math.max(4, room)));
}

export function signingCodeSms(p: { code: string; caseNumber: string; label: string }): string {
  const full = `验证码 ${p.code}，用于签署${p.caseNumber}号案件的${p.label}，10分钟内有效，请勿告诉他人。`;
  if (smsLength(full) <= CODE_MAX_CHARS - SIGNATURE_ROOM) return full;
  return clip(
    `验证码 ${p.code}，用于签署${p.label}，10分钟内有效，请勿告诉他人。`,
    CODE_MAX_CHARS - SIGNATURE_ROOM,
  );
}
