/**
 * 移送材料预览 on the join page: before the case goes to a court (judicial
 * confirmation) or an arbitration commission (arbitration review), a party
 * sees exactly what the bundle would carry — each file with its title,
 * size and SHA-256, what is withheld and why (agreement drafts, caucus
 * material without both sides' agreement), and the statement on
 * concessions. The server computes it with the bundle's own layout; a kind
 * whose application is not ready yet is simply not shown.
 *
 * Chinese first, English second, whatever the page's language: it is what
 * the party relies on before the referral.
 */
import { el } from '../dom.js';
import { formatSize } from '../format.js';
import { DocumentApiError, type DocumentsApi } from './api.js';
import type { ReferralPreviewView } from './model.js';

const KINDS = ['judicial_confirmation', 'arbitration_review'] as const;

const TEXT = {
  titleZh: '移送材料预览',
  titleEn: 'What will be sent',
  introZh:
    '调解组织移送司法确认或仲裁审查申请时，将发送以下材料。送达凭证和案件签名引用在发送时生成，其余文件的 SHA-256 与发送的文件完全一致。',
  introEn:
    'When the organisation refers a joint application, these files are sent. Service certificates and the signed case reference are made at sending; every other file is sent with exactly the SHA-256 shown.',
  judicial_confirmation: { zh: '司法确认（人民法院）', en: 'Judicial confirmation (court)' },
  arbitration_review: {
    zh: '仲裁审查（劳动人事争议仲裁委员会）',
    en: 'Arbitration review (arbitration commission)',
  },
  madeAtSending: '发送时生成 / made when sent',
  withheldZh: '不发送的材料',
  withheldEn: 'Withheld',
  concessionsZh: '关于妥协事实的声明',
  concessionsEn: 'Statement on concessions',
} as const;

function both(tag: 'h3' | 'h4' | 'p', zh: string, en: string, attrs = {}): HTMLElement {
  const node = el(tag, attrs);
  node.append(
    el('span', { lang: 'zh-CN', class: 'zh' }, zh),
    ' ',
    el('span', { lang: 'en', class: 'en' }, en),
  );
  return node;
}

export class ReferralPreviewCard {
  readonly element: HTMLElement;
  readonly #api: DocumentsApi;
  readonly #body = el('div', { class: 'referral-preview-body' });

  constructor(api: DocumentsApi) {
    this.#api = api;
    this.element = el('section', {
      class: 'card doc-referral-preview',
      hidden: '',
      'data-testid': 'referral-preview',
      'aria-labelledby': 'referral-preview-title',
    });
    this.element.append(
      both('h3', TEXT.titleZh, TEXT.titleEn, { id: 'referral-preview-title' }),
      both('p', TEXT.introZh, TEXT.introEn, { class: 'small' }),
      this.#body,
    );
  }

  async load(): Promise<void> {
    const shown: HTMLElement[] = [];
    for (const kind of KINDS) {
      try {
        shown.push(this.#kind(await this.#api.referralPreview(kind)));
      } catch (error) {
        // Not ready (no effective agreement, application not issued): nothing to preview yet.
        if (error instanceof DocumentApiError && error.status === 409) continue;
        shown.push(el('p', { class: 'error', role: 'alert' }, (error as Error).message));
      }
    }
    this.#body.replaceChildren(...shown);
    this.element.hidden = shown.length === 0;
  }

  #kind(p: ReferralPreviewView): HTMLElement {
    const section = el('section', {
      class: 'referral-preview-kind',
      'data-testid': 'referral-preview-kind',
      'data-kind': p.kind,
    });
    section.append(both('h4', TEXT[p.kind].zh, TEXT[p.kind].en));
    const files = el('ol', { class: 'referral-preview-files' });
    for (const f of p.files) {
      const li = el('li', {
        'data-testid': 'referral-preview-file',
        'data-path': f.path,
        'data-sha256': f.sha256 ?? '',
      });
      li.append(
        el('strong', {}, f.title),
        ' ',
        el(
          'span',
          { class: 'muted small' },
          f.size === null ? TEXT.madeAtSending : formatSize(f.size),
        ),
      );
      if (f.sha256) li.append(el('br'), el('code', { class: 'small hash' }, `SHA-256 ${f.sha256}`));
      files.append(li);
    }
    section.append(files);
    if (p.excluded.length > 0) {
      section.append(both('h4', TEXT.withheldZh, TEXT.withheldEn));
      const withheld = el('ul', { class: 'referral-preview-withheld' });
      for (const x of p.excluded)
        withheld.append(
          el('li', { 'data-testid': 'referral-preview-withheld', 'data-id': x.id }, x.reason),
        );
      section.append(withheld);
    }
    section.append(
      both('h4', TEXT.concessionsZh, TEXT.concessionsEn),
      el('p', { class: 'small', 'data-testid': 'referral-preview-concessions' }, p.concessions),
    );
    return section;
  }
}
