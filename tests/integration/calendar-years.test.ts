/**
 * A clerk loads a later year's holiday schedule: through the API (clerks only) and the CLI (on
 * the data directory of a running service). The change is an event of the calendar's audit
 * chain; every running deadline that touches the year is recomputed (an event in its case's
 * chain and a deadline_changed notice when it moves or becomes final); unchanged and closed
 * deadlines stay as they were. The 2027 and 2028 schedules here are TEST DATA.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDAR_AUDIT_CHAIN } from '../../server/cases/CalendarService.js';
import type { CaseDeadline, CaseNotice } from '../../server/cases/model.js';
import { calendarYearTool } from '../../server/cli/calendar-year.js';
import { verifyDatabase, verifyPostgres } from '../../server/cli/verify-audit.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { databaseFile } from '../../server/db/SqliteDatabase.js';
import { testSchedule2027 } from '../support/calendar2027.js';
import {
  TEST_PASSWORD,
  registrationInput,
  respondentsAgreeOverHttp,
  seedStaff,
} from '../support/cases.js';
import { apiClient, errorCode, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CLI = 'dist/server/cli/calendar-year.js';

interface CaseView {
  case: { id: string; mediationDueOn: string };
  people: { id: string; kind: string }[];
  deadlines: CaseDeadline[];
  notices: CaseNotice[];
}

let t: TestServer;
let api: Api;
let audit: SqlAuditLog;
const tokens = { clerk: '', mediator: '', party: '' };
const ids = { open: '', legacy: '', march: '', closed: '' };
const before: Record<string, CaseView> = {};

const view = (caseId: string) => api.ok<CaseView>('GET', `/cases/${caseId}`, tokens.clerk);
const recomputedEvents = async (caseId: string) =>
  (await audit.list(caseId)).filter((e) => e.action === 'deadline.recomputed');

beforeAll(async () => {
  t = await startTestServer();
  api = apiClient(t.url);
  audit = new SqlAuditLog(t.server.database);
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  tokens.clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  tokens.mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
  const register = async (receivedOn: string) =>
    (
      await api.ok<{ id: string }>(
        'POST',
        '/cases',
        tokens.clerk,
        registrationInput({ receivedOn }),
      )
    ).id;
  // Received Tue 2026-12-29: acceptance and mediation period run into 2027, not loaded yet.
  ids.open = await register('2026-12-29');
  ids.legacy = await register('2026-12-29');
  ids.march = await register('2026-03-02');
  ids.closed = await register('2026-12-29');
  await api.ok('POST', `/cases/${ids.closed}/refuse`, tokens.clerk, { reason: '不属于受理范围' });
  // Rows stored before provisional deadlines existed (migration 12) read as final.
  await t.server.database.run(
    "UPDATE deadlines SET provisional = 0, missing_calendar_years = '[]' WHERE case_id = ?",
    [ids.legacy],
  );
  // A party to invite: of the accepted March case (invitations need an accepted case).
  await respondentsAgreeOverHttp(api, tokens.clerk, ids.march);
  await api.ok('POST', `/cases/${ids.march}/accept`, tokens.clerk);
  const applicant = (await view(ids.march)).people.find((p) => p.kind === 'applicant')!;
  tokens.party = (
    await api.ok<{ token: string }>('POST', `/cases/${ids.march}/invitations`, tokens.clerk, {
      personId: applicant.id,
    })
  ).token;
  for (const id of Object.values(ids)) before[id] = await view(id);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('loading a year through the API', () => {
  it('refuses parties and mediators (403) and anyone without a token (401); nothing stored', async () => {
    for (const token of [tokens.party, tokens.mediator]) {
      const r = await api.call('POST', '/calendar/years', token, testSchedule2027());
      expect(r.status).toBe(403);
      expect(errorCode(r)).toBe('FORBIDDEN');
      expect((await api.call('GET', '/calendar', token)).status).toBe(403);
    }
    expect((await api.call('POST', '/calendar/years', undefined, testSchedule2027())).status).toBe(
      401,
    );
    expect(await audit.list(CALENDAR_AUDIT_CHAIN)).toEqual([]);
  });

  it('refuses a bad schedule with 400 naming the entry, and stores nothing', async () => {
    const r = await api.call(
      'POST',
      '/calendar/years',
      tokens.clerk,
      testSchedule2027({ workdays: ['2027-02-22'] }),
    );
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('workdays.0: 2027-02-22 不是周六或周日');
    const calendar = await api.ok<{ years: { year: number }[]; missingScheduleYears: number[] }>(
      'GET',
      '/calendar',
      tokens.clerk,
    );
    expect(calendar.years.map((y) => y.year)).toEqual([2025, 2026]);
    expect(await audit.list(CALENDAR_AUDIT_CHAIN)).toEqual([]);
    expect(await recomputedEvents(ids.open)).toEqual([]);
  });

  it('refuses to replace a shipped year without a correction and its reason (409)', async () => {
    const r = await api.call(
      'POST',
      '/calendar/years',
      tokens.clerk,
      testSchedule2027({
        year: 2026,
        holidays: [{ first: '2026-01-01', last: '2026-01-03', name: '元旦' }],
        workdays: [],
      }),
    );
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).toContain('correction');
    expect(await audit.list(CALENDAR_AUDIT_CHAIN)).toEqual([]);
  });

  it('a clerk loads 2027: an audit event, the open deadlines recomputed with events and notices', async () => {
    const r = await api.call('POST', '/calendar/years', tokens.clerk, testSchedule2027());
    expect(r.status).toBe(201);
    // open: acceptance moves and becomes final, mediation period becomes final; legacy: acceptance moves.
    expect(r.body).toMatchObject({ year: 2027, origin: 'added', deadlinesChanged: 3, notices: 3 });

    const chain = await audit.list(CALENDAR_AUDIT_CHAIN);
    expect(chain.map((e) => [e.action, e.target])).toEqual([['calendar.year_added', '2027']]);
    expect(JSON.parse(chain[0]!.payload)).toMatchObject({
      year: 2027,
      schedule: { source: { number: 'TEST-2027-1' } },
    });
    expect((await audit.verify(CALENDAR_AUDIT_CHAIN)).ok).toBe(true);

    // The open case: acceptance 2027-01-01 (provisional) → 2027-01-04 after the (test) 元旦.
    const open = await view(ids.open);
    const due = (v: CaseView, kind: CaseDeadline['kind']) =>
      v.deadlines.find((d) => d.kind === kind && d.status === 'open');
    expect(due(before[ids.open]!, 'acceptance_decision')).toMatchObject({
      dueOn: '2027-01-01',
      provisional: true,
    });
    expect(due(open, 'acceptance_decision')).toMatchObject({
      dueOn: '2027-01-04',
      provisional: false,
      missingCalendarYears: [],
    });
    expect(due(open, 'mediation_period')).toMatchObject({
      dueOn: '2027-01-13',
      provisional: false,
    });
    expect(open.case.mediationDueOn).toBe('2027-01-13');
    const events = await recomputedEvents(ids.open);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]!.payload)).toMatchObject({
      kind: 'acceptance_decision',
      previous: { dueOn: '2027-01-01', provisional: true },
      next: { dueOn: '2027-01-04', provisional: false },
      calendarYear: 2027,
    });
    const changed = open.notices.filter((n) => n.kind === 'deadline_changed');
    expect(changed).toHaveLength(2);
    const acceptance = changed.find((n) => n.data['deadlineKind'] === 'acceptance_decision')!;
    expect(acceptance.data).toMatchObject({
      previousDueOn: '2027-01-01',
      dueOn: '2027-01-04',
      previousProvisional: true,
      provisional: false,
    });
    const applicant = open.people.find((p) => p.kind === 'applicant')!;
    expect(acceptance.data['recipients']).toEqual([
      expect.objectContaining({ personId: applicant.id, kind: 'applicant' }),
    ]);
    expect((await audit.verify(ids.open)).ok).toBe(true);

    // A row stored as final before migration 12 is recomputed too.
    const legacy = await view(ids.legacy);
    expect(due(legacy, 'acceptance_decision')).toMatchObject({ dueOn: '2027-01-04' });
    expect(legacy.notices.filter((n) => n.kind === 'deadline_changed')).toHaveLength(1);

    // Unchanged (all in 2026) and closed deadlines: nothing.
    for (const id of [ids.march, ids.closed]) {
      expect((await view(id)).deadlines).toEqual(before[id]!.deadlines);
      expect((await view(id)).notices).toEqual(before[id]!.notices);
      expect(await recomputedEvents(id)).toEqual([]);
    }

    const calendar = await api.ok<{ years: { year: number; origin: string }[] }>(
      'GET',
      '/calendar',
      tokens.clerk,
    );
    expect(calendar.years.map((y) => [y.year, y.origin])).toContainEqual([2027, 'added']);
    const databaseUrl = t.server.config.database.url;
    expect(
      databaseUrl
        ? (await verifyPostgres(databaseUrl, '--all')).exitCode
        : verifyDatabase(databaseFile(t.dataDir), '--all').exitCode,
    ).toBe(0);
  });

  it('loading 2027 again is refused without a correction; a correction with a reason replaces it', async () => {
    expect(
      (await api.call('POST', '/calendar/years', tokens.clerk, testSchedule2027())).status,
    ).toBe(409);
    const corrected = await api.call(
      'POST',
      '/calendar/years',
      tokens.clerk,
      testSchedule2027({ correction: { reason: '测试：重新核对后无变化' } }),
    );
    expect(corrected.status).toBe(201);
    // Same schedule: every deadline already agrees with it.
    expect(corrected.body).toMatchObject({ origin: 'corrected', deadlinesChanged: 0, notices: 0 });
    expect((await audit.list(CALENDAR_AUDIT_CHAIN)).map((e) => e.action)).toEqual([
      'calendar.year_added',
      'calendar.year_corrected',
    ]);
  });
});

describe('loading a year with the CLI', () => {
  const schedule2028 = {
    year: 2028,
    holidays: [{ first: '2028-01-01', last: '2028-01-03', name: '元旦（测试数据）' }],
    workdays: [],
    source: { title: '测试数据：虚构的 2028 年节假日安排（非官方）', publishedOn: '2027-11-10' },
  };

  it('exits non-zero on bad input and stores nothing', async () => {
    const bad = path.join(t.dataDir, 'bad-2028.json');
    writeFileSync(bad, JSON.stringify({ ...schedule2028, workdays: ['2028-01-04'] }));
    const refused = await calendarYearTool(
      ['add', bad],
      t.dataDir,
      undefined,
      t.server.config.database,
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.lines.join('\n')).toContain('workdays.0: 2028-01-04 不是周六或周日');
    expect(
      (
        await calendarYearTool(
          ['add', path.join(t.dataDir, 'none.json')],
          t.dataDir,
          undefined,
          t.server.config.database,
        )
      ).exitCode,
    ).toBe(2);
    expect(
      (await calendarYearTool(['add'], t.dataDir, undefined, t.server.config.database)).exitCode,
    ).toBe(2);
    // The built tool as an operator runs it: the same refusal as its exit status.
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: run \`npm test\` (it builds the server)`);
    const run = spawnSync(process.execPath, [CLI, 'add', bad], {
      env: {
        ...process.env,
        DATA_DIR: t.dataDir,
        ...(t.server.config.database.url ? { DATABASE_URL: t.server.config.database.url } : {}),
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('workdays.0: 2028-01-04');
    const list = await calendarYearTool(['list'], t.dataDir, undefined, t.server.config.database);
    expect(list.lines.some((l) => l.startsWith('2028 '))).toBe(false);
  });

  it('adds a year on the data directory of the running service, which picks it up', async () => {
    const good = path.join(t.dataDir, 'good-2028.json');
    writeFileSync(good, JSON.stringify(schedule2028));
    const added = await calendarYearTool(
      ['add', good, '--by', '运维'],
      t.dataDir,
      undefined,
      t.server.config.database,
    );
    expect(added).toMatchObject({ exitCode: 0 });
    const chain = await audit.list(CALENDAR_AUDIT_CHAIN);
    expect(chain.at(-1)).toMatchObject({
      action: 'calendar.year_added',
      target: '2028',
      actorId: 'cli:运维',
    });
    // The service switches at its next deadline pass.
    await t.server.scheduler.tick();
    const calendar = await api.ok<{ years: { year: number }[] }>('GET', '/calendar', tokens.clerk);
    expect(calendar.years.map((y) => y.year)).toEqual([2025, 2026, 2027, 2028]);
  });
});
