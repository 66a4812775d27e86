/**
 * The console's vue-i18n instance over the client's one catalogue (../shared/catalogue/), and
 * the language switch. The language is the one the call page keeps (../shared/i18n.ts, in
 * localStorage): switching here switches both, and a switch made elsewhere reaches here.
 */
import { createI18n } from 'vue-i18n';
import {
  codeKey,
  messages,
  type ConsoleKey,
  type DocKey,
  type LabelTable,
} from '../shared/catalogue/index.js';
import { lang, onLangChange, setLang, type Lang } from '../shared/i18n.js';

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

onLangChange((next) => {
  i18n.global.locale.value = next;
});

/** The language shown; reactive in components. */
export function consoleLang(): Lang {
  return i18n.global.locale.value;
}

export function switchLang(): void {
  setLang(consoleLang() === 'en' ? 'zh-CN' : 'en');
}

/** A message of the console's section, `{name}` filled from `named`. */
export function ct(key: ConsoleKey, named?: Record<string, string | number>): string {
  return named ? i18n.global.t(`console.${key}`, named) : i18n.global.t(`console.${key}`);
}

/** A message of the documents section. */
export function dct(key: DocKey, named?: Record<string, string | number>): string {
  return named ? i18n.global.t(`doc.${key}`, named) : i18n.global.t(`doc.${key}`);
}

/** A code the server sends, as the console shows it; an unknown code as it came. */
export function tl(table: LabelTable, code: string): string {
  const key = `labels.${table}.${codeKey(code)}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}
