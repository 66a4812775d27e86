/**
 * Malformed HTTP at the edges, against a real server: broken percent-escapes
 * in the path, bodies in encodings that do not decode, too large (also once
 * inflated), in a character set other than UTF-8. Each is the client's fault:
 * a 4xx with the standard error shape, never a 500; and the server stays up.
 */
import net from 'node:net';
import zlib, { brotliCompressSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { registrationInput, seedStaff, TEST_PASSWORD } from '../support/cases.js';
import { apiClient } from '../support/evidenceHttp.js';
import { hasErrorShape, healthStatus, rawRequest, type RawOutcome } from '../support/rawHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let clerk = '';

beforeAll(async () => {
  t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '1' });
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  clerk = await apiClient(t.url).login(staff.clerk.username, TEST_PASSWORD);
});

afterAll(async () => {
  await t?.close();
});

/** POST /api/cases (register a case) with exactly these bytes and headers. */
function postCase(body: Buffer, headers: Record<string, string>): Promise<RawOutcome> {
  return rawRequest({
    url: `${t.url}/api/cases`,
    headers: {
      authorization: `Bearer ${clerk}`,
      'content-length': String(body.length),
      ...headers,
    },
    chunks: [body],
    timeoutMs: 10_000,
  });
}

function summary(r: RawOutcome): { status: number | string; code?: string; shaped?: boolean } {
  if (r.kind !== 'reply') return { status: r.kind };
  const code = (r.body as { error?: { code?: string } }).error?.code;
  return { status: r.status, ...(code ? { code } : {}), shaped: hasErrorShape(r.body) };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const JSON_TYPE = { 'content-type': 'application/json' };

/** UTF-7 (RFC 2152): every run of characters other than letters, digits and spaces in modified base64. */
function utf7(text: string): Buffer {
  return Buffer.from(
    text.replace(
      /[^A-Za-z0-9 ]+/g,
      (run) => `+${Buffer.from(run, 'utf16le').swap16().toString('base64').replace(/=+$/, '')}-`,
    ),
    'ascii',
  );
}

describe('HTTP edge cases', () => {
  it.each([
    '/api/cases/%E0%A4%A',
    '/api/cases/%E0%A4%A/evidence',
    '/api/cases/x/evidence/%ZZ/receipt',
    '/api/sessions/%C0%80/start',
  ])('a malformed percent-escape in %s → 400 VALIDATION', async (p) => {
    const r = await rawRequest({
      url: `${t.url}${p}`,
      method: p.endsWith('/start') ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${clerk}` },
      timeoutMs: 5000,
    });
    expect(summary(r)).toEqual({ status: 400, code: 'VALIDATION', shaped: true });
  });

  it.each([
    ['a path parameter', '/api/cases/%00', undefined],
    ['the query', '/api/cases?status=%00', undefined],
    ['a body field', '/api/cases', { ...registrationInput(), receivedOn: '2026-03-02\u0000' }],
    ['a body key', '/api/cases', { ...registrationInput(), 'x\u0000': 1 }],
  ])(
    'a NUL character in %s → 400 VALIDATION on either database, nothing stored',
    async (_, p, body) => {
      const before = (await t.server.database.all('SELECT id FROM cases')).length;
      const r = await rawRequest({
        url: `${t.url}${p}`,
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${clerk}`,
          ...(body ? { ...JSON_TYPE, 'content-length': String(json(body).length) } : {}),
        },
        ...(body ? { chunks: [json(body)] } : {}),
        timeoutMs: 5000,
      });
      expect(summary(r)).toEqual({ status: 400, code: 'VALIDATION', shaped: true });
      expect(JSON.stringify(r.kind === 'reply' ? r.body : '')).toContain('U+0000');
      expect(await t.server.database.all('SELECT id FROM cases')).toHaveLength(before);
    },
  );

  it('a well-formed body is accepted, also gzip-, deflate- and brotli-encoded', async () => {
    const body = json(registrationInput());
    for (const [encoding, bytes] of [
      ['identity', body],
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
    ] as const) {
      const r = await postCase(bytes, {
        'content-type': 'application/json; charset=utf-8',
        'content-encoding': encoding,
      });
      expect(summary(r).status, encoding).toBe(201);
    }
  });

  it.each([
    ['gzip', Buffer.from('this is not gzip at all, just some bytes')],
    ['gzip', gzipSync(json(registrationInput())).subarray(0, 40)],
    ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00, 0x01, 0x02])],
    ['br', Buffer.from('garbage that brotli cannot decode \u0000\u0001\u0002')],
  ])('an invalid %s body → 400 VALIDATION', async (encoding, bytes) => {
    const r = await postCase(bytes, { ...JSON_TYPE, 'content-encoding': encoding });
    expect(summary(r)).toEqual({ status: 400, code: 'VALIDATION', shaped: true });
  });

  it.each(['compress', 'x-unknown', 'gzip, br'])(
    'an unknown Content-Encoding (%s) → 415 UNSUPPORTED_MEDIA_TYPE',
    async (encoding) => {
      const r = await postCase(json({}), { ...JSON_TYPE, 'content-encoding': encoding });
      expect(summary(r)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', shaped: true });
    },
  );

  it('a 300 KB JSON body → 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await postCase(json({ ...registrationInput(), padding: 'x'.repeat(300 * 1024) }), {
      ...JSON_TYPE,
    });
    expect(summary(r)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', shaped: true });
  });

  it.each([
    ['deflate', (b: Buffer) => deflateSync(b)],
    ['gzip', (b: Buffer) => gzipSync(b)],
    [
      'br',
      (b: Buffer) =>
        brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
    ],
  ])('a small %s body that inflates past the limit → 413', async (encoding, compress) => {
    const inflated = Buffer.alloc(16 * 1024 * 1024, 0x20);
    inflated.write('{"a":"', 0);
    const bomb = compress(inflated);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await postCase(bomb, { ...JSON_TYPE, 'content-encoding': encoding });
    expect(summary(r)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', shaped: true });
  });

  it('a 260 KB gzip body of 256 MB once inflated → 413, inflating only up to the limit', async () => {
    // Concatenated gzip members inflate as one stream: 256 members of 1 MiB of spaces.
    const member = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = Buffer.concat([
      gzipSync(Buffer.from('{"a":"')),
      ...Array<Buffer>(256).fill(member),
    ]);
    expect(bomb.length).toBeLessThan(300 * 1024);
    const cpu = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let since = process.cpuUsage();
    expect(gunzipSync(bomb).length).toBe(256 * 1024 * 1024 + 6);
    const inflateAll = cpu(since);
    since = process.cpuUsage();
    const r = await postCase(bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    const used = cpu(since);
    expect(summary(r)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', shaped: true });
    // The server (in this process) spent a fraction of what inflating it all costs.
    expect(used).toBeLessThan(inflateAll / 2);
  });

  it.each([
    ['utf-7', Buffer.from('+AHsAfQ-', 'latin1')],
    ['UTF-16LE', Buffer.from('{}', 'utf16le')],
    ['utf-16', Buffer.from('\ufeff{}', 'utf16le')],
    ['utf-32', Buffer.from([0x7b, 0, 0, 0, 0x7d, 0, 0, 0])],
    ['latin1', Buffer.from('{}', 'latin1')],
  ])('a body in charset %s is refused with 415', async (charset, bytes) => {
    const r = await postCase(bytes, { 'content-type': `application/json; charset=${charset}` });
    expect(summary(r)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', shaped: true });
  });

  it('a UTF-7 body that would decode to a valid registration is refused, not acted upon', async () => {
    const casesNow = async (): Promise<number> => {
      const r = await rawRequest({
        url: `${t.url}/api/cases`,
        method: 'GET',
        headers: { authorization: `Bearer ${clerk}` },
      });
      return r.kind === 'reply' ? (r.body as { cases: unknown[] }).cases.length : -1;
    };
    const before = await casesNow();
    const r = await postCase(utf7(JSON.stringify(registrationInput())), {
      'content-type': 'application/json; charset=utf-7',
    });
    expect(summary(r)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', shaped: true });
    expect(await casesNow()).toBe(before);
  });

  it('a request line or headers over the parser limit → 431 HEADERS_TOO_LARGE, with the error shape', async () => {
    for (const headers of [{}, { 'x-padding': 'p'.repeat(20_000) }] as Record<string, string>[]) {
      const long = Object.keys(headers).length === 0;
      const r = await rawRequest({
        url: `${t.url}/api/staff/${long ? 'x'.repeat(20_000) : 'x'}/deactivate`,
        method: 'POST',
        headers: { authorization: `Bearer ${clerk}`, ...headers },
        timeoutMs: 5000,
      });
      expect(summary(r)).toEqual({ status: 431, code: 'HEADERS_TOO_LARGE', shaped: true });
    }
  });

  it('a request that is not HTTP → 400 VALIDATION, with the error shape', async () => {
    const socket = net.connect(
      new URL(t.url).port === '' ? 80 : Number(new URL(t.url).port),
      '127.0.0.1',
    );
    socket.write('NOT-A-METHOD / HTTP/1.1\r\n\r\n');
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const body: unknown = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(hasErrorShape(body)).toBe(true);
    expect(body).toMatchObject({ error: { code: 'VALIDATION' } });
  });

  it('is still up and answering', async () => {
    expect(await healthStatus(t.url)).toBe(200);
  });
});
