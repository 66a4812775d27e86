/**
 * The repositories already on SqlClient, run with the same assertions on
 * embedded SQLite and on PostgreSQL (issue 18: every repository behind the same
 * interface on both). Grows as repositories move onto SqlClient.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CalendarYearRecord } from '../../server/cases/calendarYears.js';
import type { ExtensionProposal, ExtensionResponse } from '../../server/cases/model.js';
import { SqlBundleRepository } from '../../server/db/SqlBundleRepository.js';
import { SqlCalendarYears } from '../../server/db/SqlCalendarYears.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import { createLogger } from '../../server/logger.js';
import { SqlInstitutionRepository } from '../../server/db/SqlInstitutionRepository.js';
import { SqlWebhookDeliveryRepository } from '../../server/db/SqlWebhookDeliveryRepository.js';
import { SqlFloorLogRepository } from '../../server/db/SqlFloorLogRepository.js';
import { SqlDisclosureConsentRepository } from '../../server/db/SqlDisclosureConsentRepository.js';
import { SqlEvidenceRepository } from '../../server/db/SqlEvidenceRepository.js';
import { SqlExtensionRepository } from '../../server/db/SqlExtensionRepository.js';
import { SqlPaymentOrderRepository } from '../../server/db/SqlPaymentOrderRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import { SqlSecurityEvents } from '../../server/db/SqlSecurityEvents.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import type { EvidenceItem } from '../../server/evidence/model.js';
import type { ConsentRecord, Recording, TrackRecord } from '../../server/recordingService/model.js';
import type { BundleRecord } from '../../server/references/BundleRepository.js';
import type { PaymentOrderRecord } from '../../server/references/PaymentOrderRepository.js';
import { SqlJobLeases } from '../../server/db/SqlJobLeases.js';
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
  await sql.run(
    `INSERT INTO institutions (id, organisation_id, kind, name, webhook_url, key_hash, created_at, created_by)
     VALUES ('I1', 'ORG', 'court', '某区人民法院', 'https://court.example/hook', 'h', ?, 'S1')`,
    [NOW],
  );
  await sql.run(
    `INSERT INTO referrals (id, case_id, institution_id, kind, referred_at, referred_by)
     VALUES ('R1', 'C1', 'I1', 'judicial_confirmation', ?, 'S1')`,
    [NOW],
  );
  await sql.run(
    `INSERT INTO webhook_deliveries (id, institution_id, case_id, event, body, body_sha256, status, attempts,
       next_attempt_at, created_at) VALUES ('W1', 'I1', 'C1', 'bundle.created', '{}', 'b', 'pending', 0, ?, ?)`,
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

  it('job leases: one holder at a time across pools, renewed, taken over when expired or its holder is gone', async () => {
    const b = await openBackend(backend, 'leases');
    opened.push(b);
    const second = b.url
      ? await PostgresClient.open(b.url, { max: 5 }, createLogger('silent'))
      : b.sql;
    if (second !== b.sql) opened.push({ sql: second, close: () => second.close() });
    const pools = [new SqlJobLeases(b.sql), new SqlJobLeases(second)];
    // 30 concurrent claims of one job by 30 owners from two pools: exactly one wins.
    const won = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pools[i % 2]!.claim('notice:N1', `owner-${i}`, 60_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = `owner-${won.indexOf(true)}`;
    expect(await pools[1]!.holder('notice:N1')).toMatchObject({ owner: winner });
    // The holder claims again (a renewal); another owner cannot, nor renew it.
    expect(await pools[0]!.claim('notice:N1', winner, 60_000)).toBe(true);
    expect(await pools[0]!.renew('notice:N1', 'someone-else', 60_000)).toBe(false);
    expect(await pools[1]!.renew('notice:N1', winner, 60_000)).toBe(true);
    // A holder known to be gone is taken over before its lease ends; only by naming it.
    expect(await pools[0]!.claim('notice:N1', 'owner-new', 60_000, 'not-the-holder')).toBe(false);
    expect(await pools[0]!.claim('notice:N1', 'owner-new', 60_000, winner)).toBe(true);
    // An expired lease is anyone's; a released one too.
    expect(await pools[1]!.claim('composite:R1', 'a', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(await pools[0]!.claim('composite:R1', 'b', 60_000)).toBe(true);
    expect(await pools[1]!.renew('composite:R1', 'a', 60_000)).toBe(false);
    await pools[0]!.release('composite:R1', 'a');
    expect(await pools[0]!.holder('composite:R1')).toMatchObject({ owner: 'b' });
    await pools[1]!.release('composite:R1', 'b');
    expect(await pools[0]!.holder('composite:R1')).toBeUndefined();
    expect(await pools[1]!.claim('composite:R1', 'c', 60_000)).toBe(true);
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

  it('bundles: round-trip with their types, oldest first; a failed transaction keeps none', async () => {
    const bundles = new SqlBundleRepository(await open());
    const bundle = (id: string, createdAt: string, delivery: string | null): BundleRecord => ({
      id,
      caseId: 'C1',
      institutionId: 'I1',
      referralId: 'R1',
      kind: 'judicial_confirmation',
      path: `bundles/${id}.zip`,
      sha256: `sha-${id}`,
      size: 3_000_000_123,
      fileCount: 7,
      webhookDeliveryId: delivery,
      createdAt,
      createdBy: 'S1',
    });
    await bundles.insert(bundle('B2', '2026-03-02T10:00:00.000Z', 'W1'));
    await bundles.insert(bundle('B3', NOW, null));
    await bundles.insert(bundle('B1', NOW, null));
    await expect(
      bundles.transaction(async () => {
        await bundles.insert(bundle('B4', NOW, null));
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    expect(await bundles.get('B2')).toEqual(bundle('B2', '2026-03-02T10:00:00.000Z', 'W1'));
    expect(await bundles.get('B4')).toBeUndefined();
    expect((await bundles.listByCase('C1')).map((b) => b.id)).toEqual(['B1', 'B3', 'B2']);
    expect((await bundles.listByCase('C1'))[0]).toEqual(bundle('B1', NOW, null));
    expect(await bundles.listByCase('C2')).toEqual([]);
  });

  it('payment orders: round-trip with their types, oldest first; a failed transaction keeps none', async () => {
    const packs = new SqlPaymentOrderRepository(await open());
    const pack = (id: string, createdAt: string, delivery: string | null): PaymentOrderRecord => ({
      id,
      caseId: 'C1',
      institutionId: 'I1',
      requestedBy: 'P1',
      path: `payment-orders/${id}.zip`,
      sha256: `sha-${id}`,
      size: 4096,
      fileCount: 3,
      webhookDeliveryId: delivery,
      createdAt,
      createdBy: 'S2',
    });
    await packs.insert(pack('O2', '2026-03-02T10:00:00.000Z', 'W1'));
    await packs.insert(pack('O1', NOW, null));
    await expect(
      packs.transaction(async () => {
        await packs.insert(pack('O3', NOW, null));
        throw new Error('audit append failed');
      }),
    ).rejects.toThrow('audit append failed');
    expect(await packs.get('O2')).toEqual(pack('O2', '2026-03-02T10:00:00.000Z', 'W1'));
    expect(await packs.get('O3')).toBeUndefined();
    expect(await packs.listByCase('C1')).toEqual([
      pack('O1', NOW, null),
      pack('O2', '2026-03-02T10:00:00.000Z', 'W1'),
    ]);
  });

  it('evidence: round-trip with their types, in order received; flags, category and integrity change', async () => {
    const sql = await open();
    const evidence = new SqlEvidenceRepository(sql);
    const item = (id: string, o: Partial<EvidenceItem> = {}): EvidenceItem => ({
      id,
      caseId: 'C1',
      blobKey: `blob-${id}`,
      title: `证据${id}`,
      purpose: '证明拖欠工资',
      originalOrCopy: 'copy',
      category: 'evidence',
      filename: `${id}.pdf`,
      typeId: 'pdf',
      mediaType: 'application/pdf',
      size: 1000,
      pages: 3,
      activeContent: [],
      sha256: `sha-${id}`,
      uploadedBy: 'S1',
      uploaderRole: 'clerk',
      uploaderSide: 'organisation',
      uploaderIp: '127.0.0.1',
      uploaderAgent: 'Firefox',
      receivedAt: NOW,
      shared: false,
      confidential: false,
      integrity: 'ok',
      ...o,
    });
    const e3 = item('E3', { size: 3_000_000_000, activeContent: ['JavaScript', 'OpenAction'] });
    const e2 = item('E2', { activeContent: null, shared: true, confidential: true });
    const e1 = item('E1', {
      receivedAt: '2026-03-01T09:00:00.000Z',
      typeId: 'jpeg',
      mediaType: 'image/jpeg',
      pages: null,
      uploaderIp: null,
      uploaderAgent: null,
      originalOrCopy: 'original',
      uploaderSide: 'applicant',
    });
    await evidence.insert(e3);
    await evidence.insert(e2);
    await evidence.insert(e1);
    await sql.run(
      `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, intake_mode,
         application, received_on, registered_at, registered_by, mediation_due_on, updated_at)
       VALUES ('C2', 'N2', 'ORG', 'registered', 'wages', 'walk_in', 'in_person', '{}', '2026-03-02', ?, 'S1',
         '2026-04-01', ?)`,
      [NOW, NOW],
    );
    const other = item('E0', { caseId: 'C2', receivedAt: '2026-01-01T00:00:00.000Z' });
    await evidence.insert(other);

    expect(await evidence.get('E3')).toEqual(e3);
    expect(await evidence.get('E2')).toEqual(e2);
    expect(await evidence.get('nope')).toBeUndefined();
    // Same time received: in the order inserted.
    expect(await evidence.listByCase('C1')).toEqual([e1, e3, e2]);
    expect((await evidence.listAll()).map((i) => i.id)).toEqual(['E3', 'E2', 'E1', 'E0']);
    expect(await evidence.totalSize('C1')).toBe(3_000_002_000);
    expect(await evidence.totalSize('C3')).toBe(0);

    await evidence.setFlags('E3', { shared: true });
    await evidence.setFlags('E2', { confidential: false });
    await evidence.setCategory('E1', 'identity');
    await evidence.setIntegrity('E3', 'missing');
    expect(await evidence.listByCase('C1')).toEqual([
      { ...e1, category: 'identity' },
      { ...e3, shared: true, integrity: 'missing' },
      { ...e2, confidential: false },
    ]);
    await evidence.setFlags('E3', { shared: false, confidential: true });
    expect(await evidence.get('E3')).toMatchObject({ shared: false, confidential: true });
    expect(await evidence.get('E0')).toEqual(other);
  });

  it('extensions: proposals and answers in order; a status decided; a party answers once', async () => {
    const sql = await open();
    for (const [id, kind] of [
      ['P1', 'applicant'],
      ['P2', 'respondent'],
    ] as const)
      await sql.run(
        `INSERT INTO case_people (id, case_id, kind, name, created_at) VALUES (?, 'C1', ?, ?, ?)`,
        [id, kind, `当事人${id}`, NOW],
      );
    const extensions = new SqlExtensionRepository(sql);
    const proposal = (
      id: string,
      proposedAt: string,
      status: ExtensionProposal['status'] = 'pending',
    ): ExtensionProposal => ({
      id,
      caseId: 'C1',
      newDueOn: '2026-04-16',
      reason: '双方需要时间核对工资表',
      previousDueOn: '2026-04-01',
      status,
      proposedBy: 'S1',
      proposedAt,
      decidedAt: status === 'pending' ? null : '2026-03-02T12:00:00.000Z',
    });
    await extensions.insertProposal(proposal('X3', NOW, 'withdrawn'));
    await extensions.insertProposal(proposal('X1', NOW));
    await extensions.insertProposal(proposal('X2', '2026-03-01T09:00:00.000Z', 'refused'));
    // One pending proposal per case, on both databases.
    await expect(extensions.insertProposal(proposal('X4', NOW))).rejects.toMatchObject({
      name: 'SqlConstraintError',
      kind: 'unique',
    });
    expect((await extensions.listProposals('C1')).map((p) => p.id)).toEqual(['X2', 'X3', 'X1']);
    expect(await extensions.getProposal('X3')).toEqual(proposal('X3', NOW, 'withdrawn'));
    expect(await extensions.getProposal('X1')).toEqual(proposal('X1', NOW));
    expect(await extensions.getProposal('X4')).toBeUndefined();
    await extensions.setProposalStatus('X1', 'agreed', '2026-03-03T09:00:00.000Z');
    expect(await extensions.getProposal('X1')).toEqual({
      ...proposal('X1', NOW),
      status: 'agreed',
      decidedAt: '2026-03-03T09:00:00.000Z',
    });
    expect((await extensions.getProposal('X3'))?.status).toBe('withdrawn');

    const offline: ExtensionResponse = {
      proposalId: 'X1',
      partyId: 'P2',
      decision: 'consent',
      byId: 'S1',
      byRole: 'clerk',
      offline: { evidenceId: 'E1', evidenceSha256: 'abc', attestation: '当面确认' },
      at: NOW,
    };
    const own: ExtensionResponse = {
      proposalId: 'X1',
      partyId: 'P1',
      decision: 'refuse',
      byId: 'P1',
      byRole: 'applicant',
      offline: null,
      at: NOW,
    };
    expect(await extensions.insertResponse(offline)).toBe(true);
    expect(await extensions.insertResponse(own)).toBe(true);
    expect(await extensions.insertResponse({ ...own, decision: 'consent', at: '2026-03-05' })).toBe(
      false,
    );
    expect(await extensions.listResponses('X1')).toEqual([offline, own]);
    expect(await extensions.listResponses('X3')).toEqual([]);
  });

  it('recordings: round-trip, lists in order, partial updates; a consent acknowledged and withdrawn once; tracks', async () => {
    const recordings = new SqlRecordingRepository(await open());
    const recording = (id: string, startedAt: string): Recording => ({
      id,
      caseId: 'C1',
      sessionId: 'M1',
      status: 'recording',
      startedAt,
      startedBy: 'S4',
      stoppedAt: null,
      stopReason: null,
      privatePhases: [],
      compositeStatus: 'pending',
      compositeProgress: 0,
      composite: null,
      manifestSha256: null,
      manifestKid: null,
      completedAt: null,
      aliveAt: null,
    });
    await recordings.insert(recording('RB', NOW));
    await recordings.insert(recording('RA', NOW));
    await recordings.insert(recording('RC', '2026-03-02T08:00:00.000Z'));
    expect(await recordings.get('RB')).toEqual(recording('RB', NOW));
    expect(await recordings.get('nope')).toBeUndefined();
    expect((await recordings.listByCase('C1')).map((r) => r.id)).toEqual(['RC', 'RA', 'RB']);
    // Completed once: only from the status it was in (a second sealer finds it changed).
    await recordings.update('RC', { status: 'processing' });
    const seal = () =>
      recordings.transaction(() =>
        recordings.updateIf('RC', 'processing', { status: 'complete', completedAt: NOW }),
      );
    expect(await seal()).toBe(true);
    expect(await seal()).toBe(false);
    expect(await recordings.get('RC')).toMatchObject({ status: 'complete', completedAt: NOW });

    const phases = [
      {
        from: '2026-03-02T09:05:00.000Z',
        to: '2026-03-02T09:10:00.000Z',
        participantIds: ['p1'],
        recorded: false,
      },
    ];
    const composite = {
      status: 'complete' as const,
      file: 'composite.webm',
      sha256: 'c0ffee',
      size: 5_000_000_000,
      durationMs: 600_000,
      width: 1280,
      height: 720,
    };
    await recordings.update('RA', {
      status: 'processing',
      stoppedAt: '2026-03-02T09:30:00.000Z',
      stopReason: 'mediator',
      privatePhases: phases,
      compositeStatus: 'rendering',
      compositeProgress: 0.375,
      aliveAt: '2026-03-02T09:29:59.500Z',
    });
    await recordings.update('RC', {
      status: 'complete',
      composite,
      compositeStatus: 'complete',
      compositeProgress: 1,
    });
    await recordings.update('RB', {});
    await recordings.update('RB', { stopReason: undefined });
    expect(await recordings.get('RA')).toEqual({
      ...recording('RA', NOW),
      status: 'processing',
      stoppedAt: '2026-03-02T09:30:00.000Z',
      stopReason: 'mediator',
      privatePhases: phases,
      compositeStatus: 'rendering',
      compositeProgress: 0.375,
      aliveAt: '2026-03-02T09:29:59.500Z',
    });
    expect((await recordings.get('RC'))?.composite).toEqual(composite);
    expect(await recordings.get('RB')).toEqual(recording('RB', NOW));
    await recordings.update('RC', { composite: null, manifestSha256: 'm', manifestKid: 'k1' });
    expect(await recordings.get('RC')).toMatchObject({
      composite: null,
      manifestSha256: 'm',
      manifestKid: 'k1',
    });
    expect((await recordings.listByStatus('recording')).map((r) => r.id)).toEqual(['RB']);
    expect((await recordings.listByStatus('complete')).map((r) => r.id)).toEqual(['RC']);

    const consent = (participantId: string, at: string): ConsentRecord => ({
      recordingId: 'RA',
      participantId,
      displayName: `参与人${participantId}`,
      role: 'applicant',
      acknowledgedAt: at,
      withdrawnAt: null,
      ip: participantId === 'p2' ? null : '10.0.0.1',
      userAgent: participantId === 'p2' ? null : 'Chrome',
    });
    expect(await recordings.acknowledge(consent('p2', NOW))).toEqual({
      record: consent('p2', NOW),
      created: true,
    });
    expect(await recordings.acknowledge(consent('p1', NOW))).toEqual({
      record: consent('p1', NOW),
      created: true,
    });
    // Acknowledging again is the one record, as first stored.
    expect(await recordings.acknowledge(consent('p1', '2026-03-02T09:20:00.000Z'))).toEqual({
      record: consent('p1', NOW),
      created: false,
    });
    expect(await recordings.withdraw('RA', 'p1', '2026-03-02T09:21:00.000Z')).toEqual({
      ...consent('p1', NOW),
      withdrawnAt: '2026-03-02T09:21:00.000Z',
    });
    // Withdrawn once: the first time stands.
    expect((await recordings.withdraw('RA', 'p1', '2026-03-02T09:25:00.000Z'))?.withdrawnAt).toBe(
      '2026-03-02T09:21:00.000Z',
    );
    expect(await recordings.withdraw('RA', 'p9', NOW)).toBeUndefined();
    expect(await recordings.consents('RA')).toEqual([
      { ...consent('p1', NOW), withdrawnAt: '2026-03-02T09:21:00.000Z' },
      consent('p2', NOW),
    ]);
    expect(await recordings.consents('RB')).toEqual([]);

    const track = (id: string, startedAt: string): TrackRecord => ({
      id,
      recordingId: 'RA',
      participantId: 'p1',
      displayName: '参与人p1',
      role: 'applicant',
      source: 'microphone',
      kind: 'audio',
      codec: 'opus',
      file: `${id}.webm`,
      pid: 4242,
      startedAt,
      endedAt: null,
      endReason: null,
      endDetail: null,
      durationMs: null,
      size: null,
      sha256: null,
      pauses: [],
    });
    await recordings.insertTrack(track('T2', NOW));
    await recordings.insertTrack(track('T1', NOW));
    await recordings.insertTrack(track('T0', '2026-03-02T09:01:00.000Z'));
    const pauses = [{ from: '2026-03-02T09:05:00.000Z', to: null }];
    await recordings.updateTrack('T2', {
      pid: null,
      endedAt: '2026-03-02T09:30:00.000Z',
      endReason: 'recording-stopped',
      endDetail: 'stopped by the mediator',
      durationMs: 1_800_000,
      size: 3_500_000_000,
      sha256: 'abc',
      pauses,
    });
    await recordings.updateTrack('T1', {});
    expect(await recordings.tracks('RA')).toEqual([
      track('T1', NOW),
      {
        ...track('T2', NOW),
        pid: null,
        endedAt: '2026-03-02T09:30:00.000Z',
        endReason: 'recording-stopped',
        endDetail: 'stopped by the mediator',
        durationMs: 1_800_000,
        size: 3_500_000_000,
        sha256: 'abc',
        pauses,
      },
      track('T0', '2026-03-02T09:01:00.000Z'),
    ]);
    expect(await recordings.tracks('RB')).toEqual([]);
  });
  it('institutions: listed oldest first, courts still active, revocation, referrals by case', async () => {
    const sql = await open();
    const repo = new SqlInstitutionRepository(sql);
    const commission = {
      id: 'I2',
      organisationId: 'ORG',
      kind: 'arbitration' as const,
      name: '区劳动人事争议仲裁委员会',
      webhookUrl: null,
      createdAt: '2026-03-02T10:00:00.000Z',
      createdBy: 'S1',
      revokedAt: null,
    };
    const court = { ...commission, id: 'I3', kind: 'court' as const, name: '甲区人民法院' };
    await repo.insertInstitution(commission, 'hash-2');
    await repo.insertInstitution(court, 'hash-3');
    expect(await repo.getInstitution('I2')).toEqual(commission);
    expect(await repo.getInstitution('NONE')).toBeUndefined();
    expect((await repo.listInstitutions('ORG')).map((i) => i.id)).toEqual(['I1', 'I2', 'I3']);
    // By name, in code point order on both (某 U+67D0 before 甲 U+7532).
    expect(await repo.activeCourts('ORG')).toEqual([
      { id: 'I1', name: '某区人民法院' },
      { id: 'I3', name: '甲区人民法院' },
    ]);
    await repo.setRevoked('I3', '2026-03-03T00:00:00.000Z');
    expect((await repo.getInstitution('I3'))?.revokedAt).toBe('2026-03-03T00:00:00.000Z');
    expect(await repo.activeCourts('ORG')).toEqual([{ id: 'I1', name: '某区人民法院' }]);
    expect(await repo.keyHash('I2')).toBe('hash-2');
    expect(await repo.keyHash('NONE')).toBeUndefined();
    expect(await repo.getReferral('C1', 'R1')).toMatchObject({ id: 'R1', institutionId: 'I1' });
    expect(await repo.getReferral('OTHER-CASE', 'R1')).toBeUndefined();
    expect(await repo.isReferred('I1', 'C1')).toBe(true);
    expect(await repo.isReferred('I2', 'C1')).toBe(false);
  });

  it('webhook deliveries: queued inside a transaction or not at all, due in order, requeued', async () => {
    const sql = await open();
    const repo = new SqlWebhookDeliveryRepository(sql);
    const delivery = (id: string, createdAt: string) => ({
      id,
      institutionId: 'I1',
      caseId: 'C1',
      event: 'case.referred',
      body: '{"caseId":"C1"}',
      bodySha256: 'c'.repeat(64),
      bodyPath: null,
      contentType: 'application/json',
      createdAt,
    });
    await expect(
      repo.transaction(async () => {
        await repo.insert(delivery('W9', '2026-03-02T09:30:00.000Z'));
        throw new Error('the bundle was not stored');
      }),
    ).rejects.toThrow('the bundle was not stored');
    expect(await repo.get('W9')).toBeUndefined();
    await repo.transaction(() => repo.insert(delivery('W2', '2026-03-02T09:30:00.000Z')));
    expect(await repo.get('W2')).toMatchObject({ id: 'W2', status: 'pending', attempts: 0 });
    // Claims go earliest first; a claimed delivery is not due again until its lease ends.
    const lease = '2026-03-02T09:46:00.000Z';
    const first = await repo.claimDue('2026-03-02T09:45:00.000Z', lease);
    const second = await repo.claimDue('2026-03-02T09:45:00.000Z', lease);
    expect([first, second].map((d) => [d?.delivery.id, d?.webhookUrl, d?.revokedAt])).toEqual([
      ['W1', 'https://court.example/hook', null],
      ['W2', 'https://court.example/hook', null],
    ]);
    expect(second?.delivery).toMatchObject({ attempts: 1, nextAttemptAt: lease });
    expect(await repo.claimDue('2026-03-02T09:45:00.000Z', lease)).toBeUndefined();
    // The lease ended (its process died): the next claim counts a second attempt; the late
    // outcome of the first is not recorded over it.
    const later = ['2026-03-02T09:46:00.000Z', '2026-03-02T09:47:00.000Z'] as const;
    expect((await repo.claimDue(...later))?.delivery).toMatchObject({ id: 'W1', attempts: 2 });
    expect((await repo.claimDue(...later))?.delivery).toMatchObject({ id: 'W2', attempts: 2 });
    expect(
      await repo.markFailed('W2', {
        status: 'pending',
        attempts: 1,
        nextAttemptAt: '2026-03-02T09:50:00.000Z',
        lastError: 'late',
      }),
    ).toBe(false);
    expect(
      await repo.markFailed('W2', {
        status: 'dead',
        attempts: 2,
        nextAttemptAt: '2026-03-02T10:00:00.000Z',
        lastError: 'HTTP 500',
      }),
    ).toBe(true);
    await repo.requeueDead('W2', 'SOMEONE-ELSE', '2026-03-02T11:00:00.000Z');
    expect(await repo.get('W2')).toMatchObject({
      status: 'dead',
      attempts: 2,
      lastError: 'HTTP 500',
    });
    await repo.requeueDead('W2', 'I1', '2026-03-02T11:00:00.000Z');
    expect(await repo.get('W2')).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: '2026-03-02T11:00:00.000Z',
    });
    expect(await repo.markDelivered('W1', 1, '2026-03-02T12:00:00.000Z', '{"ok":true}')).toBe(
      false,
    );
    expect(await repo.markDelivered('W1', 2, '2026-03-02T12:00:00.000Z', '{"ok":true}')).toBe(true);
    expect((await repo.listByInstitution('I1')).map((d) => [d.id, d.status])).toEqual([
      ['W1', 'delivered'],
      ['W2', 'pending'],
    ]);
  });
});
