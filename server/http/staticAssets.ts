/**
 * The browser client's built files, served compressed and cacheable.
 *
 * Only the files present in the build directory when the service starts are
 * served (an index of their relative paths): no request path is ever joined
 * onto the file system, so no escape from the directory exists. Text files go
 * out compressed with Brotli or gzip, whichever the request's Accept-Encoding
 * prefers, with `Vary: Accept-Encoding` and a strong ETag per representation:
 * the build writes `<file>.br` and `<file>.gz` next to each (client/vite.config.ts),
 * and a file built without them is compressed at its first request and kept in
 * memory. Vite names the files under `assets/` by their content hash, so they
 * are cached for a year as immutable; the pages (and anything else) must be
 * revalidated (`no-cache`) and answer 304 when unchanged.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Worth compressing: text. Images, fonts and media are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/**
 * Every text file, however small: the entries share chunks of a few hundred bytes that are on a
 * page's first screen (Brotli saves a third to a half of them; only a smaller copy is sent).
 */
const MIN_COMPRESS_BYTES = 0;
/** Source maps are large and rarely fetched: a quicker Brotli level for them. */
const BROTLI_QUALITY = (file: string) => (file.endsWith('.map') ? 5 : zlib.BROTLI_MAX_QUALITY);
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Buffer;
  etag: string;
}

interface StaticFile {
  /** Relative to the build directory, with forward slashes. */
  name: string;
  absolute: string;
  immutable: boolean;
  identity: Representation;
  compressible: boolean;
  /** Brotli and gzip bodies, once read or made. */
  compressed?: Promise<Partial<Record<'br' | 'gzip', Representation>>>;
}

function etagOf(body: Buffer, encoding: Encoding): string {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return `"${hash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
}

/** Every regular file under `dir`, as relative paths with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, name));
    else if (entry.isFile()) out.push(name);
  }
  return out;
}

async function compress(file: StaticFile): Promise<Partial<Record<'br' | 'gzip', Representation>>> {
  const source = file.identity.body;
  const [br, gz] = await Promise.all([
    brotli(source, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY(file.name),
        [zlib.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    }),
    gzipAsync(source, { level: zlib.Z_BEST_COMPRESSION }),
  ]);
  const out: Partial<Record<'br' | 'gzip', Representation>> = {};
  // Kept only when smaller than what they encode.
  if (br.length < source.length) out.br = { body: br, etag: etagOf(source, 'br') };
  if (gz.length < source.length) out.gzip = { body: gz, etag: etagOf(source, 'gzip') };
  return out;
}

export interface StaticAssets {
  /** Serves any built file at its own path (`/assets/…`, `/console.html`…); else `next()`. */
  files: RequestHandler;
  /** Serves one built page (e.g. `index.html` at `/join`); `next()` when it is not built. */
  page(name: string): RequestHandler;
  /** Whether the build holds `name`. */
  has(name: string): boolean;
}

const PRECOMPRESSED = { br: '.br', gzip: '.gz' } as const;

export function staticAssets(directory: string, logger: Logger): StaticAssets {
  const names = listFiles(directory);
  const present = new Set(names);
  const files = new Map<string, StaticFile>();
  for (const name of names) {
    // A precompressed copy is served as its original's encoding, never by its own name.
    const original = name.replace(/\.(br|gz)$/, '');
    if (original !== name && present.has(original)) continue;
    const absolute = path.join(directory, name);
    const body = readFileSync(absolute);
    files.set(name, {
      name,
      absolute,
      // Vite's output under assets/ carries its content hash in the name.
      immutable: name.startsWith('assets/'),
      identity: { body, etag: etagOf(body, 'identity') },
      compressible: COMPRESSIBLE.has(path.extname(name)) && body.length >= MIN_COMPRESS_BYTES,
    });
  }
  logger.debug({ files: files.size }, 'client files indexed');

  /** The build's own compressed copies when both are there and not older than the file. */
  function precompressed(file: StaticFile): Partial<Record<'br' | 'gzip', Representation>> | null {
    const out: Partial<Record<'br' | 'gzip', Representation>> = {};
    const modified = statSync(file.absolute).mtimeMs;
    for (const [encoding, suffix] of Object.entries(PRECOMPRESSED) as ['br' | 'gzip', string][]) {
      const copy = `${file.name}${suffix}`;
      if (!present.has(copy)) return null;
      const absolute = path.join(directory, copy);
      if (statSync(absolute).mtimeMs < modified) return null;
      const body = readFileSync(absolute);
      if (body.length < file.identity.body.length)
        out[encoding] = { body, etag: etagOf(file.identity.body, encoding) };
    }
    return out;
  }

  function compressedOf(file: StaticFile): Promise<Partial<Record<'br' | 'gzip', Representation>>> {
    if (!file.compressible) return Promise.resolve({});
    file.compressed ??= (async () => precompressed(file) ?? (await compress(file)))().catch(
      (error: unknown) => {
        logger.error({ err: error, file: file.name }, 'cannot compress a client file');
        return {};
      },
    );
    return file.compressed;
  }

  async function send(req: Request, res: Response, file: StaticFile): Promise<void> {
    const compressed = await compressedOf(file);
    // The smallest the request accepts (q > 0): browsers list gzip first at the same q.
    const encoding: Encoding =
      (['br', 'gzip'] as const).find(
        (e) => compressed[e] !== undefined && req.acceptsEncodings(e) === e,
      ) ?? 'identity';
    const representation =
      encoding === 'identity' ? file.identity : (compressed[encoding] ?? file.identity);
    res.type(path.extname(file.name));
    res.setHeader('Cache-Control', file.immutable ? IMMUTABLE : REVALIDATE);
    if (file.compressible) res.vary('Accept-Encoding');
    res.setHeader('ETag', representation.etag);
    if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(representation.body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(representation.body);
  }

  const serve =
    (lookup: (req: Request) => StaticFile | undefined): RequestHandler =>
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const file = lookup(req);
      if (!file) return next();
      send(req, res, file).catch(next);
    };

  return {
    files: serve((req) => {
      let name: string;
      try {
        name = decodeURIComponent(req.path).replace(/^\/+/, '');
      } catch {
        return undefined;
      }
      return files.get(name);
    }),
    page: (name) => serve(() => files.get(name)),
    has: (name) => files.has(name),
  };
}
