/**
 * The clerk's intake queue of online applications, in a real browser: an employer and a worker
 * apply through the public API (the worker with a payslip attached); the clerk finds both from
 * the case list with everything they filled in, declines the employer's with reasons (the
 * applicant reads them) and accepts the worker's, which registers a case from it and invites
 * the respondent by SMS; the case opens from the queue. A mediator sees the queue without the
 * buttons. Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { ApplicationView } from '../../signaling/http/applications.js';
import {
  applicationForm,
  creditCode,
  lastLinkToken,
  mobile,
  openDraft,
  residentId,
  submittedApplication,
} from '../support/applications.js';
import { launchChromium } from '../support/browser.js';
import { TEST_PASSWORD, seedStaff, type StaffFixture } from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient, pngBytes, sha256sum, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: online applications', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;

  beforeAll(async () => {
    t = await startTestServer({ APPLICATION_POW_BITS: '4' });
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    api = apiClient(t.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets a clerk decline one with reasons and accept another into a registered case', async () => {
    // An employer applies against a worker; no amount claimed.
    const employerRep = {
      name: '吴经理',
      idNumber: residentId('310115', '19800505', 41),
      phone: mobile(),
    };
    const declined = await submittedApplication(
      t.url,
      api,
      t.server.database,
      employerRep,
      applicationForm({
        applicantRole: 'employer',
        employer: {
          name: '上海某某物流有限公司',
          creditCode: creditCode('MA1FL0002'),
          address: '上海市闵行区沪青平公路 8 号',
          legalRepresentative: '冯七',
          contactPhone: '021-64001234',
        },
        worker: { name: '郑十', idNumber: null, phone: mobile(), address: null },
        disputeType: 'termination',
        priorityGroups: [],
        claims: [{ type: 'other', amount: null }],
        requests: '确认与郑十的劳动合同已于 2026 年 9 月 30 日解除。',
        factsAndReasons: '郑十自 2026 年 9 月起连续旷工十五日，公司依规章制度解除劳动合同。',
      }),
    );

    // A worker applies for wages, with a payslip.
    const worker = {
      name: '孙八',
      idNumber: residentId('310101', '19920202', 21),
      phone: mobile(),
    };
    const { token } = await openDraft(t.url, t.server.database, worker);
    const payslip = pngBytes();
    const attached = await api.upload(
      '',
      token,
      payslip,
      '工资条.png',
      { title: '工资条' },
      '/public/applications/mine/files',
    );
    expect(attached.status).toBe(201);
    const form = applicationForm();
    const accepted = (
      await api.ok<{ application: { id: string; number: string } }>(
        'POST',
        '/public/applications/mine/submit',
        token,
        form,
      )
    ).application;

    const clerk = await consoleSignIn(browser, t.url, staff.clerk.username);
    await clerk.getByTestId('open-applications').click();
    const row = (number: string) =>
      clerk.locator(`[data-testid=application-item][data-number="${number}"]`);
    await row(accepted.number).waitFor({ timeout: 10_000 });
    expect(await row(accepted.number).getAttribute('data-status')).toBe('submitted');
    expect(await row(declined.number).getAttribute('data-status')).toBe('submitted');
    const text = await row(accepted.number).innerText();
    for (const s of [
      accepted.number,
      '待处理',
      '孙八',
      worker.idNumber,
      worker.phone,
      '劳动者',
      '上海某某建筑劳务有限公司',
      form.employer.creditCode,
      '王五',
      '13800138000',
      '追索劳动报酬',
      '农民工',
      '支付工资',
      '¥18,600',
      '经济补偿',
      '¥6,000',
      '支付拖欠的 2026 年 8 月至 10 月工资',
      '月工资 6200 元',
      '工资条',
      '工资条.png',
      sha256sum(payslip),
    ])
      expect(text).toContain(s);
    expect(await row(accepted.number).getByTestId('application-file-sha256').innerText()).toBe(
      sha256sum(payslip),
    );
    const employerText = await row(declined.number).innerText();
    for (const s of ['吴经理', '用人单位', '上海某某物流有限公司', '冯七', '郑十', '无金额'])
      expect(employerText).toContain(s);
    await shootConsole(clerk, 'applications');

    const reason = '申请事项不属于劳动争议调解范围，请向劳动保障监察机构反映';
    await row(declined.number).getByTestId('decline-application').click();
    await row(declined.number).getByTestId('decline-reason').fill(reason);
    await row(declined.number).getByTestId('confirm-decline').click();
    await clerk
      .locator(
        `[data-testid=application-item][data-number="${declined.number}"][data-status=declined]`,
      )
      .waitFor({ timeout: 10_000 });
    expect(await row(declined.number).innerText()).toContain(reason);
    expect(await row(declined.number).getByTestId('accept-application').count()).toBe(0);
    // The queue (and so the applicant's status page) has the decision and its reasons.
    const clerkToken = await api.login(staff.clerk.username, TEST_PASSWORD);
    const queue = await api.ok<{ applications: ApplicationView[] }>(
      'GET',
      '/applications',
      clerkToken,
    );
    expect(queue.applications.find((a) => a.id === declined.id)).toMatchObject({
      status: 'declined',
      reason,
    });

    await row(accepted.number).getByTestId('accept-application').click();
    const open = row(accepted.number).getByTestId('open-application-case');
    await open.waitFor({ timeout: 10_000 });
    expect(await row(accepted.number).getAttribute('data-status')).toBe('accepted');
    expect(await row(accepted.number).getByTestId('accept-application').count()).toBe(0);
    const caseId = decodeURIComponent(
      /#\/cases\/(.+)$/.exec((await open.getAttribute('href')) ?? '')?.[1] ?? '',
    );
    const file = await t.server.cases.file(staff.clerk, caseId);
    expect(file.case).toMatchObject({
      source: 'party_application',
      sourceReference: accepted.number,
      status: 'registered',
    });
    expect(await row(accepted.number).innerText()).toContain(file.case.caseNumber);
    // The respondent (the employer, at its contact number) is invited to agree to mediation.
    await lastLinkToken(t.server.database, form.employer.contactPhone, 'invite');
    await shootConsole(clerk, 'applications-decided');

    await open.click();
    const parties = clerk.getByTestId('parties');
    await parties.waitFor({ timeout: 10_000 });
    expect(clerk.url()).toContain(`#/cases/${encodeURIComponent(caseId)}`);
    expect(await parties.innerText()).toContain('孙八');

    // A mediator reads the queue from the case list, and decides nothing.
    const mediator = await consoleSignIn(browser, t.url, staff.mediator.username);
    await mediator.getByTestId('open-applications').click();
    const listed = mediator.locator(
      `[data-testid=application-item][data-number="${accepted.number}"]`,
    );
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.getAttribute('data-status')).toBe('accepted');
    expect(await mediator.getByTestId('application-item').count()).toBe(2);
    expect(await mediator.getByTestId('accept-application').count()).toBe(0);
    expect(await mediator.getByTestId('decline-application').count()).toBe(0);
    await listed.getByTestId('open-application-case').waitFor();
  });
});
