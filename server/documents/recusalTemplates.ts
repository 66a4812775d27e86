/**
 * 回避申请书 and 回避决定书: a party's request that the mediator withdraw, and
 * the organisation's decision on it, both with reasons.
 */
import type { CasePerson, RecusalRequest } from '../cases/model.js';
import { DOCUMENT_KIND_LABELS } from './model.js';
import type { DocumentLayout } from './PdfRenderer.js';
import { chineseDateTime, partyRows, personRole, type TemplateCase } from './templates.js';

function header(t: TemplateCase, kind: 'recusal_request' | 'recusal_decision') {
  return {
    title: DOCUMENT_KIND_LABELS[kind],
    subtitle: `${t.organisation}\u3000${t.case.caseNumber}`,
    footer: `${t.organisation} · ${DOCUMENT_KIND_LABELS[kind]} · ${t.case.caseNumber}`,
  };
}

export function recusalRequestLayout(
  t: TemplateCase,
  request: RecusalRequest,
  requester: CasePerson,
  mediatorName: string,
): DocumentLayout {
  return {
    ...header(t, 'recusal_request'),
    blocks: [
      { type: 'fields', rows: [['案号', t.case.caseNumber], ...partyRows(t, false)] },
      {
        type: 'fields',
        rows: [
          ['申请人', `${requester.name}（${personRole(requester)}）`],
          ['申请回避的调解员', mediatorName],
          ['申请时间', chineseDateTime(request.requestedAt)],
        ],
      },
      { type: 'heading', text: '申请事项' },
      { type: 'paragraph', text: `请求调解员${mediatorName}回避，不再主持本案调解。` },
      { type: 'heading', text: '事实和理由' },
      { type: 'paragraph', text: request.reasons },
      {
        type: 'paragraph',
        text: '本申请由申请人通过在线调解平台提交。组织作出决定前，本案暂停开始调解；决定将以回避决定书送达各方当事人。',
      },
    ],
  };
}

export function recusalDecisionLayout(
  t: TemplateCase,
  request: RecusalRequest,
  requester: CasePerson | undefined,
  mediatorName: string,
  decidedByName: string,
): DocumentLayout {
  const granted = request.status === 'granted';
  return {
    ...header(t, 'recusal_decision'),
    blocks: [
      { type: 'fields', rows: [['案号', t.case.caseNumber], ...partyRows(t, false)] },
      {
        type: 'fields',
        rows: [
          [
            '回避申请人',
            requester ? `${requester.name}（${personRole(requester)}）` : request.requestedBy,
          ],
          ['申请时间', chineseDateTime(request.requestedAt)],
          ['被申请回避的调解员', mediatorName],
        ],
      },
      { type: 'heading', text: '申请理由' },
      { type: 'paragraph', text: request.reasons },
      { type: 'heading', text: '决定' },
      {
        type: 'paragraph',
        text: granted
          ? `准予调解员${mediatorName}回避。本组织将另行指派调解员，新指派的调解员须先行披露有无利益冲突，方可主持调解。`
          : `驳回回避申请，调解员${mediatorName}继续主持本案调解。`,
      },
      { type: 'heading', text: '理由' },
      { type: 'paragraph', text: request.decisionReasons ?? '—' },
      {
        type: 'fields',
        rows: [
          ['决定人', decidedByName],
          ['决定时间', request.decidedAt ? chineseDateTime(request.decidedAt) : '—'],
        ],
      },
    ],
  };
}
