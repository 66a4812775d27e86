/**
 * Stored hostile inputs and seeded generators for the parsers of user bytes.
 * Nothing here draws fresh randomness: a run that hangs or passes does so on
 * every machine.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { expect } from 'vitest';

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function pngHeader(
  width: number,
  height: number,
  options: { depth?: number; colorType?: number; interlace?: number } = {},
): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h.set([options.depth ?? 8, options.colorType ?? 6, 0, 0, options.interlace ?? 0], 8);
  return pngChunk('IHDR', h);
}

/** A real, decodable RGBA drawing: a diagonal stroke on transparent ground. */
export function drawnSignaturePng(width = 120, height = 40): Buffer {
  const row = width * 4 + 1;
  const raw = Buffer.alloc(row * height, 0);
  for (let y = 0; y < height; y += 1) {
    const x = Math.floor((y / height) * (width - 4));
    for (let dx = 0; dx < 4; dx += 1) raw.set([0, 0, 0, 255], y * row + 1 + (x + dx) * 4);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngHeader(width, height),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * 45 bytes that make pdfkit's PNG reader (png-js) loop forever: after a valid
 * header, a chunk whose length reads as -12 (png-js reads lengths as signed
 * 32-bit), which sends the reader back to the start of that same chunk.
 * Random bytes after a header do the same about half the time.
 */
export const PDFKIT_LOOPING_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489fffffff4724e646d00000000',
  'hex',
);

/** The same trap behind a real image's header and pixels (~100 bytes, as a drawn signature). */
export function loopingPngAfterPixels(): Buffer {
  const valid = drawnSignaturePng(8, 4);
  const iend = valid.length - 12;
  return Buffer.concat([
    valid.subarray(0, iend),
    Buffer.from('fffffff4', 'hex'),
    Buffer.from('zzZz'),
    Buffer.alloc(4),
  ]);
}

/** Named hostile PNGs: each must be refused (or, for `valid`, accepted) quickly. */
export function storedHostilePngs(): Record<string, Buffer> {
  const valid = drawnSignaturePng();
  return {
    pdfkitLoop: PDFKIT_LOOPING_PNG,
    pdfkitLoopAfterPixels: loopingPngAfterPixels(),
    truncatedHeader: valid.subarray(0, 20),
    truncatedPixels: valid.subarray(0, valid.length - 30),
    hugeDimensions: Buffer.concat([
      PNG_SIGNATURE,
      pngHeader(100_000, 100_000),
      pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
    zeroWidth: Buffer.concat([PNG_SIGNATURE, pngHeader(0, 10), pngChunk('IEND', Buffer.alloc(0))]),
    interlaced: Buffer.concat([
      PNG_SIGNATURE,
      pngHeader(4, 4, { interlace: 1 }),
      pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1 << 20))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
    // 64 MiB of zeros behind a 1×1 header: pngjs stops at the declared size.
    inflateBomb: Buffer.concat([
      PNG_SIGNATURE,
      pngHeader(1, 1),
      pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64 << 20), { level: 9 })),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
    badCrc: Buffer.concat([
      valid.subarray(0, 29),
      Buffer.from('00000000', 'hex'),
      valid.subarray(33),
    ]),
    hugeChunkLength: Buffer.concat([
      PNG_SIGNATURE,
      pngHeader(1, 1),
      Buffer.from('7ffffff0', 'hex'),
      Buffer.from('IDAT'),
      Buffer.alloc(32),
    ]),
  };
}

/**
 * Malformed variants of a valid PNG: truncated anywhere, bytes overwritten
 * anywhere (lengths, types, CRCs, pixels), a chunk length replaced by a
 * hostile value, or random bytes after the header.
 */
export function malformedPngArbitrary(): fc.Arbitrary<Buffer> {
  const valid = drawnSignaturePng(40, 16);
  const truncated = fc.nat({ max: valid.length - 1 }).map((n) => valid.subarray(0, n));
  const overwritten = fc
    .tuple(
      fc.integer({ min: 8, max: valid.length - 1 }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
    )
    .map(([at, bytes]) => {
      const copy = Buffer.from(valid);
      copy.set(bytes.subarray(0, copy.length - at), at);
      return copy;
    });
  const hostileLength = fc
    .constantFrom(0xfffffff4, 0xffffffff, 0x80000000, 0x7fffffff, 0, 12)
    .map((length) => {
      const copy = Buffer.from(valid);
      copy.writeUInt32BE(length, 33); // the IDAT chunk's length
      return copy;
    });
  const afterHeader = fc
    .uint8Array({ minLength: 0, maxLength: 120 })
    .map((tail) => Buffer.concat([PNG_SIGNATURE, pngHeader(1, 1), Buffer.from(tail)]));
  return fc.oneof(truncated, overwritten, hostileLength, afterHeader);
}

/**
 * The headers every file from a case file is served with: sandboxed (its
 * scripts, forms and plugins never run with the app's origin), never sniffed.
 */
export function expectSandboxedFile(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp.split(';')[0]?.trim(), `${what}: CSP ${csp}`).toBe('sandbox');
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain("frame-ancestors 'self'");
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
}

/** A one-page PDF that runs JavaScript when opened (/OpenAction with a /JS action). */
export function pdfWithJavaScript(): Buffer {
  return Buffer.from(
    [
      '%PDF-1.7',
      '1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
      '4 0 obj << /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >> endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
      '',
    ].join('\n'),
    'latin1',
  );
}

/**
 * A PDF that is also an HTML page with a script (a PDF reader finds %PDF- in
 * the first KiB; a browser sniffing it as HTML runs the script), with the
 * names hidden by #xx escapes and an embedded file and a launch action.
 */
export function pdfHtmlPolyglot(): Buffer {
  return Buffer.from(
    [
      '%PDF-1.4',
      '<html><body><script>parent.postMessage("polyglot ran", "*")</script></body></html>',
      '1 0 obj << /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >> endobj',
      '4 0 obj << /S /J#61vaScript /J#53 (x) /Next << /S /Launch /F (calc.exe) >> >> endobj',
      '5 0 obj << /Names [(a.exe) << /Type /Filespec /EF << /F 6 0 R >> >>] >> endobj',
      '6 0 obj << /Type /EmbeddedFile /Length 2 >> stream\nMZ\nendstream endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
      '',
    ].join('\n'),
    'latin1',
  );
}

/** A JPEG whose comment segment carries an HTML page with a script. */
export function jpegHtmlPolyglot(): Buffer {
  const html = Buffer.from('<html><script>parent.postMessage("polyglot ran", "*")</script>');
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(html.length + 2, 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), com, html, Buffer.from([0xff, 0xd9])]);
}

/**
 * Polls a health URL until `work` settles (at least once): the slowest answer
 * in ms and how many came. A parser blocking the event loop shows here.
 */
export async function healthDuring(
  url: string,
  work: Promise<unknown>,
): Promise<{ slowest: number; answers: number }> {
  let done = false;
  void work.then(
    () => (done = true),
    () => (done = true),
  );
  let slowest = 0;
  let answers = 0;
  do {
    const started = performance.now();
    const r = await fetch(url);
    await r.text();
    expect(r.ok, url).toBe(true);
    slowest = Math.max(slowest, performance.now() - started);
    answers += 1;
    await new Promise((r) => setTimeout(r, 50));
  } while (!done);
  return { slowest, answers };
}
