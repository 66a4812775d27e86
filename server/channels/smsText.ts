/**
 * SMS length rules. Chinese texts go as UCS-2 (data_coding 8): 70 characters in one message,
 * 67 per part when the handset joins several (the rest of each part is the concatenation
 * header). Carriers in China also require the sender's signature 【…】 at the start, which counts.
 * Every template is cut to fit (templates.test / sms-text.test check the limits with generated
 * titles and names).
 */

export const SINGLE_UCS2 = 70;
export const PART_UCS2 = 67;
/** A notice is at most two parts; a code message one. */
export const NOTICE_MAX_CHARS = 2 * PART_UCS2;
export const CODE_MAX_CHARS = SINGLE_UCS2;

/** UTF-16 code units: what UCS-2 counts (a character outside the BMP takes two). */
export function smsLength(text: string): number {
  return text.length;
}

/** How many messages the text costs. */
export function smsParts(text: string): number {
  const n = smsLength(text);
  return n <= SINGLE_UCS2 ? 1 : Math.ceil(n / PART_UCS2);
}

/** UCS-2 big-endian, as SMPP carries data_coding 8. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** Back from UCS-2 big-endian (a receipt's or the loopback SMSC's view of a message). */
export function fromUcs2(bytes: Buffer): string {
  const even = bytes.length - (bytes.length % 2);
  return Buffer.from(bytes.subarray(0, even)).swap16().toString('utf16le');
}

/**
 * `text` shortened with an ellipsis to at most `max` code units, never splitting a surrogate
 * pair.
 */
export function clip(text: string, max: number): string {
  if (smsLength(text) <= max) return text;
  let cut = Math.max(0, max - 1);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** The signature carriers in China require at the start of a business SMS. */
export function signed(signature: string, body: string): string {
  return `【${signature}】${body}`;
}
