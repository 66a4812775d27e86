/**
 * The document service over real HTTP: consent (送达地址确认书), issuing from
 * every template (PDF text and embedded CJK font checked with poppler's
 * pdftotext/pdffonts, stored hash against the file), delivery steps live and
 * over HTTP, consent gating and offline proof, the electronic service
 * certificate, versions, signing with one-time codes and the seal that makes
 * the agreement effective and starts its countdowns, and who may do what.
 */
import type { ServedDocument } from '../../signaling/index.js';
import { connectClient } from '../support/client.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitationTokens } from '../../server/auth/tokenKinds.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import type { DocumentView } from '../../server/documents/DocumentService.js';
import type { DeliveryView } from '../../server/documents/model.js';
import { PdfRenderer } from '../../server/documents/PdfRenderer.js';
import { chineseDateTime } from '../../server/documents/templates.js';
import { shanghaiDate } from '../../server/cases/deadlines.js';
import {
  registrationInput,
  seedStaff,
  TEST_PASSWORD,
  type StaffFixture,
  respondentsAgree,
} from '../support/cases.js';
import {
  apiClient,
  errorCode,
  errorBody,
  errorMessage,
  errorReason,
  pngBytes,
  type Api,
  type Reply,
} from '../support/evidenceHttp.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';
import {
  expectSandboxedFile,
  healthDuring,
  loopingPngAfterPixels,
  pdfWithJavaScript,
  PDFKIT_LOOPING_PNG,
} from '../support/untrustedInputs.js';
import { enrolledToken } from '../support/enrol.js';

interface Issued {
  document: DocumentView;
  deliveries: DeliveryView[];
}
interface Person {
  id: string;
  kind: string;
  name: string;
}

interface World {
  staff: StaffFixture;
  clerk: string;
  mediator: string;
  caseId: string;
  sessionId: string;
  applicant: Person;
  respondent: Person;
  agent: Person;
  weakAgent: Person;
  tokens: { applicant: string; respondent: string; agent: string; weakAgent: string };
}

let t: TestServer;
let api: Api;
let world: World;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'documents-test-'));

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A real PNG (a drawn stroke on white, 120×40, RGB) for the signature image. */
function signaturePng(): Buffer {
  const width = 120;
  const height = 40;
  const raw = Buffer.alloc((width * 3 + 1) * height, 0xff);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 3 + 1)] = 0;
    const x = Math.floor((y / height) * (width - 4));
    raw.fill(0, y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + (x + 4) * 3);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The text of a PDF as poppler's pdftotext reads it. */
function pdfText(bytes: Buffer): string {
  const file = path.join(tmp, `${sha256(bytes)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

function pdfFonts(bytes: Buffer): string {
  const file = path.join(tmp, `${sha256(bytes)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdffonts', [file], { encoding: 'utf8' });
}

/** pdftotext breaks long lines and may space CJK; compare without whitespace. */
function flat(text: string): string {
  return text.replace(/\s+/g, '');
}

async function fetchPdf(
  p: string,
  token: string,
): Promise<{ status: number; bytes: Buffer; headers: Headers; body: unknown }> {
  const res = await fetch(`${t.url}/api${p}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    body = undefined;
  }
  // Every PDF the service serves (documents, certificates, the sealed agreement) is sandboxed.
  if (res.status === 200) expectSandboxedFile(res.headers, p);
  return { status: res.status, bytes, headers: res.headers, body };
}

async function invite(caseId: string, personId: string): Promise<string> {
  return (
    await api.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, world.clerk, {
      personId,
    })
  ).token;
}

async function newCase(withMediator: boolean): Promise<{ caseId: string; people: Person[] }> {
  const c = await api.ok<{ id: string }>('POST', '/cases', world.clerk, registrationInput());
  await respondentsAgree(t.server.cases, c.id);
  await api.ok('POST', `/cases/${c.id}/accept`, world.clerk);
  if (withMediator) {
    await api.ok('POST', `/cases/${c.id}/mediator`, world.clerk, {
      mediatorId: world.staff.mediator.id,
    });
    await api.ok('POST', `/cases/${c.id}/disclosures`, world.mediator, {
      hasConflict: false,
      statement: '与本案当事人无利害关系',
    });
  }
  const file = await api.ok<{ people: Person[] }>('GET', `/cases/${c.id}`, world.clerk);
  return { caseId: c.id, people: file.people };
}

async function buildWorld(): Promise<World> {
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  world = {
    staff,
    clerk: await api.login(staff.clerk.username, TEST_PASSWORD),
    mediator: await api.login(staff.mediator.username, TEST_PASSWORD),
  } as World;
  const { caseId, people } = await newCase(true);
  const session = await api.ok<{ id: string }>(
    'POST',
    `/cases/${caseId}/sessions`,
    world.mediator,
    {
      scheduledStart: '2026-03-10T02:00:00.000Z',
      scheduledEnd: '2026-03-10T04:00:00.000Z',
    },
  );
  const applicant = people.find((p) => p.kind === 'applicant')!;
  const respondent = people.find((p) => p.kind === 'respondent')!;
  const agent = await api.ok<Person>('POST', `/cases/${caseId}/people`, world.clerk, {
    kind: 'agent',
    name: '钱律师',
    representsId: respondent.id,
    powerOfAttorney: { scope: 'special', maySign: true },
  });
  const weakAgent = await api.ok<Person>('POST', `/cases/${caseId}/people`, world.clerk, {
    kind: 'agent',
    name: '赵代理',
    representsId: applicant.id,
    powerOfAttorney: { scope: 'general', maySign: false },
  });
  Object.assign(world, {
    caseId,
    sessionId: session.id,
    applicant,
    respondent,
    agent,
    weakAgent,
  });
  world.tokens = {
    applicant: await invite(caseId, applicant.id),
    respondent: await invite(caseId, respondent.id),
    agent: await invite(caseId, agent.id),
    weakAgent: await invite(caseId, weakAgent.id),
  };
  return world;
}

async function consent(token: string, body: Record<string, unknown> = {}): Promise<Reply> {
  return api.call('POST', `/cases/${world.caseId}/service-consent`, token, {
    consentToElectronicService: true,
    addresses: [{ channel: 'in_app' }, { channel: 'sms', value: '13800000000' }],
    scope: 'all',
    effectAcknowledged: true,
    ...body,
  });
}

async function issue(body: Record<string, unknown>, caseId = world.caseId): Promise<Issued> {
  const r = await api.call('POST', `/cases/${caseId}/documents`, world.mediator, body);
  if (r.status !== 201)
    throw new Error(`issue ${String(body['kind'])}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Issued;
}

function outbox(caseId = world.caseId) {
  return new SqlDocumentRepository(t.server.database).listOutbox({ caseId });
}

beforeAll(async () => {
  t = await startTestServer();
  api = apiClient(t.url);
  await buildWorld();
  // The applicant consents to e-service; the respondent does not (yet).
  expect((await consent(world.tokens.applicant)).status).toBe(201);
});

afterAll(async () => {
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('PDF renderer', () => {
  it('fails at start with the Debian package to install when the CJK font is missing', () => {
    expect(() => PdfRenderer.open('/nonexistent/NotoSansCJK-Regular.ttc')).toThrow(
      /install the Debian package fonts-noto-cjk/,
    );
  });

  it('renders the same layout at the same time to the same bytes', async () => {
    const renderer = PdfRenderer.open();
    const layout = { title: '受理通知书', blocks: [{ type: 'paragraph' as const, text: '测试' }] };
    const at = new Date('2026-03-02T01:02:03Z');
    const [a, b] = await Promise.all([renderer.render(layout, at), renderer.render(layout, at)]);
    expect(sha256(a)).toBe(sha256(b));
  });
});

describe('service address consent (送达地址确认书)', () => {
  it('records the consent and produces its PDF, readable by that person only', async () => {
    const r = await consent(world.tokens.agent, {
      addresses: [{ channel: 'email', value: 'qian@lawfirm.example.cn' }, { channel: 'in_app' }],
    });
    expect(r.status).toBe(201);
    const { consent: c, document } = r.body as {
      consent: { personId: string; electronic: boolean; addresses: { channel: string }[] };
      document: DocumentView;
    };
    expect(c).toMatchObject({ personId: world.agent.id, electronic: true });
    const pdf = await fetchPdf(
      `/cases/${world.caseId}/documents/${document.id}/pdf`,
      world.tokens.agent,
    );
    expect(pdf.status).toBe(200);
    const text = flat(pdfText(pdf.bytes));
    expect(text).toContain('送达地址确认书');
    expect(text).toContain('钱律师');
    expect(text).toContain('q***@lawfirm.example.cn');
    expect(text).toContain('同意');
    expect(sha256(pdf.bytes)).toBe(document.sha256);
    // Another party cannot read it.
    const other = await fetchPdf(
      `/cases/${world.caseId}/documents/${document.id}/pdf`,
      world.tokens.applicant,
    );
    expect(other.status).toBe(404);
  });

  it('refuses a consent without the acknowledgement of its effect, with clear messages', async () => {
    const r = await consent(world.tokens.respondent, { effectAcknowledged: false, addresses: [] });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('VALIDATION');
    const issues = (r.body as { error: { issues: string[] } }).error.issues.join('\n');
    expect(issues).toMatch(/effectAcknowledged: 须确认已知悉电子送达的法律效力/);
    const noAddress = await consent(world.tokens.respondent, { addresses: [] });
    expect(noAddress.status).toBe(400);
    expect(JSON.stringify(noAddress.body)).toMatch(/at least one address/);
  });
});

describe('templates rendered to PDF (poppler checks)', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['acceptance_notice', {}, ['受理通知书', '予以受理', '张三', '3101**********1234']],
    [
      'session_notice',
      { sessionId: '<session>', joinUrl: 'https://tiaojie.example.cn/join' },
      [
        '调解通知书',
        '2026年03月10日10:00:00',
        'https://tiaojie.example.cn/join',
        '王调解',
        '请准备',
      ],
    ],
    [
      'mediation_agreement',
      {
        items: ['被申请人向申请人支付拖欠工资人民币10000元', '双方就本案再无其他争议'],
        amount: 10000,
        performanceDeadline: '2026-04-30',
        performanceMethod: '银行转账',
      },
      [
        '调解协议书',
        '310101199001011234',
        '91310000MA1FL00000',
        '法定代表人',
        '李四',
        '上海市浦东新区某路1号',
        '支付拖欠工资人民币12,000元',
        '被申请人向申请人支付拖欠工资人民币10000元',
        '人民币10000.00元',
        '2026年04月30日',
        '银行转账',
        '王调解',
        '钱律师（特别授权）',
      ],
    ],
    [
      'performance_notice',
      { obligations: '被申请人应于期限内支付工资', deadline: '2026-04-30' },
      ['履行告知书', '被申请人应于期限内支付工资', '2026年04月30日', '支付令'],
    ],
    [
      'termination_record',
      { ground: 'party_refuses', facts: '被申请人明确表示拒绝继续调解' },
      ['调解终止书', '一方当事人拒绝继续调解', '被申请人明确表示拒绝继续调解'],
    ],
    ['right_to_arbitration_notice', {}, ['申请仲裁权利告知书', '第十四条', '2026年03月02日']],
    [
      'application_form',
      {},
      [
        '调解申请书',
        '310101199001011234',
        '申请人联系电话：13800000000',
        '请求事项',
        '支付拖欠工资人民币12,000元',
        '2025年11月至2026年1月工资未发放',
        '请求金额：人民币12000.00元',
        '申请日期：2026年03月02日',
      ],
    ],
  ];

  for (const [kind, fields, expected] of cases) {
    it(`${kind}: Chinese text and case data, CJK font embedded, stored hash = file hash`, async () => {
      const f = { ...fields };
      if (f['sessionId'] === '<session>') f['sessionId'] = world.sessionId;
      const { document } = await issue({ kind, fields: f, recipients: [] });
      const pdf = await fetchPdf(
        `/cases/${world.caseId}/documents/${document.id}/pdf`,
        world.clerk,
      );
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('x-content-sha256')).toBe(document.sha256);
      expect(sha256(pdf.bytes)).toBe(document.sha256);
      const text = flat(pdfText(pdf.bytes));
      for (const e of expected) expect(text).toContain(flat(e));
      expect(text).toContain('测试调解委员会');
      const fonts = pdfFonts(pdf.bytes);
      expect(fonts).toMatch(/\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
    });
  }

  it('refusal notice and evidence receipt', async () => {
    const c = await api.ok<{ id: string }>('POST', '/cases', world.clerk, registrationInput());
    await api.ok('POST', `/cases/${c.id}/refuse`, world.clerk, {
      reason: '不属于劳动争议受案范围',
    });
    const refusal = await api.call('POST', `/cases/${c.id}/documents`, world.clerk, {
      kind: 'refusal_notice',
    });
    expect(refusal.status).toBe(201);
    const doc = (refusal.body as Issued).document;
    const text = flat(
      pdfText((await fetchPdf(`/cases/${c.id}/documents/${doc.id}/pdf`, world.clerk)).bytes),
    );
    expect(text).toContain('不予受理通知书');
    expect(text).toContain('不属于劳动争议受案范围');

    const up = await api.upload(world.caseId, world.tokens.applicant, pngBytes(), '工资条.png');
    expect(up.status).toBe(201);
    const item = (up.body as { item: { id: string; sha256: string } }).item;
    const { document } = await issue({ kind: 'evidence_receipt', fields: { evidenceId: item.id } });
    const receipt = flat(
      pdfText(
        (await fetchPdf(`/cases/${world.caseId}/documents/${document.id}/pdf`, world.clerk)).bytes,
      ),
    );
    expect(receipt).toContain('证据收据');
    expect(receipt).toContain(item.sha256);
    expect(receipt).not.toContain('主动内容');

    // A PDF with a script: the receipt says so.
    const scripted = await api.upload(
      world.caseId,
      world.tokens.applicant,
      pdfWithJavaScript(),
      '带脚本.pdf',
    );
    expect(scripted.status).toBe(201);
    const scriptedItem = (scripted.body as { item: { id: string } }).item;
    const flagged = await issue({
      kind: 'evidence_receipt',
      fields: { evidenceId: scriptedItem.id },
    });
    const flaggedText = flat(
      pdfText(
        (await fetchPdf(`/cases/${world.caseId}/documents/${flagged.document.id}/pdf`, world.clerk))
          .bytes,
      ),
    );
    expect(flaggedText).toContain('主动内容');
    expect(flaggedText).toContain('JavaScript');
  });

  it('records an oral application with its time, place and read-back, as a 口头申请笔录', async () => {
    const oral = (oralRecord: unknown, receivedOn = '2026-03-02') =>
      api.call('POST', '/cases', world.clerk, {
        ...registrationInput({ intakeMode: 'oral', receivedOn }),
        application: { ...registrationInput().application, oralRecord },
      });
    const missing = await oral(null);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/口头申请须记录申请时间并向申请人宣读确认/);
    const notReadBack = await oral({
      heardAt: '2026-03-02T09:30:00+08:00',
      readBackConfirmed: false,
    });
    expect(notReadBack.status).toBe(400);
    expect(JSON.stringify(notReadBack.body)).toMatch(/口头申请须向申请人宣读并经其确认/);
    const otherDay = await oral({ heardAt: '2026-03-01T23:30:00+08:00', readBackConfirmed: true });
    expect(otherDay.status).toBe(400);
    expect(JSON.stringify(otherDay.body)).toMatch(/口头申请的时间须在收到申请之日/);
    const future = new Date(Date.now() + 3_600_000);
    const ahead = await oral(
      { heardAt: future.toISOString(), readBackConfirmed: true },
      shanghaiDate(future),
    );
    expect(ahead.status).toBe(400);
    expect(errorReason(ahead)).toBe('ORAL_APPLICATION_IN_FUTURE');
    const writtenWithRecord = await api.call('POST', '/cases', world.clerk, {
      ...registrationInput(),
      application: {
        ...registrationInput().application,
        oralRecord: { heardAt: '2026-03-02T09:30:00+08:00', readBackConfirmed: true },
      },
    });
    expect(writtenWithRecord.status).toBe(400);

    const made = await oral({
      heardAt: '2026-03-02T09:30:00+08:00',
      place: '调解委员会接待窗口',
      readBackConfirmed: true,
    });
    expect(made.status).toBe(201);
    const caseId = (made.body as { id: string }).id;
    const wrongForm = await api.call('POST', `/cases/${caseId}/documents`, world.clerk, {
      kind: 'application_form',
    });
    expect(wrongForm.status).toBe(409);
    expect(errorReason(wrongForm)).toBe('ORAL_NEEDS_RECORD');
    const record = await api.call('POST', `/cases/${caseId}/documents`, world.clerk, {
      kind: 'oral_application_record',
    });
    expect(record.status).toBe(201);
    const doc = (record.body as Issued).document;
    const text = flat(
      pdfText((await fetchPdf(`/cases/${caseId}/documents/${doc.id}/pdf`, world.clerk)).bytes),
    );
    for (const expected of [
      '口头申请笔录',
      '张三',
      '申请人联系电话：13800000000',
      '支付拖欠工资人民币12,000元',
      '2025年11月至2026年1月工资未发放',
      '申请时间：2026年03月02日09:30:00',
      '申请地点：调解委员会接待窗口',
      '记录人：李书记员',
      '以上笔录已向申请人宣读，申请人确认无误',
    ])
      expect(text).toContain(flat(expected));
    const onWritten = await api.call('POST', `/cases/${world.caseId}/documents`, world.clerk, {
      kind: 'oral_application_record',
    });
    expect(onWritten.status).toBe(409);
  });

  it('refuses a template that does not fit the case, and bad input, with clear messages', async () => {
    const r = await api.call('POST', `/cases/${world.caseId}/documents`, world.mediator, {
      kind: 'judicial_confirmation_application',
    });
    expect(r.status).toBe(409);
    expect(errorReason(r)).toBe('AGREEMENT_NOT_EFFECTIVE');
    const bad = await api.call('POST', `/cases/${world.caseId}/documents`, world.mediator, {
      kind: 'mediation_agreement',
      fields: { items: [] },
    });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION');
    expect(JSON.stringify(bad.body)).toMatch(/fields.items: list at least one agreed term/);
    const unknownKind = await api.call('POST', `/cases/${world.caseId}/documents`, world.mediator, {
      kind: 'love_letter',
    });
    expect(unknownKind.status).toBe(400);
    const stranger = await api.call('POST', `/cases/${world.caseId}/documents`, world.mediator, {
      kind: 'acceptance_notice',
      recipients: ['not-a-person'],
    });
    expect(stranger.status).toBe(400);
    expect(JSON.stringify(stranger.body)).toMatch(/not-a-person is not in this case/);
  });
});

describe('serving: live delivery, steps, consent gating, certificate', () => {
  it('a connected recipient gets the document live; the client ack is "delivered"; read and acknowledge follow', async () => {
    // The recipient's browser, connected with the session token of their invitation.
    const received: ServedDocument[] = [];
    const socket = await connectClient(
      t.url,
      await enrolledToken(
        t.server,
        {
          sub: world.applicant.id,
          caseId: world.caseId,
          sessionId: world.sessionId,
          role: 'party',
          name: world.applicant.name,
        },
        600,
      ),
    );
    socket.socket.on('document:served', (n) => received.push(n));
    const disconnect = () => socket.close();
    try {
      const { document, deliveries } = await issue({
        kind: 'acceptance_notice',
        recipients: [world.applicant.id, world.respondent.id],
      });
      const mine = deliveries.find((d) => d.recipientId === world.applicant.id)!;
      const theirs = deliveries.find((d) => d.recipientId === world.respondent.id)!;
      expect(mine).toMatchObject({ state: 'dispatched', channel: 'in_app' });
      expect(mine.consentId).not.toBeNull();
      // No consent: marked for offline service, not served electronically.
      expect(theirs).toMatchObject({ state: 'offline_pending', channel: null, consentId: null });
      await until(() => received.length > 0);
      expect(received).toEqual([
        {
          deliveryId: mine.id,
          documentId: document.id,
          title: '受理通知书',
          kind: 'acceptance_notice',
          sha256: document.sha256,
          issuedAt: document.issuedAt,
        },
      ]);
      // The SMS address got a notice in the outbox.
      expect(
        (await outbox()).some(
          (m) => m.channel === 'sms' && m.body.includes(`校验码${document.sha256.slice(0, 8)}`),
        ),
      ).toBe(true);

      // The recipient's client acknowledges the push over the socket: delivered.
      const { delivery } = await socket.request('document:received', { deliveryId: mine.id });
      expect(delivery).toMatchObject({ status: 'delivered', sha256: document.sha256 });
      expect(delivery.servedAt).not.toBeNull();
      // Someone else's delivery is not theirs to receive.
      expect(await socket.ack('document:received', { deliveryId: theirs.id })).toMatchObject({
        ok: false,
      });

      // The inbox shows it; opening the PDF records "read"; then acknowledge (twice: idempotent).
      const inbox = await api.ok<{ documents: DocumentView[]; deliveries: DeliveryView[] }>(
        'GET',
        `/cases/${world.caseId}/documents`,
        world.tokens.applicant,
      );
      expect(inbox.deliveries.map((d) => d.id)).toEqual([mine.id]);
      expect(inbox.documents.map((d) => d.id)).toContain(document.id);
      const pdf = await fetchPdf(
        `/cases/${world.caseId}/documents/${document.id}/pdf`,
        world.tokens.applicant,
      );
      expect(sha256(pdf.bytes)).toBe(document.sha256);
      const ack1 = await api.ok<DeliveryView>(
        'POST',
        `/cases/${world.caseId}/deliveries/${mine.id}/acknowledge`,
        world.tokens.applicant,
      );
      const ack2 = await api.ok<DeliveryView>(
        'POST',
        `/cases/${world.caseId}/deliveries/${mine.id}/acknowledge`,
        world.tokens.applicant,
      );
      expect(ack1.state).toBe('acknowledged');
      expect(ack2.events).toEqual(ack1.events);
      expect(ack1.events.map((e) => e.kind)).toEqual([
        'dispatched',
        'delivered',
        'read',
        'acknowledged',
      ]);
      for (const e of ack1.events) expect(e.documentSha256).toBe(document.sha256);
      expect(ack1.events[1]?.ip).toMatch(/127\.0\.0\.1/);

      // The mediator's view shows each recipient's state.
      const all = await api.ok<{ deliveries: DeliveryView[] }>(
        'GET',
        `/cases/${world.caseId}/documents`,
        world.mediator,
      );
      const states = Object.fromEntries(
        all.deliveries
          .filter((d) => d.documentId === document.id)
          .map((d) => [d.recipientId, d.status]),
      );
      expect(states).toEqual({
        [world.applicant.id]: 'acknowledged',
        [world.respondent.id]: 'offline_pending',
      });

      // The certificate carries every step's time and the document's hash.
      const cert = await fetchPdf(
        `/cases/${world.caseId}/deliveries/${mine.id}/certificate`,
        world.mediator,
      );
      expect(cert.status).toBe(200);
      expect(sha256(cert.bytes)).toBe(cert.headers.get('x-content-sha256'));
      const text = flat(pdfText(cert.bytes));
      expect(text).toContain('电子送达凭证');
      expect(text).toContain(document.sha256);
      expect(text).toContain('张三');
      for (const e of ack1.events) expect(text).toContain(flat(chineseDateTime(e.at)));
      expect(text).toContain(flat(chineseDateTime(ack1.served!.at)));
      expect(text).toContain('文书到达受送达人确认的电子送达地址');

      // Steps are in the audit chain, and the chain holds.
      expect(
        (await api.ok<{ ok: boolean }>('GET', `/cases/${world.caseId}/audit`, world.clerk)).ok,
      ).toBe(true);
      const audit = await new SqlAuditLog(t.server.database).list(world.caseId);
      const actions = audit.filter((e) => e.target === mine.id).map((e) => e.action);
      expect(actions).toEqual([
        'delivery.dispatched',
        'delivery.delivered',
        'delivery.read',
        'delivery.acknowledged',
        'delivery.certificate',
      ]);
    } finally {
      disconnect();
    }
  });

  it('a recipient not connected gets it at the next connection; an acknowledgement before the receipt implies it', async () => {
    const { deliveries } = await issue({
      kind: 'right_to_arbitration_notice',
      recipients: [world.applicant.id],
    });
    const d = deliveries[0]!;
    const pending = await t.server.documents.pendingFor(world.caseId, world.applicant.id);
    expect(pending.map((n) => n.deliveryId)).toContain(d.id);
    const ack = await api.ok<DeliveryView>(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/acknowledge`,
      world.tokens.applicant,
    );
    expect(ack.events.map((e) => [e.kind, e.implied])).toEqual([
      ['dispatched', false],
      ['delivered', true],
      ['read', true],
      ['acknowledged', false],
    ]);
    // The late receipt changes nothing.
    const late = await api.ok<DeliveryView>(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/delivered`,
      world.tokens.applicant,
    );
    expect(late.events).toHaveLength(4);
    expect(late.state).toBe('acknowledged');
    expect(
      await t.server.documents.pendingFor(world.caseId, world.applicant.id),
    ).not.toContainEqual(expect.objectContaining({ deliveryId: d.id }));
  });

  it('without consent: offline service with proof; served at the proof date; challenge and paper copy', async () => {
    const { deliveries } = await issue({
      kind: 'right_to_arbitration_notice',
      recipients: [world.respondent.id],
    });
    const d = deliveries[0]!;
    expect(d.state).toBe('offline_pending');
    // The recipient's client cannot claim electronic delivery of what was never sent.
    const claim = await api.call(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/delivered`,
      world.tokens.respondent,
    );
    expect(claim.status).toBe(409);
    expect(errorBody(claim)).toMatchObject({
      reason: 'DELIVERY_STEP_REFUSED',
      params: { action: 'deliver', state: 'offline_pending' },
    });
    // A party cannot attach a proof; staff can.
    const proof = {
      method: '邮寄送达',
      description: 'EMS 1234567890 签收',
      servedOn: '2026-03-05',
    };
    const byParty = await api.call(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/offline-proof`,
      world.tokens.respondent,
      proof,
    );
    expect(byParty.status).toBe(403);
    const served = await api.ok<DeliveryView>(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/offline-proof`,
      world.clerk,
      proof,
    );
    expect(served.state).toBe('served_offline');
    expect(served.served).toEqual({ at: '2026-03-04T16:00:00.000Z', basis: 'offline_proof' });
    const challenged = await api.ok<DeliveryView>(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/challenge`,
      world.tokens.respondent,
      { reason: '未收到邮件' },
    );
    expect(challenged).toMatchObject({ status: 'challenged', state: 'served_offline' });
    const paper = await api.ok<DeliveryView>(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/paper-copy`,
      world.tokens.respondent,
      {},
    );
    expect(paper.paperCopyRequested).toBe(true);
    const cert = pdfText(
      (await fetchPdf(`/cases/${world.caseId}/deliveries/${d.id}/certificate`, world.clerk)).bytes,
    );
    expect(flat(cert)).toContain('未收到邮件');
    expect(flat(cert)).toContain('线下送达（附送达证明）');
    // A bad proof is refused with the reason.
    const bad = await api.call(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/offline-proof`,
      world.clerk,
      { method: '邮寄', description: 'x', servedOn: '2026-13-40' },
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/servedOn/);
  });

  it('a reissue is a new version; the old one stays readable', async () => {
    const v1 = await issue({
      kind: 'performance_notice',
      fields: { obligations: '支付工资', deadline: '2026-04-30' },
    });
    const v2 = await issue({
      kind: 'performance_notice',
      fields: { obligations: '支付工资及经济补偿', deadline: '2026-05-15' },
      replaces: v1.document.id,
    });
    expect(v2.document).toMatchObject({ seriesId: v1.document.seriesId, version: 2 });
    expect(v2.document.sha256).not.toBe(v1.document.sha256);
    const old = await fetchPdf(
      `/cases/${world.caseId}/documents/${v1.document.id}/pdf`,
      world.clerk,
    );
    expect(sha256(old.bytes)).toBe(v1.document.sha256);
    const list = await api.ok<{ documents: DocumentView[] }>(
      'GET',
      `/cases/${world.caseId}/documents`,
      world.clerk,
    );
    expect(list.documents.find((d) => d.id === v1.document.id)?.superseded).toBe(true);
    expect(list.documents.find((d) => d.id === v2.document.id)?.superseded).toBe(false);
  });
});

describe('authorization', () => {
  it('another organisation’s clerk gets 404; a party cannot read the other side’s documents', async () => {
    const other = await seedStaff(new SqlCaseRepository(t.server.database));
    const otherClerk = await api.login(other.clerk.username, TEST_PASSWORD);
    expect((await api.call('GET', `/cases/${world.caseId}/documents`, otherClerk)).status).toBe(
      404,
    );
    const issued = await issue({ kind: 'acceptance_notice', recipients: [world.applicant.id] });
    const pdf = `/cases/${world.caseId}/documents/${issued.document.id}/pdf`;
    expect((await fetchPdf(pdf, otherClerk)).status).toBe(404);
    expect((await fetchPdf(pdf, world.tokens.respondent)).status).toBe(404);
    const d = issued.deliveries[0]!;
    const step = await api.call(
      'POST',
      `/cases/${world.caseId}/deliveries/${d.id}/acknowledge`,
      world.tokens.respondent,
    );
    expect(step.status).toBe(404);
    expect(
      (
        await fetchPdf(
          `/cases/${world.caseId}/deliveries/${d.id}/certificate`,
          world.tokens.respondent,
        )
      ).status,
    ).toBe(404);
    // A party may not issue documents.
    const byParty = await api.call(
      'POST',
      `/cases/${world.caseId}/documents`,
      world.tokens.applicant,
      {
        kind: 'acceptance_notice',
      },
    );
    expect(byParty.status).toBe(403);
  });

  it('forged and expired tokens are 401', async () => {
    const forged = new InvitationTokens('not-the-secret-'.repeat(4)).issue(
      { sub: world.applicant.id, caseId: world.caseId, role: 'party', name: '张三' },
      600,
    );
    expect((await api.call('GET', `/cases/${world.caseId}/documents`, forged)).status).toBe(401);
    const { invitation } = await api.ok<{ invitation: { id: string } }>(
      'POST',
      `/cases/${world.caseId}/invitations`,
      world.clerk,
      { personId: world.applicant.id },
    );
    const expired = new InvitationTokens(TEST_SECRET).issue(
      { sub: world.applicant.id, caseId: world.caseId, role: 'party', name: '张三' },
      1,
      invitation.id,
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const r = await api.call('GET', `/cases/${world.caseId}/documents`, expired);
    expect(r.status).toBe(401);
    expect(errorMessage(r)).toMatch(/expired/);
    expect((await api.call('GET', `/cases/${world.caseId}/documents`)).status).toBe(401);
  });
});

describe('signing and sealing the mediation agreement', () => {
  async function codeFor(documentId: string, token: string, address: string): Promise<string> {
    const r = await api.call(
      'POST',
      `/cases/${world.caseId}/documents/${documentId}/signing-code`,
      token,
      {},
    );
    expect(r.status).toBe(200);
    const mine = (await outbox()).filter(
      (m) => m.purpose === 'signing_code' && m.address === address,
    );
    const code = /验证码 (\d{6})/.exec(mine.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error('no code in the outbox');
    return code;
  }

  async function sign(
    documentId: string,
    token: string,
    body: Record<string, unknown>,
  ): Promise<Reply> {
    return api.call('POST', `/cases/${world.caseId}/documents/${documentId}/sign`, token, body);
  }

  it('is not effective with a signature missing; the seal after all signatures makes it effective and starts the countdowns', async () => {
    const { document } = await issue({
      kind: 'mediation_agreement',
      fields: {
        items: ['被申请人向申请人支付拖欠工资人民币10000元'],
        amount: 10000,
        performanceDeadline: '2026-04-30',
        performanceMethod: '银行转账',
      },
      recipients: [world.applicant.id, world.respondent.id],
    });
    const agreementPath = `/cases/${world.caseId}/documents/${document.id}`;

    // The code goes to the SMS address on the consent; the reply says where, masked.
    const codeReply = await api.call(
      'POST',
      `${agreementPath}/signing-code`,
      world.tokens.applicant,
      {},
    );
    expect(codeReply.body).toMatchObject({
      channel: 'sms',
      destination: '138****0000',
      attempts: 5,
    });

    // A wrong code counts an attempt and says how many are left.
    const applicantCode = await codeFor(document.id, world.tokens.applicant, '13800000000');
    const wrong = await sign(document.id, world.tokens.applicant, {
      code: applicantCode === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(errorBody(wrong)).toMatchObject({ reason: 'SIGNING_CODE_WRONG', params: { left: '4' } });

    // The applicant signs with a drawn signature.
    // PNGs that do not decode (stored ones that looped pdfkit's reader forever and froze
    // the whole server) are refused before the code is looked at, while the server answers.
    const crafted = Promise.all(
      [PDFKIT_LOOPING_PNG, loopingPngAfterPixels()].map((png) =>
        sign(document.id, world.tokens.applicant, {
          code: applicantCode,
          signatureImage: `data:image/png;base64,${png.toString('base64')}`,
        }),
      ),
    );
    const health = await healthDuring(`${t.url}/healthz`, crafted);
    expect(health.slowest).toBeLessThan(1_000);
    for (const corrupt of await crafted) {
      expect(corrupt.status).toBe(400);
      expect(errorCode(corrupt)).toBe('VALIDATION');
      expect(errorReason(corrupt)).toBe('SIGNATURE_IMAGE_UNREADABLE');
    }
    const drawn = signaturePng();
    const signed = await sign(document.id, world.tokens.applicant, {
      code: applicantCode,
      signatureImage: `data:image/png;base64,${drawn.toString('base64')}`,
    });
    expect(signed.status).toBe(201);
    // What is stored and hashed is the service's own re-encoding: same pixels, RGBA.
    const stored = (
      await new SqlDocumentRepository(t.server.database).listSignatures(document.id)
    ).find((s) => s.signerId === world.applicant.id)!;
    expect(signed.body).toMatchObject({
      signerId: world.applicant.id,
      signsFor: 'applicant',
      documentSha256: document.sha256,
      imageSha256: sha256(stored.image!),
    });
    const original = PNG.sync.read(drawn);
    const canonical = PNG.sync.read(stored.image!);
    expect([canonical.width, canonical.height]).toEqual([original.width, original.height]);
    expect(canonical.data.equals(original.data)).toBe(true);
    expect(stored.image!.readUInt8(25)).toBe(6); // colour type RGBA
    // Signing again is idempotent; a used code does not sign anything else.
    expect((await sign(document.id, world.tokens.applicant, { code: applicantCode })).status).toBe(
      201,
    );

    // An agent without the special authorisation to sign is refused.
    const weak = await api.call(
      'POST',
      `${agreementPath}/signing-code`,
      world.tokens.weakAgent,
      {},
    );
    expect(weak.status).toBe(403);
    expect(errorReason(weak)).toBe('AGENT_NOT_AUTHORISED_TO_SIGN');

    // The mediator signs (code through the in-app channel).
    const mediatorCode = await codeFor(document.id, world.mediator, world.staff.mediator.id);
    expect((await sign(document.id, world.mediator, { code: mediatorCode })).status).toBe(201);

    // One side has not signed: the seal is refused and nothing is effective.
    const early = await api.call('POST', `${agreementPath}/seal`, world.clerk, {});
    expect(early.status).toBe(409);
    expect(errorBody(early)).toMatchObject({
      reason: 'SEAL_SIGNERS_MISSING',
      params: { signers: '某某科技有限公司' },
    });
    const before = await api.ok<{ case: { outcome: unknown }; deadlines: { kind: string }[] }>(
      'GET',
      `/cases/${world.caseId}`,
      world.clerk,
    );
    expect(before.case.outcome).toBeNull();
    expect(before.deadlines.map((d) => d.kind)).not.toContain('judicial_confirmation');

    // The respondent's specially authorised agent signs for the respondent (code by e-mail).
    const agentCode = await codeFor(document.id, world.tokens.agent, 'qian@lawfirm.example.cn');
    const agentSigned = await sign(document.id, world.tokens.agent, { code: agentCode });
    expect(agentSigned.body).toMatchObject({ signerRole: 'agent', signsFor: 'respondent' });

    // A party cannot seal; the clerk can.
    expect(
      (await api.call('POST', `${agreementPath}/seal`, world.tokens.applicant, {})).status,
    ).toBe(403);
    const sealed = await api.ok<{
      seal: { sha256: string; jws: string; sealedAt: string };
      case: { status: string; outcome: { effectiveAt: string } };
    }>('POST', `${agreementPath}/seal`, world.clerk, {});
    expect(sealed.case.status).toBe('settled');
    expect(sealed.case.outcome.effectiveAt).toBe(sealed.seal.sealedAt);

    // The JWS verifies against the service's keys and binds the hashes and the signatures.
    const { header, payload } = await t.server.keys.verify<{
      documentId: string;
      version: number;
      sha256: string;
      sealedPdfSha256: string;
      signatures: { signsFor: string; documentSha256: string }[];
      sealedAt: string;
    }>(sealed.seal.jws, { typ: 'sealed-agreement+jws' });
    expect(header.typ).toBe('sealed-agreement+jws');
    expect(payload).toMatchObject({
      documentId: document.id,
      version: 1,
      sha256: document.sha256,
      sealedPdfSha256: sealed.seal.sha256,
      sealedAt: sealed.seal.sealedAt,
    });
    expect(payload.signatures.map((s) => s.signsFor).sort()).toEqual([
      'applicant',
      'mediator',
      'respondent',
    ]);

    // The sealed PDF: the agreement, the signatures, the seal; its hash as recorded.
    const pdf = await fetchPdf(`${agreementPath}/sealed-pdf`, world.tokens.applicant);
    expect(pdf.status).toBe(200);
    expect(sha256(pdf.bytes)).toBe(sealed.seal.sha256);
    const text = flat(pdfText(pdf.bytes));
    for (const s of [
      '调解协议书',
      '签章页',
      '调解专用章',
      '张三',
      '钱律师',
      '王调解',
      document.sha256,
    ])
      expect(text).toContain(flat(s));
    expect(text).toContain(flat(chineseDateTime(sealed.seal.sealedAt)));
    expect(
      execFileSync('pdfimages', ['-list', path.join(tmp, `${sha256(pdf.bytes)}.pdf`)], {
        encoding: 'utf8',
      }),
    ).toMatch(/png|image/);

    // The countdowns start at the seal.
    const after = await api.ok<{ deadlines: { kind: string; createdAt: string }[] }>(
      'GET',
      `/cases/${world.caseId}`,
      world.clerk,
    );
    const kinds = after.deadlines.map((d) => d.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['judicial_confirmation', 'arbitration_review', 'performance']),
    );

    // The seal's hash is in the audit chain, which verifies.
    expect(
      (await api.ok<{ ok: boolean }>('GET', `/cases/${world.caseId}/audit`, world.clerk)).ok,
    ).toBe(true);
    const audit = await new SqlAuditLog(t.server.database).list(world.caseId);
    const sealEvent = audit.find(
      (e) => e.action === 'agreement.sealed' && e.target === document.id,
    );
    expect(JSON.parse(sealEvent!.payload)).toMatchObject({
      sealedSha256: sealed.seal.sha256,
      sha256: document.sha256,
    });
    expect(audit.filter((e) => e.target === document.id).map((e) => e.action)).toEqual(
      expect.arrayContaining(['document.issued', 'agreement.signed', 'agreement.sealed']),
    );
    expect(
      audit.some((e) => e.action === 'agreement.effective' || e.action === 'outcome.agreement'),
    ).toBe(true);

    // Sealing again changes nothing; signing after the seal is refused; reissue is refused.
    const again = await api.ok<{ seal: { sha256: string } }>(
      'POST',
      `${agreementPath}/seal`,
      world.mediator,
      {},
    );
    expect(again.seal.sha256).toBe(sealed.seal.sha256);
    const late = await api.call(
      'POST',
      `${agreementPath}/signing-code`,
      world.tokens.respondent,
      {},
    );
    expect(late.status).toBe(409);

    // The joint application can now be issued, naming the sealed agreement.
    const application = await issue({ kind: 'judicial_confirmation_application', recipients: [] });
    const appText = flat(
      pdfText(
        (
          await fetchPdf(
            `/cases/${world.caseId}/documents/${application.document.id}/pdf`,
            world.clerk,
          )
        ).bytes,
      ),
    );
    expect(appText).toContain('司法确认申请书');
    expect(appText).toContain(document.sha256);
  });

  it('rejects a bad signature image and a malformed code', async () => {
    const c = await api.call(
      'POST',
      `/cases/${world.caseId}/documents/x/sign`,
      world.tokens.applicant,
      {
        code: '12ab',
        signatureImage: 'data:image/gif;base64,R0lGOD',
      },
    );
    expect(c.status).toBe(400);
    const issues = JSON.stringify(c.body);
    expect(issues).toMatch(/code: the 6-digit code/);
    expect(issues).toMatch(/signatureImage: a data:image\/png;base64/);
  });
});

describe('co-parties and paper signing', () => {
  const SCHEDULE = {
    scheduledStart: '2026-03-10T02:00:00.000Z',
    scheduledEnd: '2026-03-10T04:00:00.000Z',
  };
  const PHONES = ['13900000001', '13900000002', '13900000003'];

  /** A dispatched worker's case: the agency and the user unit are co-respondents. */
  async function coPartyCase() {
    const { caseId, people } = await newCase(true);
    await api.ok('POST', `/cases/${caseId}/sessions`, world.mediator, SCHEDULE);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const agency = people.find((p) => p.kind === 'respondent')!;
    const userUnit = await api.ok<Person>('POST', `/cases/${caseId}/people`, world.clerk, {
      kind: 'respondent',
      name: '某某用工单位有限公司',
      idNumber: '91310000MA1FL11111',
      isOrganisation: true,
      legalRepresentative: '周五',
      address: '上海市徐汇区某路 2 号',
    });
    const parties = [applicant, agency, userUnit];
    const tokens: string[] = [];
    for (const [i, p] of parties.entries()) {
      const token = await invite(caseId, p.id);
      await api.ok('POST', `/cases/${caseId}/service-consent`, token, {
        consentToElectronicService: true,
        addresses: [{ channel: 'in_app' }, { channel: 'sms', value: PHONES[i] }],
        scope: 'all',
        effectAcknowledged: true,
      });
      tokens.push(token);
    }
    const { document } = await issue(
      {
        kind: 'mediation_agreement',
        fields: {
          items: ['两被申请人连带向申请人支付拖欠工资人民币10000元'],
          amount: 10000,
          performanceDeadline: '2026-12-31',
          performanceMethod: '银行转账',
        },
        recipients: parties.map((p) => p.id),
      },
      caseId,
    );
    return { caseId, parties, tokens, document, path: `/cases/${caseId}/documents/${document.id}` };
  }

  async function signOnline(caseId: string, path: string, token: string, address: string) {
    expect((await api.call('POST', `${path}/signing-code`, token, {})).status).toBe(200);
    const mine = (await outbox(caseId)).filter(
      (m) => m.purpose === 'signing_code' && m.address === address,
    );
    const code = /验证码 (\d{6})/.exec(mine.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error('no code in the outbox');
    expect((await api.call('POST', `${path}/sign`, token, { code })).status).toBe(201);
  }

  it('lets caucus material go to a court only when every co-party agreed, not one per side', async () => {
    const { caseId, tokens } = await coPartyCase();
    const [applicant, agency, userUnit] = tokens as [string, string, string];
    type State = { agreed: boolean; sides: { applicant: boolean; respondent: boolean } };
    const say = (token: string, agree: boolean) =>
      api.ok<State>('POST', `/cases/${caseId}/disclosure`, token, { agree });
    await say(applicant, true);
    const one = await say(agency, true);
    expect(one).toMatchObject({ agreed: false, sides: { applicant: true, respondent: false } });
    expect(await say(userUnit, true)).toMatchObject({
      agreed: true,
      sides: { applicant: true, respondent: true },
    });
    expect(await say(userUnit, false)).toMatchObject({ agreed: false });
  });

  it('lists every co-respondent in the agreement; one respondent signing is not enough to seal', async () => {
    const { caseId, parties, tokens, path } = await coPartyCase();
    const text = flat(pdfText((await fetchPdf(`${path}/pdf`, world.clerk)).bytes));
    // Every party in the party list, each with its role.
    for (const p of parties) expect(text).toContain(flat(p.name));
    expect(text).toMatch(/被申请人[：:]?某某用工单位有限公司/);

    await signOnline(caseId, path, tokens[0]!, PHONES[0]!);
    await signOnline(caseId, path, tokens[1]!, PHONES[1]!);
    await signOnline(caseId, path, world.mediator, world.staff.mediator.id);
    const early = await api.call('POST', `${path}/seal`, world.clerk, {});
    expect(early.status).toBe(409);
    expect(errorBody(early)).toMatchObject({
      reason: 'SEAL_SIGNERS_MISSING',
      params: { signers: '某某用工单位有限公司' },
    });
    const before = await api.ok<{ case: { outcome: unknown } }>(
      'GET',
      `/cases/${caseId}`,
      world.clerk,
    );
    expect(before.case.outcome).toBeNull();

    await signOnline(caseId, path, tokens[2]!, PHONES[2]!);
    const sealed = await api.ok<{
      seal: { sealedAt: string };
      case: { outcome: { effectiveAt: string } };
    }>('POST', `${path}/seal`, world.clerk, {});
    expect(sealed.case.outcome.effectiveAt).toBe(sealed.seal.sealedAt);
  });

  it('refuses hand-typed effective times; a recorded paper signing makes the agreement effective at its recording', async () => {
    const { caseId, parties, tokens, document, path } = await coPartyCase();
    // The agreement reached, not yet signed: the old ways to make it effective are refused.
    const handTyped = await api.call('POST', `/cases/${caseId}/agreement`, world.mediator, {
      terms: '两被申请人连带支付工资',
      effectiveAt: '2026-03-01T09:00:00+08:00',
    });
    expect(handTyped.status).toBe(409);
    expect(errorCode(handTyped)).toBe('INVALID_STATE');
    await api.ok('POST', `/cases/${caseId}/agreement`, world.mediator, {
      terms: '两被申请人连带支付工资',
    });
    for (const effectiveAt of ['2026-03-01T09:00:00+08:00', '2099-01-01T09:00:00+08:00']) {
      const r = await api.call('POST', `/cases/${caseId}/agreement/effective`, world.mediator, {
        effectiveAt,
      });
      expect(r.status).toBe(409);
      expect(errorCode(r)).toBe('INVALID_STATE');
    }
    const unsigned = await api.ok<{ case: { outcome: { effectiveAt: unknown } } }>(
      'GET',
      `/cases/${caseId}`,
      world.clerk,
    );
    expect(unsigned.case.outcome.effectiveAt).toBeNull();

    // The scan of the agreement signed on paper, filed by the organisation.
    const scan = await api.upload(caseId, world.mediator, pngBytes(), '调解协议书签署页.png', {
      title: '已签署调解协议书',
      purpose: '纸质签署的调解协议书',
      originalOrCopy: 'copy',
      category: 'signed_agreement',
    });
    expect(scan.status).toBe(201);
    const evidenceId = (scan.body as { item: { id: string } }).item.id;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const all = parties.map((p) => ({ partyId: p.id, signedOn: today }));
    const body = (signatories: typeof all, extra: Record<string, unknown> = {}) => ({
      evidenceId,
      signatories,
      mediatorSignedOn: today,
      attestation: '各方当事人当面签名，经调解员核对身份',
      ...extra,
    });

    // Only the case's mediator records it; every co-party must be attested; no future date.
    expect((await api.call('POST', `${path}/paper-signing`, world.clerk, body(all))).status).toBe(
      403,
    );
    const short = await api.call(
      'POST',
      `${path}/paper-signing`,
      world.mediator,
      body(all.slice(0, 2)),
    );
    expect(short.status).toBe(409);
    expect(errorBody(short)).toMatchObject({
      reason: 'PAPER_SIGNERS_MISSING',
      params: { signers: '某某用工单位有限公司' },
    });
    const future = await api.call(
      'POST',
      `${path}/paper-signing`,
      world.mediator,
      body(all, { mediatorSignedOn: '2099-01-01' }),
    );
    expect(future.status).toBe(400);
    const notAScan = await api.call(
      'POST',
      `${path}/paper-signing`,
      world.mediator,
      body(all, { evidenceId: 'no-such-item' }),
    );
    expect(notAScan.status).toBe(400);

    const from = Date.now();
    const recorded = await api.ok<{ outcome: { effectiveAt: string } }>(
      'POST',
      `${path}/paper-signing`,
      world.mediator,
      body(all),
    );
    const effectiveAt = Date.parse(recorded.outcome.effectiveAt);
    expect(effectiveAt).toBeGreaterThanOrEqual(from - 1000);
    expect(effectiveAt).toBeLessThanOrEqual(Date.now());
    const file = await api.ok<{ deadlines: { kind: string }[] }>(
      'GET',
      `/cases/${caseId}`,
      world.clerk,
    );
    expect(file.deadlines.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['judicial_confirmation', 'arbitration_review']),
    );
    // Effective now: no second paper signing, no online signing, no seal.
    expect(
      (await api.call('POST', `${path}/paper-signing`, world.mediator, body(all))).status,
    ).toBe(409);
    expect((await api.call('POST', `${path}/signing-code`, tokens[0]!, {})).status).toBe(409);
    expect((await api.call('POST', `${path}/seal`, world.clerk, {})).status).toBe(409);

    const audit = await new SqlAuditLog(t.server.database).list(caseId);
    const paper = audit.find((e) => e.action === 'agreement.paperSigned');
    expect(JSON.parse(paper!.payload)).toMatchObject({
      documentId: document.id,
      scan: { evidenceId },
      signatories: parties.map((p) => ({ partyId: p.id, signedOn: today })),
    });
    expect(
      JSON.parse(audit.find((e) => e.action === 'agreement.effective')!.payload),
    ).toMatchObject({ basis: 'paper_signing', documentId: document.id });
  });
});
