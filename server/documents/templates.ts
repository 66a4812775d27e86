/**
 * The documents' contents (DOMAIN.md "Documents the service generates"), as
 * pure functions from case data and the issuer's input to a layout the PDF
 * renderer draws. Chinese only: these are the legal texts.
 *
 * ID numbers: one document has one PDF and one hash for every recipient, so
 * masking cannot differ per reader. The agreement and the joint applications
 * carry both parties' full ID numbers (a court or arbitration commission
 * needs them to confirm or enforce); notices carry them masked.
 *
 * Size: data — one layout per document kind in its legal wording, pure functions read top to bottom; splitting by kind would scatter texts reviewed together.
 */
import type { EvidenceReceipt } from '../evidence/model.js';
import {
  CASE_SOURCE_LABELS,
  DISPUTE_TYPE_LABELS,
  type CasePerson,
  type MediationCase,
  type MediationSessionRecord,
  type PersonTerms,
  type TerminationGround,
} from '../cases/model.js';
import { CONCESSIONS_STATEMENT } from '../references/referralRules.js';
import type { DocumentLayout, LayoutBlock } from './PdfRenderer.js';
import {
  DOCUMENT_KIND_LABELS,
  SERVICE_CHANNEL_LABELS,
  type AgreementSignature,
  type DocumentKind,
  type ServiceAddress,
} from './model.js';
import type { IssueDocumentInput } from './schemas.js';

export interface TemplateCase {
  case: MediationCase;
  people: readonly CasePerson[];
  organisation: string;
  mediator: string | null;
  /** The clerk who registered (for an oral application: recorded) the application. */
  registeredBy?: string | null;
  sessions: readonly MediationSessionRecord[];
  publicUrl: string;
  issuedAt: string;
  /** The statutory 15-day end, and the agreed end when the parties extended it (see deadlines.isExtendedPeriod). */
  mediationPeriod?: { statutoryDueOn: string; extendedTo: string | null };
}

/**
 * How the mediation period is named in a document: the statutory fifteen
 * days, or — once the parties agreed — the extended end, never "15日" for it.
 */
export function mediationPeriodText(t: TemplateCase): string {
  const p = t.mediationPeriod;
  if (p?.extendedTo)
    return `调解期限自收到调解申请之日起十五日（${chineseDate(p.statutoryDueOn)}届满），经双方当事人同意延长至${chineseDate(p.extendedTo)}`;
  return `调解期限自收到调解申请之日起十五日（${chineseDate(p?.statutoryDueOn ?? t.case.mediationDueOn)}届满）`;
}

/** 申请仲裁权利告知书's statement: the period that ran out is the one in force, statutory or extended. */
export function rightToArbitrationText(t: TemplateCase): string {
  const p = t.mediationPeriod;
  const received = `本组织于${chineseDate(t.case.receivedOn)}收到调解申请`;
  const law =
    '根据《中华人民共和国劳动争议调解仲裁法》第十四条第三款的规定，当事人可以依法向劳动人事争议仲裁委员会申请仲裁';
  if (p?.extendedTo)
    return `${received}。自收到调解申请之日起十五日内（至${chineseDate(p.statutoryDueOn)}）未达成调解协议，调解期限经双方当事人同意延长至${chineseDate(p.extendedTo)}；延长的调解期限届满，仍未达成调解协议。${law}。`;
  return `${received}，自收到调解申请之日起十五日内（至${chineseDate(p?.statutoryDueOn ?? t.case.mediationDueOn)}）未达成调解协议。${law}；经双方当事人同意，也可以延长调解期限继续调解。`;
}

export const TERMINATION_GROUND_LABELS: Record<TerminationGround, string> = {
  party_refuses: '一方当事人拒绝继续调解',
  no_agreement_in_time: '调解期限届满未达成调解协议',
  party_absent: '当事人无正当理由未参加调解',
  respondent_refused_mediation: '被申请人不同意调解',
  other: '其他原因',
};

/** `3101**********1234`: enough to tell who is meant, not enough to reuse. */
export function maskId(value: string | null): string {
  if (!value) return '—';
  if (value.length <= 8) return `${value.slice(0, 1)}${'*'.repeat(value.length - 1)}`;
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`;
}

/** `13800000000` → `138****0000`; `a.b@c.cn` → `a***@c.cn`. */
export function maskAddress(address: ServiceAddress | { channel: string; value: string }): string {
  if (address.channel === 'sms' && address.value.length >= 7)
    return `${address.value.slice(0, 3)}****${address.value.slice(-4)}`;
  if (address.channel === 'email') {
    const [user = '', domain = ''] = address.value.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  return SERVICE_CHANNEL_LABELS.in_app;
}

const SHANGHAI_MS = 8 * 3600 * 1000;

/** `2026年03月02日 14:05` in Shanghai time. */
export function chineseDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + SHANGHAI_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** `2026年03月02日` from YYYY-MM-DD. */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${m}月${d}日`;
}

/** Every party of a kind, in the order added: co-applicants and co-respondents are each listed. */
function parties(t: Pick<TemplateCase, 'people'>, kind: 'applicant' | 'respondent'): CasePerson[] {
  return t.people.filter((p) => p.kind === kind);
}

export function partyRows(
  t: Pick<TemplateCase, 'people'>,
  full: boolean,
): (readonly [string, string])[] {
  const rows: (readonly [string, string])[] = [];
  for (const p of [...parties(t, 'applicant'), ...parties(t, 'respondent')]) {
    const label = p.kind === 'applicant' ? '申请人' : '被申请人';
    const idLabel = p.isOrganisation ? '统一社会信用代码' : '公民身份号码';
    const id = full ? (p.idNumber ?? '—') : maskId(p.idNumber);
    rows.push([label, `${p.name}（${idLabel}：${id}）`]);
    if (p.isOrganisation) {
      rows.push(['法定代表人', p.legalRepresentative ?? '—']);
      rows.push(['住所地', p.address ?? '—']);
    } else if (full && p.address) {
      rows.push(['住址', p.address]);
    }
    for (const agent of t.people.filter((a) => a.kind === 'agent' && a.representsId === p.id)) {
      const scope = agent.powerOfAttorney?.scope === 'special' ? '特别授权' : '一般授权';
      rows.push([`${label}委托代理人`, `${agent.name}（${scope}）`]);
    }
  }
  return rows;
}

/**
 * Each applicant's own terms of an agreement among several workers: one row per person, with
 * the amount owed to them and its deadline, so that each can enforce their own part.
 */
function perPersonBlocks(
  t: Pick<TemplateCase, 'people'>,
  terms: readonly {
    personId: string;
    items: readonly string[];
    amount?: number;
    performanceDeadline?: string;
  }[],
): LayoutBlock[] {
  if (terms.length === 0) return [];
  const name = (id: string) => t.people.find((p) => p.id === id)?.name ?? id;
  const total = terms.reduce((sum, x) => sum + (x.amount ?? 0), 0);
  return [
    { type: 'paragraph', text: '各申请人的具体权利义务如下：' },
    {
      type: 'table',
      header: ['申请人', '金额（元）', '履行期限', '具体条款'],
      rows: [
        ...terms.map((x) => [
          name(x.personId),
          x.amount !== undefined ? x.amount.toFixed(2) : '—',
          x.performanceDeadline ? chineseDate(x.performanceDeadline) : '—',
          x.items.length > 0 ? x.items.join('；') : '—',
        ]),
        ['合计', total.toFixed(2), '', ''],
      ],
    },
  ];
}

export function caseRows(t: TemplateCase): (readonly [string, string])[] {
  return [
    ['案号', t.case.caseNumber],
    ['纠纷类型', DISPUTE_TYPE_LABELS[t.case.disputeType]],
    ['案件来源', CASE_SOURCE_LABELS[t.case.source]],
    ['收到申请日期', chineseDate(t.case.receivedOn)],
  ];
}

export function closing(t: TemplateCase): LayoutBlock[] {
  return [
    { type: 'fields', rows: [['调解组织', t.organisation]] },
    { type: 'fields', rows: [['日期', chineseDateTime(t.issuedAt)]] },
  ];
}

export interface AgreementTerms {
  items: readonly string[];
  amount: number | null;
  performanceDeadline: string | null;
  performanceMethod: string | null;
  /** Each applicant's own terms (disputes with several workers); empty when not given. */
  perPerson: readonly PersonTerms[];
}

export interface TemplateExtras {
  evidence?: EvidenceReceipt;
  agreement?: { terms: AgreementTerms; documentId: string; version: number; sha256: string };
}

/** The document's title and layout for an issued kind. */
export function renderTemplate(
  input: IssueDocumentInput,
  t: TemplateCase,
  extras: TemplateExtras,
): DocumentLayout {
  const title = DOCUMENT_KIND_LABELS[input.kind];
  const subtitle = `${t.organisation}\u3000${t.case.caseNumber}`;
  const footer = `${t.organisation} · ${title} · ${t.case.caseNumber}`;
  const c = t.case;
  const blocks: LayoutBlock[] = [];
  switch (input.kind) {
    case 'acceptance_notice':
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        {
          type: 'paragraph',
          text: `你方于${chineseDate(c.receivedOn)}提出的调解申请，经审查符合受理条件，本组织决定予以受理。本组织将指派调解员主持调解，${mediationPeriodText(t)}${t.mediationPeriod?.extendedTo ? '' : '，经双方当事人同意可以延长'}。期满未达成调解协议的，当事人可以依法申请劳动争议仲裁。`,
        },
        ...(c.decision?.kind === 'accepted'
          ? [
              {
                type: 'fields' as const,
                rows: [['受理时间', chineseDateTime(c.decision.at)] as const],
              },
            ]
          : []),
        ...(input.fields.note ? [{ type: 'paragraph' as const, text: input.fields.note }] : []),
      );
      break;
    case 'refusal_notice':
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        {
          type: 'paragraph',
          text: `你方于${chineseDate(c.receivedOn)}提出的调解申请，经审查，本组织决定不予受理。`,
        },
        {
          type: 'fields',
          rows: [['不予受理理由', input.fields.reason ?? c.decision?.reason ?? '—']],
        },
        {
          type: 'paragraph',
          text: '你方可以依照《中华人民共和国劳动争议调解仲裁法》的规定，向劳动人事争议仲裁委员会申请仲裁。',
        },
      );
      break;
    case 'session_notice': {
      const s = t.sessions.find((x) => x.id === input.fields.sessionId);
      const joinUrl = input.fields.joinUrl ?? `${t.publicUrl}/join`;
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        {
          type: 'paragraph',
          text: '本组织定于下列时间以在线音视频方式主持调解，请准时参加。无正当理由不参加的，视为不同意调解。',
        },
        {
          type: 'fields',
          rows: [
            ['调解时间', s ? chineseDateTime(s.scheduledStart) : '—'],
            ['结束时间（预计）', s?.scheduledEnd ? chineseDateTime(s.scheduledEnd) : '—'],
            ['调解员', t.mediator ?? '—'],
            [
              '参加方式',
              `在线视频调解，入口：${joinUrl}（请使用本组织发送给您的个人邀请链接进入）`,
            ],
          ],
        },
        { type: 'heading', text: '请准备' },
        {
          type: 'paragraph',
          text:
            input.fields.prepare ??
            '身份证件（单位为营业执照及法定代表人身份证明）、授权委托书、与争议有关的证据材料；能使用摄像头和麦克风的手机或电脑，安静的环境。',
        },
      );
      break;
    }
    case 'mediation_agreement': {
      const f = input.fields;
      blocks.push(
        { type: 'fields', rows: [['案号', c.caseNumber], ...partyRows(t, true)] },
        { type: 'heading', text: '一、纠纷事项' },
        {
          type: 'paragraph',
          text: `${DISPUTE_TYPE_LABELS[c.disputeType]}纠纷。申请人请求：${c.application.requests}`,
        },
        { type: 'paragraph', text: `事实与理由：${c.application.factsAndReasons}` },
        { type: 'heading', text: '二、经调解，双方自愿达成如下协议' },
        { type: 'list', items: f.items },
        ...perPersonBlocks(t, f.perPerson ?? []),
        {
          type: 'fields',
          rows: [
            ['金额', f.amount !== undefined ? `人民币 ${f.amount.toFixed(2)} 元` : '—'],
            ['履行期限', f.performanceDeadline ? chineseDate(f.performanceDeadline) : '—'],
            ['履行方式', f.performanceMethod ?? '—'],
          ],
        },
        { type: 'heading', text: '三、效力' },
        {
          type: 'paragraph',
          text: '本协议经双方当事人（或经特别授权的代理人）签名、调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行。双方可以自协议生效之日起三十日内共同向人民法院申请司法确认，或自协议生效之日起十五日内共同向劳动人事争议仲裁委员会申请仲裁审查。',
        },
        {
          type: 'fields',
          rows: [
            ['调解员', t.mediator ?? '—'],
            ['调解组织', t.organisation],
          ],
        },
        {
          type: 'paragraph',
          text: '签名、印章与生效时间见本协议签章页（电子签署，签章页载明本协议文本的 SHA-256 值）。',
        },
      );
      break;
    }
    case 'performance_notice':
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        { type: 'heading', text: '应履行的义务' },
        { type: 'paragraph', text: input.fields.obligations },
        { type: 'fields', rows: [['履行期限', chineseDate(input.fields.deadline)]] },
        { type: 'heading', text: '不履行的后果' },
        {
          type: 'paragraph',
          text:
            input.fields.consequences ??
            '用人单位在协议约定期限内不履行支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金的，劳动者可以持调解协议书依法向人民法院申请支付令；一方不履行调解协议的，另一方可以依法申请仲裁。',
        },
      );
      break;
    case 'termination_record': {
      const ground = input.fields.ground ?? c.outcome?.ground;
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        {
          type: 'fields',
          rows: [
            ['终止调解的事由', ground ? TERMINATION_GROUND_LABELS[ground] : '—'],
            ['终止时间', c.closedAt ? chineseDateTime(c.closedAt) : chineseDateTime(t.issuedAt)],
          ],
        },
        { type: 'heading', text: '事实' },
        { type: 'paragraph', text: input.fields.facts ?? c.outcome?.facts ?? '—' },
        {
          type: 'paragraph',
          text: '调解终止后，当事人可以依法向劳动人事争议仲裁委员会申请仲裁。',
        },
      );
      break;
    }
    case 'evidence_receipt': {
      const e = extras.evidence;
      blocks.push(
        { type: 'fields', rows: caseRows(t) },
        {
          type: 'fields',
          rows: [
            ['证据名称', e?.title ?? '—'],
            ['证明目的', e?.purpose ?? '—'],
            ['原件/复印件', e?.originalOrCopy === 'original' ? '原件' : '复印件'],
            ['文件名', e?.filename ?? '—'],
            ['类型', e?.typeLabel ?? '—'],
            ['大小', e ? `${e.size} 字节${e.pages ? `，${e.pages} 页` : ''}` : '—'],
            ['提交人', e?.submittedBy.name ?? '—'],
            ['接收时间', e ? chineseDateTime(e.receivedAt) : '—'],
            ['接收人', e?.receivedBy ?? t.organisation],
            ['SHA-256', e?.sha256 ?? '—'],
            // Only when found, so receipts of other items read as before.
            ...(e?.activeContent?.length
              ? [
                  [
                    '主动内容',
                    `含可执行或嵌入内容（${e.activeContent.join('、')}），仅在隔离环境中查看，不执行其中脚本`,
                  ] as [string, string],
                ]
              : []),
          ],
        },
      );
      break;
    }
    case 'judicial_confirmation_application':
    case 'arbitration_review_application': {
      const judicial = input.kind === 'judicial_confirmation_application';
      const a = extras.agreement;
      blocks.push(
        { type: 'fields', rows: [['案号', c.caseNumber], ...partyRows(t, true)] },
        {
          type: 'paragraph',
          text: judicial
            ? `申请人与被申请人经${t.organisation}调解，达成调解协议。双方依照《中华人民共和国民事诉讼法》的规定，共同申请人民法院确认该调解协议有效。`
            : `申请人与被申请人经${t.organisation}调解，达成调解协议。双方共同申请劳动人事争议仲裁委员会对该调解协议进行仲裁审查。`,
        },
        {
          type: 'fields',
          rows: [
            [
              '调解协议',
              a ? `${DOCUMENT_KIND_LABELS.mediation_agreement}（第 ${a.version} 版）` : '—',
            ],
            ['协议 SHA-256', a?.sha256 ?? '—'],
            ['协议生效时间', c.outcome?.effectiveAt ? chineseDateTime(c.outcome.effectiveAt) : '—'],
          ],
        },
        { type: 'heading', text: '协议内容' },
        { type: 'list', items: a?.terms.items ?? [] },
        { type: 'heading', text: '附件' },
        {
          type: 'list',
          items: input.fields.attachments ?? [
            '调解协议书',
            '双方当事人身份证明、法定代表人身份证明',
            '授权委托书',
            '送达地址确认书',
          ],
        },
        { type: 'heading', text: '关于妥协事实的声明' },
        { type: 'paragraph', text: CONCESSIONS_STATEMENT },
        {
          type: 'signatures',
          entries: [...parties(t, 'applicant'), ...parties(t, 'respondent')].map((p) => ({
            label: p.kind === 'applicant' ? '申请人' : '被申请人',
            name: p.name,
            at: null,
            image: null,
          })),
        },
      );
      break;
    }
    case 'application_form':
    case 'oral_application_record':
      blocks.push(...applicationBlocks(t));
      break;
    case 'right_to_arbitration_notice':
      blocks.push(
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        {
          type: 'paragraph',
          text: rightToArbitrationText(t),
        },
        {
          type: 'paragraph',
          text: '劳动争议申请仲裁的时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算。',
        },
      );
      break;
  }
  blocks.push(...closing(t));
  return { title, subtitle, blocks, footer };
}

/**
 * 调解申请书 / 口头申请笔录: the parties with their details and contacts, the
 * requests, the facts and reasons, the date; an oral application also the time
 * it was made, who recorded it and the applicant's confirmation of the read-back.
 */
function applicationBlocks(t: TemplateCase): LayoutBlock[] {
  const c = t.case;
  const a = c.application;
  const rows: (readonly [string, string])[] = [...caseRows(t), ...partyRows(t, true)];
  for (const p of [...parties(t, 'applicant'), ...parties(t, 'respondent')]) {
    const role = p.kind === 'applicant' ? '申请人' : '被申请人';
    rows.push([`${role}联系电话`, p.phone ?? '—']);
    if (p.serviceAddress) rows.push([`${role}电子送达地址`, p.serviceAddress]);
  }
  const blocks: LayoutBlock[] = [
    { type: 'fields', rows },
    { type: 'heading', text: '请求事项' },
    { type: 'paragraph', text: a.requests },
    { type: 'heading', text: '事实和理由' },
    { type: 'paragraph', text: a.factsAndReasons },
  ];
  if (a.amountClaimed !== null)
    blocks.push({ type: 'fields', rows: [['请求金额', `人民币${a.amountClaimed.toFixed(2)}元`]] });
  const oral = a.oralRecord;
  if (c.intakeMode === 'oral' && oral) {
    blocks.push(
      {
        type: 'fields',
        rows: [
          ['申请时间', chineseDateTime(oral.heardAt)],
          ['申请地点', oral.place ?? '—'],
          ['记录人', t.registeredBy ?? '—'],
        ],
      },
      {
        type: 'paragraph',
        text: '以上笔录已向申请人宣读，申请人确认无误。（《中华人民共和国劳动争议调解仲裁法》第十二条：口头申请的，调解组织应当当场记录申请人基本情况、申请调解的争议事项、理由和时间。）',
      },
    );
  } else {
    blocks.push({ type: 'fields', rows: [['申请日期', chineseDate(c.receivedOn)]] });
  }
  return blocks;
}

/** 送达地址确认书. */
export function consentLayout(
  t: TemplateCase,
  person: CasePerson,
  consent: {
    consentToElectronicService: boolean;
    addresses: readonly ServiceAddress[];
    scope: 'all' | readonly DocumentKind[];
    postalAddress: string | null;
    givenAt: string;
    recordedBy: string | null;
  },
): DocumentLayout {
  const scope =
    consent.scope === 'all'
      ? '本案调解过程中的全部文书'
      : consent.scope.map((k) => DOCUMENT_KIND_LABELS[k]).join('、');
  return {
    title: DOCUMENT_KIND_LABELS.service_consent,
    subtitle: `${t.organisation}\u3000${t.case.caseNumber}`,
    footer: `${t.organisation} · 送达地址确认书 · ${t.case.caseNumber}`,
    blocks: [
      {
        type: 'fields',
        rows: [
          ['案号', t.case.caseNumber],
          ['受送达人', person.name],
          ['身份', personRole(person)],
          ['是否同意电子送达', consent.consentToElectronicService ? '同意' : '不同意'],
        ],
      },
      { type: 'heading', text: '电子送达地址' },
      {
        type: 'list',
        items: consent.consentToElectronicService
          ? consent.addresses.map(
              (a) =>
                `${SERVICE_CHANNEL_LABELS[a.channel]}${a.channel === 'in_app' ? '' : `：${maskAddress(a)}`}`,
            )
          : ['（未同意电子送达）'],
      },
      {
        type: 'fields',
        rows: [
          ['送达范围', scope],
          ['邮寄地址', consent.postalAddress ?? '—'],
        ],
      },
      { type: 'heading', text: '告知事项' },
      {
        type: 'list',
        items: [
          '受送达人同意电子送达的，文书到达上述电子地址（进入受送达人特定系统）之日为送达之日。',
          '向受送达人未确认的其他电子地址送达的，以受送达人回复或者以阅读、签收等行为确认收悉之日为送达之日。',
          '受送达人应保证所填地址准确、有效；地址变更的，应及时重新填写本确认书，新确认书自提交时起生效。',
          '未同意电子送达或电子送达失败的，本组织将采用直接送达、邮寄送达等方式送达。',
          '受送达人可以申请获得纸质文书。',
        ],
      },
      {
        type: 'paragraph',
        text: '本人已阅读并知悉上述告知事项及电子送达的法律效力，确认上述送达地址。',
      },
      {
        type: 'fields',
        rows: [
          ['确认人', person.name],
          ['确认时间', chineseDateTime(consent.givenAt)],
          ...(consent.recordedBy
            ? [['录入人', `${consent.recordedBy}（依受送达人签署的纸质确认书录入）`] as const]
            : []),
        ],
      },
    ],
  };
}

export function personRole(p: CasePerson): string {
  switch (p.kind) {
    case 'applicant':
      return '申请人';
    case 'respondent':
      return '被申请人';
    case 'agent':
      return '委托代理人';
    case 'observer':
      return '旁听人员';
  }
}

export interface CertificateData {
  caseNumber: string;
  organisation: string;
  document: {
    title: string;
    kind: DocumentKind;
    version: number;
    sha256: string;
    issuedAt: string;
  };
  recipient: { name: string; role: string };
  address: string;
  consent: { given: boolean; at: string | null };
  events: readonly {
    label: string;
    at: string;
    channel: string;
    implied: boolean;
    by: string;
    /** What the gateway reported (masked address, status, message id), or a fallback's reason. */
    receipt: string;
  }[];
  served: { at: string; basis: string } | null;
  challenge: string | null;
  paperCopy: boolean;
  generatedAt: string;
  deliveryId: string;
}

/** 电子送达凭证: every step with its time and the document's hash. */
export function certificateLayout(d: CertificateData): DocumentLayout {
  return {
    title: '电子送达凭证',
    subtitle: `${d.organisation}\u3000${d.caseNumber}`,
    footer: `${d.organisation} · 电子送达凭证 · ${d.deliveryId}`,
    blocks: [
      {
        type: 'fields',
        rows: [
          ['案号', d.caseNumber],
          ['送达文书', `${d.document.title}（第 ${d.document.version} 版）`],
          ['文书 SHA-256', d.document.sha256],
          ['文书生成时间', chineseDateTime(d.document.issuedAt)],
          ['受送达人', `${d.recipient.name}（${d.recipient.role}）`],
          ['送达地址', d.address],
          [
            '电子送达同意',
            d.consent.given && d.consent.at
              ? `已同意（${chineseDateTime(d.consent.at)}）`
              : '未同意',
          ],
          ['送达编号', d.deliveryId],
        ],
      },
      { type: 'heading', text: '送达记录' },
      {
        type: 'table',
        header: ['环节', '时间', '渠道', '操作人', '回执'],
        rows: d.events.map((e) => [
          e.implied ? `${e.label}（由后续行为确认）` : e.label,
          chineseDateTime(e.at),
          e.channel,
          e.by,
          e.receipt,
        ]),
      },
      {
        type: 'fields',
        rows: [
          ['送达完成时间', d.served ? chineseDateTime(d.served.at) : '尚未完成送达'],
          ['送达完成依据', d.served?.basis ?? '—'],
          ['受送达人异议', d.challenge ?? '无'],
          ['申请纸质文书', d.paperCopy ? '是' : '否'],
        ],
      },
      {
        type: 'paragraph',
        text: '本凭证依据本系统对送达过程的记录生成，记录以哈希链保存于案件审计日志；当事人有相反证据的，可以提出异议。',
      },
      { type: 'fields', rows: [['凭证生成时间', chineseDateTime(d.generatedAt)]] },
    ],
  };
}

/** The agreement as issued, plus the signature page with the seal. */
export function sealedAgreementLayout(
  agreement: DocumentLayout,
  data: {
    organisation: string;
    agreementSha256: string;
    version: number;
    signatures: readonly AgreementSignature[];
    labels: Record<AgreementSignature['signsFor'], string>;
    sealedAt: string;
  },
): DocumentLayout {
  const blocks: LayoutBlock[] = [
    ...agreement.blocks,
    { type: 'heading', text: '签章页' },
    {
      type: 'fields',
      rows: [
        ['协议版本', `第 ${data.version} 版`],
        ['协议文本 SHA-256', data.agreementSha256],
      ],
    },
    {
      type: 'signatures',
      entries: data.signatures.map((s) => ({
        label:
          s.signerRole === 'agent'
            ? `${data.labels[s.signsFor]}（委托代理人）`
            : data.labels[s.signsFor],
        name: s.signerName,
        at: chineseDateTime(s.signedAt),
        image: s.image,
      })),
    },
    {
      type: 'seal',
      organisation: data.organisation,
      caption: `${data.organisation}（印章）\n盖章时间 / 生效时间：${chineseDateTime(data.sealedAt)}`,
    },
  ];
  return { ...agreement, blocks };
}

/** What a payment-order application states besides the case and its parties. */
export interface PaymentOrderFacts {
  /** The court it is addressed to. */
  court: string;
  /** The applicant worker(s) applying (party ids; default: every applicant). */
  applicantIds: readonly string[];
  agreement: {
    title: string;
    version: number;
    sha256: string;
    effectiveAt: string;
    basis: 'seal' | 'paper_signing';
    /** The agreed terms, one per item. */
    terms: readonly string[];
    performanceMethod: string | null;
  };
  /** The agreed performance deadline (YYYY-MM-DD), now passed. */
  performanceDueOn: string;
  /** The files that go with the application, in the order of the bundle. */
  attachments: readonly string[];
}

/**
 * 支付令申请书: 劳动争议调解仲裁法第十六条 — for unpaid wages, work-injury
 * medical costs, economic compensation or damages agreed in mediation, the
 * worker may apply to a court for a payment order when the employer misses
 * the agreed performance deadline. Every party is listed with its role.
 */
export function paymentOrderApplicationLayout(
  t: Pick<TemplateCase, 'case' | 'people' | 'organisation' | 'issuedAt'>,
  f: PaymentOrderFacts,
): DocumentLayout {
  const c = t.case;
  const applying = parties(t, 'applicant').filter((p) => f.applicantIds.includes(p.id));
  const respondents = parties(t, 'respondent');
  const effect =
    f.agreement.basis === 'seal'
      ? '经各方签名并加盖调解组织印章'
      : '经各方当事人纸质签署并由调解员登记';
  return {
    title: '支付令申请书',
    subtitle: `致：${f.court}`,
    blocks: [
      { type: 'fields', rows: [['调解案号', c.caseNumber], ...partyRows(t, true)] },
      { type: 'heading', text: '请求事项' },
      {
        type: 'paragraph',
        text: `请求人民法院依法向被申请人${respondents.map((p) => p.name).join('、') || '—'}发出支付令，督促其按照调解协议的约定履行给付义务。`,
      },
      { type: 'heading', text: '事实与理由' },
      {
        type: 'paragraph',
        text: `申请人${applying.map((p) => p.name).join('、') || '—'}与被申请人因劳动争议（${DISPUTE_TYPE_LABELS[c.disputeType]}）经${t.organisation}调解，达成调解协议，该协议于${chineseDateTime(f.agreement.effectiveAt)}${effect}生效。协议约定的履行期限为${chineseDate(f.performanceDueOn)}，该期限已经届满，被申请人未按约定履行。`,
      },
      { type: 'heading', text: '调解协议约定的给付内容' },
      { type: 'list', items: f.agreement.terms.length > 0 ? [...f.agreement.terms] : ['—'] },
      {
        type: 'fields',
        rows: [
          [
            '调解协议',
            `${f.agreement.title}（第 ${f.agreement.version} 版，${f.agreement.basis === 'seal' ? '已盖章生效' : '纸质签署生效'}）`,
          ],
          ['协议 SHA-256', f.agreement.sha256],
          ['协议生效时间', chineseDateTime(f.agreement.effectiveAt)],
          ['履行期限', `${chineseDate(f.performanceDueOn)}（已届满）`],
          ['履行方式', f.agreement.performanceMethod ?? '—'],
        ],
      },
      {
        type: 'paragraph',
        text: '法律依据：《中华人民共和国劳动争议调解仲裁法》第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。',
      },
      { type: 'paragraph', text: '此致' },
      { type: 'paragraph', text: f.court },
      { type: 'heading', text: '附件' },
      { type: 'list', items: [...f.attachments] },
      {
        type: 'signatures',
        entries: applying.map((p) => ({ label: '申请人', name: p.name, at: null, image: null })),
      },
      { type: 'fields', rows: [['调解组织', t.organisation]] },
      { type: 'fields', rows: [['日期', chineseDateTime(t.issuedAt)]] },
    ],
    footer: `调解案号 ${c.caseNumber} · 支付令申请书`,
  };
}
