/**
 * The browser client's files as the service serves them (server/http/app.ts
 * with server/http/staticAssets.ts) from a build directory made by the test:
 * Brotli and gzip bodies that decode to the file, chosen by Accept-Encoding
 * with `Vary`; the build's precompressed copies used, a stale one not; a
 * strong ETag per representation and 304 on revalidation; hashed assets
 * cached for a year as immutable, the pages `no-cache`; nothing outside the
 * directory reachable however the path is spelt; an unknown asset is 404.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../server/http/app.js';
import { createLogger } from '../../server/logger.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let root: string;
let server: http.Server;
let port: number;

/** A request with exactly this path (no normalisation by a client library) and headers. */
function get(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathname, method, headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Text that compresses: a script of `lines` distinct lines. */
function script(name: string, lines: number): string {
  return Array.from({ length: lines }, (_, i) => `export const ${name}${i} = ${i * 7};\n`).join('');
}

const files = {
  index: `<!doctype html><html lang="zh-CN"><head><title>在线调解</title></head><body><div id="app">${'<p>正在打开调解页面…</p>'.repeat(60)}</div></body></html>`,
  console: `<!doctype html><html><body>${'<p>控制台</p>'.repeat(100)}</body></html>`,
  main: script('main', 400),
  small: 'export const a = 1;\n',
  style: `.tile { color: #fff; }\n`.repeat(200),
  pre: script('pre', 300),
  stale: script('stale', 300),
};

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'static-assets-'));
  const dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), files.index);
  writeFileSync(path.join(dist, 'console.html'), files.console);
  writeFileSync(path.join(dist, 'assets', 'main-AbC123xy.js'), files.main);
  writeFileSync(path.join(dist, 'assets', 'small-Zz9.js'), files.small);
  writeFileSync(path.join(dist, 'assets', 'style-Q1w2.css'), files.style);
  // The build's own compressed copies (client/compressAssets.ts).
  writeFileSync(path.join(dist, 'assets', 'pre-P1.js'), files.pre);
  writeFileSync(path.join(dist, 'assets', 'pre-P1.js.br'), brotliCompressSync(files.pre));
  writeFileSync(path.join(dist, 'assets', 'pre-P1.js.gz'), gzipSync(files.pre, { level: 1 }));
  // Copies older than their file (the file rebuilt without them) are not believed.
  writeFileSync(path.join(dist, 'assets', 'stale-S1.js'), files.stale);
  for (const [suffix, body] of [
    ['.br', brotliCompressSync('export const old = 1;')],
    ['.gz', gzipSync('export const old = 1;')],
  ] as const) {
    const copy = path.join(dist, 'assets', `stale-S1.js${suffix}`);
    writeFileSync(copy, body);
    utimesSync(copy, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  }
  // Outside the served directory.
  writeFileSync(path.join(root, 'secret.txt'), 'not for the web');
  const app = createHttpApp({
    logger: createLogger('silent'),
    api: express.Router(),
    clientDir: dist,
    health: {
      state: () => ({ accepting: true, workers: 1, sharedState: true }),
      detail: () => ({
        node: 'static-assets',
        sessions: 0,
        participants: 0,
        workers: 1,
        workersConfigured: 1,
        routers: [],
        eventLoopDelayMs: { p99: 0, max: 0 },
        rssMiB: 0,
      }),
    },
    jwks: () => ({ keys: [] }),
    trustedProxies: [],
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('static client files', () => {
  it('sends Brotli or gzip as Accept-Encoding prefers, each decoding to the file', async () => {
    const url = '/assets/main-AbC123xy.js';
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(files.main.length / 3);
    expect(brotliDecompressSync(br.body).toString()).toBe(files.main);

    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gz.body).toString()).toBe(files.main);
    // The client's preference wins: Brotli refused, gzip preferred over identity.
    const noBr = await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0.5, identity;q=0.1' });
    expect(noBr.headers['content-encoding']).toBe('gzip');

    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(files.main);
    const none = await get(url, { 'accept-encoding': 'identity' });
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.toString()).toBe(files.main);

    // One strong ETag per representation.
    const tags = [br, gz, plain].map((r) => r.headers.etag);
    for (const tag of tags) expect(tag).toMatch(/^"[^"]+"$/);
    expect(new Set(tags).size).toBe(3);
  });

  it('caches hashed assets for a year as immutable and answers 304 to a matching ETag', async () => {
    for (const url of ['/assets/main-AbC123xy.js', '/assets/style-Q1w2.css']) {
      const first = await get(url, { 'accept-encoding': 'br' });
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const again = await get(url, {
        'accept-encoding': 'br',
        'if-none-match': first.headers.etag!,
      });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(first.headers.etag);
      // Another representation's tag does not match this one.
      const other = await get(url, {
        'accept-encoding': 'gzip',
        'if-none-match': first.headers.etag!,
      });
      expect(other.status).toBe(200);
      expect(gunzipSync(other.body).toString()).toBe(
        url.endsWith('.css') ? files.style : files.main,
      );
    }
    // Too small to gain from compression: sent as is, cached all the same.
    const small = await get('/assets/small-Zz9.js', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.toString()).toBe(files.small);
    expect(small.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const head = await get('/assets/main-AbC123xy.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
  });

  it('serves the pages compressed and to be revalidated (no-cache), 304 when unchanged', async () => {
    for (const [url, text] of [
      ['/', files.index],
      ['/join', files.index],
      ['/console', files.console],
    ] as const) {
      const page = await get(url, { 'accept-encoding': 'gzip, br' });
      expect(page.status, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(page.body).toString()).toBe(text);
      // The security headers of every response are still there.
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      const again = await get(url, {
        'accept-encoding': 'gzip, br',
        'if-none-match': page.headers.etag!,
      });
      expect(again.status, url).toBe(304);
    }
  });

  it('uses the build’s compressed copies, unless older than their file, and never serves them by name', async () => {
    const br = await get('/assets/pre-P1.js', { 'accept-encoding': 'br' });
    expect(br.body).toEqual(brotliCompressSync(files.pre));
    const gz = await get('/assets/pre-P1.js', { 'accept-encoding': 'gzip' });
    expect(gz.body).toEqual(gzipSync(files.pre, { level: 1 }));
    const stale = await get('/assets/stale-S1.js', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(stale.body).toString()).toBe(files.stale);
    const staleGz = await get('/assets/stale-S1.js', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(staleGz.body).toString()).toBe(files.stale);
    expect((await get('/assets/pre-P1.js.br')).status).toBe(404);
    expect((await get('/assets/pre-P1.js.gz')).status).toBe(404);
  });

  it('answers 404 for an unknown asset and for every path leading out of the directory', async () => {
    const unknown = await get('/assets/main-NotBuilt.js');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(unknown.headers['cache-control']).toBeUndefined();
    const secret = 'not for the web';
    for (const attempt of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%2Fetc%2Fpasswd',
      '//etc/passwd',
      '/assets/%00main-AbC123xy.js',
      '/assets/%E0%A4%A',
      '/assets/',
      '/assets',
    ]) {
      const reply = await get(attempt, { 'accept-encoding': 'identity' });
      expect([400, 404], attempt).toContain(reply.status);
      expect(reply.body.toString(), attempt).not.toContain(secret);
      expect(reply.body.toString(), attempt).not.toContain('root:');
    }
    // Other methods are not file reads.
    expect((await get('/assets/main-AbC123xy.js', {}, 'POST')).status).toBe(404);
    // The same bytes as on disk, whichever way they are asked for.
    const whole = await get('/assets/main-AbC123xy.js');
    expect(createHash('sha256').update(whole.body).digest('hex')).toBe(
      createHash('sha256').update(files.main).digest('hex'),
    );
  });
});
