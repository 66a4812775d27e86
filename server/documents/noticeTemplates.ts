/**
 * The documents the case engine's notices become (CaseNotice → 文书): pure
 * functions from the notice row and the case to a title and a layout. A kind
 * this module does not know yet is rendered from the notice's own `title` and
 * `paragraphs` (Chinese), so a new producer is served even before it has a
 * template here.
 */
import { daysBetween, shanghaiDate } from '../cases/deadlines.js';
import { DEADLINE_KIND_LABELS, type CaseNotice } from '../cases/model.js';
import type { DocumentKind } from './model.js';
import type { DocumentLayout, LayoutBlock } from './PdfRenderer.js';
import {
  caseRows,
  chineseDate,
  closing,
  partyRows,
  rightToArbitrationText,
  type TemplateCase,
} from './templates.js';

export interface NoticeDocument {
  kind: DocumentKind;
  title: string;
  layout: DocumentLayout;
}

const LIMITATION =
  '劳动争议申请仲裁的时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算。';

const WINDOW_ACTIONS: Record<string, string> = {
  judicial_confirmation: '共同向有管辖权的人民法院申请司法确认',
  arbitration_review: '共同向有管辖权的劳动人事争议仲裁委员会申请仲裁审查',
};
const WINDOW_LENGTH: Record<string, string> = {
  judicial_confirmation: '三十日',
  arbitration_review: '十五日',
};

function text(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function windowLabel(window: string | null): string {
  return window === 'judicial_confirmation' || window === 'arbitration_review'
    ? DEADLINE_KIND_LABELS[window]
    : '申请期限';
}

function provisionalNote(data: Record<string, unknown>): LayoutBlock[] {
  return data['provisional'] === true
    ? [
        {
          type: 'paragraph',
          text: '（暂定：该期限涉及尚未公布国务院放假安排的年度，日期可能调整。）',
        },
      ]
    : [];
}

/** The mediation period as it stood when the notice was produced (older rows: as it stands now). */
function periodOf(notice: CaseNotice, t: TemplateCase): TemplateCase {
  const d = notice.data;
  const statutoryDueOn = text(d, 'statutoryDueOn');
  const dueOn = text(d, 'dueOn');
  if (!statutoryDueOn || !dueOn || typeof d['extended'] !== 'boolean') return t;
  return {
    ...t,
    mediationPeriod: { statutoryDueOn, extendedTo: d['extended'] ? dueOn : null },
  };
}

/** The notice's title and body. */
export function noticeDocument(notice: CaseNotice, t: TemplateCase): NoticeDocument {
  const d = notice.data;
  const dueOn = text(d, 'dueOn');
  const due = dueOn ? chineseDate(dueOn) : '—';
  const window = text(d, 'window');
  let kind: DocumentKind = 'case_notice';
  let title: string;
  const body: LayoutBlock[] = [];
  switch (notice.kind) {
    case 'right_to_arbitration':
      kind = 'right_to_arbitration_notice';
      title = '申请仲裁权利告知书';
      if (d['reason'] === 'respondent_refused_mediation') {
        // Refused before acceptance: no mediation period ran, so none is named.
        const at = text(d, 'refusedAt');
        body.push(
          {
            type: 'paragraph',
            text: `被申请人${text(d, 'respondentName') ?? ''}${at ? `于${chineseDate(shanghaiDate(new Date(at)))}` : ''}表示不同意调解，本案调解终止。申请人可以依法向劳动人事争议仲裁委员会申请仲裁。`,
          },
          ...(text(d, 'basis') ? [{ type: 'paragraph' as const, text: text(d, 'basis')! }] : []),
          { type: 'paragraph', text: LIMITATION },
        );
        break;
      }
      body.push(
        { type: 'paragraph', text: rightToArbitrationText(periodOf(notice, t)) },
        { type: 'paragraph', text: LIMITATION },
      );
      break;
    case 'acceptance_overdue':
      title = '受理审查期限届满告知书';
      body.push({
        type: 'paragraph',
        text: `本组织于${chineseDate(t.case.receivedOn)}收到调解申请，应当在3个工作日内（至${due}）作出是否受理的决定，该期限已经届满。本组织将尽快作出决定并书面告知；当事人也可以依法向劳动人事争议仲裁委员会申请仲裁。`,
      });
      break;
    case 'confirmation_window_reminder': {
      title = `${windowLabel(window)}届满提醒`;
      const left = dueOn ? daysBetween(shanghaiDate(new Date(t.issuedAt)), dueOn) : null;
      body.push(
        {
          type: 'paragraph',
          text: `双方当事人可以自调解协议生效之日起${WINDOW_LENGTH[window ?? ''] ?? ''}内${WINDOW_ACTIONS[window ?? ''] ?? '提出申请'}。该期限至${due}届满${left !== null && left >= 0 ? `，距届满还有${left}日` : ''}。`,
        },
        ...provisionalNote(d),
        ...(text(d, 'basis') ? [{ type: 'paragraph' as const, text: text(d, 'basis')! }] : []),
        ...(text(d, 'consequence')
          ? [{ type: 'paragraph' as const, text: text(d, 'consequence')! }]
          : []),
      );
      break;
    }
    case 'confirmation_window_closing':
      title = `${windowLabel(window)}届满告知书`;
      body.push({
        type: 'paragraph',
        text: `双方当事人可以自调解协议生效之日起${WINDOW_LENGTH[window ?? ''] ?? ''}内${WINDOW_ACTIONS[window ?? ''] ?? '提出申请'}，该期限已于${due}届满。期满后，双方当事人不能再据此共同提出申请；调解协议仍对双方具有约束力，一方不履行的，另一方可以依法申请仲裁。`,
      });
      break;
    case 'payment_order_eligible':
      title = '申请支付令告知书';
      body.push(
        {
          type: 'paragraph',
          text: `调解协议约定的履行期限已于${due}届满。因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令（《中华人民共和国劳动争议调解仲裁法》第十六条），也可以依法申请劳动争议仲裁（第十五条）。`,
        },
        ...(text(d, 'consequence')
          ? [{ type: 'paragraph' as const, text: text(d, 'consequence')! }]
          : []),
      );
      break;
    case 'deadline_changed': {
      const label = text(d, 'deadlineLabel') ?? '期限';
      const before = text(d, 'previousDueOn');
      title = '期限变更告知书';
      body.push({
        type: 'paragraph',
        text: `因${(text(d, 'reason') ?? '节假日安排更新').split(' / ')[0]}，本案${label}按国务院公布的节假日安排重新计算：${before ? `原为${chineseDate(before)}${d['previousProvisional'] === true ? '（暂定）' : ''}，` : ''}现为${due}${d['provisional'] === true ? '（暂定）' : ''}。请以本告知书所载日期为准。`,
      });
      body.push(...provisionalNote(d));
      if (text(d, 'basis')) body.push({ type: 'paragraph', text: text(d, 'basis')! });
      break;
    }
    default: {
      // A producer newer than this module: its own words, or the bare fact of the notice.
      title = text(d, 'title') ?? '案件告知书';
      const paragraphs = Array.isArray(d['paragraphs'])
        ? d['paragraphs'].filter((p): p is string => typeof p === 'string')
        : [];
      for (const p of paragraphs) body.push({ type: 'paragraph', text: p });
      break;
    }
  }
  return {
    kind,
    title,
    layout: {
      title,
      subtitle: `${t.organisation}\u3000${t.case.caseNumber}`,
      footer: `${t.organisation} · ${title} · ${t.case.caseNumber}`,
      blocks: [
        { type: 'fields', rows: [...caseRows(t), ...partyRows(t, false)] },
        ...body,
        ...closing(t),
      ],
    },
  };
}
