/**
 * The documents section of the catalogue (../catalogue/documents.ts) in the language the rest
 * of the page uses (`lang()` of ../i18n.ts), for the party page's documents parts; the console
 * reads the same section through vue-i18n (`dct`).
 */
import {
  CHANNELS,
  KIND_LABELS,
  STATUS,
  docEn,
  docZh,
  type DocKey,
} from '../catalogue/documents.js';
import type { Pair } from '../catalogue/types.js';
import { lang } from '../i18n.js';
import type { DeliveryStatus, DocumentKind, ServiceChannel, SignsFor } from './model.js';

export type { DocKey };

export function dt(key: DocKey, vars: Record<string, string | number> = {}): string {
  let text: string = lang() === 'en' ? docEn[key] : docZh[key];
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, String(v));
  return text;
}

const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

export function statusLabel(status: DeliveryStatus): string {
  return pick(STATUS[status] ?? [status, status]);
}

export function kindLabel(kind: DocumentKind): string {
  return pick(KIND_LABELS[kind] ?? [kind, kind]);
}

export function channelLabel(channel: ServiceChannel | null): string {
  return channel ? pick(CHANNELS[channel] ?? [channel, channel]) : dt('none');
}

export function signsForLabel(side: SignsFor): string {
  return dt(
    side === 'applicant'
      ? 'signsForApplicant'
      : side === 'respondent'
        ? 'signsForRespondent'
        : 'signsForMediator',
  );
}

/** Shanghai time, as the certificates print it (`2026年03月02日 14:05:09`) or in English. */
export function when(iso: string | null | undefined): string {
  if (!iso) return dt('none');
  return new Date(iso).toLocaleString(lang(), {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}
