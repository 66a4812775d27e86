/**
 * The catalogue's call section for the call page's Vue parts, reactive to the language: a
 * component that reads a text here renders again when `setLang` switches the language. The
 * call page reads the catalogue without the vue-i18n runtime (its join path carries no more
 * than it needs); the console reads it through vue-i18n (../console/i18n.ts).
 */
import { ref } from 'vue';
import { callEn, callZh } from './catalogue/call.js';
import { colon, lang, onLangChange, t, type Lang, type MessageKey } from './i18n.js';

/** The language shown; reactive. */
export const shownLang = ref<Lang>(lang());
onLangChange((next) => {
  shownLang.value = next;
});

/** A message of the call section, in the language shown; reactive in components. */
export function rt(key: MessageKey): string {
  void shownLang.value;
  return t(key);
}

/** The colon between a label and its value; reactive in components. */
export function rcolon(): string {
  void shownLang.value;
  return colon();
}

/** `read()` in the language shown: any text function of the page, made reactive. */
export function reactively<T>(read: () => T): T {
  void shownLang.value;
  return read();
}

/**
 * A message of the call section in both languages, `{name}` filled from `named`: for the
 * notices that hold both (the page's CSS shows the one of its language).
 */
export function bothCall(
  key: MessageKey,
  named: Record<string, string> = {},
): { zh: string; en: string } {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (whole, n: string) => named[n] ?? whole);
  return { zh: fill(callZh[key]), en: fill(callEn[key]) };
}
