/**
 * Every parser of bytes a user sent, fed stored hostile inputs and seeded
 * generated malformed ones: each call ends with a result or a refusal within
 * its limit, and the event loop keeps answering meanwhile. The old signature
 * path (pdfkit's PNG reader) is shown to hang on the stored input inside a
 * worker that the time limit stops, never by hanging the test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../support/fuzz.js';
import {
  checkEvidenceContent,
  detectEvidenceType,
  EvidenceTypeError,
  PdfActiveContentScanner,
  PdfPageCounter,
} from '../../server/evidence/contentType.js';
import {
  canonicalSignature,
  SIGNATURE_PARSE_TIMEOUT_MS,
} from '../../server/untrusted/signatureImage.js';
import {
  UntrustedInputError,
  UntrustedWorkers,
  type UntrustedTask,
} from '../../server/untrusted/UntrustedWorkers.js';
import {
  drawnSignaturePng,
  healthDuring,
  malformedPngArbitrary,
  PDFKIT_LOOPING_PNG,
  storedHostilePngs,
} from '../support/untrustedInputs.js';

/** What the service did before: hand the bytes to pdfkit's PNG reader. Self-contained for the worker. */
const pdfkitOpenImage: UntrustedTask<Uint8Array, boolean> = {
  name: { en: 'pdfkit image', unreadable: 'SIGNATURE_IMAGE_UNREADABLE' },
  timeoutMs: 1_500,
  maxInputBytes: 1 << 20,
  sizeOf: (input) => input.byteLength,
  modules: ['pdfkit'],
  run: (input, load) => {
    const PDFDocument = load('pdfkit') as new (options: object) => {
      openImage(src: Buffer): unknown;
    };
    new PDFDocument({ autoFirstPage: false }).openImage(
      Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    );
    return true;
  },
};

/** A health endpoint on this test's own event loop, timed from the outside. */
let health: http.Server;
let healthUrl: string;

async function refusal(promise: Promise<unknown>): Promise<UntrustedInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UntrustedInputError);
  return error as UntrustedInputError;
}

const workers = new UntrustedWorkers({ concurrency: 2, maxQueued: 4 });

beforeAll(async () => {
  health = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
});

afterAll(async () => {
  await workers.close();
  await new Promise((r) => health.close(r));
});

describe('the worker pool for untrusted bytes', () => {
  it('shows pdfkit looping on the stored PNG: the worker is stopped at its limit while the loop answers', async () => {
    const started = performance.now();
    const call = workers.run(pdfkitOpenImage, PDFKIT_LOOPING_PNG);
    const { slowest, answers } = await healthDuring(healthUrl, call);
    const error = await refusal(call);
    expect(error.refusal).toBe('timeout');
    expect(error.code).toBe('VALIDATION');
    expect(performance.now() - started).toBeLessThan(pdfkitOpenImage.timeoutMs + 5_000);
    expect(answers).toBeGreaterThan(3);
    expect(slowest).toBeLessThan(1_000);
    // The stopped thread is gone.
    await expect.poll(() => workers.running, { timeout: 5_000 }).toBe(0);
  });

  it('refuses an input over the size limit before any worker starts', async () => {
    const error = await refusal(
      workers.run({ ...pdfkitOpenImage, maxInputBytes: 10 }, Buffer.alloc(11)),
    );
    expect(error.refusal).toBe('too_large');
    expect(workers.running).toBe(0);
  });

  it('runs two at a time, queues a few, refuses beyond the queue, and keeps going after overruns', async () => {
    const spin: UntrustedTask<number, number> = {
      name: { en: 'test', unreadable: 'SIGNATURE_IMAGE_UNREADABLE' },
      timeoutMs: 300,
      maxInputBytes: 8,
      sizeOf: () => 1,
      run: (n) => {
        if (n < 0) for (;;);
        return n * 2;
      },
    };
    const calls = [-1, -1, 1, 2, 3, 4].map((n) => workers.run(spin, n));
    const extra = workers.run(spin, 5);
    await expect(extra).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'refused'))).toEqual([
      'refused',
      'refused',
      2,
      4,
      6,
      8,
    ]);
    expect(workers.running).toBeLessThanOrEqual(2);
    await expect.poll(() => workers.running, { timeout: 5_000 }).toBe(0);
  });
});

describe('signature images', () => {
  it('refuses the PNG that loops pdfkit at once, while the loop answers', async () => {
    const started = performance.now();
    const call = canonicalSignature(PDFKIT_LOOPING_PNG, workers);
    const { slowest } = await healthDuring(healthUrl, call);
    const error = await refusal(call);
    expect(error.refusal).toBe('malformed');
    expect(error.toPayload()).toMatchObject({
      code: 'VALIDATION',
      reason: 'SIGNATURE_IMAGE_UNREADABLE',
      message: 'The signature image cannot be read',
    });
    expect(performance.now() - started).toBeLessThan(SIGNATURE_PARSE_TIMEOUT_MS + 5_000);
    expect(slowest).toBeLessThan(1_000);
  });

  it('refuses each stored hostile PNG with a reason, within the limit', async () => {
    const expected: Record<string, string> = {
      pdfkitLoop: 'malformed',
      pdfkitLoopAfterPixels: 'malformed',
      truncatedHeader: 'malformed',
      truncatedPixels: 'malformed',
      hugeDimensions: 'malformed',
      zeroWidth: 'malformed',
      interlaced: 'malformed',
      inflateBomb: 'malformed',
      badCrc: 'malformed',
      hugeChunkLength: 'malformed',
    };
    const inputs = storedHostilePngs();
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, bytes] of Object.entries(inputs)) {
      const started = performance.now();
      const error = await refusal(canonicalSignature(bytes, workers));
      expect({ name, reason: error.refusal }).toEqual({ name, reason: expected[name] });
      expect(performance.now() - started).toBeLessThan(SIGNATURE_PARSE_TIMEOUT_MS + 5_000);
    }
    const tooBig = await refusal(canonicalSignature(Buffer.alloc(300 * 1024), workers));
    expect(tooBig.refusal).toBe('too_large');
  });

  it('re-encodes a drawing to the same canonical RGBA PNG every time, one pdfkit opens', async () => {
    const drawn = drawnSignaturePng();
    const a = await canonicalSignature(drawn, workers);
    const b = await canonicalSignature(drawn, workers);
    expect(a.png.equals(b.png)).toBe(true);
    expect([a.width, a.height]).toEqual([120, 40]);
    expect(a.png.readUInt8(24)).toBe(8); // bit depth
    expect(a.png.readUInt8(25)).toBe(6); // RGBA
    // Canonical again: re-encoding the output changes nothing.
    expect((await canonicalSignature(a.png, workers)).png.equals(a.png)).toBe(true);
    await expect(workers.run(pdfkitOpenImage, a.png)).resolves.toBe(true);
  });

  it('refuses or canonicalises every generated malformed PNG, never overrunning (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(malformedPngArbitrary(), async (bytes) => {
        const outcome = await canonicalSignature(bytes, workers).then(
          (ok) => ok,
          (e: unknown) => e,
        );
        if (outcome instanceof UntrustedInputError) {
          expect(['malformed', 'too_large']).toContain(outcome.refusal);
          return;
        }
        expect(outcome).toHaveProperty('png');
        // Whatever was accepted is a PNG pdfkit reads without looping.
        const png = (outcome as { png: Buffer }).png;
        await expect(workers.run(pdfkitOpenImage, png)).resolves.toBe(true);
      }),
      { seed: 14, numRuns: runs(40) },
    );
  }, 120_000);
});

/**
 * Content-type detection and the PDF scanners stay on the event loop: each
 * is one pass over a bounded head (64 KiB) or over pieces with a fixed
 * carry. These properties hold them to it with the inputs that would make a
 * careless scanner quadratic: repeated ZIP headers, markup openers, PDF name
 * starts, long whitespace runs between /Type and /Page, long names.
 */
describe('parsers that stay on the event loop are linear and bounded', () => {
  const HEAD = 64 * 1024;
  const patterns = [
    'PK\x03\x04',
    '<',
    '/Type',
    ' ',
    '\0',
    '/Page',
    '#',
    '/J#61vaScript',
    '%PDF-',
    '\xef\xbb\xbf',
  ];
  const tiled = fc
    .tuple(
      fc.constantFrom('', '%PDF-1.7\n', 'PK\x03\x04', '\xff\xd8\xff', '<html>'),
      fc.array(fc.constantFrom(...patterns), { minLength: 1, maxLength: 6 }),
      fc.uint8Array({ maxLength: 16 }),
    )
    .map(([prefix, parts, noise]) => {
      const unit = Buffer.concat([Buffer.from(parts.join(''), 'latin1'), Buffer.from(noise)]);
      const body = Buffer.alloc(HEAD - prefix.length);
      for (let at = 0; at < body.length; at += unit.length) unit.copy(body, at);
      return Buffer.concat([Buffer.from(prefix, 'latin1'), body]);
    });

  it('detects the type of any 64 KiB head quickly (seeded)', () => {
    let slowest = 0;
    fc.assert(
      fc.property(tiled, fc.string({ maxLength: 40 }), (head, name) => {
        const started = performance.now();
        detectEvidenceType(head);
        try {
          checkEvidenceContent(head, name);
        } catch (error) {
          expect(error).toBeInstanceOf(EvidenceTypeError);
        }
        slowest = Math.max(slowest, performance.now() - started);
      }),
      { seed: 14, numRuns: runs(200) },
    );
    // Typically well under 5 ms; the bound leaves room for a loaded machine.
    expect(slowest).toBeLessThan(250);
  });

  it('counts pages and finds active content piece by piece in bounded time per piece (seeded)', () => {
    let slowestPiece = 0;
    fc.assert(
      fc.property(tiled, fc.integer({ min: 1, max: 4096 }), (head, pieceSize) => {
        const counter = new PdfPageCounter();
        const scanner = new PdfActiveContentScanner();
        // 1 MiB of the pattern, in pieces of the generated size.
        const text = head.toString('latin1');
        for (let round = 0; round < 16; round += 1) {
          for (let at = 0; at < text.length; at += pieceSize * 16) {
            const piece = text.slice(at, at + pieceSize * 16);
            const started = performance.now();
            counter.push(piece);
            scanner.push(piece);
            slowestPiece = Math.max(slowestPiece, performance.now() - started);
          }
        }
        counter.finish();
        scanner.finish();
      }),
      { seed: 14, numRuns: runs(12) },
    );
    expect(slowestPiece).toBeLessThan(250);
  }, 120_000);
});
