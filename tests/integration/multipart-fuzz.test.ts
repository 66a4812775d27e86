/**
 * Multipart fuzzing against the real evidence route of a real server: a
 * valid body cut at every position, and generated malformed bodies
 * (duplicate and missing parts, missing, huge and broken part headers,
 * wrong or missing boundaries, files too large or of no accepted type)
 * delivered whole, in pieces, slowly, stalled or dropped midway.
 *
 * Properties after every request: the process answers /healthz; the reply is
 * a 2xx, or a 4xx with the standard error shape (never a 500, never a hang);
 * no temporary file and no descriptor on the evidence directory is left;
 * rows and quota change only by an accepted upload, and every stored file has
 * its row. Seeded (fast-check); `FUZZ_RUNS` raises the number of generated
 * cases (default 40).
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlEvidenceRepository } from '../../server/db/SqlEvidenceRepository.js';
import { runs } from '../support/fuzz.js';
import { registrationInput, seedStaff, TEST_PASSWORD, respondentsAgree } from '../support/cases.js';
import { apiClient, FIELDS, listFiles, twoPagePdf } from '../support/evidenceHttp.js';
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
  type PartSpec,
  type RawOutcome,
} from '../support/rawHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const RUNS = runs(40);
const SEED = 14;
const MAX_FILE = 64 * 1024;
const IDLE_MS = 400;

let t: TestServer;
let clerk = '';
let caseId = '';
let fdsAtStart = 0;
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown): void => {
  uncaught.push(error);
};

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', recordUncaught);
  t = await startTestServer({
    MEDIASOUP_NUM_WORKERS: '1',
    EVIDENCE_MAX_BYTES: String(MAX_FILE),
    UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
    UPLOAD_TIMEOUT_MS: '3000',
  });
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  const api = apiClient(t.url);
  clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  caseId = (await api.ok<{ id: string }>('POST', '/cases', clerk, registrationInput())).id;
  await respondentsAgree(t.server.cases, caseId);
  await api.ok('POST', `/cases/${caseId}/accept`, clerk);
  // Start-up's deadline pass renders the organisations' statistics reports, whose
  // temporary files and descriptors would otherwise come and go during the runs.
  await t.server.scheduler.tick();
  // fetch keeps its connections open for a while; let them go before counting.
  await new Promise((w) => setTimeout(w, 300));
  fdsAtStart = openFds().length;
});

afterAll(async () => {
  process.off('uncaughtExceptionMonitor', recordUncaught);
  await t?.close();
});

const evidenceDir = (): string => path.join(t.dataDir, 'evidence');

interface Ledger {
  rows: number;
  bytes: number;
  stored: number;
}

async function ledger(): Promise<Ledger> {
  const items = new SqlEvidenceRepository(t.server.database);
  return {
    rows: (await items.listByCase(caseId)).length,
    bytes: await items.totalSize(caseId),
    stored: listFiles(evidenceDir()).filter((f) => !path.basename(f).startsWith('.tmp-')).length,
  };
}

function sameLedger(a: Ledger, b: Ledger): boolean {
  return a.rows === b.rows && a.bytes === b.bytes && a.stored === b.stored;
}

function temporaryFiles(): string[] {
  return listFiles(t.dataDir).filter((f) => path.basename(f).startsWith('.tmp-'));
}

/**
 * The properties every request must keep. `dropped`: the client hung up itself,
 * so no reply is owed. Returns the accepted file's size, if it was accepted.
 */
async function checkRequest(
  r: RawOutcome,
  before: Ledger,
  dropped: boolean,
): Promise<{ accepted: boolean }> {
  expect(r.kind, 'a reply or a close, never a hang').not.toBe('hang');
  if (!dropped) expect(r.kind, 'a reply').toBe('reply');
  let accepted = false;
  let size = 0;
  if (r.kind === 'reply') {
    const ok = r.status >= 200 && r.status < 300;
    const refused = r.status >= 400 && r.status < 500;
    expect(ok || refused, `status ${r.status}: ${JSON.stringify(r.body)}`).toBe(true);
    if (refused) expect(hasErrorShape(r.body), JSON.stringify(r.body)).toBe(true);
    if (ok) {
      accepted = true;
      size = (r.body as { item: { size: number } }).item.size;
    }
  }
  expect(uncaught).toEqual([]);
  expect(await healthStatus(t.url)).toBe(200);
  expect(await settles(() => temporaryFiles().length === 0), 'no temporary file').toBe(true);
  expect(
    await settles(() => openFdsBelow(evidenceDir()).length === 0),
    'no open descriptor on evidence',
  ).toBe(true);
  const expected = {
    rows: before.rows + (accepted ? 1 : 0),
    bytes: before.bytes + size,
    stored: before.stored + (accepted ? 1 : 0),
  };
  // A dropped request's file may still be on its way out (finished, then discarded once the
  // server sees the hang-up, a database round trip later on PostgreSQL): wait up to 3 s for
  // the ledger to come back, then it must be exactly the same.
  let after = await ledger();
  for (let end = Date.now() + 3000; Date.now() < end && !sameLedger(after, expected);)
    after = await new Promise((w) => setTimeout(w, 25)).then(ledger);
  expect(after).toEqual(expected);
  return { accepted };
}

function uploadHeaders(contentType: string | undefined, length?: number): Record<string, string> {
  return {
    authorization: `Bearer ${clerk}`,
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
    ...(length === undefined ? {} : { 'content-length': String(length) }),
  };
}

const uploadUrl = (): string => `${t.url}/api/cases/${caseId}/evidence`;

const fieldParts = (): PartSpec[] => Object.entries(FIELDS).map(([k, v]) => fieldPart(k, v));

describe('multipart fuzzing of the evidence route', () => {
  it('a valid body cut at every position: 400 until the closing delimiter, then 201', async () => {
    const boundary = 'cut-boundary';
    const body = multipartBody(boundary, [
      ...fieldParts(),
      filePart('file', 'cut.txt', Buffer.from('the whole text\n')),
    ]);
    const closed = body.indexOf(`--${boundary}--`) + `--${boundary}--`.length;
    const statuses = new Map<number, number[]>();
    for (let at = 0; at <= body.length; at += 1) {
      const before = await ledger();
      const cut = body.subarray(0, at);
      const r = await rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(`multipart/form-data; boundary=${boundary}`, cut.length),
        chunks: [cut],
        timeoutMs: 5000,
      });
      const { accepted } = await checkRequest(r, before, false);
      expect(accepted, `cut at ${at} of ${body.length} (closed at ${closed})`).toBe(at >= closed);
      const status = r.kind === 'reply' ? r.status : 0;
      statuses.set(status, [...(statuses.get(status) ?? []), at]);
    }
    expect([...statuses.keys()].sort()).toEqual([201, 400]);
  });

  it('a valid body dropped by the client at each delimiter and header end leaves nothing', async () => {
    const boundary = 'drop-boundary';
    const body = multipartBody(boundary, [
      ...fieldParts(),
      filePart('file', 'drop.txt', Buffer.alloc(16 * 1024, 'evidence line\n')),
    ]);
    const positions = new Set<number>();
    for (const marker of [`--${boundary}`, '\r\n\r\n']) {
      for (let i = body.indexOf(marker); i >= 0; i = body.indexOf(marker, i + 1)) {
        for (const p of [i, i + 1, i + marker.length - 1, i + marker.length]) positions.add(p);
      }
    }
    positions.add(body.length - 8 * 1024);
    for (const at of [...positions].filter((p) => p > 0 && p < body.length).sort((a, b) => a - b)) {
      const before = await ledger();
      const r = await rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(`multipart/form-data; boundary=${boundary}`, body.length),
        chunks: [body.subarray(0, at)],
        finish: 'abort',
        beforeAbort: () => new Promise((w) => setTimeout(w, 20)),
      });
      await checkRequest(r, before, true);
    }
  });

  it(
    `generated malformed bodies (${RUNS} runs, seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(), async (request) => {
          const before = await ledger();
          const r = await send(request);
          await checkRequest(r, before, request.delivery.kind === 'abort');
          if (request.delivery.kind === 'stall' && r.kind === 'reply' && r.status >= 400)
            expect([400, 408, 413]).toContain(r.status);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      // Nothing the fuzzing opened is still open (connections, files).
      expect(await settles(() => openFds().length <= fdsAtStart, 3000)).toBe(true);
    },
    30_000 + RUNS * 250,
  );
});

// ---- the generated requests -----------------------------------------------------------

type HeaderFault =
  | 'none'
  | 'noDisposition'
  | 'hugeHeader'
  | 'manyHeaders'
  | 'noColon'
  | 'twoDispositions'
  | 'unclosedQuote'
  | 'rawBytes'
  | 'bareLf';

interface PartModel {
  kind: 'field' | 'file';
  name: string;
  filename: string;
  value: Buffer;
  fault: HeaderFault;
}

type Ending = { kind: 'close' } | { kind: 'open' } | { kind: 'cut'; fraction: number };

type Delivery =
  | { kind: 'whole' }
  | { kind: 'pieces'; cuts: number[] }
  | { kind: 'slow'; pieces: number; delayMs: number }
  | { kind: 'abort'; fraction: number }
  | { kind: 'stall'; fraction: number };

interface FuzzRequest {
  boundary: string;
  declared: 'same' | 'quoted' | 'other' | 'missing' | 'notMultipart' | 'none';
  parts: PartModel[];
  ending: Ending;
  epilogue: Buffer;
  delivery: Delivery;
}

function partArbitrary(): fc.Arbitrary<PartModel> {
  const content = fc.oneof(
    { weight: 4, arbitrary: fc.constant(Buffer.from('plain evidence text\n')) },
    { weight: 2, arbitrary: fc.constant(twoPagePdf('fuzz')) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(MAX_FILE + 10, 'too large line\n')) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)) },
  );
  return fc.record({
    kind: fc.constantFrom<PartModel['kind']>('field', 'file'),
    name: fc.constantFrom('file', 'file', 'title', 'purpose', 'originalOrCopy', 'other', ''),
    filename: fc.constantFrom('a.txt', 'a.txt', 'a.pdf', '', '../../x.txt', 'a"b.txt', '长.txt'),
    value: content,
    fault: fc.oneof(
      { weight: 8, arbitrary: fc.constant<HeaderFault>('none') },
      {
        weight: 8,
        arbitrary: fc.constantFrom<HeaderFault>(
          'noDisposition',
          'hugeHeader',
          'manyHeaders',
          'noColon',
          'twoDispositions',
          'unclosedQuote',
          'rawBytes',
          'bareLf',
        ),
      },
    ),
  });
}

function requestArbitrary(): fc.Arbitrary<FuzzRequest> {
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  const delivery = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Delivery>({ kind: 'whole' }) },
    {
      weight: 3,
      arbitrary: fc
        .array(fraction, { minLength: 1, maxLength: 6 })
        .map((cuts): Delivery => ({ kind: 'pieces', cuts })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          pieces: fc.integer({ min: 2, max: 4 }),
          delayMs: fc.integer({ min: 20, max: 150 }),
        })
        .map((s): Delivery => ({ kind: 'slow', ...s })),
    },
    { weight: 2, arbitrary: fraction.map((f): Delivery => ({ kind: 'abort', fraction: f })) },
    { weight: 1, arbitrary: fraction.map((f): Delivery => ({ kind: 'stall', fraction: f })) },
  );
  return fc.record({
    // Mostly token characters (valid unquoted); sometimes characters that need quotes.
    boundary: fc.oneof(
      { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9'+_.-]{1,70}$/) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9'()+_,./:=? -]{1,70}$/) },
    ),
    declared: fc.constantFrom<FuzzRequest['declared']>(
      'same',
      'same',
      'same',
      'quoted',
      'other',
      'missing',
      'notMultipart',
      'none',
    ),
    parts: fc.oneof(
      // Usually a plausible form (the fields, then one or more files), sometimes anything.
      fc.array(partArbitrary(), { minLength: 1, maxLength: 3 }).map((files) => [
        ...Object.entries(FIELDS).map(([name, v]): PartModel => ({
          kind: 'field',
          name,
          filename: '',
          value: Buffer.from(v),
          fault: 'none',
        })),
        ...files.map((f, i): PartModel => ({
          ...f,
          kind: 'file',
          name: i === 0 ? 'file' : f.name,
        })),
      ]),
      fc.array(partArbitrary(), { maxLength: 14 }),
    ),
    ending: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Ending>({ kind: 'close' }) },
      { weight: 1, arbitrary: fc.constant<Ending>({ kind: 'open' }) },
      { weight: 2, arbitrary: fraction.map((f): Ending => ({ kind: 'cut', fraction: f })) },
    ),
    epilogue: fc.oneof(
      { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
    ),
    delivery,
  });
}

function partHeaders(p: PartModel): string[] {
  const disposition =
    p.kind === 'file'
      ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"`
      : `Content-Disposition: form-data; name="${p.name}"`;
  const type = p.kind === 'file' ? ['Content-Type: application/octet-stream'] : [];
  switch (p.fault) {
    case 'none':
      return [disposition, ...type];
    case 'noDisposition':
      return type;
    case 'hugeHeader':
      return [disposition, `X-Padding: ${'h'.repeat(100 * 1024)}`, ...type];
    case 'manyHeaders':
      return [disposition, ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`), ...type];
    case 'noColon':
      return [disposition, 'this line has no colon', ...type];
    case 'twoDispositions':
      return [disposition, 'Content-Disposition: form-data; name="file"; filename="x.exe"'];
    case 'unclosedQuote':
      return [`Content-Disposition: form-data; name="${p.name}; filename="${p.filename}`];
    case 'rawBytes':
      return [`${disposition}\u0000\u00ff\u0001`, ...type];
    case 'bareLf':
      return [`${disposition}\nContent-Type: text/plain`];
  }
}

function bodyOf(r: FuzzRequest): Buffer {
  const parts: PartSpec[] = r.parts.map((p) => ({ headers: partHeaders(p), body: p.value }));
  let body = multipartBody(r.boundary, parts, r.ending.kind === 'close');
  if (r.ending.kind === 'cut') body = body.subarray(0, Math.floor(body.length * r.ending.fraction));
  return Buffer.concat([body, r.epilogue]);
}

function contentTypeOf(r: FuzzRequest): string | undefined {
  switch (r.declared) {
    case 'same':
      return `multipart/form-data; boundary=${r.boundary}`;
    case 'quoted':
      return `multipart/form-data; boundary="${r.boundary}"`;
    case 'other':
      return `multipart/form-data; boundary=${r.boundary}x`;
    case 'missing':
      return 'multipart/form-data';
    case 'notMultipart':
      return 'application/octet-stream';
    case 'none':
      return undefined;
  }
}

/** Splits `body` at the given fractions of its length. */
function pieces(body: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(body.length * c)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...at, body.length]) {
    if (p > from) out.push(body.subarray(from, p));
    from = Math.max(from, p);
  }
  return out.length > 0 ? out : [body];
}

function send(r: FuzzRequest): Promise<RawOutcome> {
  const body = bodyOf(r);
  const contentType = contentTypeOf(r);
  const d = r.delivery;
  switch (d.kind) {
    case 'whole':
      return rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(contentType, body.length),
        chunks: [body],
      });
    case 'pieces':
      // Chunked transfer encoding: no declared length.
      return rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(contentType),
        chunks: pieces(body, d.cuts),
      });
    case 'slow':
      return rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(contentType, body.length),
        chunks: pieces(
          body,
          Array.from({ length: d.pieces - 1 }, (_, i) => (i + 1) / d.pieces),
        ),
        delayMs: d.delayMs,
      });
    case 'abort':
    case 'stall': {
      const sent = body.subarray(0, Math.floor(body.length * d.fraction));
      return rawRequest({
        url: uploadUrl(),
        headers: uploadHeaders(contentType, body.length + 1),
        chunks: sent.length > 0 ? [sent] : [],
        finish: d.kind,
        beforeAbort: () => new Promise((w) => setTimeout(w, 20)),
        timeoutMs: 5000,
      });
    }
  }
}
