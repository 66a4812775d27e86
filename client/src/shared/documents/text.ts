/**
 * The document parts' texts for their Vue components: the catalogue's documents section
 * (through ./strings.ts) in the language shown, reactive in components
 * (../reactiveText.ts follows every `setLang`, on the join page and in the console alike).
 */
import { localText } from '../../call/strings.js';
import { docEn, docZh } from '../catalogue/documents.js';
import type { Pair } from '../catalogue/types.js';
import { colon } from '../i18n.js';
import { reactively, shownLang } from '../reactiveText.js';
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

/** The language shown; reactive. */
export const docLang = shownLang;

/** A message of the documents section; reactive in components. */
export function vdt(key: DocKey, vars?: Record<string, string | number>): string {
  return reactively(() => dt(key, vars));
}

export function vkind(kind: DocumentKind): string {
  return reactively(() => kindLabel(kind));
}

export function vstatus(status: DeliveryStatus): string {
  return reactively(() => statusLabel(status));
}

export function vchannel(channel: ServiceChannel | null): string {
  return reactively(() => channelLabel(channel));
}

export function vsignsFor(side: SignsFor): string {
  return reactively(() => signsForLabel(side));
}

export function vwhen(iso: string | null | undefined): string {
  return reactively(() => when(iso));
}

export function vcolon(): string {
  return reactively(colon);
}

/** A message written "中文 / English", in the page's language; reactive in components. */
export function vlocal(message: string): string {
  return reactively(() => localText(message));
}

/** One of a [Chinese, English] pair, in the page's language; reactive in components. */
export function vpick(pair: Pair): string {
  return pair[shownLang.value === 'en' ? 1 : 0];
}

/**
 * A message of the documents section in both languages, for the legal notices that hold both
 * (the page's CSS shows the one of its language; BilingualText takes the pair).
 */
export function both(key: DocKey): { zh: string; en: string } {
  return { zh: docZh[key], en: docEn[key] };
}
