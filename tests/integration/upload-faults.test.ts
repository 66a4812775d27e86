/**
 * Uploads that end badly, against a real server with a live session: a body
 * that stops inside a part, a client that drops the connection mid-file or
 * after the file, one that stalls, one that trickles. Each gets a 4xx reply
 * (or none, when it dropped the connection itself); the process stays up,
 * the live session keeps its media, and nothing is left behind: no temporary
 * file, no open descriptor, no row, the quota as it was.
 */
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlEvidenceRepository } from '../../server/db/SqlEvidenceRepository.js';
import { caseInSession, seedStaff, TEST_PASSWORD } from '../support/cases.js';
import { connectClient, type TestClient } from '../support/client.js';
import { apiClient, FIELDS, listFiles, textChunks } from '../support/evidenceHttp.js';
import { fakePeer } from '../support/fakeDevice.js';
import {
  fieldPart,
  filePart,
  hasErrorShape,
  healthStatus,
  multipartBody,
  openFds,
  openFdsBelow,
  rawRequest,
  settles,
  type RawOutcome,
} from '../support/rawHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const IDLE_MS = 600;
const TOTAL_MS = 2500;
const BOUNDARY = 'X-upload-faults-boundary';

let t: TestServer;
let clerk = '';
let caseId = '';
let sessionId = '';
let mediator: TestClient | undefined;
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown): void => {
  uncaught.push(error);
};

beforeAll(async () => {
  // In a process of its own, an error nobody listens for ends the process: count them.
  process.on('uncaughtExceptionMonitor', recordUncaught);
  t = await startTestServer({
    MEDIASOUP_NUM_WORKERS: '1',
    EVIDENCE_MAX_BYTES: String(32 * 1024 * 1024),
    UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
    UPLOAD_TIMEOUT_MS: String(TOTAL_MS),
  });
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  clerk = await apiClient(t.url).login(staff.clerk.username, TEST_PASSWORD);
  const live = await caseInSession(t.server.cases, staff);
  caseId = live.case.id;
  sessionId = live.session.id;
  await t.server.cases.setSessionState(staff.mediator, sessionId, 'live');
  mediator = await connectClient(
    t.url,
    t.server.tokens.issue(
      { sub: staff.mediator.id, caseId, sessionId, role: 'mediator', name: staff.mediator.name },
      600,
    ),
  );
  const peer = await fakePeer(mediator);
  await peer.produce(await peer.createTransport('send'), 'microphone');
  // Start-up's deadline pass renders the organisations' statistics reports, whose
  // temporary files would otherwise come and go during the tests below.
  await t.server.scheduler.tick();
});

afterAll(async () => {
  process.off('uncaughtExceptionMonitor', recordUncaught);
  mediator?.close();
  await t?.close();
});

const evidenceDir = (): string => path.join(t.dataDir, 'evidence');
const uploadUrl = (): string => `${t.url}/api/cases/${caseId}/evidence`;

function headers(length?: number): Record<string, string> {
  return {
    authorization: `Bearer ${clerk}`,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    ...(length === undefined ? {} : { 'content-length': String(length) }),
  };
}

const fields = (): ReturnType<typeof fieldPart>[] =>
  Object.entries(FIELDS).map(([k, v]) => fieldPart(k, v));

/** What an upload may leave behind. */
async function residue(): Promise<{
  temporary: string[];
  fds: string[];
  rows: number;
  bytes: number;
}> {
  const items = new SqlEvidenceRepository(t.server.database);
  return {
    temporary: listFiles(t.dataDir).filter((f) => path.basename(f).startsWith('.tmp-')),
    fds: openFdsBelow(evidenceDir()),
    rows: (await items.listByCase(caseId)).length,
    bytes: await items.totalSize(caseId),
  };
}

/** The process answers, the mediator is still connected and still publishing. */
async function expectServiceIntact(): Promise<void> {
  expect(uncaught).toEqual([]);
  expect(await healthStatus(t.url)).toBe(200);
  expect(mediator!.socket.connected).toBe(true);
  expect((await mediator!.ack('media:capabilities', {})).ok).toBe(true);
  const participants = t.server.sessions.get(sessionId)!.dump().participants;
  expect(participants.map((p) => p.producers.length)).toEqual([1]);
}

function expectRefusal(r: RawOutcome, status: number, code: string): void {
  expect(r.kind).toBe('reply');
  if (r.kind !== 'reply') return;
  expect({ status: r.status, shaped: hasErrorShape(r.body) }).toEqual({ status, shaped: true });
  expect((r.body as { error: { code: string } }).error.code).toBe(code);
}

/** Waits until the server holds a temporary file for an upload (its bytes are being written). */
async function untilTemporaryFile(): Promise<void> {
  const held = await settles(
    () => listFiles(t.dataDir).some((f) => path.basename(f).startsWith('.tmp-')),
    5000,
  );
  expect(held).toBe(true);
}

describe('a multipart body that ends too early', () => {
  it.each([
    [
      'inside the file part',
      Buffer.concat([
        multipartBody(BOUNDARY, fields(), false),
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello`,
        ),
      ]),
    ],
    [
      'inside a second file part that is not read',
      Buffer.concat([
        multipartBody(BOUNDARY, fields(), false),
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; filename="b.txt"\r\n\r\nhello`,
        ),
      ]),
    ],
    [
      'inside a part header',
      Buffer.concat([
        multipartBody(BOUNDARY, fields(), false),
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="fi`),
      ]),
    ],
    [
      // busboy reports the bad header, then still starts the next part (found by the fuzzer).
      'after a malformed part header and a file part that follows it',
      multipartBody(
        BOUNDARY,
        [
          ...fields(),
          {
            headers: ['Content-Disposition: form-data; name="x"\u0000\u00ff'],
            body: Buffer.from('x'),
          },
          filePart('file', 'd.txt', Buffer.from('some text\n')),
        ],
        false,
      ),
    ],
    [
      'after the file part, before the closing delimiter',
      multipartBody(
        BOUNDARY,
        [...fields(), filePart('file', 'c.txt', Buffer.from('complete text\n'))],
        false,
      ),
    ],
  ])('%s → 400, the process stays up, nothing is kept', async (_what, body) => {
    const before = await residue();
    const r = await rawRequest({
      url: uploadUrl(),
      headers: headers(body.length),
      chunks: [body],
      timeoutMs: 5000,
    });
    expectRefusal(r, 400, 'VALIDATION');
    await expectServiceIntact();
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    expect(await residue()).toEqual(before);
  });
});

describe('clients that drop or hold the connection', () => {
  it('20 uploads dropped mid-file leave no file, no descriptor, no row and no quota used', async () => {
    const before = await residue();
    const fdsBefore = openFds().length;
    const head = multipartBody(BOUNDARY, fields(), false);
    const fileHead = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="dropped.txt"\r\n` +
        'Content-Type: text/plain\r\n\r\n',
    );
    const declared = head.length + fileHead.length + 200 * 1024 + 64;
    for (let i = 0; i < 20; i += 1) {
      const r = await rawRequest({
        url: uploadUrl(),
        headers: headers(declared),
        chunks: [head, fileHead, ...textChunks(96 * 1024, 16 * 1024, `drop-${i}`)],
        finish: 'abort',
        beforeAbort: untilTemporaryFile,
      });
      expect(r.kind).toBe('closed');
    }
    expect(
      await settles(
        () =>
          (
            listFiles(t.dataDir)
              .join('\n')
              .match(/\.tmp-/g) ?? []
          ).length === 0,
      ),
    ).toBe(true);
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    expect(await settles(() => openFds().length <= fdsBefore)).toBe(true);
    expect(await residue()).toEqual(before);
    await expectServiceIntact();
  });

  it('a client that drops after the whole file, before the end of the form, leaves nothing', async () => {
    const before = await residue();
    const body = multipartBody(
      BOUNDARY,
      [...fields(), filePart('file', 'whole.txt', Buffer.concat([...textChunks(48 * 1024)]))],
      false,
    );
    // The next delimiter ends the file part; the form's end never comes.
    const r = await rawRequest({
      url: uploadUrl(),
      headers: headers(body.length + 200),
      chunks: [body, Buffer.from(`--${BOUNDARY}\r\nContent-Disp`)],
      finish: 'abort',
      beforeAbort: () => new Promise((w) => setTimeout(w, 200)),
    });
    expect(r.kind).toBe('closed');
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    expect(
      await settles(() => !listFiles(t.dataDir).some((f) => path.basename(f).startsWith('.tmp-'))),
    ).toBe(true);
    expect(await residue()).toEqual(before);
    await expectServiceIntact();
  });

  it(`a stalled upload is answered 408 after ${IDLE_MS} ms without a byte, and cleaned up`, async () => {
    const before = await residue();
    const head = multipartBody(BOUNDARY, fields(), false);
    const fileHead = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="stalled.txt"\r\n\r\n`,
    );
    const started = Date.now();
    const r = await rawRequest({
      url: uploadUrl(),
      headers: headers(head.length + fileHead.length + 100_000),
      chunks: [head, fileHead, ...textChunks(20 * 1024, 20 * 1024, 'stalled')],
      finish: 'stall',
      timeoutMs: 8000,
    });
    expectRefusal(r, 408, 'REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    expect(await residue()).toEqual(before);
    await expectServiceIntact();
  });

  it(`a trickling upload is answered 408 after ${TOTAL_MS} ms in all, and cleaned up`, async () => {
    const before = await residue();
    const head = multipartBody(BOUNDARY, fields(), false);
    const fileHead = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\n`,
    );
    // One small piece every IDLE_MS / 3: never idle long enough, never done.
    const pieces = [...textChunks(40 * 256, 256, 'trickle')];
    const started = Date.now();
    const r = await rawRequest({
      url: uploadUrl(),
      headers: headers(head.length + fileHead.length + 100_000),
      chunks: [head, fileHead, ...pieces],
      delayMs: IDLE_MS / 3,
      timeoutMs: 10_000,
    });
    expectRefusal(r, 408, 'REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TOTAL_MS - 50);
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    expect(await residue()).toEqual(before);
    await expectServiceIntact();
  });

  it('a download dropped midway releases its file descriptor', async () => {
    const file = Buffer.concat([...textChunks(24 * 1024 * 1024, 1024 * 1024, 'download')]);
    const body = multipartBody(BOUNDARY, [...fields(), filePart('file', 'big.txt', file)]);
    const up = await rawRequest({
      url: uploadUrl(),
      headers: headers(body.length),
      chunks: [body],
    });
    expect(up.kind === 'reply' ? up.status : up.kind).toBe(201);
    const itemId = ((up as { body: { item: { id: string } } }).body as { item: { id: string } })
      .item.id;
    for (let i = 0; i < 5; i += 1) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          `${t.url}/api/cases/${caseId}/evidence/${itemId}/content`,
          { headers: { authorization: `Bearer ${clerk}` }, agent: false },
          (res) => {
            // Read one chunk, stop reading (the server's buffers fill), then hang up.
            res.once('data', () => {
              res.pause();
              setTimeout(() => {
                req.destroy();
                resolve();
              }, 100);
            });
          },
        );
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      });
    }
    expect(await settles(() => openFdsBelow(evidenceDir()).length === 0)).toBe(true);
    await expectServiceIntact();
  });

  it('a complete upload still lands after all of that', async () => {
    const before = await residue();
    const file = Buffer.from('after the faults\n');
    const body = multipartBody(BOUNDARY, [...fields(), filePart('file', 'ok.txt', file)]);
    const r = await rawRequest({
      url: uploadUrl(),
      headers: headers(body.length),
      chunks: [body],
    });
    expect(r.kind === 'reply' ? r.status : r.kind).toBe(201);
    const after = await residue();
    expect(after.rows).toBe(before.rows + 1);
    expect(after.bytes).toBe(before.bytes + file.length);
    expect(after.temporary).toEqual([]);
    await expectServiceIntact();
  });
});
