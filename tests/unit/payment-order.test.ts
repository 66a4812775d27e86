/**
 * 劳动争议调解仲裁法第十六条 as the payment-order pack applies it: who qualifies
 * (claim type × agreement effect × performance deadline), and what the
 * 支付令申请书 states — every party with its role, the agreed terms, the
 * passed deadline, the legal basis and the attachments.
 */
import { describe, expect, it } from 'vitest';
import type {
  CaseDeadline,
  CasePerson,
  ClaimType,
  MediationCase,
} from '../../server/cases/model.js';
import type { LayoutBlock } from '../../server/documents/PdfRenderer.js';
import { paymentOrderApplicationLayout } from '../../server/documents/templates.js';
import { paymentOrderEligibility } from '../../server/references/PaymentOrderService.js';

const TODAY = '2026-04-01';

function makeCase(claimTypes: ClaimType[], effectiveAt: string | null): MediationCase {
  return {
    id: 'case-1',
    caseNumber: '（2026）沪调字第1号',
    organisationId: 'org-1',
    status: 'settled',
    disputeType: 'wages',
    source: 'party_application',
    sourceReference: null,
    priorityGroups: ['dispatched_worker'],
    intakeMode: 'written',
    application: { requests: '', factsAndReasons: '', claimTypes, amountClaimed: 10000 },
    receivedOn: '2026-03-02',
    registeredAt: '2026-03-02T01:00:00Z',
    registeredBy: 'clerk-1',
    decision: null,
    mediatorId: 'm-1',
    mediationDueOn: '2026-03-17',
    outcome: {
      kind: 'agreement',
      at: '2026-03-10T02:00:00Z',
      terms: '1. 支付工资',
      performanceDeadline: '2026-03-31',
      effectiveAt,
    },
    closedAt: null,
    archivedAt: null,
    version: 3,
    updatedAt: '2026-03-10T02:00:00Z',
  };
}

function performance(dueOn: string, status: CaseDeadline['status']): CaseDeadline {
  return {
    id: 'd-1',
    caseId: 'case-1',
    kind: 'performance',
    dueOn,
    basis: '',
    consequence: '',
    provisional: false,
    missingCalendarYears: [],
    status,
    createdAt: '2026-03-10T02:00:00Z',
    resolvedAt: null,
  };
}

describe('payment-order eligibility (劳动争议调解仲裁法第十六条)', () => {
  const EFFECTIVE = '2026-03-10T02:00:00Z';
  it.each([
    {
      claims: ['wages'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'overdue'),
      reasons: [],
    },
    {
      claims: ['work_injury_medical'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'open'),
      reasons: [],
    },
    {
      claims: ['economic_compensation', 'other'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'overdue'),
      reasons: [],
    },
    {
      claims: ['damages'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'overdue'),
      reasons: [],
    },
    {
      claims: ['other'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'overdue'),
      reasons: ['claim_type'],
    },
    // The last day itself still belongs to the employer.
    {
      claims: ['wages'],
      effective: EFFECTIVE,
      d: performance(TODAY, 'open'),
      reasons: ['deadline_not_passed'],
    },
    {
      claims: ['wages'],
      effective: EFFECTIVE,
      d: performance('2026-03-31', 'met'),
      reasons: ['performed'],
    },
    { claims: ['wages'], effective: null, d: null, reasons: ['agreement_not_effective'] },
    { claims: ['wages'], effective: EFFECTIVE, d: null, reasons: ['no_performance_deadline'] },
  ] as const)(
    '$claims, effective $effective, deadline $d.dueOn $d.status → $reasons',
    ({ claims, effective, d, reasons }) => {
      const result = paymentOrderEligibility(makeCase([...claims], effective), d ? [d] : [], TODAY);
      expect(result.reasons).toEqual(reasons);
      expect(result.eligible).toBe(reasons.length === 0);
    },
  );

  it('refuses a worker of a collective agreement whose own part was paid, though others wait', () => {
    const overdue = performance('2026-03-31', 'overdue');
    const c = makeCase(['wages'], EFFECTIVE);
    expect(paymentOrderEligibility(c, [overdue], TODAY).eligible).toBe(true);
    expect(paymentOrderEligibility(c, [overdue], TODAY, true).reasons).toEqual(['performed']);
  });
});

function person(
  id: string,
  kind: CasePerson['kind'],
  name: string,
  extra: Partial<CasePerson> = {},
): CasePerson {
  return {
    id,
    caseId: 'case-1',
    kind,
    name,
    idNumber: kind === 'applicant' ? '310101199001011234' : '91310000MA1K000001',
    phone: null,
    address: '上海市某区某路1号',
    legalRepresentative: kind === 'respondent' ? '赵法人' : null,
    isOrganisation: kind === 'respondent',
    representsId: null,
    powerOfAttorney: null,
    serviceAddress: null,
    createdAt: '2026-03-02T01:00:00Z',
    ...extra,
  };
}

function text(blocks: readonly LayoutBlock[]): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
        case 'paragraph':
          return b.text;
        case 'fields':
          return b.rows.map(([k, v]) => `${k}：${v}`).join('\n');
        case 'list':
          return b.items.join('\n');
        case 'signatures':
          return b.entries.map((e) => `${e.label}：${e.name}`).join('\n');
        default:
          return '';
      }
    })
    .join('\n');
}

describe('支付令申请书', () => {
  const people = [
    person('a-1', 'applicant', '张劳动'),
    person('r-1', 'respondent', '某劳务派遣有限公司'),
    person('r-2', 'respondent', '某用工单位有限公司'),
    person('g-1', 'agent', '钱律师', {
      representsId: 'a-1',
      powerOfAttorney: { scope: 'special', maySign: true, document: null },
    }),
  ];
  const layout = paymentOrderApplicationLayout(
    {
      case: makeCase(['wages'], '2026-03-10T02:00:00Z'),
      people,
      organisation: '某街道调解委员会',
      issuedAt: '2026-04-01T02:00:00Z',
    },
    {
      court: '上海市某区人民法院',
      applicantIds: ['a-1'],
      agreement: {
        title: '调解协议书',
        version: 2,
        sha256: 'ab'.repeat(32),
        effectiveAt: '2026-03-10T02:00:00Z',
        basis: 'paper_signing',
        terms: ['两被申请人连带支付申请人拖欠工资人民币10000元'],
        performanceMethod: '银行转账',
      },
      performanceDueOn: '2026-03-31',
      attachments: ['调解协议书及各方当事人纸质签署的调解协议书扫描件', '电子送达凭证（张劳动）'],
    },
  );
  const all = text(layout.blocks);

  it('is addressed to the court and names every party with its role', () => {
    expect(layout.title).toBe('支付令申请书');
    expect(layout.subtitle).toBe('致：上海市某区人民法院');
    expect(all).toContain('申请人：张劳动（公民身份号码：310101199001011234）');
    expect(all).toContain('被申请人：某劳务派遣有限公司（统一社会信用代码：91310000MA1K000001）');
    expect(all).toContain('被申请人：某用工单位有限公司');
    expect(all).toContain('申请人委托代理人：钱律师（特别授权）');
    expect(all).toContain('被申请人某劳务派遣有限公司、某用工单位有限公司发出支付令');
  });

  it('states the agreed terms, the passed deadline, how the agreement took effect, the basis and the attachments', () => {
    expect(all).toContain('两被申请人连带支付申请人拖欠工资人民币10000元');
    expect(all).toContain('履行期限：2026年03月31日（已届满）');
    expect(all).toContain('协议约定的履行期限为2026年03月31日，该期限已经届满');
    expect(all).toContain('纸质签署生效');
    expect(all).toContain('履行方式：银行转账');
    expect(all).toContain(`协议 SHA-256：${'ab'.repeat(32)}`);
    expect(all).toContain('《中华人民共和国劳动争议调解仲裁法》第十六条');
    expect(all).toContain('电子送达凭证（张劳动）');
    expect(all).toContain('申请人：张劳动');
  });
});
