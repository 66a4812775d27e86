/**
 * Failures as the reader sees them: the server's reason codes (signaling/reasons.ts)
 * rendered in the reader's language from the catalogue's failures (catalogue/reasons.ts).
 * Kept apart from ./i18n.ts so that the table loads with the parts that show failures,
 * not with the first screen.
 */
import { ERROR_CODE_TEXT, LIST_ITEM_TEXT, REASON_TEXT } from './catalogue/reasons.js';
import type { Labels } from './catalogue/types.js';
import { lang } from './i18n.js';

export { ERROR_CODE_TEXT, LIST_ITEM_TEXT, REASON_TEXT };

/** A failure as the server sent it: its code, and its reason with parameters where it has one. */
export interface ErrorLike {
  code: string;
  reason?: string | undefined;
  params?: Record<string, string | number | readonly string[]> | undefined;
  message?: string | undefined;
}

/**
 * Fills `{name}` from the parameters; a placeholder without a value stays as
 * it is. A list renders each item from LIST_ITEM_TEXT (an unknown item as it
 * came) and joins them: 、 in Chinese, ", " in English.
 */
export function fillParams(
  text: string,
  params: ErrorLike['params'],
  side: 0 | 1 = lang() === 'en' ? 1 : 0,
): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) return whole;
    if (typeof value !== 'object') return String(value);
    const items = LIST_ITEM_TEXT[name];
    return value.map((item) => items?.[item]?.[side] ?? item).join(side === 0 ? '、' : ', ');
  });
}

/**
 * A bilingual sentence `中文 / English` of a failure that carries no reason yet,
 * in the reader's language; undefined for a sentence of one language.
 */
function bilingual(message: string | undefined): string | undefined {
  const at = message?.indexOf(' / ') ?? -1;
  if (!message || at < 0 || !/[\u4e00-\u9fff]/.test(message)) return undefined;
  return lang() === 'en' ? message.slice(at + 3) : message.slice(0, at);
}

/**
 * A failure in the reader's language: its reason from the catalogue; else,
 * for the server's sentences not yet turned into reasons, the reader's half of
 * the bilingual sentence; else the generic text of its code; else the words.
 */
export function errorText(error: ErrorLike): string {
  const side = lang() === 'en' ? 1 : 0;
  const byReason = error.reason
    ? (REASON_TEXT as Record<string, Labels<string>[string] | undefined>)[error.reason]
    : undefined;
  if (byReason) return fillParams(byReason[side], error.params, side);
  const legacy = bilingual(error.message);
  if (legacy) return legacy;
  const byCode = (ERROR_CODE_TEXT as Record<string, Labels<string>[string] | undefined>)[
    error.code
  ];
  if (byCode) return byCode[side];
  return error.message ?? error.code;
}
