/**
 * The page's language and its call-section texts (catalogue/call.ts), without Vue or the
 * vue-i18n runtime: the call page's first screen draws with these before anything else loads.
 * Vue parts read the same catalogue (catalogue/index.ts through vue-i18n in the console,
 * ./reactiveText.ts on the call page) and follow `setLang` through `onLangChange`.
 */
import {
  DEADLINE_LABELS,
  DEADLINE_STATUS,
  callEn,
  callZh,
  type CallKey,
  type DeadlineKindKey,
  type DeadlineStatus,
} from './catalogue/call.js';
import type { Labels, Lang } from './catalogue/types.js';

export type { Labels, Lang, DeadlineKindKey };
/** A key of the catalogue's call section. */
export type MessageKey = CallKey;

let current: Lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh-CN';
const listeners = new Set<(next: Lang) => void>();

export function lang(): Lang {
  return current;
}

/** Shows the site in `next`, kept across reloads and told to every part that listens. */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('lang', next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

/** Calls `listener` with each new language; returns the function that stops it. */
export function onLangChange(listener: (next: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key: MessageKey): string {
  return current === 'en' ? callEn[key] : callZh[key];
}

export function deadlineLabel(kind: DeadlineKindKey): string {
  return DEADLINE_LABELS[kind][current === 'en' ? 1 : 0];
}

export function deadlineStatusLabel(status: DeadlineStatus): string {
  return DEADLINE_STATUS[status][current === 'en' ? 1 : 0];
}

export function label<K extends string>(labels: Labels<K>, key: K): string {
  const pair = labels[key] as Labels<K>[K] | undefined;
  return pair ? pair[current === 'en' ? 1 : 0] : key;
}

/** The colon between a label and its value, as each language writes it. */
export function colon(): string {
  return current === 'en' ? ': ' : '：';
}
