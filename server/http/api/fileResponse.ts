/** Pieces of a file response shared by the evidence and recording routes. */
import { pipeline, type Readable } from 'node:stream';
import type { Response } from 'express';

/**
 * The policy of every file served from a case file (evidence, documents,
 * recordings, bundles): a sandbox (unique origin, no scripts, no forms, no
 * popups, no plugins), so nothing inside a file acts with this origin's
 * rights even when a browser renders it as a page (a PDF/HTML or JPEG/HTML
 * polyglot, a PDF's JavaScript); nothing loads from anywhere; only the app's
 * own pages may frame it. Chromium's PDF viewer, images, audio and video
 * still show under it (tests/e2e/evidence.test.ts).
 */
export const FILE_CONTENT_SECURITY_POLICY =
  "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; " +
  "frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/**
 * The headers of a private file reply: its type, how to show it, never
 * cached or sniffed, sandboxed, and its SHA-256 when known.
 */
export function fileHeaders(
  res: Response,
  file: { mediaType: string; show: 'inline' | 'attachment'; name: string; sha256: string | null },
): void {
  res.setHeader('Content-Type', file.mediaType);
  res.setHeader('Content-Disposition', disposition(file.show, file.name));
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', FILE_CONTENT_SECURITY_POLICY);
  // Viewable inside the app's own pages (PDF frame), never framed by others.
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  if (file.sha256) res.setHeader('X-Content-SHA256', file.sha256);
}

/** RFC 6266 filename parameter that survives any character. */

export function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** One `bytes=a-b` range (the only form media players send); undefined for none, 'invalid' when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'invalid';
  return { start, end };
}

/** Answers an unsatisfiable range (416). */
export function refuseRange(res: Response, size: number): undefined {
  res.status(416).setHeader('Content-Range', `bytes */${size}`).end();
  return undefined;
}

/**
 * Sends a byte range (206) or the whole file (200), with the headers a media
 * player needs to seek; `open` reads the bytes chosen.
 */
export function sendRanged(
  res: Response,
  size: number,
  range: { start: number; end: number } | undefined,
  open: (range: { start: number; end: number } | undefined) => Readable,
): undefined {
  res.setHeader('Accept-Ranges', 'bytes');
  if (range) {
    res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(size));
  }
  // pipeline, not pipe: a client that hangs up mid-file closes the file too (pipe would
  // leave it open, paused, until restart); a read error ends the response.
  pipeline(open(range), res, () => undefined);
  return undefined;
}
