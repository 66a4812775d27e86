/**
 * A collective dispute of dispatched workers (集体争议): five workers apply together against the
 * dispatch agency and the user unit. Two representatives (代表人) are elected with their
 * documents filed — one whose authority covers signing for two co-workers, one whose does
 * not. The agreement is sealed only when every worker is bound (in person, or by the
 * representative within its recorded authority) and both respondents and the mediator signed;
 * the seal's refusal names who is missing. Elections that name a respondent, lack their
 * document or come from a party are refused.
 *
 * Person by person: each worker's own claims (the statistics add them up), each worker's own
 * terms in the agreement (its PDF lists them; the case's performance deadline is the latest),
 * and performance found per worker: the deadline is met only once every worker was paid.
 * A worker reads its own claims and payments, not its co-workers'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { residentId } from '../support/applications.js';
import {
  TEST_PASSWORD,
  registrationInput,
  respondentsAgree,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorBody, errorReason, pngBytes, type Api } from '../support/evidenceHttp.js';
import { flatPdfText } from '../support/pdfText.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Signing {
  required: { partyId: string | null; name: string; signed: boolean }[];
  complete: boolean;
}

describe('a collective dispute: five workers, two respondents, representatives', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let mediator: string;
  let caseId: string;
  const workers: string[] = [];
  const respondents: string[] = [];
  const tokens = new Map<string, string>();

  async function sign(documentId: string, token: string): Promise<number> {
    const base = `/cases/${caseId}/documents/${documentId}`;
    const sent = await api.ok<{ code?: string }>('POST', `${base}/signing-code`, token, {});
    let code = sent.code;
    if (!code) {
      const outbox = await new SqlDocumentRepository(t.server.database).listOutbox({ caseId });
      const last = outbox.filter((m) => m.purpose === 'signing_code').at(-1)!;
      code = /验证码 (\d{6})/.exec(last.body)![1];
    }
    return (await api.call('POST', `${base}/sign`, token, { code })).status;
  }

  async function election(body: Record<string, unknown>, token = clerk) {
    return api.call('POST', `/cases/${caseId}/representatives`, token, body);
  }

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    const cases = t.server.cases;
    const c = await cases.register(
      staff.clerk,
      registerCaseSchema.parse(
        registrationInput({
          priorityGroups: ['dispatched_worker', 'migrant_worker'],
          respondent: {
            name: '某某劳务派遣有限公司',
            idNumber: '91310000MA1FL00000',
            isOrganisation: true,
            legalRepresentative: '李四',
          },
        }),
      ),
    );
    caseId = c.id;
    for (let i = 2; i <= 5; i += 1)
      await cases.addPerson(staff.clerk, caseId, {
        kind: 'applicant',
        name: `工人${i}`,
        idNumber: residentId('310101', '19900101', 100 + i),
        phone: `1390000000${i}`,
        isOrganisation: false,
      });
    await cases.addPerson(staff.clerk, caseId, {
      kind: 'respondent',
      name: '某某制造有限公司（用工单位）',
      idNumber: '91310000MA1FL00001',
      isOrganisation: true,
      legalRepresentative: '王五',
    });
    await respondentsAgree(cases, caseId);
    await cases.accept(staff.clerk, caseId);
    await cases.assignMediator(staff.clerk, caseId, staff.mediator.id);
    await cases.disclose(staff.mediator, caseId, { hasConflict: false, statement: '无利害关系' });
    const session = await cases.scheduleSession(staff.mediator, caseId, {
      scheduledStart: new Date().toISOString(),
    });
    await cases.setSessionState(staff.mediator, session.id, 'live');
    const people = (await cases.file(staff.clerk, caseId)).people;
    for (const p of people) {
      if (p.kind === 'applicant') workers.push(p.id);
      if (p.kind === 'respondent') respondents.push(p.id);
      const { token } = await api.ok<{ token: string }>(
        'POST',
        `/cases/${caseId}/invitations`,
        clerk,
        { personId: p.id },
      );
      tokens.set(p.id, token);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Wages owed to each worker: 11,000 + 1,000 × i yuan, plus compensation for the first. */
  const owed = (i: number) => 11_000 + 1_000 * i;

  it('seals only when every worker, both respondents and the mediator are bound', async () => {
    expect(workers).toHaveLength(5);
    expect(respondents).toHaveLength(2);
    const [w1, w2, w3, w4, w5] = workers as [string, string, string, string, string];
    const filed = await api.upload(caseId, clerk, pngBytes(), '推选代表人决定书.png', {
      title: '推选代表人决定书及授权委托书',
      category: 'authorisation',
    });
    expect(filed.status).toBe(201);
    const evidenceId = (filed.body as { item: { id: string } }).item.id;

    // Refused: a respondent as representative or represented, no document, a party recording it.
    const respondentRep = await election({
      representativeId: w1,
      represents: [w2, respondents[0]],
      maySign: true,
      electedOn: '2026-12-01',
      evidenceId,
    });
    expect(errorBody(respondentRep)).toMatchObject({
      reason: 'REPRESENTATIVE_NOT_APPLICANT',
      params: { personId: respondents[0] },
    });
    const noDocument = await election({
      representativeId: w1,
      represents: [w2],
      maySign: true,
      electedOn: '2026-12-01',
      evidenceId: 'no-such-item',
    });
    expect(errorReason(noDocument)).toBe('REPRESENTATIVE_NEEDS_DOCUMENT');
    const byParty = await election(
      {
        representativeId: w1,
        represents: [w2],
        maySign: true,
        electedOn: '2026-12-01',
        evidenceId,
      },
      tokens.get(w1),
    );
    expect(byParty.status).toBe(403);

    // W1 represents W2 and W3 with authority to sign; W5 represents W4 without it.
    const signing = await api.ok<{ id: string; represents: string[]; maySign: boolean }>(
      'POST',
      `/cases/${caseId}/representatives`,
      clerk,
      {
        representativeId: w1,
        represents: [w2, w3],
        maySign: true,
        electedOn: '2026-12-01',
        evidenceId,
      },
    );
    expect(signing).toMatchObject({ represents: [w2, w3], maySign: true });
    // W2 has a representative already; an election dated tomorrow is refused.
    const twice = await election({
      representativeId: w4,
      represents: [w2],
      maySign: true,
      electedOn: '2026-12-01',
      evidenceId,
    });
    expect(errorBody(twice)).toMatchObject({
      reason: 'REPRESENTED_ALREADY',
      params: { personId: w2 },
    });
    const future = await election({
      representativeId: w5,
      represents: [w4],
      maySign: false,
      electedOn: '2099-01-01',
      evidenceId,
    });
    expect(errorReason(future)).toBe('ELECTION_IN_FUTURE');
    await api.ok('POST', `/cases/${caseId}/representatives`, clerk, {
      representativeId: w5,
      represents: [w4],
      maySign: false,
      electedOn: '2026-12-01',
      evidenceId,
    });
    const file = await api.ok<{ representatives: { evidenceId: string; recordedBy: string }[] }>(
      'GET',
      `/cases/${caseId}`,
      tokens.get(w2),
    );
    // Parties see who represents whom, not the organisation's document id or its staff.
    expect(file.representatives.map((r) => [r.evidenceId, r.recordedBy])).toEqual([
      ['', ''],
      ['', ''],
    ]);

    // Each worker's own claims; a respondent has none, a party cannot set them.
    for (const [i, w] of workers.entries()) {
      const body = {
        claims: [
          { type: 'wages', amount: owed(i + 1), note: `2026 年 ${i + 5} 月至 9 月工资` },
          ...(i === 0 ? [{ type: 'economic_compensation', amount: 3_000.004 }] : []),
        ],
      };
      const set = await api.ok<{ claims: { amount: number | null }[] }>(
        'POST',
        `/cases/${caseId}/people/${w}/claims`,
        clerk,
        body,
      );
      expect(set.claims.map((x) => x.amount)).toEqual(i === 0 ? [owed(1), 3000] : [owed(i + 1)]);
    }
    const onRespondent = await api.call(
      'POST',
      `/cases/${caseId}/people/${respondents[0]}/claims`,
      clerk,
      { claims: [{ type: 'wages', amount: 1 }] },
    );
    expect(errorBody(onRespondent)).toMatchObject({
      reason: 'CLAIMS_NOT_APPLICANT',
      params: { personId: respondents[0] },
    });
    const twiceType = await api.call('POST', `/cases/${caseId}/people/${w1}/claims`, clerk, {
      claims: [
        { type: 'wages', amount: 1 },
        { type: 'wages', amount: 2 },
      ],
    });
    expect(twiceType.status).toBe(400);
    expect(
      (
        await api.call('POST', `/cases/${caseId}/people/${w1}/claims`, tokens.get(w1), {
          claims: [],
        })
      ).status,
    ).toBe(403);
    const claimedTotal = [1, 2, 3, 4, 5].reduce((sum, i) => sum + owed(i), 0) + 3000;
    const stats = await api.ok<{ people: { amountClaimed: number; workers: number } }>(
      'GET',
      '/statistics',
      clerk,
    );
    expect(stats.people).toMatchObject({ amountClaimed: claimedTotal, workers: 5 });
    // W2 reads its own claims only.
    const own = await api.ok<{ claims: { personId: string }[] }>(
      'GET',
      `/cases/${caseId}`,
      tokens.get(w2),
    );
    expect(own.claims.map((x) => x.personId)).toEqual([w2]);

    const perPerson = workers.map((w, i) => ({
      personId: w,
      items: [`支付 2026 年 ${i + 5} 月至 9 月工资`],
      amount: owed(i + 1),
      // W5 is paid last, on 31 January.
      performanceDeadline: i === 4 ? '2027-01-31' : '2027-01-15',
    }));
    const agreementFields = {
      items: ['两被申请人连带向五名申请人支付拖欠工资，各申请人金额与期限见下表'],
      amount: claimedTotal - 3000,
      performanceMethod: '银行转账至各申请人工资卡',
      perPerson,
    };
    const onParty = await api.call('POST', `/cases/${caseId}/documents`, mediator, {
      kind: 'mediation_agreement',
      fields: {
        ...agreementFields,
        perPerson: [...perPerson, { personId: respondents[0], amount: 1 }],
      },
      recipients: [],
    });
    expect(errorReason(onParty)).toBe('CLAIMS_NOT_APPLICANT');
    const issued = await api.ok<{ document: { id: string } }>(
      'POST',
      `/cases/${caseId}/documents`,
      mediator,
      {
        kind: 'mediation_agreement',
        fields: agreementFields,
        recipients: [...workers, ...respondents],
      },
    );
    const pdf = await fetch(`${t.url}/api/cases/${caseId}/documents/${issued.document.id}/pdf`, {
      headers: { authorization: `Bearer ${mediator}` },
    });
    expect(pdf.status).toBe(200);
    const text = flatPdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('各申请人的具体权利义务如下');
    for (const i of [2, 3, 4, 5]) {
      expect(text).toContain(`工人${i}`);
      expect(text).toContain(owed(i).toFixed(2));
    }
    expect(text).toContain((claimedTotal - 3000).toFixed(2));
    const agreementId = issued.document.id;
    for (const who of [w1, w5, respondents[0]!])
      expect(await sign(agreementId, tokens.get(who)!)).toBe(201);
    expect(await sign(agreementId, mediator)).toBe(201);

    const seal = () =>
      api.call('POST', `/cases/${caseId}/documents/${agreementId}/seal`, mediator, {});
    const status = async () =>
      (
        await api.ok<{ signing: Signing }>(
          'GET',
          `/cases/${caseId}/documents/${agreementId}`,
          mediator,
        )
      ).signing;
    // W1's signature binds W2 and W3; W5's does not bind W4; the user unit has not signed.
    expect((await status()).required.filter((r) => !r.signed).map((r) => r.partyId)).toEqual([
      w4,
      respondents[1],
    ]);
    const early = await seal();
    expect(errorBody(early)).toMatchObject({ reason: 'SEAL_SIGNERS_MISSING' });
    expect(JSON.stringify(errorBody(early))).toContain('工人4');
    expect(JSON.stringify(errorBody(early))).toContain('用工单位');

    expect(await sign(agreementId, tokens.get(respondents[1]!)!)).toBe(201);
    expect(errorReason(await seal())).toBe('SEAL_SIGNERS_MISSING');
    expect(await sign(agreementId, tokens.get(w4)!)).toBe(201);
    expect((await status()).complete).toBe(true);
    const sealed = await seal();
    expect(sealed.status).toBe(200);

    // The outcome keeps each worker's terms; the case is performed by the latest deadline.
    const settled = await api.ok<{
      case: { outcome: { personTerms: { personId: string; amount: number }[] } };
      deadlines: { kind: string; dueOn: string; status: string }[];
    }>('GET', `/cases/${caseId}`, clerk);
    expect(settled.case.outcome.personTerms.map((x) => [x.personId, x.amount])).toEqual(
      workers.map((w, i) => [w, owed(i + 1)]),
    );
    const performance = () =>
      settled.deadlines.filter((d) => d.kind === 'performance').map((d) => d.dueOn);
    expect(performance()).toEqual(['2027-01-31']);

    // Performance per worker: a respondent has no part; an unknown proof is refused.
    const record = (body: Record<string, unknown>, token = mediator) =>
      api.call('POST', `/cases/${caseId}/performance`, token, {
        result: 'performed',
        note: '已到账',
        ...body,
      });
    expect(errorReason(await record({ personId: respondents[0] }))).toBe('PERSON_NOT_IN_AGREEMENT');
    expect(errorReason(await record({ personId: w1, evidenceId: 'no-such-item' }))).toBe(
      'PERFORMANCE_PROOF_UNKNOWN',
    );
    expect((await record({ personId: w1 }, tokens.get(w1))).status).toBe(403);
    const deadlineStatus = async () =>
      (
        await api.ok<{ deadlines: { kind: string; status: string }[] }>(
          'GET',
          `/cases/${caseId}`,
          clerk,
        )
      ).deadlines.find((d) => d.kind === 'performance')!.status;
    expect(
      (await record({ personId: w1, result: 'partly_performed', amountPaid: 6000, evidenceId }))
        .status,
    ).toBe(201);
    for (const w of [w1, w2, w3, w4]) expect((await record({ personId: w })).status).toBe(201);
    expect(await deadlineStatus()).toBe('open');
    // A worker paid in full is past a payment order (支付令); one still waiting is not.
    const paymentOrder = async (who: string) =>
      (
        await api.ok<{ reasons: string[] }>(
          'GET',
          `/cases/${caseId}/payment-order`,
          tokens.get(who),
        )
      ).reasons;
    expect(await paymentOrder(w4)).toContain('performed');
    expect(await paymentOrder(w5)).not.toContain('performed');
    expect((await record({ personId: w5, amountPaid: owed(5) })).status).toBe(201);
    expect(await deadlineStatus()).toBe('met');
    // W2 reads its own payment, not who recorded it nor the others'.
    const mine = await api.ok<{ performance: { personId: string; recordedBy: string }[] }>(
      'GET',
      `/cases/${caseId}`,
      tokens.get(w2),
    );
    expect(mine.performance.map((x) => [x.personId, x.recordedBy])).toEqual([[w2, '']]);
  });
});
