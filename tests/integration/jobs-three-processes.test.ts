/**
 * Three service processes (the built server, dist/) on one PostgreSQL
 * database and one data directory, their background work racing from the
 * moment they start: every passed deadline is marked once with one notice,
 * every notice served once, every referral's webhook accepted once. One
 * process is SIGKILLed in the middle of a webhook attempt (the receiver holds
 * its request open); another process makes the attempt again once the lease
 * has run out. A notice whose lease a process on another machine holds (and
 * will never finish) is served after that lease ends, not before.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CaseService } from '../../server/cases/CaseService.js';
import { officialWorkCalendar } from '../../server/cases/holidayCalendar.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { SqlJobLeases } from '../../server/db/SqlJobLeases.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import { InAppDeliveryChannel } from '../../server/documents/DeliveryChannel.js';
import { DocumentService } from '../../server/documents/DocumentService.js';
import { OutboxChannel } from '../../server/documents/NotificationChannel.js';
import { PdfRenderer } from '../../server/documents/PdfRenderer.js';
import { processIdentity } from '../../server/jobs/JobLeases.js';
import { createLogger } from '../../server/logger.js';
import { ServiceKeys } from '../../server/signing/ServiceKeys.js';
import { FsBlobStore } from '../../server/storage/FsBlobStore.js';
import { caseInSession, registrationInput, seedStaff, TEST_PASSWORD } from '../support/cases.js';
import { apiClient } from '../support/evidenceHttp.js';
import { freshDatabase } from '../support/postgres.js';
import { startTestServer, TEST_SECRET } from '../support/server.js';
import { until } from '../support/webhookReceiver.js';

const ENTRY = 'dist/server/index.js';
const LEASE_MS = 3_000;
const REFERRALS = 4;
const REGISTERED = 4;

interface Attempt {
  key: string;
  at: number;
  port: number;
}

/** Accepts each delivery (once per key), except that it never answers the very first request. */
async function holdingReceiver() {
  const attempts: Attempt[] = [];
  const accepted = new Set<string>();
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      attempts.push({ key, at: Date.now(), port: req.socket.remotePort ?? 0 });
      if (attempts.length === 1) {
        held.push(res);
        return;
      }
      accepted.add(key);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ receipt: `R-${key.slice(0, 8)}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    attempts,
    accepted,
    close: () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The process whose socket has `port` as its local port, connected to the receiver. */
function ownerOfConnection(receiverPort: number, localPort: number): number | undefined {
  const out = execFileSync(
    'ss',
    ['-Htnp', `( dport = :${receiverPort} and sport = :${localPort} )`],
    {
      encoding: 'utf8',
    },
  );
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}

describe('three service processes on one PostgreSQL database', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('each deadline, notice and webhook once; a killed process’s attempt taken over after its lease', async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: npm test builds it`);
    const url = await freshDatabase(inject('postgresUrl'), 'jobs3');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'jobs3-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const hook = await holdingReceiver();
    cleanups.push(() => hook.close());
    const env = {
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      JOB_LEASE_MS: String(LEASE_MS),
      DEADLINE_PASS_MS: '1000',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
      WEBHOOK_RETRY_BASE_MS: '100',
    };

    // The installation as a clerk left it: cases in session referred to an arbitration
    // commission (their webhooks queued), cases registered weeks ago and never decided
    // (their deadlines passed), one case's notices produced but not yet served. Made by a
    // server whose own background work is stopped, so all of it waits for the three.
    const setup = await startTestServer(env);
    await setup.server.scheduler.stop();
    await setup.server.webhooks.stop();
    const staff = await seedStaff(new SqlCaseRepository(setup.server.database));
    const api = apiClient(setup.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { institution } = await api.ok<{ institution: { id: string } }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'arbitration', name: '某区劳动人事争议仲裁委员会', webhookUrl: hook.url },
    );
    const deliveries: string[] = [];
    const caseIds: string[] = [];
    for (let i = 0; i < REFERRALS; i++) {
      const made = await caseInSession(setup.server.cases, staff);
      caseIds.push(made.case.id);
      const { webhookDelivery } = await api.ok<{ webhookDelivery: string }>(
        'POST',
        `/cases/${made.case.id}/referrals`,
        clerk,
        { institutionId: institution.id, kind: 'delegated_report' },
      );
      deliveries.push(webhookDelivery);
    }
    const early = await setup.server.cases.register(
      staff.clerk,
      registerCaseSchema.parse(registrationInput({ receivedOn: '2026-11-02' })),
    );
    caseIds.push(early.id);
    await setup.server.cases.markOverdue();
    for (let i = 0; i < REGISTERED - 1; i++) {
      const c = await setup.server.cases.register(
        staff.clerk,
        registerCaseSchema.parse(registrationInput({ receivedOn: '2026-11-02' })),
      );
      caseIds.push(c.id);
    }
    await setup.close();

    const db = await PostgresClient.open(url, { max: 3 }, createLogger('silent'));
    cleanups.push(() => db.close());
    // The early case's notices, claimed by a process on another machine that will not finish.
    const planted = await db.all<{ id: string }>(
      'SELECT id FROM notices WHERE case_id = ? AND document_id IS NULL',
      [early.id],
    );
    expect(planted.length).toBeGreaterThan(0);
    const plantedUntil = new Date(Date.now() + 8_000).toISOString();
    for (const n of planted)
      await db.run(
        'INSERT INTO job_leases (job, owner, lease_until, claimed_at) VALUES (?, ?, ?, ?)',
        [`notice:${n.id}`, 'another-machine/4026531836/4242/deadbeef', plantedUntil, plantedUntil],
      );

    // Three processes, started at once.
    const processes: ChildProcess[] = [];
    const logs = new Map<number, string>();
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, [ENTRY], {
        env: {
          PATH: process.env['PATH'],
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: '0',
          JWT_SECRET: TEST_SECRET,
          MEDIASOUP_WORKER_BIN: process.env['MEDIASOUP_WORKER_BIN'],
          MEDIASOUP_NUM_WORKERS: '1',
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const pid = child.pid!;
      logs.set(pid, '');
      const keep = (chunk: Buffer) =>
        logs.set(pid, (logs.get(pid)! + chunk.toString()).slice(-8000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      processes.push(child);
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
      });
    }

    // The first webhook attempt hangs: its process is killed in the middle of it.
    await until(() => hook.attempts.length >= 1, 60_000);
    const first = hook.attempts[0]!;
    const pid = ownerOfConnection(hook.port, first.port);
    const victim = processes.find((p) => p.pid === pid);
    expect(victim, `the attempt's process (${pid}) is one of the three`).toBeDefined();
    victim!.kill('SIGKILL');
    await once(victim!, 'exit');
    expect(victim!.signalCode).toBe('SIGKILL');

    // Everything done, by the two left.
    const servedAll = async () =>
      (await db.all('SELECT id FROM notices WHERE document_id IS NULL')).length === 0;
    const describeState = () =>
      [...logs.entries()].map(([p, l]) => `--- ${p}\n${l.slice(-1500)}`).join('\n');
    await until(async () => hook.accepted.size === REFERRALS && (await servedAll()), 60_000).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: accepted ${hook.accepted.size}\n${describeState()}`);
      },
    );
    // A moment for anything that would run twice to show.
    await new Promise((r) => setTimeout(r, 2_500));

    // Webhooks: each accepted once; the killed attempt made again after its lease, once.
    expect(new Set(hook.attempts.map((a) => a.key))).toEqual(new Set(deliveries));
    const again = hook.attempts.filter((a) => a.key === first.key);
    expect(again).toHaveLength(2);
    expect(again[1]!.at - again[0]!.at).toBeGreaterThanOrEqual(LEASE_MS - 100);
    for (const key of deliveries.filter((k) => k !== first.key))
      expect(hook.attempts.filter((a) => a.key === key)).toHaveLength(1);
    const rows = await db.all<{ id: string; status: string; attempts: number }>(
      'SELECT id, status, attempts FROM webhook_deliveries ORDER BY id',
    );
    expect(rows.map((r) => [r.id, r.status, r.attempts])).toEqual(
      [...deliveries].sort().map((id) => [id, 'delivered', id === first.key ? 2 : 1]),
    );

    const audit = new SqlAuditLog(db);
    let overdueEvents = 0;
    let servedEvents = 0;
    for (const caseId of caseIds) {
      const events = await audit.list(caseId);
      expect(
        events.filter((e) => e.action === 'institution.webhook-delivered').length,
      ).toBeLessThanOrEqual(1);
      // One overdue mark per deadline, one notice served per notice.
      const marked = events.filter((e) => e.action === 'deadline.overdue').map((e) => e.target);
      expect(new Set(marked).size).toBe(marked.length);
      overdueEvents += marked.length;
      const served = events.filter((e) => e.action === 'notice.served').map((e) => e.target);
      expect(new Set(served).size).toBe(served.length);
      servedEvents += served.length;
      // Appended by three processes at once, the chain is still one chain.
      expect(await audit.verify(caseId)).toMatchObject({ ok: true });
    }
    expect((await db.all<{ id: string }>('SELECT id FROM webhook_deliveries')).length).toBe(
      REFERRALS,
    );
    const deliveredEvents = (await Promise.all(caseIds.map((c) => audit.list(c))))
      .flat()
      .filter((e) => e.action === 'institution.webhook-delivered');
    expect(deliveredEvents).toHaveLength(REFERRALS);

    const overdue = await db.all('SELECT id FROM deadlines WHERE status = ?', ['overdue']);
    expect(overdue.length).toBeGreaterThanOrEqual(REFERRALS + REGISTERED);
    expect(overdueEvents).toBe(overdue.length);
    // One notice per (deadline, kind); each served by one document.
    const notices = await db.all<{ deadline_id: string | null; kind: string; document_id: string }>(
      'SELECT deadline_id, kind, document_id FROM notices',
    );
    const perDeadline = notices
      .filter((n) => n.deadline_id !== null)
      .map((n) => `${n.deadline_id}:${n.kind}`);
    expect(new Set(perDeadline).size).toBe(perDeadline.length);
    expect(servedEvents).toBe(notices.length);
    const documents = await db.all<{ id: string }>('SELECT id FROM case_documents');
    expect(documents).toHaveLength(notices.length);
    expect(new Set(notices.map((n) => n.document_id)).size).toBe(notices.length);

    // The notices another machine held were served only once its lease had ended.
    for (const n of planted) {
      const doc = await db.get<{ created_at: string }>(
        'SELECT d.issued_at AS created_at FROM notices n JOIN case_documents d ON d.id = n.document_id WHERE n.id = ?',
        [n.id],
      );
      expect(doc!.created_at >= plantedUntil, `${doc!.created_at} after ${plantedUntil}`).toBe(
        true,
      );
    }
  }, 180_000);

  it('three deadline passes at the same moment, each on its own pool: one mark, one notice, one service per deadline', async () => {
    const url = await freshDatabase(inject('postgresUrl'), 'passes3');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'passes3-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const logger = createLogger('silent');
    const renderer = PdfRenderer.open();
    const keys = await ServiceKeys.open(path.join(dir, 'keys'));
    const blobs = await FsBlobStore.open(path.join(dir, 'documents'));
    // Three "processes": a pool, the services and a lease owner each.
    const parts = await Promise.all(
      [0, 1, 2].map(async () => {
        const sql = await PostgresClient.open(url, { max: 4 }, logger);
        cleanups.push(() => sql.close());
        const repository = new SqlCaseRepository(sql);
        const audit = new SqlAuditLog(sql);
        const documents = new SqlDocumentRepository(sql);
        const cases = new CaseService({ repository, audit, calendar: officialWorkCalendar() });
        const served = new DocumentService({
          documents,
          cases: repository,
          caseService: cases,
          audit,
          blobs,
          renderer,
          keys,
          notifications: new OutboxChannel(documents, logger),
          delivery: new InAppDeliveryChannel(),
          publicUrl: () => 'https://mediation.example.org',
          logger,
          jobs: { leases: new SqlJobLeases(sql), owner: processIdentity(), leaseMs: 60_000 },
        });
        return { sql, repository, audit, cases, served };
      }),
    );
    const [a] = parts;
    const staff = await seedStaff(a!.repository);
    const caseIds: string[] = [];
    for (let i = 0; i < 6; i++)
      caseIds.push(
        (
          await a!.cases.register(
            staff.clerk,
            registerCaseSchema.parse(registrationInput({ receivedOn: '2026-11-02' })),
          )
        ).id,
      );
    // Each lists the same open deadlines, then marks them: all three at once.
    const marked = await Promise.all(parts.map((p) => p.cases.markOverdue()));
    const overdue = await a!.sql.all('SELECT id FROM deadlines WHERE status = ?', ['overdue']);
    expect(overdue).toHaveLength(12);
    expect(marked.reduce((n, m) => n + m.overdue, 0)).toBe(overdue.length);
    const notices = await a!.sql.all<{ id: string; deadline_id: string; kind: string }>(
      'SELECT id, deadline_id, kind FROM notices',
    );
    expect(marked.reduce((n, m) => n + m.notices, 0)).toBe(notices.length);
    const perDeadline = notices.map((n) => `${n.deadline_id}:${n.kind}`);
    expect(new Set(perDeadline).size).toBe(perDeadline.length);
    expect(notices.length).toBeGreaterThanOrEqual(6);
    // And the three serve them at once.
    const served = await Promise.all(parts.map((p) => p.served.serveNotices()));
    expect(served.reduce((n, r) => n + r.served, 0)).toBe(notices.length);
    const documents = await a!.sql.all('SELECT id FROM case_documents');
    expect(documents).toHaveLength(notices.length);
    for (const caseId of caseIds) {
      const events = await a!.audit.list(caseId);
      const targets = (action: string) =>
        events.filter((e) => e.action === action).map((e) => e.target);
      expect(new Set(targets('deadline.overdue')).size).toBe(targets('deadline.overdue').length);
      expect(new Set(targets('notice.served')).size).toBe(targets('notice.served').length);
      expect(await a!.audit.verify(caseId)).toMatchObject({ ok: true });
    }
  }, 120_000);
});
