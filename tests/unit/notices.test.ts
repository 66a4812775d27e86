/**
 * Notices the case engine serves: the reminder dates before the
 * judicial-confirmation and arbitration-review windows close, on the official
 * calendar; and the wording of the right-to-arbitration notice (and the
 * acceptance notice) with and without an agreed extension of the 15 days.
 */
import { describe, expect, it } from 'vitest';
import {
  agreementDeadlines,
  createWorkCalendar,
  reminderDate,
} from '../../server/cases/deadlines.js';
import { officialWorkCalendar } from '../../server/cases/holidayCalendar.js';
import type { CaseNotice, CasePerson, MediationCase } from '../../server/cases/model.js';
import { noticeDocument } from '../../server/documents/noticeTemplates.js';
import type { DocumentLayout } from '../../server/documents/PdfRenderer.js';
import { issueDocumentSchema } from '../../server/documents/schemas.js';
import { renderTemplate, type TemplateCase } from '../../server/documents/templates.js';

const official = officialWorkCalendar();
const weekendsOnly = createWorkCalendar();

describe('window reminders on the official calendar', () => {
  it.each([
    // effective 2025-09-01: judicial confirmation due 2025-10-09 (after National Day, 10-01…10-08 off);
    // 7 days before is 10-02 and 2 days before 10-07, both holidays: the reminders come on 09-30.
    ['2025-10-09', 7, '2025-09-30'],
    ['2025-10-09', 2, '2025-09-30'],
    // arbitration review from 2025-09-01 ends Tue 09-16; 2 days before is Sunday 09-14 → Friday 09-12.
    ['2025-09-16', 7, '2025-09-09'],
    ['2025-09-16', 2, '2025-09-12'],
    // Sunday 2025-09-28 is a make-up working day (调休上班): the reminder stays on it.
    ['2025-09-30', 2, '2025-09-28'],
    // Spring Festival 2026 (02-15…02-23 off, 02-14 and 02-28 worked): 7 days before 03-02 is 02-23 → 02-14.
    ['2026-03-02', 7, '2026-02-14'],
  ])('due %s, %i days before → %s', (dueOn, daysBefore, expected) => {
    expect(reminderDate(dueOn, daysBefore, official)).toBe(expected);
  });

  it('differs from a weekends-only count exactly where the official schedule does', () => {
    expect(reminderDate('2025-09-30', 2, weekendsOnly)).toBe('2025-09-26');
    expect(reminderDate('2025-10-09', 7, weekendsOnly)).toBe('2025-10-02');
  });

  it('reminds before the windows the deadlines module computes, never after they close', () => {
    const [judicial, review] = agreementDeadlines('2025-09-01', official);
    expect(judicial?.dueOn).toBe('2025-10-09');
    expect(review?.dueOn).toBe('2025-09-16');
    for (const d of [judicial, review])
      for (const n of [7, 2]) expect(reminderDate(d!.dueOn, n, official) < d!.dueOn).toBe(true);
  });
});

function person(kind: CasePerson['kind'], name: string): CasePerson {
  return {
    id: `${kind}-${name}`,
    caseId: 'case-1',
    kind,
    name,
    idNumber: '310101199001011234',
    phone: null,
    address: null,
    legalRepresentative: null,
    isOrganisation: false,
    representsId: null,
    powerOfAttorney: null,
    serviceAddress: null,
    createdAt: '2026-03-02T01:00:00.000Z',
  };
}

const CASE: MediationCase = {
  id: 'case-1',
  caseNumber: '2026-000001',
  organisationId: 'org',
  status: 'in_mediation',
  disputeType: 'wages',
  source: 'party_application',
  sourceReference: null,
  priorityGroups: [],
  intakeMode: 'written',
  application: { requests: 'r', factsAndReasons: 'f', claimTypes: ['wages'], amountClaimed: null },
  receivedOn: '2026-03-02',
  registeredAt: '2026-03-02T01:00:00.000Z',
  registeredBy: 'clerk',
  decision: { kind: 'accepted', at: '2026-03-02T02:00:00.000Z', by: 'clerk', reason: null },
  mediatorId: null,
  mediationDueOn: '2026-03-17',
  outcome: null,
  closedAt: null,
  archivedAt: null,
  version: 1,
  updatedAt: '2026-03-02T01:00:00.000Z',
};

function templateCase(extendedTo: string | null): TemplateCase {
  return {
    case: { ...CASE, mediationDueOn: extendedTo ?? '2026-03-17' },
    people: [person('applicant', '张三'), person('respondent', '某公司')],
    organisation: '测试调解委员会',
    registeredBy: '李书记员',
    mediator: null,
    sessions: [],
    publicUrl: 'https://mediation.example.org',
    issuedAt: '2026-04-01T02:00:00.000Z',
    mediationPeriod: { statutoryDueOn: '2026-03-17', extendedTo },
  };
}

function layoutText(layout: DocumentLayout): string {
  return layout.blocks
    .map((b) => ('text' in b ? b.text : 'items' in b ? b.items.join('\n') : ''))
    .join('\n');
}

function rightToArbitration(extended: boolean, dueOn: string): CaseNotice {
  return {
    id: 'n1',
    caseId: 'case-1',
    kind: 'right_to_arbitration',
    deadlineId: 'd1',
    createdAt: '2026-04-01T02:00:00.000Z',
    data: { receivedOn: '2026-03-02', statutoryDueOn: '2026-03-17', dueOn, extended },
    documentId: null,
  };
}

describe('right-to-arbitration wording', () => {
  it('names the statutory fifteen days when the period was not extended', () => {
    const doc = noticeDocument(rightToArbitration(false, '2026-03-17'), templateCase(null));
    expect(doc.kind).toBe('right_to_arbitration_notice');
    const text = layoutText(doc.layout);
    expect(text).toContain('自收到调解申请之日起十五日内（至2026年03月17日）未达成调解协议');
    expect(text).toContain('第十四条第三款');
    expect(text).not.toContain('延长至');
  });

  it('names the extended period after an extension, never "fifteen days" ending on the extended date', () => {
    const doc = noticeDocument(rightToArbitration(true, '2026-03-31'), templateCase('2026-03-31'));
    const text = layoutText(doc.layout);
    expect(text).toContain('调解期限经双方当事人同意延长至2026年03月31日');
    expect(text).toContain('延长的调解期限届满，仍未达成调解协议');
    expect(text).toContain('十五日内（至2026年03月17日）');
    expect(text).not.toContain('十五日内（至2026年03月31日）');
  });

  it('the notice a clerk issues by hand says the same after an extension', () => {
    const input = issueDocumentSchema.parse({ kind: 'right_to_arbitration_notice' });
    const text = layoutText(renderTemplate(input, templateCase('2026-03-31'), {}));
    expect(text).toContain('调解期限经双方当事人同意延长至2026年03月31日');
    expect(text).not.toContain('十五日内（至2026年03月31日）');
  });

  it('an acceptance notice issued after an extension does not call the extended end "fifteen days"', () => {
    const input = issueDocumentSchema.parse({ kind: 'acceptance_notice' });
    const text = layoutText(renderTemplate(input, templateCase('2026-03-31'), {}));
    expect(text).toContain('十五日（2026年03月17日届满），经双方当事人同意延长至2026年03月31日');
    expect(text).not.toContain('十五日（2026年03月31日届满）');
  });
});

describe('the other notices', () => {
  it('a reminder names the window, its last day and the days left', () => {
    const doc = noticeDocument(
      {
        id: 'reminder:d2:7',
        caseId: 'case-1',
        kind: 'confirmation_window_reminder',
        deadlineId: null,
        createdAt: '2026-04-01T02:00:00.000Z',
        data: { window: 'judicial_confirmation', dueOn: '2026-04-08', daysBefore: 7 },
        documentId: null,
      },
      templateCase(null),
    );
    expect(doc.kind).toBe('case_notice');
    expect(doc.title).toBe('申请司法确认期限届满提醒');
    const text = layoutText(doc.layout);
    expect(text).toContain('自调解协议生效之日起三十日内共同向有管辖权的人民法院申请司法确认');
    expect(text).toContain('该期限至2026年04月08日届满，距届满还有7日');
  });

  it('a payment-order notice cites article 16 and the date the performance deadline passed', () => {
    const doc = noticeDocument(
      {
        id: 'n3',
        caseId: 'case-1',
        kind: 'payment_order_eligible',
        deadlineId: 'd3',
        createdAt: '2026-04-01T02:00:00.000Z',
        data: { dueOn: '2026-03-31' },
        documentId: null,
      },
      templateCase(null),
    );
    expect(doc.title).toBe('申请支付令告知书');
    expect(layoutText(doc.layout)).toContain('调解协议约定的履行期限已于2026年03月31日届满');
    expect(layoutText(doc.layout)).toContain('第十六条');
  });

  it('after a respondent refused mediation, names the refusal and article 5, not a fifteen-day period', () => {
    const doc = noticeDocument(
      {
        id: 'n5',
        caseId: 'case-1',
        kind: 'right_to_arbitration',
        deadlineId: null,
        createdAt: '2026-03-03T02:00:00.000Z',
        data: {
          reason: 'respondent_refused_mediation',
          respondentName: '某公司',
          refusedAt: '2026-03-03T02:00:00.000Z',
          basis: '《中华人民共和国劳动争议调解仲裁法》第五条：……',
        },
        documentId: null,
      },
      templateCase(null),
    );
    expect(doc.kind).toBe('right_to_arbitration_notice');
    const text = layoutText(doc.layout);
    expect(text).toContain('被申请人某公司于2026年03月03日表示不同意调解，本案调解终止');
    expect(text).toContain('第五条');
    expect(text).not.toContain('十五日');
  });

  it('a calendar change names the deadline, its old (provisional) and new date', () => {
    const doc = noticeDocument(
      {
        id: 'n4',
        caseId: 'case-1',
        kind: 'deadline_changed',
        deadlineId: null,
        createdAt: '2026-12-20T02:00:00.000Z',
        data: {
          deadlineLabel: '受理审查期限',
          previousDueOn: '2027-01-01',
          previousProvisional: true,
          dueOn: '2027-01-04',
          provisional: false,
          reason:
            "载入国务院 2027 年节假日安排 / the State Council's 2027 holiday schedule was loaded",
        },
        documentId: null,
      },
      templateCase(null),
    );
    expect(doc.kind).toBe('case_notice');
    expect(doc.title).toBe('期限变更告知书');
    const text = layoutText(doc.layout);
    expect(text).toContain('因载入国务院 2027 年节假日安排，本案受理审查期限');
    expect(text).toContain('原为2027年01月01日（暂定），现为2027年01月04日。');
    expect(text).not.toContain('（暂定：');
  });
});
