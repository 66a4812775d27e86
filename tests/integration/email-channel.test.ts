/**
 * E-mail service through a real SMTP relay on loopback (smtp-server, started and stopped here),
 * with delivery reports (RFC 3464) handed back to the service's report listener:
 *
 * - a served document produces one DKIM-signed message (verified with the public key) with the
 *   case number, the title, the recipient's own link and the document's SHA-256, sent with a
 *   DSN request whose envelope id names it; the relay's acceptance is recorded;
 * - a `delivered` report makes the delivery delivered over e-mail, with the status kept; the
 *   same report again changes nothing;
 * - a `failed` report (5.1.1) fails the delivery, which then stands on the SMS notice sent with
 *   the e-mail (the other consented channel); a recipient the relay refuses outright (550)
 *   falls to offline service;
 * - signing codes go out by e-mail, five per address in ten minutes;
 * - a relay that is down is tried again and the message goes once it is back.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/cases/access.js';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlChannelSends } from '../../server/db/SqlChannelSends.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient } from '../support/evidenceHttp.js';
import { flatPdfText } from '../support/pdfText.js';
import { eventually, sleep } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Received {
  from: string;
  to: string[];
  envelopeId: string | null;
  notify: string[];
  raw: string;
}

describe('e-mail service through an SMTP relay, with delivery reports', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'email-channel-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const received: Received[] = [];
  let relay: SMTPServer;
  let relayPort = 0;
  let t: TestServer;
  let staff: StaffFixture;
  let caseId: string;
  let people: CasePerson[];

  function startRelay(port: number): Promise<number> {
    relay = new SMTPServer({
      authOptional: true,
      hideDSN: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('refused@'))
          callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        else callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const dsn = session.envelope.dsn;
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            envelopeId: dsn?.envid ?? null,
            notify: session.envelope.rcptTo.flatMap((r) => r.dsn?.notify ?? []),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback(null, 'queued as T1');
        });
      },
    });
    return new Promise((resolve) =>
      relay.listen(port, '127.0.0.1', () => resolve((relay.server.address() as AddressInfo).port)),
    );
  }

  async function report(envelopeId: string, recipient: string, action: string, status: string) {
    const raw = [
      'From: Mail Delivery System <mailer-daemon@relay.test>',
      'To: bounces@mediation.test',
      'Subject: Delivery Status Notification',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      `Your message to ${recipient}: ${action}.`,
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.test',
      `Original-Envelope-Id: ${envelopeId}`,
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      `Action: ${action}`,
      `Status: ${status}`,
      'Remote-MTA: dns; mx.example.test',
      ...(status.startsWith('5') ? ['Diagnostic-Code: smtp; 550 5.1.1 user unknown'] : []),
      '',
      '--b1--',
      '',
    ].join('\r\n');
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.server.channels.reportsPort()!,
      secure: false,
      ignoreTLS: true,
    });
    await client.sendMail({
      envelope: { from: 'mailer-daemon@relay.test', to: ['bounces@mediation.test'] },
      raw,
    });
    client.close();
  }

  const docs = () => new SqlDocumentRepository(t.server.database);
  const sends = () => new SqlChannelSends(t.server.database);

  async function consent(person: CasePerson, addresses: { channel: string; value?: string }[]) {
    const actor: Actor = {
      kind: 'person',
      id: person.id,
      role: 'party',
      caseId,
      invitationId: 'test',
      name: person.name,
    };
    await t.server.documents.consent(
      actor,
      caseId,
      {
        consentToElectronicService: true,
        addresses: addresses as never,
        scope: 'all',
        effectAcknowledged: true,
      },
      { ip: null, userAgent: null },
    );
  }

  /** Serves an acceptance notice on `person`; resolves with its delivery id. */
  async function serve(person: CasePerson): Promise<string> {
    const { deliveries } = await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: {},
      recipients: [person.id],
    });
    return deliveries[0]!.id;
  }

  const states = async (deliveryId: string) =>
    (await docs().listEvents(deliveryId)).map((e) => [e.kind, e.channel]);

  beforeAll(async () => {
    relayPort = await startRelay(0);
    const keyFile = path.join(dir, 'dkim.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    t = await startTestServer({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(relayPort),
      SMTP_ALLOW_PLAIN: 'true',
      MAIL_FROM: '某某调解中心 <noreply@mediation.test>',
      MAIL_BOUNCE_ADDRESS: 'bounces@mediation.test',
      DKIM_DOMAIN: 'mediation.test',
      DKIM_SELECTOR: 's2026',
      DKIM_PRIVATE_KEY_FILE: keyFile,
      MAIL_REPORTS_LISTEN: '127.0.0.1:0',
    });
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const c = await caseInSession(t.server.cases, staff);
    caseId = c.case.id;
    people = c.people;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => relay.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a DKIM-signed notice with the link and the hash; a delivered report completes service', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    await t.server.cases.invite(staff.clerk, caseId, worker.id, 30);
    await consent(worker, [{ channel: 'email', value: 'worker@example.test' }]);
    const deliveryId = await serve(worker);
    const mail = await eventually(
      async () => received.find((m) => m.to.includes('worker@example.test')),
      'the relay received the notice',
    );
    expect(mail.from).toBe('bounces@mediation.test');
    expect(mail.notify.sort()).toEqual(['DELAY', 'FAILURE', 'SUCCESS']);
    const outbox = (await docs().listOutbox({ caseId })).find(
      (m) => m.address === 'worker@example.test',
    )!;
    expect(mail.envelopeId).toBe(outbox.id);
    const file = await t.server.cases.file(staff.clerk, caseId);
    const parsed = await simpleParser(mail.raw);
    const listed = await t.server.documents.list(staff.clerk, caseId);
    const doc = listed.documents.find((d) => d.kind === 'acceptance_notice')!;
    expect(parsed.subject).toBe(`【${file.case.caseNumber}】${doc.title}`);
    expect(parsed.text).toContain(doc.sha256);
    expect(parsed.text).toMatch(/\/join#invite=[\w.-]+/);
    expect(parsed.text).not.toContain('受理通知书正文');
    const dkim = await dkimVerify(Buffer.from(mail.raw), {
      resolver: async (name: string) => {
        expect(name).toBe('s2026._domainkey.mediation.test');
        const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
        return [[`v=DKIM1; k=rsa; p=${der}`]];
      },
    });
    expect(dkim.results.map((r) => [r.signingDomain, r.status.result])).toEqual([
      ['mediation.test', 'pass'],
    ]);
    await eventually(
      async () => ((await sends().get(outbox.id))?.status === 'accepted' ? true : undefined),
      'the relay’s acceptance recorded',
    );
    expect((await sends().get(outbox.id))?.providerStatus).toContain('queued as T1');

    await report(outbox.id, 'worker@example.test', 'delivered', '2.0.0');
    await eventually(
      async () => ((await states(deliveryId)).some(([k]) => k === 'delivered') ? true : undefined),
      'delivered over e-mail',
    );
    expect(await states(deliveryId)).toEqual([
      ['dispatched', 'email'],
      ['delivered', 'email'],
    ]);
    const delivered = (await docs().listEvents(deliveryId)).at(-1)!;
    expect(delivered.detail).toMatchObject({
      address: 'worker@example.test',
      status: '2.0.0',
      remoteMta: 'mx.example.test',
    });
    // The same report again: nothing new.
    await report(outbox.id, 'worker@example.test', 'delivered', '2.0.0');
    await sleep(300);
    expect(await states(deliveryId)).toHaveLength(2);
    expect((await sends().get(outbox.id))?.report).toContain('Original-Envelope-Id');
    // The service certificate names the channel, the masked address, the status and the id.
    const { bytes } = await t.server.documents.certificate(staff.clerk, caseId, deliveryId);
    const text = flatPdfText(bytes);
    for (const s of [
      '电子邮箱',
      'w***@example.test',
      '状态2.0.0',
      `回执编号${outbox.id.slice(0, 8)}`,
    ])
      expect(text).toContain(s);
  });

  it('a bounce fails the e-mail delivery, which stands on SMS; a refused address falls to offline service', async () => {
    const employer = people.find((p) => p.kind === 'respondent')!;
    await consent(employer, [
      { channel: 'email', value: 'gone@example.test' },
      { channel: 'sms', value: '13900000001' },
    ]);
    const deliveryId = await serve(employer);
    const outbox = await eventually(
      async () =>
        (await docs().listOutbox({ caseId })).find((m) => m.address === 'gone@example.test'),
      'the notice queued',
    );
    await eventually(
      async () => ((await sends().get(outbox.id))?.status === 'accepted' ? true : undefined),
      'accepted by the relay',
    );
    await report(outbox.id, 'gone@example.test', 'failed', '5.1.1');
    await eventually(
      async () => ((await states(deliveryId)).length >= 3 ? true : undefined),
      'the fallback',
    );
    expect(await states(deliveryId)).toEqual([
      ['dispatched', 'email'],
      ['failed', 'email'],
      ['dispatched', 'sms'],
    ]);
    const sms = (await docs().listOutbox({ caseId })).filter(
      (m) => m.channel === 'sms' && m.address === '13900000001',
    );
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toMatch(/校验码[0-9a-f]{8}/);
    expect((await sends().get(outbox.id))?.providerStatus).toContain('5.1.1');
    // Staff see the bounced address and why; the text (it may hold a code) is never listed.
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { messages } = await api.ok<{ messages: Record<string, unknown>[] }>(
      'GET',
      `/cases/${caseId}/messages`,
      clerk,
    );
    expect(messages.find((m) => m['address'] === 'gone@example.test')).toMatchObject({
      channel: 'email',
      status: 'failed',
      deliveryId,
      providerStatus: expect.stringContaining('5.1.1') as unknown,
    });
    expect(messages.find((m) => m['address'] === '13900000001')).toMatchObject({
      channel: 'sms',
      status: 'outbox',
    });
    expect(messages.every((m) => !('body' in m))).toBe(true);

    // The relay refuses this one outright: no SMS consented, so offline service.
    const agent = await t.server.cases.addPerson(staff.clerk, caseId, {
      kind: 'agent',
      name: '代理人甲',
      representsId: employer.id,
      isOrganisation: false,
      powerOfAttorney: { scope: 'general', maySign: false, document: null },
    });
    await consent(agent, [{ channel: 'email', value: 'refused@example.test' }]);
    const refusedDelivery = await serve(agent);
    await eventually(
      async () =>
        (await states(refusedDelivery)).some(([k]) => k === 'offline_required') ? true : undefined,
      'offline service after the refusal',
    );
    expect(await states(refusedDelivery)).toEqual([
      ['dispatched', 'email'],
      ['failed', 'email'],
      ['offline_required', 'offline'],
    ]);
  });

  it('sends signing codes by e-mail, at most five to one address in ten minutes', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    const { document } = await t.server.documents.issue(staff.mediator, caseId, {
      kind: 'mediation_agreement',
      fields: { items: ['被申请人于 2027 年 1 月 15 日前支付工资 12,000 元'] },
      recipients: [],
    });
    const actor: Actor = {
      kind: 'person',
      id: worker.id,
      role: 'party',
      caseId,
      invitationId: 'test',
      name: worker.name,
    };
    const before = received.length;
    for (let i = 0; i < 5; i += 1) {
      const sent = await t.server.documents.signingCode(actor, caseId, document.id, {
        channel: 'email',
      });
      expect(sent).toMatchObject({ channel: 'email', destination: 'w***@example.test' });
      expect(sent).not.toHaveProperty('code');
    }
    await expect(
      t.server.documents.signingCode(actor, caseId, document.id, { channel: 'email' }),
    ).rejects.toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
    // The five codes reached the relay, each a message of its own with a six-digit code.
    const codes = await eventually(async () => {
      const mails = received.slice(before).filter((m) => m.to.includes('worker@example.test'));
      return mails.length === 5 ? mails : undefined;
    }, 'five code messages at the relay');
    for (const m of codes) expect((await simpleParser(m.raw)).text).toMatch(/验证码 \d{6}/);
  });

  it('tries again while the relay is down and sends once it is back', async () => {
    await new Promise<void>((r) => relay.close(() => r()));
    const worker = people.find((p) => p.kind === 'applicant')!;
    await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: { note: '第二份' },
      recipients: [worker.id],
    });
    const last = async () =>
      (await docs().listOutbox({ caseId }))
        .filter((m) => m.address === 'worker@example.test')
        .at(-1)!;
    const queued = await eventually(async () => {
      const send = await sends().get((await last()).id);
      // Claimed and refused: the relay's answer (here the connection's) is kept.
      return send?.status === 'queued' && send.providerStatus !== null ? send : undefined;
    }, 'a failed first try');
    expect(String(queued.providerStatus)).toMatch(/ECONNREFUSED|connect/i);
    // The next try waits 30 s (backoff); the relay comes back, and the wait is cut short here.
    expect(Date.parse(queued.nextAttemptAt) - Date.parse(queued.updatedAt)).toBeGreaterThanOrEqual(
      29_000,
    );
    await startRelay(relayPort);
    await t.server.database.run(
      'UPDATE channel_sends SET next_attempt_at = ? WHERE message_id = ?',
      [new Date().toISOString(), queued.messageId],
    );
    await eventually(
      async () => ((await sends().get(queued.messageId))?.status === 'accepted' ? true : undefined),
      'sent on the second try',
    );
    expect((await sends().get(queued.messageId))?.attempts).toBe(2);
    expect(received.filter((m) => m.envelopeId === queued.messageId)).toHaveLength(1);
  });
});
