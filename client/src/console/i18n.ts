/**
 * The console's vue-i18n instance over its one catalogue (messages.ts), and the language switch.
 * The language is the one the call page keeps (../i18n.ts, in localStorage): switching here
 * switches both, so the shared DOM parts (documents/, which read `lang()`) follow too.
 */
import { createI18n } from 'vue-i18n';
import { lang, setLang, type Lang } from '../shared/i18n.js';
import type { DocKey } from '../shared/documents/strings.js';
import { codeKey, messages, type ConsoleKey, type LabelTable } from './messages.js';

export type { ConsoleKey, LabelTable };

export const i18n = createI18n({
  legacy: false,
  locale: lang(),
  fallbackLocale: 'zh-CN',
  messages,
  // A code the tables do not know is shown as it came (tl below), not warned about.
  missingWarn: false,
  fallbackWarn: false,
});

/** The language shown; reactive in components. */
export function consoleLang(): Lang {
  return i18n.global.locale.value;
}

export function switchLang(): void {
  const next: Lang = consoleLang() === 'en' ? 'zh-CN' : 'en';
  setLang(next);
  i18n.global.locale.value = next;
}

/** A message of the console's catalogue in the language shown, `{name}` filled from `named`. */
export function ct(key: ConsoleKey, named?: Record<string, string | number>): string {
  return named ? i18n.global.t(key, named) : i18n.global.t(key);
}

/** A message of the documents table (documents/strings.ts, in the catalogue under `doc`). */
export function dct(key: DocKey, named?: Record<string, string | number>): string {
  return named ? i18n.global.t(`doc.${key}`, named) : i18n.global.t(`doc.${key}`);
}

/** A code the server sends, as the console shows it; an unknown code as it came. */
export function tl(table: LabelTable, code: string): string {
  const key = `labels.${table}.${codeKey(code)}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}
