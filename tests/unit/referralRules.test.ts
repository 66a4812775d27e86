/**
 * The pure referral rules: which institution decides which joint
 * application, which agreement documents are drafts (never sent), and the
 * statement on concessions printed on both joint applications.
 */
import { describe, expect, it } from 'vitest';
import { sealEvent, type StoredAuditEvent } from '../../server/audit/AuditChain.js';
import type { MediationCase } from '../../server/cases/model.js';
import { renderTemplate } from '../../server/documents/templates.js';
import {
  CONCESSIONS_STATEMENT,
  agreementDrafts,
  effectiveAgreementId,
  DECIDED_BY,
} from '../../server/references/referralRules.js';

const CASE: MediationCase = {
  id: 'case-1',
  caseNumber: '（2026）沪调字第1号',
  organisationId: 'org-1',
  status: 'settled',
  disputeType: 'wages',
  source: 'party_application',
  sourceReference: null,
  priorityGroups: [],
  intakeMode: 'written',
  application: { requests: '', factsAndReasons: '', claimTypes: ['wages'], amountClaimed: null },
  receivedOn: '2026-03-02',
  registeredAt: '2026-03-02T01:00:00Z',
  registeredBy: 'clerk-1',
  decision: null,
  mediatorId: null,
  mediationDueOn: '2026-03-17',
  outcome: { kind: 'agreement', at: '2026-03-10T02:00:00Z', effectiveAt: '2026-03-10T02:00:00Z' },
  closedAt: null,
  archivedAt: null,
  version: 1,
  updatedAt: '2026-03-10T02:00:00Z',
};

/** A chain of (action, payload) events, sealed as the audit log seals them. */
function chain(...entries: [string, Record<string, unknown>][]): StoredAuditEvent[] {
  const events: StoredAuditEvent[] = [];
  for (const [i, [action, payload]] of entries.entries()) {
    const last = events.at(-1);
    events.push(
      sealEvent(
        last ? { seq: last.seq, hash: last.hash } : null,
        {
          caseId: 'case-1',
          actorId: 'mediator-1',
          actorRole: 'mediator',
          action,
          target: String(payload['documentId'] ?? 'case-1'),
          payload,
        },
        `2026-03-10T0${i}:00:00.000Z`,
      ),
    );
  }
  return events;
}

const issued = (documentId: string, kind = 'mediation_agreement') =>
  ['document.issued', { documentId, kind, sha256: 'a'.repeat(64) }] as [
    string,
    Record<string, unknown>,
  ];

describe('referral rules', () => {
  it.each([
    ['judicial_confirmation', 'court', true],
    ['judicial_confirmation', 'arbitration', false],
    ['arbitration_review', 'arbitration', true],
    ['arbitration_review', 'court', false],
  ] as const)('%s to a %s', (kind, institution, allowed) => {
    // A mismatch is refused with the kind's reason (tests/integration/referral-rules.test.ts).
    expect(DECIDED_BY[kind] === institution).toBe(allowed);
  });

  it('treats every agreement but the one sealed or signed on paper as a draft', () => {
    // Nothing took effect: every agreement issued is a draft.
    const unsigned = chain(issued('v1'), issued('app', 'judicial_confirmation_application'));
    expect(effectiveAgreementId(unsigned)).toBeNull();
    expect([...agreementDrafts(unsigned)]).toEqual(['v1']);
    // Two drafts, the third sealed.
    const sealed = chain(issued('v1'), issued('v2'), issued('v3'), [
      'agreement.sealed',
      { documentId: 'v3', sealedSha256: 'b'.repeat(64) },
    ]);
    expect(effectiveAgreementId(sealed)).toBe('v3');
    expect([...agreementDrafts(sealed)]).toEqual(['v1', 'v2']);
    // Signed on paper.
    const paper = chain(issued('v1'), issued('v2'), [
      'agreement.paperSigned',
      { documentId: 'v2', scan: { evidenceId: 'scan-1' } },
    ]);
    expect(effectiveAgreementId(paper)).toBe('v2');
    expect([...agreementDrafts(paper)]).toEqual(['v1']);
  });

  it.each(['judicial_confirmation_application', 'arbitration_review_application'] as const)(
    'prints the statement on concessions on the %s',
    (kind) => {
      const layout = renderTemplate(
        { kind, fields: {}, recipients: [] } as unknown as Parameters<typeof renderTemplate>[0],
        {
          case: CASE,
          people: [],
          organisation: '某街道劳动争议调解委员会',
          mediator: '调解员甲',
          sessions: [],
          publicUrl: 'https://example.test',
          issuedAt: '2026-03-11T02:00:00Z',
        },
        {},
      );
      const texts = layout.blocks.flatMap((b) =>
        b.type === 'paragraph' || b.type === 'heading' ? [b.text] : [],
      );
      expect(texts).toContain(CONCESSIONS_STATEMENT);
      expect(texts).toContain('关于妥协事实的声明');
    },
  );
});
