/**
 * SMS service through a real SMPP server on loopback (the `smpp` package's server, started and
 * stopped here, playing the carrier's SMSC):
 *
 * - a served document produces one UCS-2 submit_sm asking for a delivery receipt, with the
 *   signature, the case number, the title, a short link and the document's fingerprint, within
 *   two SMS parts; the short link opens the recipient's own case link and dies with its
 *   invitation;
 * - a DELIVRD receipt makes the delivery delivered over SMS with the carrier's id and status;
 *   the same receipt again changes nothing; an UNDELIV receipt fails it to offline service;
 * - a receipt that arrives after a restart (on the new bind) is still placed; one naming an id
 *   nobody recorded is answered "try again later" (0x64); a receipt giving the id in decimal for
 *   a hex submit id is placed; one naming another handset is not;
 * - a signing code arrives by SMS in one message, in the wording configured as the carrier's
 *   registered template, and signs the agreement;
 * - an SMSC that is down is tried again, and the message goes once it is back.
 */
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Server, type Session } from 'smpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitationTokens } from '../../server/auth/tokenKinds.js';
import { NOTICE_MAX_CHARS, SINGLE_UCS2 } from '../../server/channels/smsText.js';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlChannelSends } from '../../server/db/SqlChannelSends.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { flatPdfText } from '../support/pdfText.js';
import { eventually, sleep } from '../support/eventually.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

interface Submit {
  id: string;
  to: string;
  from: string;
  text: string;
  dataCoding: number;
  registeredDelivery: number;
}

/** The carrier's SMSC: binds one account, takes submits, sends the receipts the test asks for. */
class LoopbackSmsc {
  readonly submits: Submit[] = [];
  binds = 0;
  port = 0;
  /** Hex ids (as some SMSCs answer), so a receipt can give the id in decimal. */
  hexIds = false;
  #server: Server | undefined;
  #bound: Session | undefined;
  #next = 1000;

  start(port = 0): Promise<number> {
    this.#server = smpp.createServer({}, (session) => {
      session.on('error', () => undefined);
      session.on('bind_transceiver', (pdu: PDU) => {
        const ok = pdu['system_id'] === 'mediate' && pdu['password'] === 'secret1';
        session.send(pdu.response(ok ? {} : { command_status: 0x0e }));
        if (!ok) return void session.close();
        this.binds += 1;
        this.#bound = session;
      });
      session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: PDU) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('close', () => {
        if (this.#bound === session) this.#bound = undefined;
      });
      session.on('submit_sm', (pdu: PDU) => {
        const n = this.#next++;
        const id = this.hexIds ? n.toString(16) : `SM${n}`;
        const payload = (pdu['message_payload'] ?? pdu['short_message']) as { message: string };
        this.submits.push({
          id,
          to: String(pdu['destination_addr']),
          from: String(pdu['source_addr']),
          text: payload.message,
          dataCoding: Number(pdu['data_coding']),
          registeredDelivery: Number(pdu['registered_delivery']),
        });
        session.send(pdu.response({ message_id: id }));
      });
    });
    return new Promise((resolve) =>
      this.#server!.listen(port, '127.0.0.1', () => {
        this.port = (this.#server!.address() as AddressInfo).port;
        resolve(this.port);
      }),
    );
  }

  bound(): boolean {
    return this.#bound !== undefined;
  }

  /** Sends a receipt on the current bind; resolves with the service's answer (command_status). */
  receipt(
    id: string,
    stat: string,
    handset: string,
    tlv: { receipted_message_id?: string; message_state?: number } = {},
  ): Promise<number> {
    const session = this.#bound;
    if (!session) throw new Error('no bind');
    return new Promise((resolve) =>
      session.deliver_sm(
        {
          source_addr: handset,
          destination_addr: '10690001',
          esm_class: 0x04,
          short_message: `id:${id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2612051200 done date:2612051201 stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:`,
          ...tlv,
        },
        (resp: PDU) => resolve(resp.command_status),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const s of this.#server?.sessions ?? []) s.destroy();
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }
}

describe('SMS service through an SMPP gateway, with delivery receipts', () => {
  const smsc = new LoopbackSmsc();
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let caseId: string;
  let caseNumber: string;
  let people: CasePerson[];
  const env = () => ({
    SMPP_URL: `smpp://127.0.0.1:${smsc.port}`,
    SMPP_SYSTEM_ID: 'mediate',
    SMPP_PASSWORD: 'secret1',
    SMS_SENDER: '10690001',
    SMS_SIGNATURE: '某区调解中心',
    // The wording this carrier approved for codes (the notice keeps the built-in template).
    SMS_TEMPLATE_CODE: '签署验证码 {code}（{label}），10分钟内有效，请勿告诉他人。',
  });
  const docs = () => new SqlDocumentRepository(t.server.database);
  const sends = () => new SqlChannelSends(t.server.database);
  const states = async (deliveryId: string) =>
    (await docs().listEvents(deliveryId)).map((e) => [e.kind, e.channel]);

  async function invite(person: CasePerson): Promise<{ token: string; invitationId: string }> {
    const r = await api.ok<{ token: string; invitation: { id: string } }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: person.id },
    );
    return { token: r.token, invitationId: r.invitation.id };
  }

  async function consentSms(token: string, phone: string) {
    await api.ok('POST', `/cases/${caseId}/service-consent`, token, {
      consentToElectronicService: true,
      addresses: [{ channel: 'sms', value: phone }],
      scope: 'all',
      effectAcknowledged: true,
    });
  }

  async function serve(person: CasePerson, note: string): Promise<string> {
    const { deliveries } = await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: { note },
      recipients: [person.id],
    });
    return deliveries[0]!.id;
  }

  /** The outbox message of a delivery's SMS notice, once the SMSC took it. */
  async function accepted(deliveryId: string) {
    return eventually(async () => {
      const list = await sends().listForCase(caseId);
      const s = list.find((x) => x.deliveryId === deliveryId && x.channel === 'sms');
      return s?.status === 'accepted' ? s : undefined;
    }, 'the SMSC accepted the notice');
  }

  beforeAll(async () => {
    await smsc.start();
    t = await startTestServer(env());
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const c = await caseInSession(t.server.cases, staff);
    caseId = c.case.id;
    caseNumber = c.case.caseNumber;
    people = c.people;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smsc.stop();
  });

  it('sends the notice as one UCS-2 text with a short link; a DELIVRD receipt completes service, once', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    const { token, invitationId } = await invite(worker);
    await consentSms(token, '13800000000');
    const deliveryId = await serve(worker, '短信送达');
    const send = await accepted(deliveryId);
    const sms = smsc.submits.find((s) => s.id === send.providerId)!;
    expect(sms).toMatchObject({
      to: '8613800000000',
      from: '10690001',
      dataCoding: 8,
      registeredDelivery: 1,
    });
    const doc = (await t.server.documents.list(staff.clerk, caseId)).documents.find(
      (d) => d.kind === 'acceptance_notice',
    )!;
    expect(sms.text.startsWith('【某区调解中心】')).toBe(true);
    expect(sms.text).toContain(`${caseNumber}号案件的《${doc.title}》`);
    expect(sms.text).toContain(`校验码${doc.sha256.slice(0, 8)}`);
    expect(sms.text.length).toBeLessThanOrEqual(NOTICE_MAX_CHARS);
    // The short link leads to the worker's own case link, bound to their invitation.
    const short = /https?:\/\/\S+\/s\/([2-9a-zA-Z]{10})/.exec(sms.text);
    expect(short).not.toBeNull();
    const opened = await fetch(short![0], { redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const location = opened.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${t.url}/join#invite=`));
    const claims = new InvitationTokens(TEST_SECRET).verify(location.split('#invite=')[1]!);
    expect(claims).toMatchObject({ sub: worker.id, caseId, jti: invitationId });

    expect(await smsc.receipt(send.providerId!, 'DELIVRD', '8613800000000')).toBe(0);
    await eventually(
      async () => ((await states(deliveryId)).some(([k]) => k === 'delivered') ? true : undefined),
      'delivered over SMS',
    );
    expect(await states(deliveryId)).toEqual([
      ['dispatched', 'sms'],
      ['delivered', 'sms'],
    ]);
    expect((await docs().listEvents(deliveryId)).at(-1)!.detail).toMatchObject({
      address: '13800000000',
      status: 'DELIVRD',
      providerId: send.providerId,
    });
    // Again: acknowledged, nothing new.
    expect(await smsc.receipt(send.providerId!, 'DELIVRD', '8613800000000')).toBe(0);
    await sleep(200);
    expect(await states(deliveryId)).toHaveLength(2);
    const row = await sends().get(send.messageId);
    expect(row).toMatchObject({ status: 'delivered', providerStatus: 'DELIVRD err:000' });
    expect(row?.report).toContain(`id:${send.providerId}`);
    // The certificate names SMS, the masked number, the status and the carrier's id.
    const { bytes } = await t.server.documents.certificate(staff.clerk, caseId, deliveryId);
    const text = flatPdfText(bytes);
    for (const s of ['手机短信', '138****0000', '状态DELIVRD', `运营商编号${send.providerId}`])
      expect(text).toContain(s);

    // The invitation revoked: the short link opens nothing (and says so, in Chinese first).
    await api.ok('POST', `/cases/${caseId}/invitations/${invitationId}/revoke`, clerk, {});
    const dead = await fetch(short![0], { redirect: 'manual' });
    expect(dead.status).toBe(404);
    expect(await dead.text()).toContain('链接已失效');
    // A code nobody issued, and one that is not a code at all.
    expect((await fetch(`${t.url}/s/abcdefghjk`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${t.url}/s/..%2F..%2Fetc`, { redirect: 'manual' })).status).toBe(404);
  });

  it('an UNDELIV receipt fails the delivery to offline service; a receipt about another handset is not taken', async () => {
    const employer = people.find((p) => p.kind === 'respondent')!;
    const { token } = await invite(employer);
    await consentSms(token, '13900000001');
    const deliveryId = await serve(employer, '无法送达');
    const send = await accepted(deliveryId);
    // Another number in the receipt: acknowledged, not placed.
    expect(await smsc.receipt(send.providerId!, 'DELIVRD', '8613700000000')).toBe(0);
    await sleep(200);
    expect(await states(deliveryId)).toEqual([['dispatched', 'sms']]);
    // The carrier's verdict, with the message_state TLV.
    expect(
      await smsc.receipt(send.providerId!, 'UNDELIV', '8613900000001', {
        receipted_message_id: send.providerId!,
        message_state: 5,
      }),
    ).toBe(0);
    await eventually(
      async () =>
        (await states(deliveryId)).some(([k]) => k === 'offline_required') ? true : undefined,
      'offline service',
    );
    expect(await states(deliveryId)).toEqual([
      ['dispatched', 'sms'],
      ['failed', 'sms'],
      ['offline_required', 'offline'],
    ]);
    // Staff see the failed number and the carrier's status.
    const { messages } = await api.ok<{ messages: Record<string, unknown>[] }>(
      'GET',
      `/cases/${caseId}/messages`,
      clerk,
    );
    expect(messages.find((m) => m['id'] === send.messageId)).toMatchObject({
      channel: 'sms',
      status: 'failed',
      providerStatus: 'UNDELIV err:001',
    });
  });

  it('places a receipt that arrives after a restart, on the new bind; an unknown id is left for the SMSC to resend', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    const { token } = await invite(worker);
    await consentSms(token, '13800000000');
    smsc.hexIds = true;
    const deliveryId = await serve(worker, '重启前发出');
    const send = await accepted(deliveryId);
    smsc.hexIds = false;
    expect(send.providerId).toMatch(/^[0-9a-f]+$/);
    const dataDir = t.dataDir;
    const bindsBefore = smsc.binds;
    await t.server.close();
    await eventually(async () => (smsc.bound() ? undefined : true), 'the old bind closed');
    t = await startTestServer({ ...env(), DATA_DIR: dataDir });
    api = apiClient(t.url);
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    // The new process binds at start, with nothing to send.
    await eventually(
      async () => (smsc.binds > bindsBefore && smsc.bound() ? true : undefined),
      'rebound',
    );
    expect(await smsc.receipt('ffffff', 'DELIVRD', '8613800000000')).toBe(0x64);
    // This SMSC reports the hex submit id in decimal.
    const decimal = BigInt(`0x${send.providerId!}`).toString(10);
    expect(await smsc.receipt(decimal, 'DELIVRD', '8613800000000')).toBe(0);
    await eventually(
      async () => ((await states(deliveryId)).some(([k]) => k === 'delivered') ? true : undefined),
      'delivered after the restart',
    );
    expect((await sends().get(send.messageId))?.status).toBe('delivered');
  });

  it('sends a signing code by SMS in one message, and it signs', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    const { token } = await invite(worker);
    const { document } = await t.server.documents.issue(staff.mediator, caseId, {
      kind: 'mediation_agreement',
      fields: { items: ['被申请人于 2027 年 1 月 15 日前支付工资 12,000 元'] },
      recipients: [],
    });
    const base = `/cases/${caseId}/documents/${document.id}`;
    const before = smsc.submits.length;
    const sent = await api.ok<Record<string, unknown>>('POST', `${base}/signing-code`, token, {
      channel: 'sms',
    });
    expect(sent).toMatchObject({ channel: 'sms', destination: '138****0000' });
    expect(sent).not.toHaveProperty('code');
    const sms = await eventually(
      async () =>
        smsc.submits
          .slice(before)
          .find((s) => s.to === '8613800000000' && s.text.includes('验证码')),
      'the code at the SMSC',
    );
    expect(sms.text.length, sms.text).toBeLessThanOrEqual(SINGLE_UCS2);
    expect(sms.text).toMatch(/^【某区调解中心】签署验证码 \d{6}（调解协议书），10分钟内有效/);
    const code = /验证码 (\d{6})/.exec(sms.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect((await api.call('POST', `${base}/sign`, token, { code: '000000' })).status).toBe(400);
    const signed = await api.call('POST', `${base}/sign`, token, { code });
    expect(signed.status).toBe(201);
  });

  it('tries again while the SMSC is down and sends once it is back', async () => {
    await smsc.stop();
    const employer = people.find((p) => p.kind === 'respondent')!;
    const deliveryId = await serve(employer, 'SMSC 中断');
    const queued = await eventually(async () => {
      const s = (await sends().listForCase(caseId)).find(
        (x) => x.deliveryId === deliveryId && x.channel === 'sms',
      );
      return s?.status === 'queued' && s.providerStatus !== null ? s : undefined;
    }, 'a failed first try');
    expect(Date.parse(queued.nextAttemptAt) - Date.parse(queued.updatedAt)).toBeGreaterThanOrEqual(
      29_000,
    );
    await smsc.start(smsc.port);
    await t.server.database.run(
      'UPDATE channel_sends SET next_attempt_at = ? WHERE message_id = ?',
      [new Date().toISOString(), queued.messageId],
    );
    const done = await eventually(
      async () => {
        const s = await sends().get(queued.messageId);
        return s?.status === 'accepted' ? s : undefined;
      },
      'sent once the SMSC is back',
      45_000,
    );
    expect(done.attempts).toBe(2);
    expect(smsc.submits.filter((s) => s.id === done.providerId)).toHaveLength(1);
  });
});
