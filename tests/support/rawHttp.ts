/**
 * Requests built byte by byte for fault tests: exact bodies (truncated,
 * malformed), declared lengths that are never sent, stalled and dropped
 * connections; and what a request may leave behind on the server (temporary
 * files, open descriptors), read from /proc.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export type RawOutcome =
  | { kind: 'reply'; status: number; headers: http.IncomingHttpHeaders; body: unknown }
  /** The connection ended without a reply (expected only when the client dropped it). */
  | { kind: 'closed'; error: string }
  /** Neither a reply nor a close within the time limit. */
  | { kind: 'hang' };

export interface RawRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** The body, in the pieces to write it in. */
  chunks?: Buffer[];
  /** Pause before each piece after the first (a slow sender). */
  delayMs?: number;
  /**
   * After the pieces: 'end' the request (default), keep it open without another
   * byte ('stall'), or drop the connection ('abort', after `beforeAbort`).
   */
  finish?: 'end' | 'stall' | 'abort';
  beforeAbort?: () => Promise<void>;
  /** How long to wait for a reply or a close (default 10 s). */
  timeoutMs?: number;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends one request on its own connection (no keep-alive, so nothing stays open after it). */
export function rawRequest(r: RawRequest): Promise<RawOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'hang' }), r.timeoutMs ?? 10_000);
    const req = http.request(r.url, {
      method: r.method ?? 'POST',
      headers: r.headers ?? {},
      agent: false,
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        settle({
          kind: 'reply',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: parseBody(Buffer.concat(parts).toString('utf8')),
        }),
      );
      res.on('error', (e) => settle({ kind: 'closed', error: e.message }));
    });
    req.on('error', (e) => {
      // A server that answers early may reset the connection while the body is still
      // being written; the reply, if it came, is reported by the 'response' handler.
      setTimeout(() => settle({ kind: 'closed', error: e.message }), 50);
    });
    const write = (chunk: Buffer): Promise<void> =>
      new Promise((done) => {
        if (req.destroyed) return done();
        if (req.write(chunk)) return done();
        const go = (): void => {
          req.off('drain', go);
          req.off('close', go);
          done();
        };
        req.on('drain', go);
        req.on('close', go);
      });
    void (async () => {
      const chunks = r.chunks ?? [];
      for (const [i, chunk] of chunks.entries()) {
        if (settled || req.destroyed) return;
        if (i > 0 && r.delayMs) await new Promise((w) => setTimeout(w, r.delayMs));
        await write(chunk);
      }
      if (settled || req.destroyed) return;
      const finish = r.finish ?? 'end';
      if (finish === 'end') req.end();
      else if (finish === 'stall') req.flushHeaders();
      else {
        await r.beforeAbort?.();
        // The client's own drop: no reply is expected.
        settle({ kind: 'closed', error: 'aborted by the client' });
      }
    })().catch((e: unknown) => settle({ kind: 'closed', error: String(e) }));
  });
}

/** GET /healthz on a fresh connection. */
export async function healthStatus(baseUrl: string): Promise<number> {
  const r = await rawRequest({ url: `${baseUrl}/healthz`, method: 'GET', timeoutMs: 5000 });
  return r.kind === 'reply' ? r.status : 0;
}

/** The standard error shape: `{ error: { code, message } }` with string code and message. */
export function hasErrorShape(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.length > 0 && typeof message === 'string';
}

/** Open descriptors of this process (the in-process server's). */
export function openFds(): string[] {
  const fds: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.push(readlinkSync(path.join('/proc/self/fd', fd)));
    } catch {
      // closed between the listing and the read (the listing's own descriptor)
    }
  }
  return fds;
}

/** Open descriptors of this process on files below `dir`. */
export function openFdsBelow(dir: string): string[] {
  const prefix = `${path.resolve(dir)}${path.sep}`;
  return openFds().filter((target) => target.startsWith(prefix));
}

/** Polls `check` until it holds or `ms` pass; returns whether it held. */
export async function settles(check: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((w) => setTimeout(w, 25));
  }
  return check();
}

// ---- multipart bodies -----------------------------------------------------------------

export interface PartSpec {
  /** Header lines of the part, without CRLF. */
  headers: string[];
  body: Buffer;
}

export function fieldPart(name: string, value: string): PartSpec {
  return {
    headers: [`Content-Disposition: form-data; name="${name}"`],
    body: Buffer.from(value, 'utf8'),
  };
}

export function filePart(name: string, filename: string, body: Buffer): PartSpec {
  return {
    headers: [
      `Content-Disposition: form-data; name="${name}"; filename="${filename}"`,
      'Content-Type: application/octet-stream',
    ],
    body,
  };
}

/** A multipart body of `parts` delimited by `boundary`, closed unless `close` is false. */
export function multipartBody(boundary: string, parts: PartSpec[], close = true): Buffer {
  const pieces: Buffer[] = [];
  for (const p of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${p.headers.join('\r\n')}\r\n\r\n`, 'utf8'));
    pieces.push(p.body);
    pieces.push(Buffer.from('\r\n'));
  }
  if (close) pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}
