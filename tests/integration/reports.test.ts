/**
 * Statistics reports sent upward (issue 21, part 4) on the real server, either database: a
 * centre and a sub-district organisation with cases received last month. The centre's clerk
 * has last month's report made: its PDF (the CJK font, the organisation's name, the period and
 * the tables, read back by poppler) and CSV are served with the SHA-256 kept when they were
 * made, and the signature verifies against the published keys over both hashes. Asking again
 * returns the same report; an unfinished or malformed period is refused. Each clerk reads their
 * part of the network; the supervisor reads and is refused making one; a mediator is refused.
 * The deadline pass makes last month's and last quarter's report of every organisation and
 * announces them upward. A stored file changed afterwards is refused, not served; the rows are
 * fixed in the database.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../server/cases/deadlines.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { lastEndedPeriods } from '../../server/reports/reportContent.js';
import { REPORT_TYPE } from '../../server/reports/ReportService.js';
import { verifyJws, type Jwks } from '../../server/signing/jws.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  seedSupervisor,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorReason, type Api } from '../support/evidenceHttp.js';
import { subDistrict } from '../support/network.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Report {
  id: string;
  organisationId: string;
  periodKind: string;
  period: string;
  from: string;
  to: string;
  pdf: { sha256: string; bytes: number };
  csv: { sha256: string; bytes: number };
  jws: string;
  generatedBy: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'reports-'));

function pdfText(bytes: Buffer): string {
  const file = path.join(tmp, `${sha256(bytes)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    '',
  );
}

describe('statistics reports: made once, signed, read by those above', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let clerk: string;
  let streetId: string;
  let streetClerk: string;
  let supervisor: string;
  let supervisorId: string;
  let lastMonth: string;
  let lastQuarter: string;
  let report: Report;

  const file = async (id: string, kind: 'pdf' | 'csv', token = clerk) => {
    const res = await fetch(`${t.url}/api/reports/${id}/${kind}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    t = await startTestServer();
    // The pass started with the server ends before the network exists (it would make reports).
    await t.server.scheduler.tick();
    api = apiClient(t.url);
    const repo = new SqlCaseRepository(t.server.database);
    centre = await seedStaff(repo);
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
    ({ streetId, streetClerk: streetClerk } = await subDistrict(
      api,
      clerk,
      centre.organisationId,
      'report-street-clerk',
    ));
    supervisorId = await seedSupervisor(repo, centre.organisationId, 'report-supervisor');
    supervisor = await api.login('report-supervisor', TEST_PASSWORD);
    [lastMonth, lastQuarter] = lastEndedPeriods(shanghaiDate(new Date()));
    const receivedOn = `${lastMonth}-10`;
    for (const disputeType of ['wages', 'termination'] as const)
      await api.ok('POST', '/cases', clerk, registrationInput({ receivedOn, disputeType }));
    await api.ok('POST', '/cases', streetClerk, registrationInput({ receivedOn }));
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('makes last month’s report: a PDF and a CSV with their hashes, signed', async () => {
    report = await api.ok<Report>('POST', '/reports', clerk, {
      organisationId: centre.organisationId,
      period: lastMonth,
    });
    expect(report).toMatchObject({
      organisationId: centre.organisationId,
      periodKind: 'month',
      period: lastMonth,
      from: `${lastMonth}-01`,
      generatedBy: centre.clerk.id,
    });
    const pdf = await file(report.id, 'pdf');
    expect(pdf.res.status).toBe(200);
    expect(pdf.res.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.res.headers.get('x-content-sha256')).toBe(report.pdf.sha256);
    expect(sha256(pdf.bytes)).toBe(report.pdf.sha256);
    const text = pdfText(pdf.bytes);
    const [y, m] = lastMonth.split('-').map(Number) as [number, number];
    expect(text).toContain('劳动人事争议调解工作统计报表');
    expect(text).toContain('测试调解委员会');
    expect(text).toContain(`${y}年${m}月`);
    // Tables: cells joined by ｜ in the text layer.
    expect(text).toContain('收案数｜3');
    expect(text).toContain('某某街道劳动争议调解委员会｜1｜1｜0｜—｜0');
    expect(text).toMatch(/生成时间：\d{4}-\d{2}-\d{2}\d{2}:\d{2}（北京时间）/);

    const csv = await file(report.id, 'csv');
    expect(sha256(csv.bytes)).toBe(report.csv.sha256);
    const lines = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines).toContain('收案数,3');
    expect(lines).toContain('某某街道劳动争议调解委员会,1,1,0,—,0');

    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const { payload } = await verifyJws<{ reportId: string; files: Report['csv'] & object }>(
      report.jws,
      jwks,
      { typ: REPORT_TYPE },
    );
    expect(payload).toMatchObject({
      reportId: report.id,
      files: { pdf: report.pdf, csv: report.csv },
    });
  });

  it('returns the same report when asked again, and refuses unfinished or malformed periods', async () => {
    const again = await api.call('POST', '/reports', clerk, {
      organisationId: centre.organisationId,
      period: lastMonth,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: report.id, pdf: report.pdf });
    const thisMonth = shanghaiDate(new Date()).slice(0, 7);
    const unfinished = await api.call('POST', '/reports', clerk, {
      organisationId: centre.organisationId,
      period: thisMonth,
    });
    expect(unfinished.status).toBe(409);
    expect(errorReason(unfinished)).toBe('REPORT_PERIOD_NOT_ENDED');
    for (const period of ['2026-13', '2026-Q5', '26-01'])
      expect(
        (await api.call('POST', '/reports', clerk, { organisationId: streetId, period })).status,
      ).toBe(400);
  });

  it('lets each reader see their part: the street clerk its own, the supervisor all', async () => {
    const street = await api.ok<Report>('POST', '/reports', clerk, {
      organisationId: streetId,
      period: lastMonth,
    });
    const own = await api.ok<{ reports: Report[] }>('GET', '/reports', streetClerk);
    expect(own.reports.map((r) => r.id)).toEqual([street.id]);
    expect((await api.call('GET', `/reports/${report.id}`, streetClerk)).status).toBe(404);
    expect((await file(report.id, 'pdf', streetClerk)).res.status).toBe(404);
    const up = await api.call('POST', '/reports', streetClerk, {
      organisationId: centre.organisationId,
      period: lastMonth,
    });
    expect(up.status).toBe(404);
    const all = await api.ok<{ reports: Report[] }>('GET', '/reports', supervisor);
    expect(all.reports.map((r) => r.id).sort()).toEqual([report.id, street.id].sort());
    expect(
      (
        await api.call('POST', '/reports', supervisor, {
          organisationId: streetId,
          period: lastQuarter,
        })
      ).status,
    ).toBe(403);
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    expect((await api.call('GET', '/reports', mediator)).status).toBe(403);
  });

  it('makes every organisation’s last month and quarter on the deadline pass, announced upward', async () => {
    await t.server.scheduler.tick();
    const { reports } = await api.ok<{ reports: Report[] }>('GET', '/reports', clerk);
    const made = new Set(reports.map((r) => `${r.organisationId} ${r.period}`));
    for (const organisationId of [centre.organisationId, streetId])
      for (const period of [lastMonth, lastQuarter])
        expect(made.has(`${organisationId} ${period}`), `${organisationId} ${period}`).toBe(true);
    expect(reports.filter((r) => r.generatedBy === null).length).toBe(2);
    const outbox = (await new SqlDocumentRepository(t.server.database).listOutbox({})).filter(
      (m) => m.purpose === 'statistics_report',
    );
    // Each report reaches the centre's supervisor; the street's also the centre's clerk.
    expect(outbox.filter((m) => m.address === `staff:${supervisorId}`)).toHaveLength(4);
    expect(outbox.filter((m) => m.address === `staff:${centre.clerk.id}`)).toHaveLength(2);
    expect(outbox.every((m) => m.body.includes('统计报表已生成'))).toBe(true);
  });

  it('refuses a stored file changed afterwards, and keeps the rows fixed', async () => {
    const stored = path.join(t.dataDir, 'reports', centre.organisationId, `${report.id}.csv`);
    writeFileSync(stored, '收案数,300\r\n');
    const changed = await file(report.id, 'csv');
    expect(changed.res.status).toBe(500);
    expect(changed.bytes.toString()).not.toContain('300');
    const update = t.server.database.run(
      'UPDATE statistics_reports SET pdf_sha256 = ? WHERE id = ?',
      ['x', report.id],
    );
    await expect(update).rejects.toThrow(/fixed once made/);
  });
});
