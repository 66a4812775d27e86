/** The application page's vue-i18n instance over the client's one catalogue, and its language switch. */
import { createI18n } from 'vue-i18n';
import { codeKey, messages, type ApplyKey, type LabelTable } from '../shared/catalogue/index.js';
import { lang, onLangChange, setLang } from '../shared/i18n.js';

export const i18n = createI18n({
  legacy: false,
  locale: lang(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
});

onLangChange((next) => {
  i18n.global.locale.value = next;
  document.documentElement.lang = next;
});

export function switchLang(): void {
  setLang(i18n.global.locale.value === 'en' ? 'zh-CN' : 'en');
}

/** A message of the page's section, `{name}` filled from `named`. */
export function at(key: ApplyKey, named?: Record<string, string | number>): string {
  return named ? i18n.global.t(`apply.${key}`, named) : i18n.global.t(`apply.${key}`);
}

/** A code the server sends, as the page shows it. */
export function label(table: LabelTable, code: string): string {
  const key = `labels.${table}.${codeKey(code)}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

/** An instant as Shanghai time in the page's language (2026/12/05 16:24). */
export function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(i18n.global.locale.value === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
