/**
 * Online applications over real HTTP (网上申请): a worker confirms name, ID number and mobile
 * with a code, attaches a payslip (receipt with its SHA-256), submits and gets a number and a
 * status link by SMS; the clerk accepts it and the case is registered with everything filled
 * in, the payslip as the applicant's evidence with its original receipt time, the applicant's
 * e-service consent, and the respondent's invitation by SMS; the respondent agrees and the
 * case is accepted. Around it: every refusal an attacker or an unlucky applicant meets —
 * spent and forged challenges, wrong and reused codes, the limits per number and device, a
 * link that says nothing about a wrong ID number, a closed draft, a double decision, another
 * organisation, an interrupted upload, and a restart that keeps the attachments.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadingZeroBits, powDigest } from '../../server/applications/proofOfWork.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import {
  applicationForm,
  creditCode,
  freshDevice,
  lastCode,
  lastLinkToken,
  mobile,
  openDraft,
  outboxFor,
  publicPost,
  residentId,
  solvedPow,
  submittedApplication,
} from '../support/applications.js';
import { TEST_PASSWORD, seedStaff, type StaffFixture } from '../support/cases.js';
import {
  apiClient,
  errorBody,
  errorCode,
  errorReason,
  pngBytes,
  rawUpload,
  sha256sum,
  type Api,
} from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface View {
  id: string;
  number: string | null;
  status: string;
  reason: string | null;
  applicant: { name: string; idNumber: string; phone: string };
  case: { id: string; caseNumber: string; status: string } | null;
  files: { id: string; sha256: string; receivedAt: string; title: string }[];
}

describe('online applications', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let mediator: string;
  let dataDir: string;
  let seq = 0;
  const worker = () => {
    seq += 1;
    return { name: '张三', idNumber: residentId('310101', '19900101', seq), phone: mobile() };
  };

  beforeAll(async () => {
    t = await startTestServer({ APPLICATION_POW_BITS: '8' });
    dataDir = t.server.config.dataDir;
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
  }, 60_000);

  /** Data directories of servers restarted on them, removed after the last server. */
  const leftovers: string[] = [];

  afterAll(async () => {
    await t?.close();
    for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
  });

  it('takes a worker’s application from code to case: payslip, number, status link, acceptance, the respondent’s agreement', async () => {
    const me = worker();
    const { token, applicationId } = await openDraft(t.url, t.server.database, me);

    const payslip = pngBytes();
    const attached = await api.upload(
      '',
      token,
      payslip,
      '工资条.png',
      { title: '2026年8月工资条' },
      '/public/applications/mine/files',
    );
    expect(attached.status).toBe(201);
    const receipt = (attached.body as { receipt: Record<string, unknown> }).receipt;
    expect(receipt).toMatchObject({
      applicationId,
      title: '2026年8月工资条',
      filename: '工资条.png',
      size: payslip.length,
      sha256: sha256sum(payslip),
      submittedBy: me.name,
    });

    const form = applicationForm();
    const { application } = await api.ok<{ application: View }>(
      'POST',
      '/public/applications/mine/submit',
      token,
      form,
    );
    expect(application.status).toBe('submitted');
    expect(application.number).toMatch(/^WS\d{8}-[2-9A-Y]{6}$/);
    // The applicant's own page masks what an SMS link could expose.
    expect(application.applicant.idNumber).toBe(
      `${me.idNumber.slice(0, 6)}********${me.idNumber.slice(-4)}`,
    );

    // Someone trying the demo reads the SMS from the local outbox with `npm run outbox` (the build).
    const printed = spawnSync(process.execPath, ['dist/server/cli/outbox.js', '--to', me.phone], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: t.server.config.database.url ?? '',
        LOG_LEVEL: 'warn',
      },
    });
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`sms  ${me.phone}  application_link`);
    expect(printed.stdout).toContain(application.number!);

    // The status link came by SMS and opens the same application.
    const statusToken = await lastLinkToken(t.server.database, me.phone, 'status');
    const status = await api.ok<{ application: View }>(
      'GET',
      '/public/applications/mine',
      statusToken,
    );
    expect(status.application).toMatchObject({ id: applicationId, status: 'submitted' });

    // The clerk's queue has it with the full identity; a mediator reads it too.
    const queue = await api.ok<{ applications: View[] }>('GET', '/applications', clerk);
    expect(queue.applications.find((a) => a.id === applicationId)?.applicant.idNumber).toBe(
      me.idNumber,
    );
    const mediatorAccept = await api.call(
      'POST',
      `/applications/${applicationId}/accept`,
      mediator,
    );
    expect(mediatorAccept.status).toBe(403);

    const accepted = await api.ok<{ caseId: string; application: View }>(
      'POST',
      `/applications/${applicationId}/accept`,
      clerk,
    );
    expect(accepted.application.status).toBe('accepted');
    const file = await t.server.cases.file(staff.clerk, accepted.caseId);
    expect(file.case).toMatchObject({
      source: 'party_application',
      sourceReference: application.number,
      intakeMode: 'written',
      disputeType: 'wages',
      status: 'registered',
      priorityGroups: ['migrant_worker'],
    });
    expect(file.case.application).toMatchObject({
      claimTypes: ['wages', 'economic_compensation'],
      amountClaimed: 24_600,
      requests: form.requests,
    });
    const applicant = file.people.find((p) => p.kind === 'applicant')!;
    const respondent = file.people.find((p) => p.kind === 'respondent')!;
    expect(applicant).toMatchObject({ name: me.name, idNumber: me.idNumber, phone: me.phone });
    // The worker's claims are its own, person by person (the statistics count them).
    expect(file.claims).toEqual([
      expect.objectContaining({
        personId: applicant.id,
        claims: form.claims.map((c) => ({ type: c.type, amount: c.amount, note: null })),
      }),
    ]);
    expect(respondent).toMatchObject({
      name: form.employer.name,
      idNumber: form.employer.creditCode,
      isOrganisation: true,
      legalRepresentative: '王五',
    });

    // The payslip is the applicant's evidence, with the time it arrived and the same hash.
    const evidence = await t.server.evidence.list(staff.clerk, accepted.caseId);
    expect(evidence).toEqual([
      expect.objectContaining({
        title: '2026年8月工资条',
        sha256: sha256sum(payslip),
        uploadedBy: applicant.id,
        uploaderSide: 'applicant',
        receivedAt: receipt['receivedAt'],
      }),
    ]);

    // The applicant's consent to e-service is in force; both parties got their case links.
    const consents = await new SqlDocumentRepository(t.server.database).listConsents(
      accepted.caseId,
    );
    expect(consents).toEqual([
      expect.objectContaining({ personId: applicant.id, electronic: true, givenBy: applicant.id }),
    ]);
    const toRespondent = await outboxFor(t.server.database, '13800138000');
    expect(toRespondent.at(-1)).toMatchObject({
      purpose: 'mediation_invitation',
      caseId: accepted.caseId,
      personId: respondent.id,
    });
    const respondentToken = await lastLinkToken(t.server.database, '13800138000', 'invite');

    // Acceptance waits for the respondent, who agrees from its link.
    const early = await api.call('POST', `/cases/${accepted.caseId}/accept`, clerk);
    expect(errorReason(early)).toBe('RESPONDENTS_NOT_AGREED');
    await api.ok('POST', `/cases/${accepted.caseId}/mediation-response`, respondentToken, {
      decision: 'agree',
    });
    await api.ok('POST', `/cases/${accepted.caseId}/accept`, clerk);
    const after = await api.ok<{ application: View }>(
      'GET',
      '/public/applications/mine',
      statusToken,
    );
    expect(after.application.case).toMatchObject({
      id: accepted.caseId,
      caseNumber: file.case.caseNumber,
      status: 'accepted',
    });

    // Decided once: a second acceptance, a withdrawal and a late attachment are refused.
    const again = await api.call('POST', `/applications/${applicationId}/accept`, clerk);
    expect(errorReason(again)).toBe('APPLICATION_ALREADY_DECIDED');
    const withdraw = await api.call('POST', '/public/applications/mine/withdraw', token, {
      reason: '不想调解了',
    });
    expect(errorReason(withdraw)).toBe('APPLICATION_ALREADY_DECIDED');
    const late = await api.upload(
      '',
      token,
      pngBytes(),
      'x.png',
      {},
      '/public/applications/mine/files',
    );
    expect(errorReason(late)).toBe('APPLICATION_NOT_DRAFT');
  });

  it('an employer applies against a worker; the worker is the respondent', async () => {
    const me = { name: '王五', idNumber: residentId('310115', '19800515', 9), phone: mobile() };
    const workerPhone = mobile();
    const form = applicationForm({
      applicantRole: 'employer',
      worker: { name: '李四', idNumber: null, phone: workerPhone, address: null },
      claims: [{ type: 'other', amount: null }],
      requests: '确认双方劳动关系已于 2026 年 9 月解除。',
    });
    const submitted = await submittedApplication(t.url, api, t.server.database, me, form);
    const { caseId } = await api.ok<{ caseId: string }>(
      'POST',
      `/applications/${submitted.id}/accept`,
      clerk,
    );
    const file = await t.server.cases.file(staff.clerk, caseId);
    expect(file.people.find((p) => p.kind === 'applicant')).toMatchObject({
      name: form.employer.name,
      isOrganisation: true,
      phone: me.phone,
    });
    expect(file.people.find((p) => p.kind === 'respondent')).toMatchObject({
      name: '李四',
      phone: workerPhone,
    });
    expect(file.case.application.amountClaimed).toBeNull();
    expect((await outboxFor(t.server.database, workerPhone)).at(-1)?.purpose).toBe(
      'mediation_invitation',
    );
  });

  it('refuses a spent or forged challenge, a bad ID number, wrong and reused codes', async () => {
    const me = worker();
    const headers = freshDevice();
    const pow = await solvedPow(t.url);
    const first = await publicPost(t.url, '/public/applications/codes', { ...me, pow }, headers);
    expect(first.status).toBe(202);
    expect(first.body['sentTo']).toBe(`${me.phone.slice(0, 3)}****${me.phone.slice(-4)}`);
    const spent = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...worker(), pow },
      freshDevice(),
    );
    expect(errorReason(spent)).toBe('APPLICATION_CHALLENGE_USED');
    const forged = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...worker(), pow: { challenge: pow.challenge.replace(/.$/, 'x'), nonce: pow.nonce } },
      freshDevice(),
    );
    expect(errorReason(forged)).toBe('APPLICATION_CHALLENGE_INVALID');
    const unsolved = await solvedPow(t.url);
    const lazy = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...worker(), pow: { ...unsolved, nonce: unsolvedNonce(unsolved.challenge, 8) } },
      freshDevice(),
    );
    expect(errorReason(lazy)).toBe('APPLICATION_CHALLENGE_INVALID');

    const badId = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...worker(), idNumber: '310101199001011235', pow: await solvedPow(t.url) },
      freshDevice(),
    );
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body)).toContain('校验位');

    const id = first.body['verificationId'] as string;
    const code = await lastCode(t.server.database, me.phone);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let left = 4; left >= 0; left -= 1) {
      const r = await publicPost(t.url, `/public/applications/codes/${id}`, { code: wrong });
      expect(errorBody(r)).toMatchObject({
        reason: 'APPLICATION_CODE_WRONG',
        params: { left: String(left) },
      });
    }
    const exhausted = await publicPost(t.url, `/public/applications/codes/${id}`, { code });
    expect(errorReason(exhausted)).toBe('APPLICATION_CODE_EXHAUSTED');

    // A right code works once.
    const again = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...me, pow: await solvedPow(t.url) },
      freshDevice(),
    );
    // The same number within a minute: the burst limit.
    expect(errorCode(again)).toBe('RATE_LIMITED');
  });

  it('gives twenty guesses sent at once no more than the five tries a code allows', async () => {
    const me = worker();
    const sent = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...me, pow: await solvedPow(t.url) },
      freshDevice(),
    );
    const path = `/public/applications/codes/${sent.body['verificationId'] as string}`;
    const code = await lastCode(t.server.database, me.phone);
    const wrong = Array.from({ length: 20 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    // Each from its own address, as an attacker spreading guesses would.
    const replies = await Promise.all(
      wrong.map((guess) => publicPost(t.url, path, { code: guess }, freshDevice())),
    );
    const reasons = replies.map((r) => errorReason(r));
    expect(reasons.filter((r) => r === 'APPLICATION_CODE_WRONG')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'APPLICATION_CODE_EXHAUSTED')).toHaveLength(15);
    // The right code after that opens nothing.
    const late = await publicPost(t.url, path, { code }, freshDevice());
    expect(errorReason(late)).toBe('APPLICATION_CODE_EXHAUSTED');
  });

  it('limits codes per device and per number, and a code opens a draft once', async () => {
    const device = freshDevice();
    const replies: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const r = await publicPost(
        t.url,
        '/public/applications/codes',
        { ...worker(), pow: await solvedPow(t.url) },
        { ...device, 'x-forwarded-for': `10.78.0.${i + 1}` },
      );
      replies.push(r.status);
    }
    expect(replies).toEqual([202, 202, 202, 202, 202, 429]);

    const me = worker();
    const sent = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...me, pow: await solvedPow(t.url) },
      freshDevice(),
    );
    const code = await lastCode(t.server.database, me.phone);
    const path = `/public/applications/codes/${sent.body['verificationId'] as string}`;
    const [a, b] = await Promise.all([
      publicPost(t.url, path, { code }),
      publicPost(t.url, path, { code }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(errorReason(a.status === 200 ? b : a)).toBe('APPLICATION_CODE_USED');
  });

  it('sends a new status link only for the right ID number, and never says which', async () => {
    const me = worker();
    const submitted = await submittedApplication(t.url, api, t.server.database, me);
    const before = (await outboxFor(t.server.database, me.phone)).length;
    const wrong = await publicPost(t.url, '/public/applications/links', {
      number: submitted.number,
      idNumber: residentId('310101', '19900101', 999),
      pow: await solvedPow(t.url),
    });
    expect(wrong.status).toBe(202);
    expect((await outboxFor(t.server.database, me.phone)).length).toBe(before);
    const unknown = await publicPost(t.url, '/public/applications/links', {
      number: 'WS20260101-ZZZZZZ',
      idNumber: me.idNumber,
      pow: await solvedPow(t.url),
    });
    expect(unknown.status).toBe(202);
    const right = await publicPost(t.url, '/public/applications/links', {
      number: submitted.number,
      idNumber: me.idNumber,
      pow: await solvedPow(t.url),
    });
    expect(right.status).toBe(202);
    const fresh = await lastLinkToken(t.server.database, me.phone, 'status');
    expect(fresh).not.toBe(submitted.token);
    const mine = await api.ok<{ application: View }>('GET', '/public/applications/mine', fresh);
    expect(mine.application.number).toBe(submitted.number);

    // Tokens that are not an applicant's link open nothing.
    for (const token of [undefined, 'x'.repeat(43), clerk]) {
      const r = await api.call('GET', '/public/applications/mine', token);
      expect(r.status).toBe(401);
    }
    const applicantOnStaff = await api.call('GET', '/applications', fresh);
    expect(applicantOnStaff.status).toBe(401);
  });

  it('a declined application tells the applicant why; a draft cannot be decided; a submitted one cannot change', async () => {
    const me = worker();
    const submitted = await submittedApplication(t.url, api, t.server.database, me);
    const resubmit = await api.call(
      'POST',
      '/public/applications/mine/submit',
      submitted.token,
      applicationForm(),
    );
    expect(errorReason(resubmit)).toBe('APPLICATION_NOT_DRAFT');
    const declined = await api.ok<{ application: View }>(
      'POST',
      `/applications/${submitted.id}/decline`,
      clerk,
      { reason: '不属于劳动争议调解范围' },
    );
    expect(declined.application).toMatchObject({
      status: 'declined',
      reason: '不属于劳动争议调解范围',
    });
    expect((await outboxFor(t.server.database, me.phone)).at(-1)?.body).toContain(
      '不属于劳动争议调解范围',
    );
    const mine = await api.ok<{ application: View }>(
      'GET',
      '/public/applications/mine',
      submitted.token,
    );
    expect(mine.application).toMatchObject({ status: 'declined', case: null });

    const draft = await openDraft(t.url, t.server.database, worker());
    const early = await api.call('POST', `/applications/${draft.applicationId}/accept`, clerk);
    expect(early.status).toBe(404);
    const queue = await api.ok<{ applications: View[] }>('GET', '/applications', clerk);
    expect(queue.applications.some((a) => a.id === draft.applicationId)).toBe(false);
  });

  it('two clerks accepting at once make one case', async () => {
    const submitted = await submittedApplication(t.url, api, t.server.database, worker());
    const clerk2 = await api.login(staff.clerk.username, TEST_PASSWORD);
    const replies = await Promise.all(
      [clerk, clerk2].map((token) =>
        api.call('POST', `/applications/${submitted.id}/accept`, token),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const cases = (await t.server.cases.list(staff.clerk)).filter(
      (c) => c.sourceReference === submitted.number,
    );
    expect(cases).toHaveLength(1);
  });

  it('refuses a bad credit code and a form without claims, with the field named', async () => {
    const { token } = await openDraft(t.url, t.server.database, worker());
    const form = applicationForm();
    const bad = await api.call('POST', '/public/applications/mine/submit', token, {
      ...form,
      employer: {
        ...form.employer,
        creditCode: creditCode().replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      },
      claims: [],
    });
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    expect(text).toContain('employer.creditCode');
    expect(text).toContain('统一社会信用代码校验位不正确');
    expect(text).toContain('至少选择一项请求类型');
  });

  it('an interrupted upload leaves nothing and the server up; a restart keeps the attachments of drafts', async () => {
    const me = worker();
    const { token, applicationId } = await openDraft(t.url, t.server.database, me, freshDevice());
    const reply = await rawUpload({
      url: `${t.url}/api/public/applications/mine/files`,
      token,
      filename: 'big.png',
      contentLength: 4 * 1024 * 1024,
      chunks: (function* () {
        yield pngBytes();
        yield Buffer.alloc(64 * 1024);
      })(),
      onProgress: (sent, abort) => {
        if (sent > 32 * 1024) abort();
      },
    }).catch(() => null);
    expect(reply?.status ?? 0).not.toBe(201);
    const mine = await api.ok<{ application: View }>('GET', '/public/applications/mine', token);
    expect(mine.application.files).toEqual([]);

    const payslip = pngBytes();
    const kept = await api.upload(
      '',
      token,
      payslip,
      'p.png',
      {},
      '/public/applications/mine/files',
    );
    expect(kept.status).toBe(201);

    // Restart on the same data directory: the start-up sweep keeps the draft's file.
    await t.server.close();
    const before = t;
    t = await startTestServer({ APPLICATION_POW_BITS: '8', DATA_DIR: dataDir });
    leftovers.push(before.dataDir);
    api = apiClient(t.url);
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    await api.ok('POST', '/public/applications/mine/submit', token, applicationForm());
    const { caseId } = await api.ok<{ caseId: string }>(
      'POST',
      `/applications/${applicationId}/accept`,
      clerk,
    );
    const [item] = await t.server.evidence.list(staff.clerk, caseId);
    expect(item?.integrity).toBe('ok');
    const res = await fetch(`${t.url}/api/cases/${caseId}/evidence/${item!.id}/content`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(payslip)).toBe(true);
  });

  it('an application to another organisation stays out of this one’s queue; an organisation must be named when there are two', async () => {
    const repository = new SqlCaseRepository(t.server.database);
    const other = randomUUID();
    await repository.insertOrganisation({
      id: other,
      name: '某街道劳动争议调解委员会',
    });
    const me = worker();
    const unnamed = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...me, pow: await solvedPow(t.url) },
      freshDevice(),
    );
    expect(unnamed.body).toMatchObject({ error: { reason: 'APPLICATION_ORGANISATION_REQUIRED' } });
    const headers = freshDevice();
    const sent = await publicPost(
      t.url,
      '/public/applications/codes',
      { ...me, organisationId: other, pow: await solvedPow(t.url) },
      headers,
    );
    expect(sent.status).toBe(202);
    const checked = await publicPost(
      t.url,
      `/public/applications/codes/${sent.body['verificationId'] as string}`,
      { code: await lastCode(t.server.database, me.phone) },
    );
    const token = checked.body['token'] as string;
    const submitted = await api.ok<{ application: View }>(
      'POST',
      '/public/applications/mine/submit',
      token,
      applicationForm(),
    );
    const queue = await api.ok<{ applications: View[] }>('GET', '/applications', clerk);
    expect(queue.applications.some((a) => a.id === submitted.application.id)).toBe(false);
    const foreign = await api.call(
      'POST',
      `/applications/${submitted.application.id}/accept`,
      clerk,
    );
    expect(foreign.status).toBe(404);
  });
});

/** A nonce that does not reach the difficulty. */
function unsolvedNonce(challenge: string, bits: number): string {
  for (let n = 0; ; n += 1)
    if (leadingZeroBits(powDigest(challenge, `x${n}`)) < bits) return `x${n}`;
}
