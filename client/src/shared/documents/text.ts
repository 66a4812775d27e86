/**
 * The document parts' texts for their Vue components: documents/strings.ts in
 * the language the page shows. The page switches language through `setLang`
 * (shared/i18n.ts), which sets `<html lang>`; `docLang` follows that
 * attribute, and every text read here depends on it, so components re-render
 * on a switch (the join page's and the console's switch alike).
 */
import { ref } from 'vue';
import { localText } from '../../call/strings.js';
import { colon, lang, type Lang } from '../i18n.js';
import type { DeliveryStatus, DocumentKind, ServiceChannel, SignsFor } from './model.js';
import {
  channelLabel,
  dt,
  kindLabel,
  signsForLabel,
  statusLabel,
  when,
  type DocKey,
} from './strings.js';

export const docLang = ref<Lang>(lang());

if (typeof MutationObserver !== 'undefined' && typeof document !== 'undefined')
  new MutationObserver(() => {
    docLang.value = lang();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });

/** A message of the documents table; reactive in components. */
export function vdt(key: DocKey, vars?: Record<string, string | number>): string {
  void docLang.value;
  return dt(key, vars);
}

export function vkind(kind: DocumentKind): string {
  void docLang.value;
  return kindLabel(kind);
}

export function vstatus(status: DeliveryStatus): string {
  void docLang.value;
  return statusLabel(status);
}

export function vchannel(channel: ServiceChannel | null): string {
  void docLang.value;
  return channelLabel(channel);
}

export function vsignsFor(side: SignsFor): string {
  void docLang.value;
  return signsForLabel(side);
}

export function vwhen(iso: string | null | undefined): string {
  void docLang.value;
  return when(iso);
}

export function vcolon(): string {
  void docLang.value;
  return colon();
}

/** A message written "中文 / English", in the page's language; reactive in components. */
export function vlocal(message: string): string {
  void docLang.value;
  return localText(message);
}

/** One of a [Chinese, English] pair, in the page's language; reactive in components. */
export function vpick(pair: readonly [zh: string, en: string]): string {
  return pair[docLang.value === 'en' ? 1 : 0];
}
