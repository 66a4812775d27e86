/**
 * Notices that only existed as rows (issue 15, findings 7 and 8): the
 * scheduler's pass renders every unserved notice as a PDF document and serves
 * it on every party — electronically with a receipt where consented, marked
 * for offline service otherwise — once however many passes run; reminders 7
 * and 2 days before the confirmation windows close; and an extension of the
 * mediation period that takes effect only with every party's own consent.
 * Real SQLite, real PDF rendering, real blob store, a controlled clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/cases/access.js';
import { CaseService } from '../../server/cases/CaseService.js';
import { DeadlineScheduler } from '../../server/cases/DeadlineScheduler.js';
import { agreementDeadlines } from '../../server/cases/deadlines.js';
import { ExtensionService } from '../../server/cases/extensions.js';
import { officialWorkCalendar } from '../../server/cases/holidayCalendar.js';
import type { CasePerson, MediationCase } from '../../server/cases/model.js';
import {
  disclosureSchema,
  extendSchema,
  personInputSchema,
  registerCaseSchema,
  scheduleSessionSchema,
} from '../../server/cases/schemas.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { SqlExtensionRepository } from '../../server/db/SqlExtensionRepository.js';
import { InAppDeliveryChannel, type ServedNotice } from '../../server/documents/DeliveryChannel.js';
import { DocumentService } from '../../server/documents/DocumentService.js';
import { OutboxChannel } from '../../server/documents/NotificationChannel.js';
import { PdfRenderer } from '../../server/documents/PdfRenderer.js';
import { serviceConsentSchema } from '../../server/documents/schemas.js';
import { createLogger } from '../../server/logger.js';
import { ServiceKeys } from '../../server/signing/ServiceKeys.js';
import { FsBlobStore } from '../../server/storage/FsBlobStore.js';
import {
  registrationInput,
  respondentsAgree,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';

interface World {
  dir: string;
  database: SqliteDatabase;
  repository: SqlCaseRepository;
  documentRepository: SqlDocumentRepository;
  audit: SqlAuditLog;
  cases: CaseService;
  documents: DocumentService;
  extensions: ExtensionService;
  scheduler: DeadlineScheduler;
  delivery: InAppDeliveryChannel;
  staff: StaffFixture;
  clock: Date;
}

const open: World[] = [];
const renderer = PdfRenderer.open();
const logger = createLogger('silent');
/** The only evidence item the tests' offline proofs may name. */
const PROOF = { id: 'evidence-signed-consent', sha256: 'a'.repeat(64) };

async function world(): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'notices-'));
  const database = SqliteDatabase.open(path.join(dir, 'db.sqlite'), logger);
  const repository = new SqlCaseRepository(database);
  const documentRepository = new SqlDocumentRepository(database);
  const audit = new SqlAuditLog(database);
  // Monday 2026-03-02, 09:00 in Shanghai.
  const clock = new Date('2026-03-02T01:00:00.000Z');
  const now = () => new Date(clock.getTime());
  const cases = new CaseService({ repository, audit, calendar: officialWorkCalendar(), now });
  const delivery = new InAppDeliveryChannel();
  const documents = new DocumentService({
    documents: documentRepository,
    cases: repository,
    caseService: cases,
    audit,
    blobs: await FsBlobStore.open(path.join(dir, 'documents')),
    renderer,
    keys: await ServiceKeys.open(path.join(dir, 'keys')),
    notifications: new OutboxChannel(documentRepository, logger, now),
    delivery,
    publicUrl: () => 'https://mediation.example.org',
    logger,
    now,
  });
  const extensions = new ExtensionService({
    repository: new SqlExtensionRepository(database),
    cases: repository,
    caseService: cases,
    audit,
    evidenceSha256: async (_caseId, itemId) => (itemId === PROOF.id ? PROOF.sha256 : undefined),
    now,
  });
  const scheduler = new DeadlineScheduler(cases, logger, {
    intervalMs: 60_000,
    serveNotices: () => documents.serveNotices(),
  });
  const w: World = {
    dir,
    database,
    repository,
    documentRepository,
    audit,
    cases,
    documents,
    extensions,
    scheduler,
    delivery,
    staff: await seedStaff(repository),
    clock,
  };
  open.push(w);
  return w;
}

afterEach(async () => {
  for (const w of open.splice(0)) {
    await w.scheduler.stop();
    await w.database.close();
    rmSync(w.dir, { recursive: true, force: true });
  }
});

function setClock(w: World, iso: string): void {
  w.clock.setTime(Date.parse(iso));
}

function personActor(p: CasePerson): Actor {
  return {
    kind: 'person',
    id: p.id,
    role: p.kind === 'agent' ? 'agent' : 'party',
    caseId: p.caseId,
    invitationId: 'invitation',
    name: p.name,
  };
}

/** Received Mon 2026-03-02 (15 days end Tue 03-17), accepted, assigned, disclosed, a session scheduled. */
async function caseInMediation(w: World): Promise<{ c: MediationCase; people: CasePerson[] }> {
  const c = await w.cases.register(w.staff.clerk, registerCaseSchema.parse(registrationInput()));
  await respondentsAgree(w.cases, c.id);
  await w.cases.accept(w.staff.clerk, c.id);
  await w.cases.assignMediator(w.staff.clerk, c.id, w.staff.mediator.id);
  await w.cases.disclose(
    w.staff.mediator,
    c.id,
    disclosureSchema.parse({ hasConflict: false, statement: '与双方当事人无利害关系' }),
  );
  await w.cases.scheduleSession(
    w.staff.mediator,
    c.id,
    scheduleSessionSchema.parse({ scheduledStart: '2026-03-10T09:00:00+08:00' }),
  );
  return { c, people: await w.repository.listPeople(c.id) };
}

function byKind(people: CasePerson[], kind: CasePerson['kind']): CasePerson {
  const p = people.find((x) => x.kind === kind);
  if (!p) throw new Error(`no ${kind}`);
  return p;
}

async function consentInApp(w: World, p: CasePerson): Promise<void> {
  await w.documents.consent(
    personActor(p),
    p.caseId,
    serviceConsentSchema.parse({
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }],
      scope: 'all',
      effectAcknowledged: true,
    }),
    { ip: '127.0.0.1', userAgent: 'test' },
  );
}

/** The recipient's client: takes each pushed notice and acknowledges it (the "delivered" moment). */
function connect(w: World, p: CasePerson): ServedNotice[] {
  const received: ServedNotice[] = [];
  w.delivery.connect({ caseId: p.caseId, personId: p.id }, (notice) => {
    received.push(notice);
    void w.documents.onDelivered(notice.deliveryId, {
      caseId: p.caseId,
      personId: p.id,
      ip: '127.0.0.1',
      userAgent: 'party client',
    });
  });
  return received;
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function layoutText(fields: Record<string, unknown>): string {
  return JSON.stringify(fields['layout']);
}

describe('scheduler notices become served documents', () => {
  it('serves the right-to-arbitration notice: delivered with a receipt to a consenting party, offline for the other, once over two passes', async () => {
    const w = await world();
    const { c, people } = await caseInMediation(w);
    const applicant = byKind(people, 'applicant');
    const respondent = byKind(people, 'respondent');
    await consentInApp(w, applicant);
    const pushed = connect(w, applicant);

    setClock(w, '2026-03-18T02:00:00.000Z'); // the day after the 15 days ended
    await w.scheduler.tick();
    await w.scheduler.tick();

    const notices = await w.repository.listNotices(c.id);
    expect(notices.map((n) => n.kind)).toEqual(['right_to_arbitration']);
    const notice = notices[0]!;
    expect(notice.documentId).not.toBeNull();

    const { documents, deliveries } = await w.documents.list(w.staff.clerk, c.id);
    const served = documents.filter((d) => d.kind === 'right_to_arbitration_notice');
    expect(served).toHaveLength(1);
    expect(served[0]!.id).toBe(notice.documentId);
    const doc = (await w.documentRepository.getDocument(notice.documentId!))!;
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(layoutText(doc.fields)).toContain('自收到调解申请之日起十五日内（至2026年03月17日）');

    const mine = deliveries.filter((d) => d.documentId === notice.documentId);
    expect(mine.map((d) => d.recipientId).sort()).toEqual([applicant.id, respondent.id].sort());
    expect(pushed.map((n) => n.documentId)).toEqual([notice.documentId]);
    await until(async () => {
      const view = (await w.documents.list(w.staff.clerk, c.id)).deliveries.find(
        (d) => d.documentId === notice.documentId && d.recipientId === applicant.id,
      );
      return view?.state === 'delivered';
    });
    const toRespondent = mine.find((d) => d.recipientId === respondent.id)!;
    expect(toRespondent.state).toBe('offline_pending');
    expect(toRespondent.channel).toBeNull();

    // The electronic service certificate (送达回证) of the applicant's delivery.
    const toApplicant = mine.find((d) => d.recipientId === applicant.id)!;
    const certificate = await w.documents.certificate(w.staff.clerk, c.id, toApplicant.id);
    expect(certificate.delivery.served).not.toBeNull();
    expect(certificate.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    // The party sees it in its own inbox.
    const inbox = await w.documents.list(personActor(applicant), c.id);
    expect(inbox.documents.map((d) => d.id)).toContain(notice.documentId);

    const actions = (await w.audit.list(c.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'notice.served')).toHaveLength(1);
    expect(actions.filter((a) => a === 'document.issued').length).toBeGreaterThanOrEqual(2);
    expect(await w.audit.verify(c.id)).toMatchObject({ ok: true });
  });

  it('serves notices another producer inserted, on the next pass', async () => {
    const w = await world();
    const { c, people } = await caseInMediation(w);
    await w.repository.insertNotice({
      id: 'refusal-to-mediate-1',
      caseId: c.id,
      kind: 'acceptance_overdue',
      deadlineId: null,
      createdAt: new Date().toISOString(),
      data: { dueOn: '2026-03-05' },
      documentId: null,
    });
    await w.scheduler.tick();
    await w.scheduler.tick();
    const notice = (await w.repository.getNotice('refusal-to-mediate-1'))!;
    expect(notice.documentId).not.toBeNull();
    const deliveries = (await w.documents.list(w.staff.clerk, c.id)).deliveries.filter(
      (d) => d.documentId === notice.documentId,
    );
    expect(deliveries).toHaveLength(people.length);
    expect(deliveries.every((d) => d.state === 'offline_pending')).toBe(true);
  });
});

describe('reminders before the confirmation windows close', () => {
  it('7 and 2 days before each window (official calendar), once each, served', async () => {
    const w = await world();
    const { c } = await caseInMediation(w);
    // An agreement effective Wed 2026-09-09: judicial confirmation due 10-09, arbitration review 09-24.
    for (const spec of agreementDeadlines('2026-09-09', officialWorkCalendar()))
      await w.repository.insertDeadline({
        id: `${c.id}-${spec.kind}`,
        caseId: c.id,
        ...spec,
        status: 'open',
        createdAt: '2026-09-09T02:00:00.000Z',
        resolvedAt: null,
      });
    const reminders = async () =>
      (await w.repository.listNotices(c.id))
        .filter((n) => n.kind === 'confirmation_window_reminder')
        .map((n) => `${String(n.data['window'])}:${String(n.data['daysBefore'])}`);

    setClock(w, '2026-09-16T01:00:00.000Z'); // 8 days before the review window closes: nothing
    await w.scheduler.tick();
    expect(await reminders()).toEqual([]);

    setClock(w, '2026-09-17T01:00:00.000Z'); // 7 days before 09-24
    await w.scheduler.tick();
    await w.scheduler.tick();
    expect(await reminders()).toEqual(['arbitration_review:7']);

    setClock(w, '2026-09-22T01:00:00.000Z'); // 2 days before 09-24
    await w.scheduler.tick();
    expect(await reminders()).toEqual(['arbitration_review:7', 'arbitration_review:2']);

    // Judicial confirmation due Fri 10-09: 7 days before is 10-02, inside National Day (10-01…10-07),
    // so the reminder comes on the last working day before it, Wed 09-30; so does the 2-day one (10-07).
    setClock(w, '2026-09-29T01:00:00.000Z');
    await w.scheduler.tick();
    expect(await reminders()).toHaveLength(2);
    setClock(w, '2026-09-30T01:00:00.000Z');
    await w.scheduler.tick();
    await w.scheduler.tick();
    expect(await reminders()).toEqual([
      'arbitration_review:7',
      'arbitration_review:2',
      'judicial_confirmation:7',
      'judicial_confirmation:2',
    ]);

    const notices = await w.repository.listNotices(c.id);
    expect(notices.every((n) => n.documentId !== null)).toBe(true);
    const titles = (await w.documents.list(w.staff.clerk, c.id)).documents
      .filter((d) => d.kind === 'case_notice')
      .map((d) => d.title);
    // Four reminders, and the notice that the review window closed on 09-24.
    expect(titles.filter((t) => t.endsWith('提醒')).sort()).toEqual([
      '申请仲裁审查期限届满提醒',
      '申请仲裁审查期限届满提醒',
      '申请司法确认期限届满提醒',
      '申请司法确认期限届满提醒',
    ]);
    expect(titles).toContain('申请仲裁审查期限届满告知书');
  });
});

describe('extension of the mediation period needs every party', () => {
  async function coParties(w: World) {
    const { c, people } = await caseInMediation(w);
    const applicant = byKind(people, 'applicant');
    const respondent = byKind(people, 'respondent');
    const coRespondent = await w.cases.addPerson(
      w.staff.clerk,
      c.id,
      personInputSchema.parse({
        kind: 'respondent',
        name: '某某劳务派遣有限公司',
        isOrganisation: true,
        legalRepresentative: '周五',
      }),
    );
    const specialAgent = await w.cases.addPerson(
      w.staff.clerk,
      c.id,
      personInputSchema.parse({
        kind: 'agent',
        name: '赵律师',
        representsId: respondent.id,
        powerOfAttorney: { scope: 'special', maySign: true },
      }),
    );
    const generalAgent = await w.cases.addPerson(
      w.staff.clerk,
      c.id,
      personInputSchema.parse({
        kind: 'agent',
        name: '钱代理',
        representsId: applicant.id,
        powerOfAttorney: { scope: 'general', maySign: false },
      }),
    );
    return { c, applicant, respondent, coRespondent, specialAgent, generalAgent };
  }

  it('the old two-boolean request is refused with PARTY_CONSENT_REQUIRED', async () => {
    const w = await world();
    const { c } = await caseInMediation(w);
    const body = extendSchema.parse({
      newDueOn: '2026-03-31',
      applicantConsent: true,
      respondentConsent: true,
    });
    await expect(w.cases.extend(w.staff.clerk, c.id, body)).rejects.toMatchObject({
      code: 'PARTY_CONSENT_REQUIRED',
    });
    expect((await w.repository.getCase(c.id))!.mediationDueOn).toBe('2026-03-17');
  });

  it('moves the period only when every applicant and respondent consented; staff only offline with proof', async () => {
    const w = await world();
    const { c, applicant, coRespondent, specialAgent, generalAgent } = await coParties(w);
    await expect(
      w.extensions.propose(w.staff.mediator, c.id, {
        newDueOn: '2026-03-17',
        reason: '不晚于原期限',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    // Later than the period, but already past: an extension nobody could use.
    const before = w.clock.getTime();
    setClock(w, '2026-04-02T02:00:00.000Z');
    await expect(
      w.extensions.propose(w.staff.mediator, c.id, {
        newDueOn: '2026-04-01',
        reason: '补录一个已经过去的日期',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', reason: 'EXTENSION_IN_PAST' });
    w.clock.setTime(before);
    const proposal = await w.extensions.propose(w.staff.mediator, c.id, {
      newDueOn: '2026-03-31',
      reason: '双方正在核对工资明细，需要更多时间',
    });
    expect(proposal.parties).toHaveLength(3);

    // Staff cannot answer for a party on the party's channel, nor offline without proof.
    await expect(
      w.extensions.respond(w.staff.clerk, c.id, proposal.id, 'consent'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      w.extensions.recordOffline(w.staff.clerk, c.id, proposal.id, {
        partyId: coRespondent.id,
        decision: 'consent',
        evidenceId: 'no-such-item',
        attestation: '电话确认',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    // An agent with general authority cannot answer for its party.
    await expect(
      w.extensions.respond(personActor(generalAgent), c.id, proposal.id, 'consent'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await w.extensions.respond(personActor(applicant), c.id, proposal.id, 'consent');
    await w.extensions.respond(personActor(specialAgent), c.id, proposal.id, 'consent');
    expect((await w.repository.getCase(c.id))!.mediationDueOn).toBe('2026-03-17');
    await expect(
      w.extensions.respond(personActor(applicant), c.id, proposal.id, 'consent'),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });

    const done = await w.extensions.recordOffline(w.staff.clerk, c.id, proposal.id, {
      partyId: coRespondent.id,
      decision: 'consent',
      evidenceId: PROOF.id,
      attestation: '被申请人书面同意延长，已扫描存档',
    });
    expect(done.status).toBe('agreed');
    expect(done.parties.find((p) => p.partyId === coRespondent.id)?.response?.offline).toEqual({
      evidenceId: PROOF.id,
      evidenceSha256: PROOF.sha256,
      attestation: '被申请人书面同意延长，已扫描存档',
    });
    expect((await w.repository.getCase(c.id))!.mediationDueOn).toBe('2026-03-31');
    const actions = (await w.audit.list(c.id)).map((e) => e.action);
    expect(actions).toContain('extension.proposed');
    expect(actions.filter((a) => a === 'extension.consent')).toHaveLength(3);
    expect(actions.filter((a) => a === 'mediation.extended')).toHaveLength(1);

    // When the extended period runs out, the notice names it.
    setClock(w, '2026-04-01T02:00:00.000Z');
    await w.scheduler.tick();
    const notice = (await w.repository.listNotices(c.id)).find(
      (n) => n.kind === 'right_to_arbitration',
    )!;
    const doc = (await w.documentRepository.getDocument(notice.documentId!))!;
    expect(layoutText(doc.fields)).toContain('调解期限经双方当事人同意延长至2026年03月31日');
    expect(layoutText(doc.fields)).not.toContain('十五日内（至2026年03月31日）');
  });

  it('one refusal ends the proposal', async () => {
    const w = await world();
    const { c, applicant, respondent } = await coParties(w);
    const proposal = await w.extensions.propose(w.staff.clerk, c.id, {
      newDueOn: '2026-03-31',
      reason: '等待社保记录',
    });
    await w.extensions.respond(personActor(applicant), c.id, proposal.id, 'consent');
    const refused = await w.extensions.respond(
      personActor(respondent),
      c.id,
      proposal.id,
      'refuse',
    );
    expect(refused.status).toBe('refused');
    await expect(
      w.extensions.respond(personActor(applicant), c.id, proposal.id, 'consent'),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await w.repository.getCase(c.id))!.mediationDueOn).toBe('2026-03-17');
    // A new proposal may follow.
    const again = await w.extensions.propose(w.staff.clerk, c.id, {
      newDueOn: '2026-03-27',
      reason: '重新协商',
    });
    expect(again.status).toBe('pending');
  });
});
