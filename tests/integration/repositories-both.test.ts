/**
 * The repositories already on SqlClient, run with the same assertions on
 * embedded SQLite and on PostgreSQL (issue 18: every repository behind the same
 * interface on both). Grows as repositories move onto SqlClient.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CalendarYearRecord } from '../../server/cases/calendarYears.js';
import { SqlCalendarYears } from '../../server/db/SqlCalendarYears.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import { createLogger } from '../../server/logger.js';
import { SqlFloorLogRepository } from '../../server/db/SqlFloorLogRepository.js';
import { SqlDisclosureConsentRepository } from '../../server/db/SqlDisclosureConsentRepository.js';
import { SqlSecurityEvents } from '../../server/db/SqlSecurityEvents.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import { BACKENDS, openBackend, type OpenedBackend } from '../support/backends.js';

const opened: OpenedBackend[] = [];
afterEach(async () => {
  for (const b of opened.splice(0)) await b.close();
});

const NOW = '2026-03-02T09:00:00.000Z';

async function seed(sql: SqlClient): Promise<void> {
  await sql.run(`INSERT INTO organisations (id, name, created_at) VALUES ('ORG', '调解中心', ?)`, [
    NOW,
  ]);
  for (const [id, role, active, at] of [
    ['S2', 'clerk', 1, '2026-01-02'],
    ['S1', 'clerk', 1, '2026-01-01'],
    ['S3', 'clerk', 0, '2026-01-01'],
    ['S4', 'mediator', 1, '2026-01-01'],
  ] as const)
    await sql.run(
      `INSERT INTO staff (id, organisation_id, username, display_name, role, password_hash, active, created_at)
       VALUES (?, 'ORG', ?, ?, ?, 'x', ?, ?)`,
      [id, id.toLowerCase(), `职员${id}`, role, active, at],
    );
  await sql.run(
    `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, intake_mode,
       application, received_on, registered_at, registered_by, mediation_due_on, updated_at)
     VALUES ('C1', 'N1', 'ORG', 'registered', 'wages', 'walk_in', 'in_person', '{}', '2026-03-02', ?, 'S1',
       '2026-04-01', ?)`,
    [NOW, NOW],
  );
}

function year(y: number, addedBy: string, reason: string | null): CalendarYearRecord {
  return {
    year: y,
    schedule: {
      year: y,
      source: {
        title: `国务院办公厅关于${y}年部分节假日安排的通知`,
        number: null,
        publishedOn: null,
      },
      holidays: [{ name: '元旦', dates: [`${y}-01-01`] }],
      workdays: [],
    } as unknown as CalendarYearRecord['schedule'],
    addedBy,
    addedAt: NOW,
    correctionReason: reason,
  };
}

describe.each(BACKENDS)('repositories on %s', (backend) => {
  async function open(): Promise<SqlClient> {
    const b = await openBackend(backend, 'repos');
    opened.push(b);
    await seed(b.sql);
    return b.sql;
  }

  it('floor log: chat kept, a removal counted once, asked per session and participant', async () => {
    const sql = await open();
    const log = new SqlFloorLogRepository(sql);
    const removal = {
      sessionId: 'SES-1',
      participantId: 'P1',
      caseId: 'C1',
      removedBy: 'S4',
      reason: '扰乱调解秩序',
      removedAt: NOW,
    };
    await log.insertRemoval(removal);
    await log.insertRemoval({ ...removal, reason: 'again', removedAt: '2026-03-02T10:00:00.000Z' });
    expect(await log.isRemoved('SES-1', 'P1')).toBe(true);
    expect(await log.isRemoved('SES-1', 'P2')).toBe(false);
    expect(await log.isRemoved('SES-2', 'P1')).toBe(false);
    expect(await sql.all('SELECT reason FROM session_removals')).toEqual([
      { reason: '扰乱调解秩序' },
    ]);
    await log.transaction(() =>
      log.insertChat({
        id: 'M1',
        caseId: 'C1',
        sessionId: 'SES-1',
        participantId: 'S4',
        displayName: '王调解',
        role: 'mediator',
        text: '请双方陈述',
        confidential: true,
        sentAt: NOW,
      }),
    );
    expect(await sql.all('SELECT id, text, confidential FROM session_chat')).toEqual([
      { id: 'M1', text: '请双方陈述', confidential: 1 },
    ]);
  });

  it('audit chain: concurrent appends to one case (from two processes on PostgreSQL) never fork it', async () => {
    const b = await openBackend(backend, 'audit');
    opened.push(b);
    // On PostgreSQL a second pool on the same database, as a second service process has. SQLite
    // runs one process (its writers wait on the file lock, which would block this one thread).
    const second = b.url
      ? await PostgresClient.open(b.url, { max: 5 }, createLogger('silent'))
      : b.sql;
    if (second !== b.sql) opened.push({ sql: second, close: () => second.close() });
    const logs = [new SqlAuditLog(b.sql), new SqlAuditLog(second)];
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        logs[i % 2]!.append({
          caseId: 'C1',
          actorId: `process-${i % 2}`,
          actorRole: 'clerk',
          action: 'case.note',
          target: 'C1',
          payload: { n: i },
        }),
      ),
    );
    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const verification = await logs[1]!.verify('C1');
    expect(verification).toMatchObject({ ok: true, length: 40, head: { seq: 40 } });
    // A failed transaction takes its event with it; the chain goes on from the last kept one.
    await expect(
      b.sql.transaction(async () => {
        await logs[0]!.append({
          caseId: 'C1',
          actorId: 'p',
          actorRole: 'clerk',
          action: 'case.note',
          target: 'C1',
          payload: { lost: true },
        });
        throw new Error('the change it records failed');
      }),
    ).rejects.toThrow('the change it records failed');
    const next = await logs[0]!.append({
      caseId: 'C1',
      actorId: 'p',
      actorRole: 'clerk',
      action: 'case.note',
      target: 'C1',
      payload: { kept: true },
    });
    expect(next.seq).toBe(41);
    expect(await logs[0]!.verify('C1')).toMatchObject({ ok: true, length: 41 });
  });

  it('calendar years: listed by year, a correction replaces the year', async () => {
    const years = new SqlCalendarYears(await open());
    await years.put(year(2028, 'S1', null));
    await years.put(year(2027, 'S1', null));
    await years.put(year(2028, 'S2', '更正：通知日期'));
    const list = await years.list();
    expect(list.map((r) => [r.year, r.addedBy, r.correctionReason])).toEqual([
      [2027, 'S1', null],
      [2028, 'S2', '更正：通知日期'],
    ]);
    expect(list[1]!.schedule).toEqual(year(2028, 'S2', null).schedule);
  });

  it('security events: per organisation (none is its own), in order; active clerks only', async () => {
    const events = new SqlSecurityEvents(await open());
    const base = {
      kind: 'sign_in_backoff' as const,
      accountKind: 'staff' as const,
      accountId: null,
      source: '127.0.0.1',
      createdAt: NOW,
    };
    const a = await events.record({
      ...base,
      organisationId: 'ORG',
      account: 'a',
      detail: { n: 5 },
    });
    const b = await events.record({ ...base, organisationId: 'ORG', account: 'b', detail: {} });
    const c = await events.record({ ...base, organisationId: null, account: 'c', detail: {} });
    expect((await events.list('ORG')).map((e) => e.id)).toEqual([a.id, b.id]);
    expect(await events.list(null)).toEqual([c]);
    expect((await events.list('ORG'))[0]).toEqual(a);
    expect(await events.clerks('ORG')).toEqual([
      { id: 'S1', displayName: '职员S1' },
      { id: 'S2', displayName: '职员S2' },
    ]);
  });

  it('disclosure consents: kept in order; a failed transaction keeps none of its rows', async () => {
    const consents = new SqlDisclosureConsentRepository(await open());
    const say = (id: string, agree: boolean, at = NOW) => ({
      id,
      caseId: 'C1',
      personId: 'P1',
      side: 'applicant' as const,
      agree,
      at,
    });
    await consents.insert(say('D2', true));
    await consents.insert(say('D1', false));
    await expect(
      consents.transaction(async () => {
        await consents.insert(say('D3', true));
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    expect(await consents.listByCase('C1')).toEqual([say('D2', true), say('D1', false)]);
  });
});
