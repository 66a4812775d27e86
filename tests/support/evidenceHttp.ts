/**
 * Helpers for evidence tests over real HTTP: a JSON API caller, multipart
 * uploads (through fetch for small files, through node:http for streamed,
 * chunked or slow bodies), synthetic files of each type, and file-system
 * checks (sha256sum, recursive listings).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface UploadFields {
  title: string;
  purpose: string;
  originalOrCopy: 'original' | 'copy';
  category?: 'evidence' | 'identity' | 'authorisation' | 'signed_agreement';
}

export const FIELDS: UploadFields = {
  title: '工资条',
  purpose: '证明 2025 年 11 月至 2026 年 1 月工资未发放',
  originalOrCopy: 'copy',
};

/** The error code of an `{ error: { code } }` reply. */
export function errorCode(r: { body: unknown }): string | undefined {
  const error = (r.body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

/** The `error` of an `{ error }` reply. */
export function errorBody(r: { body: unknown }): Record<string, unknown> | undefined {
  return (r.body as { error?: Record<string, unknown> } | undefined)?.error;
}

/** The reason (signaling/reasons.ts) of an `{ error: { reason } }` reply. */
export function errorReason(r: { body: unknown }): string | undefined {
  const error = (r.body as { error?: { reason?: unknown } } | undefined)?.error;
  return typeof error?.reason === 'string' ? error.reason : undefined;
}

export function errorMessage(r: { body: unknown }): string {
  const error = (r.body as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? error.message : '';
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

let ipSeq = 0;
/** Sign-in is rate limited per address; test servers trust loopback as a proxy (TRUSTED_PROXIES). */
export function freshAddress(): Record<string, string> {
  ipSeq += 1;
  return { 'x-forwarded-for': `10.91.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}` };
}

export interface Api {
  call(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Reply>;
  /** The body of a 2xx reply; throws with the reply otherwise (setup steps). */
  ok<T>(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<T>;
  login(username: string, password: string): Promise<string>;
  /** A multipart upload through fetch (FormData + Blob). */
  upload(
    caseId: string,
    token: string,
    file: Buffer,
    filename: string,
    fields?: Partial<UploadFields>,
    /** The route below /api, when not the case file's (an institution's materials). */
    path?: string,
  ): Promise<Reply>;
}

/** `headers` go with every request (a client's own forwarded address, for one). */
export function apiClient(baseUrl: string, headers: Record<string, string> = {}): Api {
  const call: Api['call'] = async (method, p, token, body) => {
    const res = await fetch(`${baseUrl}/api${p}`, {
      method,
      headers: {
        ...headers,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(p === '/auth/login' ? freshAddress() : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return toReply(res);
  };
  const ok: Api['ok'] = async <T>(
    method: 'GET' | 'POST',
    p: string,
    token?: string,
    body?: unknown,
  ) => {
    const r = await call(method, p, token, body);
    if (r.status < 200 || r.status > 299)
      throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  return {
    call,
    ok,
    async login(username, password) {
      return (await ok<{ token: string }>('POST', '/auth/login', undefined, { username, password }))
        .token;
    },
    async upload(caseId, token, file, filename, fields = {}, path = `/cases/${caseId}/evidence`) {
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...FIELDS, ...fields })) form.append(k, v);
      form.append('file', new Blob([file]), filename);
      const res = await fetch(`${baseUrl}/api${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return toReply(res);
    },
  };
}

// ---- multipart by hand ----------------------------------------------------------

export interface RawUpload {
  url: string;
  token: string;
  fields?: UploadFields;
  /** Written as-is into the part's Content-Disposition header (quotes escaped). */
  filename: string;
  /** Send the name as an RFC 5987 extended parameter (`filename*=UTF-8''…`, percent-encoded). */
  extendedFilename?: boolean;
  /** The file's bytes, in the chunks to send them in. */
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>;
  /** The file's total size when the request should declare a Content-Length; chunked otherwise. */
  contentLength?: number;
  /** Pause between chunks. */
  delayMs?: number;
  /** Called after each chunk is handed to the socket with the file bytes sent so far. */
  onProgress?: (sent: number, abort: () => void) => void | Promise<void>;
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** File bytes written before the reply came (or the connection ended). */
  sent: number;
}

/**
 * A multipart upload over node:http, streamed chunk by chunk. Resolves with
 * the reply as soon as it is complete, even while the body is still being
 * sent (a refusing server answers early); rejects only when the connection
 * fails before any reply.
 */
export function rawUpload(o: RawUpload): Promise<RawReply> {
  const boundary = `----evidence${randomBytes(12).toString('hex')}`;
  const fields = o.fields ?? FIELDS;
  let head = '';
  for (const [k, v] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  const filenameParam = o.extendedFilename
    ? `filename*=UTF-8''${encodeURIComponent(o.filename)}`
    : `filename="${o.filename.replace(/"/g, '%22')}"`;
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${filenameParam}\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  const headBytes = Buffer.from(head, 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let settled = false;
    const req = http.request(o.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${o.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(o.contentLength === undefined
          ? {}
          : { 'content-length': String(headBytes.length + o.contentLength + tail.length) }),
      },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        settled = true;
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent });
        req.destroy();
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    const abort = (): void => {
      req.destroy(new Error('aborted by the test'));
    };
    const write = (chunk: Buffer): Promise<void> =>
      new Promise((done) => {
        if (req.destroyed) return done();
        if (req.write(chunk)) return done();
        const finish = (): void => {
          req.off('drain', finish);
          req.off('close', finish);
          done();
        };
        req.on('drain', finish);
        req.on('close', finish);
      });
    void (async () => {
      await write(headBytes);
      for await (const chunk of o.chunks) {
        if (req.destroyed || settled) return;
        await write(chunk);
        sent += chunk.length;
        await o.onProgress?.(sent, abort);
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      }
      if (!req.destroyed && !settled) req.end(tail);
    })().catch(() => undefined);
  });
}

/** `total` bytes in chunks of `size`: a text line pattern (detected as plain text). */
export function* textChunks(total: number, size = 64 * 1024, seed = 'x'): Generator<Buffer> {
  const line = Buffer.from(`evidence line ${seed} 0123456789 abcdefghijklmnopqrstuvwxyz\n`);
  const block = Buffer.alloc(size);
  for (let i = 0; i < size; i += line.length) line.copy(block, i);
  for (let sent = 0; sent < total; sent += size) {
    yield block.subarray(0, Math.min(size, total - sent));
  }
}

// ---- synthetic files --------------------------------------------------------------

/** A small PDF with two `/Type /Page` objects (and the `/Type /Pages` tree, not counted). */
export function twoPagePdf(note = ''): Buffer {
  return Buffer.from(
    [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
      '4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
      `% ${note}`,
      'trailer << /Root 1 0 R >>',
      '%%EOF',
      '',
    ].join('\n'),
    'latin1',
  );
}

let pngSerial = 0;

/**
 * Bytes detected as PNG (signature and header, then filler): distinct on
 * each call, the same sequence on every run. Not a decodable image.
 */
export function pngBytes(): Buffer {
  pngSerial += 1;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
    createHash('sha512').update(`png ${pngSerial}`).digest(),
  ]);
}

/** A ZIP whose first local file header names `word/document.xml`: detected as DOCX. */
export function docxBytes(): Buffer {
  const name = Buffer.from('word/document.xml');
  const data = Buffer.from('<w:document/>');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, name, data]);
}

/** A Windows executable's start: MZ, then binary bytes. */
export function exeBytes(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

// ---- the file system ----------------------------------------------------------------

/** SHA-256 by the real `sha256sum` of a temporary copy of `bytes`. */
export function sha256sum(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evidence-sum-'));
  try {
    const file = path.join(dir, 'source.bin');
    writeFileSync(file, bytes);
    const out = execFileSync('sha256sum', [file], { encoding: 'utf8' });
    return out.split(/\s+/)[0] ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file below `dir`, relative to it, sorted. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
