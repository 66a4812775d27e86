/**
 * Files and secrets at rest (issue 14, finding 12): after a start, an
 * upload and a document issued, every file in the data directory is 0600
 * and every directory 0700; looser modes left from before are tightened at
 * the next start. Staff passwords an estimator rates guessable are refused
 * with its feedback.
 */
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { TEST_PASSWORD, caseInSession, seedStaff } from '../support/cases.js';
import { apiClient, errorCode, twoPagePdf } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Every path under `dir` whose mode others or the group could use. */
function looseModes(dir: string): string[] {
  const loose: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) loose.push(`${path.relative(dir, p) || '.'}/ ${mode.toString(8)}`);
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (mode !== 0o600) loose.push(`${path.relative(dir, p)} ${mode.toString(8)}`);
  };
  visit(dir);
  return loose;
}

const running: TestServer[] = [];
afterEach(async () => {
  for (const t of running.splice(0)) await t.close();
});

describe('data at rest', () => {
  it('keeps every data file 0600 and directory 0700, and tightens looser ones at start', async () => {
    const t = await startTestServer();
    running.push(t);
    const api = apiClient(t.url);
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const made = await caseInSession(t.server.cases, staff);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    const applicant = made.people.find((p) => p.kind === 'applicant')!;
    const { token: party } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${made.case.id}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    expect((await api.upload(made.case.id, party, twoPagePdf(), '工资条.pdf')).status).toBe(201);
    await api.ok('POST', `/cases/${made.case.id}/documents`, mediator, {
      kind: 'acceptance_notice',
      recipients: [applicant.id],
    });
    expect(looseModes(t.dataDir)).toEqual([]);

    // Left loose by an older version or a restored backup: fixed at the next start.
    await t.server.close();
    chmodSync(path.join(t.dataDir, 'mediation.sqlite'), 0o644);
    chmodSync(path.join(t.dataDir, 'evidence'), 0o755);
    writeFileSync(path.join(t.dataDir, 'evidence', 'stray'), 'x', { mode: 0o644 });
    chmodSync(path.join(t.dataDir, 'evidence', 'stray'), 0o644);
    expect(looseModes(t.dataDir).length).toBe(3);
    const again = await startTestServer({ DATA_DIR: t.dataDir });
    running.push(again);
    expect(looseModes(t.dataDir)).toEqual([]);
  });

  it('refuses staff passwords that are easy to guess, with the estimator’s feedback', async () => {
    const t = await startTestServer();
    running.push(t);
    const api = apiClient(t.url);
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const body = (username: string, password: string) => ({
      username,
      displayName: '张伟',
      role: 'mediator',
      password,
      specialties: ['wages'],
    });
    for (const [username, password] of [
      ['zhangwei', 'password1234'],
      ['zhangwei', 'zhangwei2024!'],
      ['mediator7', 'mediator7mediator7'],
      ['liqiang', 'qwertyuiop123'],
      ['liqiang', '123456789012'],
    ] as const) {
      const r = await api.call('POST', '/staff', clerk, body(username, password));
      expect(r.status, password).toBe(400);
      expect(errorCode(r)).toBe('VALIDATION');
      const error = (
        r.body as { error: { reason?: string; params?: { min?: number }; issues?: string[] } }
      ).error;
      expect(error.reason, password).toBe('PASSWORD_TOO_WEAK');
      expect(error.params?.min).toBe(3);
      expect(error.issues?.length, password).toBeGreaterThan(0);
    }
    const created = await api.call(
      'POST',
      '/staff',
      clerk,
      body('zhangwei', 'violet-harbour-kettle-92'),
    );
    expect(created.status).toBe(201);
  });
});
