/**
 * Evidence over real HTTP: the hash fixed on the way in (checked against the
 * real `sha256sum`), size and quota limits, content-type checks that cannot be
 * fooled by the filename, HTTP Range, custody events in the audit chain, view
 * links, and who sees which item on every evidence route.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlEvidenceRepository } from '../../server/db/SqlEvidenceRepository.js';
import type { EvidenceReceipt } from '../../server/evidence/model.js';
import {
  registrationInput,
  seedStaff,
  TEST_PASSWORD,
  type StaffFixture,
  respondentsAgreeOverHttp,
} from '../support/cases.js';
import {
  apiClient,
  docxBytes,
  errorCode,
  errorMessage,
  exeBytes,
  listFiles,
  pngBytes,
  rawUpload,
  sha256sum,
  textChunks,
  twoPagePdf,
  type Api,
  type Reply,
} from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  expectSandboxedFile,
  jpegHtmlPolyglot,
  pdfHtmlPolyglot,
  pdfWithJavaScript,
} from '../support/untrustedInputs.js';

interface ItemView {
  id: string;
  caseId: string;
  title: string;
  filename: string;
  mediaType: string;
  size: number;
  pages: number | null;
  sha256: string;
  shared: boolean;
  confidential: boolean;
}
interface Uploaded {
  item: ItemView;
  receipt: EvidenceReceipt;
}
interface CaseFileView {
  case: { id: string; organisationId: string };
  people: { id: string; kind: string; name: string }[];
}

const MIB = 1024 * 1024;

/** One organisation's case with every kind of caller. */
interface CaseWorld {
  staff: StaffFixture;
  clerk: string;
  mediator: string;
  caseA: string;
  applicantA: { id: string; name: string };
  agentId: string;
  party: string;
  agent: string;
  respondent: string;
  observer: string;
  caseB: string;
  partyB: string;
}

async function newCase(api: Api, clerk: string, mediatorId?: string): Promise<string> {
  const c = await api.ok<{ id: string }>('POST', '/cases', clerk, registrationInput());
  await respondentsAgreeOverHttp(api, clerk, c.id);
  await api.ok('POST', `/cases/${c.id}/accept`, clerk);
  if (mediatorId) await api.ok('POST', `/cases/${c.id}/mediator`, clerk, { mediatorId });
  return c.id;
}

async function invite(api: Api, clerk: string, caseId: string, personId: string): Promise<string> {
  return (
    await api.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, clerk, { personId })
  ).token;
}

async function buildWorld(t: TestServer, api: Api): Promise<CaseWorld> {
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  const mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
  const caseA = await newCase(api, clerk, staff.mediator.id);
  const caseB = await newCase(api, clerk);
  const file = await api.ok<CaseFileView>('GET', `/cases/${caseA}`, clerk);
  const applicant = file.people.find((p) => p.kind === 'applicant')!;
  const respondentPerson = file.people.find((p) => p.kind === 'respondent')!;
  const agent = await api.ok<{ id: string }>('POST', `/cases/${caseA}/people`, clerk, {
    kind: 'agent',
    name: '钱律师',
    representsId: applicant.id,
    powerOfAttorney: { scope: 'special', maySign: false },
  });
  const observer = await api.ok<{ id: string }>('POST', `/cases/${caseA}/people`, clerk, {
    kind: 'observer',
    name: '孙旁听',
  });
  const fileB = await api.ok<CaseFileView>('GET', `/cases/${caseB}`, clerk);
  return {
    staff,
    clerk,
    mediator,
    caseA,
    applicantA: { id: applicant.id, name: applicant.name },
    agentId: agent.id,
    party: await invite(api, clerk, caseA, applicant.id),
    agent: await invite(api, clerk, caseA, agent.id),
    respondent: await invite(api, clerk, caseA, respondentPerson.id),
    observer: await invite(api, clerk, caseA, observer.id),
    caseB,
    partyB: await invite(api, clerk, caseB, fileB.people.find((p) => p.kind === 'applicant')!.id),
  };
}

function uploaded(r: Reply): Uploaded {
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Uploaded;
}

async function content(
  t: TestServer,
  caseId: string,
  itemId: string,
  token: string | undefined,
  headers: Record<string, string> = {},
  query = '',
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${t.url}/api/cases/${caseId}/evidence/${itemId}/content${query}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('evidence', () => {
  let t: TestServer;
  let api: Api;
  let w: CaseWorld;

  beforeAll(async () => {
    t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '1' });
    api = apiClient(t.url);
    w = await buildWorld(t, api);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('fixes the SHA-256 sha256sum computes, serves back the identical bytes, and issues a full receipt', async () => {
    const source = twoPagePdf('receipt');
    const expected = sha256sum(source);
    const { item, receipt } = uploaded(
      await api.upload(w.caseA, w.party, source, '工资条.pdf', {
        title: '2025 年 11 月工资条',
        purpose: '证明工资未足额发放',
        originalOrCopy: 'original',
      }),
    );
    expect(item.sha256).toBe(expected);
    expect(receipt.sha256).toBe(expected);
    expect(item).toMatchObject({ size: source.length, pages: 2, mediaType: 'application/pdf' });
    // Where the bytes live and who sent them from where stays on the server.
    for (const hidden of ['blobKey', 'uploaderIp', 'uploaderAgent'])
      expect(item).not.toHaveProperty(hidden);

    const stored = await api.ok<EvidenceReceipt>(
      'GET',
      `/cases/${w.caseA}/evidence/${item.id}/receipt`,
      w.party,
    );
    expect(stored).toEqual(receipt);
    expect(stored).toMatchObject({
      itemId: item.id,
      caseId: w.caseA,
      title: '2025 年 11 月工资条',
      purpose: '证明工资未足额发放',
      originalOrCopy: 'original',
      filename: '工资条.pdf',
      size: source.length,
      pages: 2,
      receivedBy: '测试调解委员会',
      submittedBy: { id: w.applicantA.id, name: w.applicantA.name, role: 'party' },
      sha256: expected,
    });
    expect(Number.isNaN(Date.parse(stored.receivedAt))).toBe(false);
    expect(Math.abs(Date.parse(stored.receivedAt) - Date.now())).toBeLessThan(60_000);

    const download = await content(t, w.caseA, item.id, w.party, {}, '?download=1');
    expect(download.status).toBe(200);
    expect(download.bytes.equals(source)).toBe(true);
    expect(sha256sum(download.bytes)).toBe(expected);
  });

  it('refuses spoofed types, empty files and disguised names; cleans odd names; writes nothing outside evidence/', async () => {
    const before = listFiles(t.dataDir);
    const evidenceDir = path.join(t.dataDir, 'evidence');
    // Every file, temporary ones included: a refused upload leaves nothing behind.
    const blobs = (): string[] => listFiles(evidenceDir);
    const evidenceBefore = blobs();
    const listBefore = await api.ok<{ items: ItemView[] }>(
      'GET',
      `/cases/${w.caseA}/evidence`,
      w.clerk,
    );

    const refusals: [string, Buffer, string, RegExp][] = [
      ['PNG named .pdf', pngBytes(), 'x.pdf', /content is png.*\.pdf/],
      [
        'HTML named .txt',
        Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'),
        'notes.txt',
        /HTML/,
      ],
      ['an EXE', exeBytes(), 'setup.exe', /not accepted/],
      ['an EXE named .pdf', exeBytes(), 'contract.pdf', /not accepted/],
      ['PDF named .pdf.exe', twoPagePdf(), 'a.pdf.exe', /content is pdf.*\.exe/],
      ['zero bytes', Buffer.alloc(0), 'empty.pdf', /empty/],
    ];
    for (const [what, bytes, name, message] of refusals) {
      const r = await api.upload(w.caseA, w.party, bytes, name);
      expect(r.status, what).toBe(400);
      expect(errorCode(r), what).toBe('VALIDATION');
      expect(errorMessage(r), what).toMatch(message);
    }
    const mismatch = await api.upload(w.caseA, w.party, pngBytes(), 'x.pdf');
    expect((mismatch.body as { error: { issues?: string[] } }).error.issues).toEqual([
      'file: name_mismatch',
    ]);
    // Nothing refused was kept.
    expect(blobs()).toEqual(evidenceBefore);

    // A raw NUL in the part header is malformed multipart: refused, nothing stored.
    const rawNul = await api.upload(w.caseA, w.party, Buffer.from('text\n'), 'evil\u0000name.txt');
    expect(rawNul.status).toBe(400);
    expect(errorCode(rawNul)).toBe('VALIDATION');
    expect(blobs()).toEqual(evidenceBefore);

    // Names are metadata: path parts, NUL and excess length are cleaned away.
    const textContent = Buffer.from('root:x:0:0:root:/root:/bin/bash\n');
    const accepted: [string, Promise<Reply>, RegExp][] = [
      [
        '../../etc/passwd',
        api.upload(w.caseA, w.party, textContent, '../../etc/passwd'),
        /^passwd$/,
      ],
      [
        '..\\..\\windows\\win.ini.txt',
        api.upload(w.caseA, w.party, textContent, '..\\..\\windows\\win.ini.txt'),
        /^win\.ini\.txt$/,
      ],
      [
        'NUL, percent-encoded (filename*=)',
        rawUpload({
          url: `${t.url}/api/cases/${w.caseA}/evidence`,
          token: w.party,
          filename: 'evil\u0000name.txt',
          extendedFilename: true,
          chunks: [textContent],
        }).then((r) => ({ status: r.status, headers: new Headers(), body: r.body })),
        /^evilname\.txt$/,
      ],
      [
        '300 characters',
        api.upload(w.caseA, w.party, textContent, `${'长'.repeat(296)}.txt`),
        /^长{116}\.txt$/,
      ],
    ];
    for (const [what, reply, pattern] of accepted) {
      const { item } = uploaded(await reply);
      expect(item.filename, what).toMatch(pattern);
      expect(item.filename, what).not.toMatch(/[/\\\0]/);
      expect(Array.from(item.filename).length, what).toBeLessThanOrEqual(120);
      expect(item.mediaType, what).toBe('text/plain; charset=utf-8');
      expect(item.sha256, what).toBe(sha256sum(textContent));
    }

    const after = listFiles(t.dataDir);
    const outside = (files: string[]): string[] =>
      files.filter((f) => !f.startsWith(`evidence${path.sep}`));
    expect(outside(after)).toEqual(outside(before));
    expect(
      after.filter((f) => !before.includes(f)).every((f) => f.startsWith(`evidence${path.sep}`)),
    ).toBe(true);
    const added = blobs().filter((f) => !evidenceBefore.includes(f));
    expect(added).toHaveLength(accepted.length);
    expect(added.every((f) => /^[0-9a-f-]{36}$/.test(f))).toBe(true);
    const listAfter = await api.ok<{ items: ItemView[] }>(
      'GET',
      `/cases/${w.caseA}/evidence`,
      w.clerk,
    );
    expect(listAfter.items).toHaveLength(listBefore.items.length + accepted.length);
  });

  it('serves HTTP Range requests with exact bytes and the right headers', async () => {
    const source = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const { item } = uploaded(await api.upload(w.caseA, w.party, source, 'range.txt'));

    const first = await content(t, w.caseA, item.id, w.party, { range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-9/${source.length}`);
    expect(first.headers.get('content-length')).toBe('10');
    expect(first.bytes.toString()).toBe('0123456789');

    const open = await content(t, w.caseA, item.id, w.party, { range: 'bytes=5-' });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 5-${source.length - 1}/${source.length}`);
    expect(open.bytes.equals(source.subarray(5))).toBe(true);

    const suffix = await content(t, w.caseA, item.id, w.party, { range: 'bytes=-4' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(
      `bytes ${source.length - 4}-${source.length - 1}/${source.length}`,
    );
    expect(suffix.bytes.toString()).toBe('wxyz');

    for (const range of [`bytes=${source.length}-`, 'bytes=100-200', 'bytes=9-3', 'bytes=-0']) {
      const bad = await content(t, w.caseA, item.id, w.party, { range });
      expect(bad.status, range).toBe(416);
      expect(bad.headers.get('content-range'), range).toBe(`bytes */${source.length}`);
    }

    const whole = await content(t, w.caseA, item.id, w.party);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(source)).toBe(true);
    expect(whole.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expectSandboxedFile(whole.headers, 'text evidence');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-disposition')).toMatch(/^inline; filename="range\.txt"/);
    const attachment = await content(t, w.caseA, item.id, w.party, {}, '?download=1');
    expect(attachment.headers.get('content-disposition')).toMatch(
      /^attachment; filename="range\.txt"/,
    );

    const pdf = uploaded(await api.upload(w.caseA, w.party, twoPagePdf('view'), 'view.pdf')).item;
    const pdfView = await content(t, w.caseA, pdf.id, w.party);
    expect(pdfView.headers.get('content-type')).toBe('application/pdf');
    expect(pdfView.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(pdfView.headers.get('x-content-type-options')).toBe('nosniff');
    expectSandboxedFile(pdfView.headers, 'PDF evidence');
    const pdfDownload = await content(t, w.caseA, pdf.id, w.party, {}, '?download=1');
    expect(pdfDownload.headers.get('content-disposition')).toMatch(/^attachment;/);
    expectSandboxedFile(pdfDownload.headers, 'PDF evidence download');

    const docx = uploaded(await api.upload(w.caseA, w.party, docxBytes(), '合同.docx')).item;
    const docxView = await content(t, w.caseA, docx.id, w.party);
    expect(docxView.status).toBe(200);
    expect(docxView.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(docxView.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(docxView.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('合同.docx')}`,
    );
    expect(docxView.headers.get('x-content-type-options')).toBe('nosniff');
    expectSandboxedFile(docxView.headers, 'DOCX evidence');
    expect(docxView.bytes.equals(docxBytes())).toBe(true);
  });

  it('writes every view and download to the case audit chain as custody, with the viewer', async () => {
    const source = twoPagePdf('custody');
    const { item } = uploaded(await api.upload(w.caseA, w.party, source, 'custody.pdf'));
    const audit = new SqlAuditLog(t.server.database);
    const custody = async (): Promise<{ action: string; actorId: string }[]> =>
      (await audit.list(w.caseA))
        .filter((e) => e.target === item.id && e.action.startsWith('evidence.'))
        .map((e) => ({ action: e.action, actorId: e.actorId }));
    expect(await custody()).toEqual([{ action: 'evidence.received', actorId: w.applicantA.id }]);

    expect((await content(t, w.caseA, item.id, w.party)).status).toBe(200);
    expect((await content(t, w.caseA, item.id, w.agent, {}, '?download=1')).status).toBe(200);
    expect((await content(t, w.caseA, item.id, w.mediator, { range: 'bytes=0-99' })).status).toBe(
      206,
    );
    // Ranged re-reads later in the same view are not logged again.
    expect((await content(t, w.caseA, item.id, w.mediator, { range: 'bytes=100-' })).status).toBe(
      206,
    );
    expect((await content(t, w.caseA, item.id, w.mediator, { range: 'bytes=-10' })).status).toBe(
      206,
    );
    const link = await api.ok<{ url: string }>(
      'POST',
      `/cases/${w.caseA}/evidence/${item.id}/view-link`,
      w.clerk,
    );
    expect((await fetch(`${t.url}${link.url}`)).status).toBe(200);
    // A refused range is not a view.
    expect((await content(t, w.caseA, item.id, w.party, { range: 'bytes=99999-' })).status).toBe(
      416,
    );

    expect(await custody()).toEqual([
      { action: 'evidence.received', actorId: w.applicantA.id },
      { action: 'evidence.viewed', actorId: w.applicantA.id },
      { action: 'evidence.downloaded', actorId: w.agentId },
      { action: 'evidence.viewed', actorId: w.staff.mediator.id },
      { action: 'evidence.viewed', actorId: w.staff.clerk.id },
    ]);
    const events = (await audit.list(w.caseA)).filter(
      (e) => e.target === item.id && e.action === 'evidence.downloaded',
    );
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ itemId: item.id, sha256: item.sha256 });
    expect(await t.server.cases.verifyAudit(w.staff.clerk, w.caseA)).toMatchObject({ ok: true });
  });

  it('flags active PDF content on the receipt and serves polyglots and scripted PDFs sandboxed', async () => {
    const scripted = uploaded(await api.upload(w.caseA, w.party, pdfWithJavaScript(), '脚本.pdf'));
    expect(scripted.receipt.activeContent).toEqual(['JS', 'JavaScript', 'OpenAction']);
    expect(scripted.receipt.pages).toBe(1);
    const stored = await api.ok<EvidenceReceipt>(
      'GET',
      `/cases/${w.caseA}/evidence/${scripted.item.id}/receipt`,
      w.party,
    );
    expect(stored.activeContent).toEqual(['JS', 'JavaScript', 'OpenAction']);

    // Names hidden by #xx escapes, an embedded file and a launch action; the file is HTML too.
    const polyglot = uploaded(
      await api.upload(w.caseA, w.party, pdfHtmlPolyglot(), 'polyglot.pdf'),
    );
    expect(polyglot.receipt.activeContent).toEqual([
      'AA',
      'EmbeddedFile',
      'EmbeddedFiles',
      'JS',
      'JavaScript',
      'Launch',
    ]);
    // Nothing to flag in a plain PDF or in an image.
    const plain = uploaded(await api.upload(w.caseA, w.party, twoPagePdf('plain'), 'plain.pdf'));
    expect(plain.receipt.activeContent).toEqual([]);
    const jpeg = uploaded(await api.upload(w.caseA, w.party, jpegHtmlPolyglot(), 'photo.jpg'));
    expect(jpeg.receipt.activeContent).toEqual([]);

    for (const [what, item, type] of [
      ['scripted PDF', scripted.item, 'application/pdf'],
      ['PDF/HTML polyglot', polyglot.item, 'application/pdf'],
      ['JPEG/HTML polyglot', jpeg.item, 'image/jpeg'],
    ] as const) {
      const inline = await content(t, w.caseA, item.id, w.party);
      expect(inline.status, what).toBe(200);
      expect(inline.headers.get('content-type'), what).toBe(type);
      expectSandboxedFile(inline.headers, what);
      // Through a view link (no bearer token) and as a seekable range, the same.
      const link = await api.ok<{ url: string }>(
        'POST',
        `/cases/${w.caseA}/evidence/${item.id}/view-link`,
        w.party,
      );
      const viaLink = await fetch(`${t.url}${link.url}`, { headers: { range: 'bytes=0-9' } });
      expect(viaLink.status, what).toBe(206);
      expectSandboxedFile(viaLink.headers, `${what} by view link`);
      await viaLink.arrayBuffer();
    }
  });

  it('a view link works without a bearer token, only for its own item', async () => {
    const one = uploaded(await api.upload(w.caseA, w.party, twoPagePdf('one'), 'one.pdf')).item;
    const two = uploaded(await api.upload(w.caseA, w.party, twoPagePdf('two'), 'two.pdf')).item;
    const link = await api.ok<{ url: string; expiresAt: string }>(
      'POST',
      `/cases/${w.caseA}/evidence/${one.id}/view-link`,
      w.party,
    );
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
    const res = await fetch(`${t.url}${link.url}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(twoPagePdf('one'))).toBe(true);

    const token = new URL(link.url, t.url).searchParams.get('access')!;
    const other = await content(t, w.caseA, two.id, undefined, {}, `?access=${token}`);
    expect(other.status).toBe(401);
    const garbage = await content(t, w.caseA, one.id, undefined, {}, '?access=not.a.token');
    expect(garbage.status).toBe(401);
    const none = await content(t, w.caseA, one.id, undefined);
    expect(none.status).toBe(401);
  });

  it('a view link dies with the invitation it was made under', async () => {
    const applicantB = (
      await api.ok<CaseFileView>('GET', `/cases/${w.caseB}`, w.clerk)
    ).people.find((p) => p.kind === 'applicant')!;
    const reply = await api.ok<{ token: string; invitation: { id: string } }>(
      'POST',
      `/cases/${w.caseB}/invitations`,
      w.clerk,
      { personId: applicantB.id },
    );
    const item = uploaded(
      await api.upload(w.caseB, reply.token, twoPagePdf('revoked'), 'r.pdf'),
    ).item;
    const link = await api.ok<{ url: string }>(
      'POST',
      `/cases/${w.caseB}/evidence/${item.id}/view-link`,
      reply.token,
    );
    expect((await fetch(`${t.url}${link.url}`)).status).toBe(200);
    await api.ok('POST', `/cases/${w.caseB}/invitations/${reply.invitation.id}/revoke`, w.clerk);
    expect((await fetch(`${t.url}${link.url}`)).status).toBe(401);
  });

  it('shows an item to its side and staff, to everyone once shared, and never across a confidential caucus', async () => {
    const { item } = uploaded(
      await api.upload(w.caseA, w.party, twoPagePdf('visibility'), 'visibility.pdf'),
    );
    const base = `/cases/${w.caseA}/evidence`;
    const everyRoute = async (token: string, caseId = w.caseA, itemId = item.id) => {
      const list = await api.call('GET', `/cases/${caseId}/evidence`, token);
      const listed =
        list.status === 200
          ? (list.body as { items: ItemView[] }).items.some((i) => i.id === itemId)
          : list.status;
      return {
        listed,
        receipt: (await api.call('GET', `/cases/${caseId}/evidence/${itemId}/receipt`, token))
          .status,
        viewLink: (await api.call('POST', `/cases/${caseId}/evidence/${itemId}/view-link`, token))
          .status,
        content: (await content(t, caseId, itemId, token)).status,
      };
    };
    const visible = { listed: true, receipt: 200, viewLink: 200, content: 200 };
    const hidden = { listed: false, receipt: 404, viewLink: 404, content: 404 };
    const visibility = async (token: string, body: Record<string, boolean>): Promise<Reply> =>
      api.call('POST', `${base}/${item.id}/visibility`, token, body);

    // Not shared: the applicant's side and staff only.
    for (const [who, token] of Object.entries({
      party: w.party,
      agent: w.agent,
      mediator: w.mediator,
      clerk: w.clerk,
    })) {
      expect(await everyRoute(token), who).toEqual(visible);
    }
    for (const [who, token] of Object.entries({ respondent: w.respondent, observer: w.observer })) {
      expect(await everyRoute(token), who).toEqual(hidden);
      expect((await visibility(token, { shared: true })).status, who).toBe(404);
    }

    // The applicant's agent shares it.
    const shared = await visibility(w.agent, { shared: true });
    expect(shared.status).toBe(200);
    expect(shared.body).toMatchObject({ id: item.id, shared: true, confidential: false });
    for (const [who, token] of Object.entries({ respondent: w.respondent, observer: w.observer })) {
      expect(await everyRoute(token), who).toEqual(visible);
      // Seeing it is not owning it: only its side (or staff) may change its sharing.
      expect((await visibility(token, { shared: false })).status, who).toBe(403);
    }
    const respondentLink = await api.ok<{ url: string }>(
      'POST',
      `${base}/${item.id}/view-link`,
      w.respondent,
    );

    // Only the mediator keeps it confidential to a caucus.
    for (const [who, token] of Object.entries({
      party: w.party,
      agent: w.agent,
      clerk: w.clerk,
      respondent: w.respondent,
    })) {
      const r = await visibility(token, { confidential: true });
      expect(r.status, who).toBe(403);
      expect(errorCode(r), who).toBe('FORBIDDEN');
    }
    const confidential = await visibility(w.mediator, { confidential: true });
    expect(confidential.status).toBe(200);
    expect(confidential.body).toMatchObject({ shared: true, confidential: true });
    for (const [who, token] of Object.entries({ respondent: w.respondent, observer: w.observer })) {
      expect(await everyRoute(token), who).toEqual(hidden);
      expect((await visibility(token, { shared: true })).status, who).toBe(404);
    }
    // A view link issued while it was shared no longer opens it.
    expect((await fetch(`${t.url}${respondentLink.url}`)).status).toBe(404);
    for (const [who, token] of Object.entries({
      party: w.party,
      agent: w.agent,
      mediator: w.mediator,
      clerk: w.clerk,
    })) {
      expect(await everyRoute(token), who).toEqual(visible);
    }

    // Another case's party sees nothing of case A, and case A's party nothing of case B.
    const itemB = uploaded(await api.upload(w.caseB, w.partyB, twoPagePdf('B'), 'b.pdf')).item;
    const outOfCase = { listed: 404, receipt: 404, viewLink: 404, content: 404 };
    expect(await everyRoute(w.partyB)).toEqual(outOfCase);
    expect((await visibility(w.partyB, { shared: true })).status).toBe(404);
    expect(await everyRoute(w.party, w.caseB, itemB.id)).toEqual(outOfCase);
    expect(
      (
        await api.call('POST', `/cases/${w.caseB}/evidence/${itemB.id}/visibility`, w.party, {
          shared: true,
        })
      ).status,
    ).toBe(404);
    expect((await api.upload(w.caseB, w.party, twoPagePdf(), 'x.pdf')).status).toBe(404);
    // Case B's item asked for under case A's path is not found either.
    const crossed = await everyRoute(w.partyB, w.caseA, itemB.id);
    expect(crossed).toEqual(outOfCase);
    expect(await everyRoute(w.clerk, w.caseA, itemB.id)).toEqual({
      listed: false,
      receipt: 404,
      viewLink: 404,
      content: 404,
    });
  });

  it('an observer may not submit evidence (403); an archived case accepts none (409)', async () => {
    const observer = await api.upload(w.caseA, w.observer, twoPagePdf(), 'o.pdf');
    expect(observer.status).toBe(403);
    expect(errorCode(observer)).toBe('FORBIDDEN');

    const archived = await newCase(api, w.clerk, w.staff.mediator.id);
    await api.ok('POST', `/cases/${archived}/termination`, w.mediator, {
      ground: 'party_refuses',
      facts: '被申请人拒绝调解',
    });
    await api.ok('POST', `/cases/${archived}/archive`, w.clerk);
    const before = listFiles(path.join(t.dataDir, 'evidence'));
    const r = await api.upload(archived, w.clerk, twoPagePdf(), 'late.pdf');
    expect(r.status).toBe(409);
    expect(errorCode(r)).toBe('INVALID_STATE');
    expect(listFiles(path.join(t.dataDir, 'evidence'))).toEqual(before);
    expect(
      (await api.ok<{ items: ItemView[] }>('GET', `/cases/${archived}/evidence`, w.clerk)).items,
    ).toEqual([]);
  });

  it('20 concurrent uploads all land with their own hashes', async () => {
    const caseId = await newCase(api, w.clerk);
    const tempBefore = listFiles(path.join(t.dataDir, 'evidence')).filter((f) =>
      f.startsWith('.tmp-'),
    );
    const sources = Array.from({ length: 20 }, (_, i) =>
      Buffer.concat([
        Buffer.from(`%PDF-1.4\n% upload ${i}\n`),
        Buffer.from(
          randomBytes(150 * 1024)
            .toString('base64')
            .slice(0, 200 * 1024 - 40),
        ),
      ]),
    );
    const replies = await Promise.all(
      sources.map((s, i) =>
        api.upload(caseId, w.clerk, s, `concurrent-${i}.pdf`, { title: `并发 ${i}` }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    const items = replies.map((r) => uploaded(r).item);
    for (const [i, item] of items.entries()) {
      expect(item.title).toBe(`并发 ${i}`);
      expect(item.size).toBe(sources[i]!.length);
      expect(item.sha256).toBe(sha256sum(sources[i]!));
    }
    expect(new Set(items.map((i) => i.id)).size).toBe(20);
    const rows = await new SqlEvidenceRepository(t.server.database).listByCase(caseId);
    expect(rows).toHaveLength(20);
    const dir = path.join(t.dataDir, 'evidence');
    const files = new Set(listFiles(dir));
    expect(rows.every((r) => files.has(r.blobKey))).toBe(true);
    // No temporary file of these uploads is left (earlier refused ones may be: see above).
    expect([...files].filter((f) => f.startsWith('.tmp-') && !tempBefore.includes(f))).toEqual([]);
    // What is served back is what was sent.
    const back = await content(t, caseId, items[7]!.id, w.clerk);
    expect(back.bytes.equals(sources[7]!)).toBe(true);
  });

  describe('size limits (EVIDENCE_MAX_BYTES = 1 MiB, case quota 1.5 MiB)', () => {
    let small: TestServer;
    let smallApi: Api;
    let clerk: string;
    let caseId: string;

    beforeAll(async () => {
      small = await startTestServer({
        MEDIASOUP_NUM_WORKERS: '1',
        EVIDENCE_MAX_BYTES: String(MIB),
        EVIDENCE_CASE_QUOTA_BYTES: String(1.5 * MIB),
      });
      smallApi = apiClient(small.url);
      const staff = await seedStaff(new SqlCaseRepository(small.server.database));
      clerk = await smallApi.login(staff.clerk.username, TEST_PASSWORD);
      caseId = await newCase(smallApi, clerk);
      uploaded(await smallApi.upload(caseId, clerk, twoPagePdf('first'), 'first.pdf'));
    });

    afterAll(async () => {
      await small?.close();
    });

    const evidenceFiles = (): string[] => listFiles(path.join(small.dataDir, 'evidence'));

    it.each([
      ['with a Content-Length header', true],
      ['chunked, without a Content-Length', false],
    ])('a 3 MiB upload → 413, %s; nothing is left behind', async (_label, declared) => {
      const filesBefore = evidenceFiles();
      const listBefore = await smallApi.ok<{ items: ItemView[] }>(
        'GET',
        `/cases/${caseId}/evidence`,
        clerk,
      );
      const total = 3 * MIB;
      const r = await rawUpload({
        url: `${small.url}/api/cases/${caseId}/evidence`,
        token: clerk,
        filename: 'big.txt',
        chunks: textChunks(total),
        ...(declared ? { contentLength: total } : {}),
      });
      expect(r.status).toBe(413);
      expect(errorCode(r)).toBe('PAYLOAD_TOO_LARGE');
      expect(errorMessage(r)).toContain(String(MIB));
      const after = evidenceFiles();
      expect(after.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
      expect(after).toEqual(filesBefore);
      const listAfter = await smallApi.ok<{ items: ItemView[] }>(
        'GET',
        `/cases/${caseId}/evidence`,
        clerk,
      );
      expect(listAfter).toEqual(listBefore);
    });

    it('two concurrent uploads that together pass the quota: one lands, the other is refused and removed', async () => {
      const raceCase = await newCase(smallApi, clerk);
      const filesBefore = evidenceFiles();
      const sources = ['p', 'q'].map((seed) =>
        Buffer.concat([...textChunks(900 * 1024, 64 * 1024, seed)]),
      );
      const replies = await Promise.all(
        sources.map((s, i) => smallApi.upload(raceCase, clerk, s, `race-${i}.txt`)),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([201, 413]);
      const winner = replies.findIndex((r) => r.status === 201);
      const { item } = uploaded(replies[winner]!);
      expect(item.sha256).toBe(sha256sum(sources[winner]!));
      expect(errorCode(replies[1 - winner]!)).toBe('PAYLOAD_TOO_LARGE');
      const added = evidenceFiles().filter((f) => !filesBefore.includes(f));
      expect(added).toHaveLength(1);
      const list = await smallApi.ok<{ items: ItemView[] }>(
        'GET',
        `/cases/${raceCase}/evidence`,
        clerk,
      );
      expect(list.items.map((i) => i.id)).toEqual([item.id]);
    });

    it('the case quota refuses the upload that would pass it', async () => {
      const quotaCase = await newCase(smallApi, clerk);
      const chunk = (n: number, seed: string): Buffer => Buffer.concat([...textChunks(n, n, seed)]);
      const first = chunk(900 * 1024, 'a');
      uploaded(await smallApi.upload(quotaCase, clerk, first, 'first.txt'));
      const filesBefore = evidenceFiles();
      // 900 KiB is within the per-item limit, but 1800 KiB would pass the 1.5 MiB quota.
      for (const declared of [true, false]) {
        const r = await rawUpload({
          url: `${small.url}/api/cases/${quotaCase}/evidence`,
          token: clerk,
          filename: 'second.txt',
          chunks: textChunks(900 * 1024, 64 * 1024, 'b'),
          ...(declared ? { contentLength: 900 * 1024 } : {}),
        });
        expect(r.status).toBe(413);
        expect(errorCode(r)).toBe('PAYLOAD_TOO_LARGE');
      }
      expect(evidenceFiles()).toEqual(filesBefore);
      // What still fits is taken: exactly the rest of the quota.
      const rest = 1.5 * MIB - first.length;
      const fits = uploaded(await smallApi.upload(quotaCase, clerk, chunk(rest, 'c'), 'c.txt'));
      expect(fits.item.size).toBe(rest);
      const list = await smallApi.ok<{ items: ItemView[] }>(
        'GET',
        `/cases/${quotaCase}/evidence`,
        clerk,
      );
      expect(list.items.map((i) => i.filename)).toEqual(['first.txt', 'c.txt']);
      // Once the quota is used up, even one byte is refused up front.
      const full = await smallApi.upload(quotaCase, clerk, Buffer.from('x'), 'd.txt');
      expect(full.status).toBe(413);
      expect(errorCode(full)).toBe('PAYLOAD_TOO_LARGE');
      expect(errorMessage(full)).toMatch(/quota/);
      expect(evidenceFiles().filter((f) => !filesBefore.includes(f))).toHaveLength(1);
    });
  });
});
