/**
 * 调解笔录: the record of one session — who attended and how each was identified, the notices
 * given, the recording and who consented, the caucus phases (when and with whom; what was said
 * in them is never written), each side's statements and proposals, and the outcome. The
 * service's own knowledge (times, admissions, checks, consents) is marked as the platform's
 * record; the rest is the mediator's.
 */
import type { CasePerson } from '../cases/model.js';
import type {
  IDENTITY_CHECKS,
  RECORD_NOTICES,
  RECORD_OUTCOMES,
  SessionFacts,
  SessionRecordContent,
} from '../../signaling/http/sessionRecords.js';
import { DOCUMENT_KIND_LABELS } from './model.js';
import type { DocumentLayout, LayoutBlock } from './PdfRenderer.js';
import { chineseDateTime, partyRows, personRole, type TemplateCase } from './templates.js';

export const NOTICE_TEXTS: Record<(typeof RECORD_NOTICES)[number], string> = {
  rights_and_duties: '告知当事人在调解中享有的权利和承担的义务',
  voluntariness: '告知调解遵循自愿原则，当事人可随时拒绝或终止调解',
  recusal_right: '告知当事人认为调解员与本案有利害关系的，可以申请回避',
  recording: '告知本次调解全程录音录像，录音录像仅用于本案',
  confidentiality: '告知调解过程及背靠背沟通的内容予以保密',
  no_agreement: '告知调解不成的，当事人可以依法申请劳动人事争议仲裁',
};

export const CHECK_TEXTS: Record<(typeof IDENTITY_CHECKS)[number], string> = {
  id_document: '出示身份证件，已核对',
  video_comparison: '视频中与证件照片比对一致',
  known: '调解员认识本人',
  failed: '核对未通过',
  not_checked: '未核对',
};

export const OUTCOME_TEXTS: Record<(typeof RECORD_OUTCOMES)[number], string> = {
  agreement: '达成调解协议',
  partial_agreement: '部分事项达成一致',
  no_agreement: '调解不成',
  adjourned: '另行安排调解',
};

const PLATFORM_CHECK = { confirmed: '已确认', failed: '未通过', unchecked: '未核对' } as const;

function nameOf(people: readonly CasePerson[], id: string, mediator: string | null): string {
  const p = people.find((x) => x.id === id);
  return p ? `${p.name}（${personRole(p)}）` : (mediator ?? id);
}

const time = (iso: string | null): string => (iso ? chineseDateTime(iso) : '—');

export function sessionRecordLayout(
  t: TemplateCase,
  facts: SessionFacts,
  content: SessionRecordContent,
): DocumentLayout {
  const who = (id: string) => nameOf(t.people, id, t.mediator);
  const attendees = content.attendance.map((a) => {
    const p = t.people.find((x) => x.id === a.personId);
    const platform = facts.admitted.find((x) => x.participantId === a.personId);
    return [
      p?.name ?? a.personId,
      p ? personRole(p) : '—',
      a.present ? '到场（线上）' : '未到场',
      CHECK_TEXTS[a.identityCheck],
      platform
        ? `${time(platform.admittedAt)} 准入，平台核对${PLATFORM_CHECK[platform.identity]}${platform.overrideReason ? `（准入理由：${platform.overrideReason}）` : ''}`
        : '—',
      a.note ?? '',
    ] as const;
  });
  const blocks: LayoutBlock[] = [
    { type: 'fields', rows: [['案号', t.case.caseNumber], ...partyRows(t, false)] },
    {
      type: 'fields',
      rows: [
        ['调解组织', t.organisation],
        ['调解员', t.mediator ?? '—'],
        ['调解方式', '在线音视频调解'],
        ['预定时间', time(facts.scheduledStart)],
        ['开始时间（平台记录）', time(facts.startedAt)],
        ['结束时间（平台记录）', time(facts.endedAt)],
      ],
    },
    { type: 'heading', text: '参加人员及身份核对' },
    {
      type: 'table',
      header: ['姓名', '身份', '到场', '身份核对（调解员）', '平台记录', '备注'],
      rows: attendees,
    },
    { type: 'heading', text: '告知事项' },
    content.noticesGiven.length > 0
      ? { type: 'list', items: content.noticesGiven.map((n) => NOTICE_TEXTS[n]) }
      : { type: 'paragraph', text: '未记录告知事项。' },
    { type: 'heading', text: '录音录像（平台记录）' },
    facts.recordings.length > 0
      ? {
          type: 'list',
          items: facts.recordings.map(
            (r) =>
              `${time(r.startedAt)} 至 ${time(r.stoppedAt)}；确认知悉：${r.consents.map((c) => who(c.participantId)).join('、') || '无'}` +
              (r.declined.length > 0 ? `；拒绝：${r.declined.map(who).join('、')}` : ''),
          ),
        }
      : { type: 'paragraph', text: '本次调解未录音录像。' },
  ];
  if (facts.caucuses.length > 0)
    blocks.push(
      { type: 'heading', text: '背靠背沟通（平台记录，内容保密不予记录）' },
      {
        type: 'list',
        items: facts.caucuses.map(
          (c) =>
            `${time(c.startedAt)} 至 ${time(c.endedAt)}：调解员与 ${c.participantIds.map(who).join('、') || '—'} 单独沟通`,
        ),
      },
    );
  blocks.push({ type: 'heading', text: '陈述与意见' });
  if (content.statements.length === 0) blocks.push({ type: 'paragraph', text: '无。' });
  for (const s of content.statements) {
    blocks.push({ type: 'paragraph', text: `${who(s.personId)}陈述：${s.statement}` });
    if (s.proposal)
      blocks.push({ type: 'paragraph', text: `${who(s.personId)}的方案或意见：${s.proposal}` });
  }
  blocks.push(
    { type: 'heading', text: '调解结果' },
    {
      type: 'paragraph',
      text: `${OUTCOME_TEXTS[content.outcome.kind]}。${content.outcome.text}`,
    },
    {
      type: 'paragraph',
      text: '以上笔录由参加人员在各自设备上阅看，确认无误后以一次性验证码签名；拒绝签名的，由调解员记明情况。签名记录及本笔录的 SHA-256 校验值载入案件审计链。',
    },
  );
  return {
    title: DOCUMENT_KIND_LABELS.session_record,
    subtitle: `${t.organisation}\u3000${t.case.caseNumber}`,
    footer: `${t.organisation} · ${DOCUMENT_KIND_LABELS.session_record} · ${t.case.caseNumber}`,
    blocks,
  };
}
