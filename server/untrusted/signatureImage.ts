/**
 * A party's drawn signature: PNG bytes from the browser, untrusted. They are
 * checked for size and declared dimensions on the spot, decoded by pngjs (a
 * decoder written for untrusted input) in a worker with a time limit, and
 * re-encoded as a canonical PNG: 8-bit RGBA, no ancillary chunks, encoded by
 * this service. Only that PNG is stored, hashed and placed in the sealed
 * agreement, so pdfkit's PNG reader (which loops forever on many malformed
 * files) only ever reads PNGs the service wrote itself, and the same drawing
 * always gives the same bytes.
 */
import type * as Pngjs from 'pngjs';
// One limit: the signing route's schema refuses larger bodies before they get here.
import { MAX_SIGNATURE_IMAGE_BYTES } from '../documents/schemas.js';
import { UntrustedInputError, untrustedWorkers, type UntrustedTask } from './UntrustedWorkers.js';
import type { UntrustedWorkers } from './UntrustedWorkers.js';

/** A signature pad is at most a phone or desktop width at 2× pixel ratio. */
export const MAX_SIGNATURE_WIDTH = 2400;
export const MAX_SIGNATURE_HEIGHT = 1200;
/** Decoding a PNG of this size takes milliseconds; more means the decoder is stuck. */
export const SIGNATURE_PARSE_TIMEOUT_MS = 2_000;

const TASK = { en: 'signature image', unreadable: 'SIGNATURE_IMAGE_UNREADABLE' } as const;
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

export interface CanonicalSignature {
  /** The re-encoded PNG: the only form stored and rendered. */
  png: Buffer;
  width: number;
  height: number;
}

/**
 * What can be read without decoding: the PNG signature and the IHDR chunk
 * (first, 13 bytes: width, height, depth, colour type, interlace). Refuses
 * huge declared dimensions before any pixel memory is asked for, and
 * interlaced images (a canvas never writes them, and pngjs inflates those
 * without an output bound).
 */
export function signatureShape(bytes: Uint8Array): { width: number; height: number } {
  const refuse = (detail: string): never => {
    throw new UntrustedInputError(TASK, 'malformed', detail);
  };
  if (bytes.length > MAX_SIGNATURE_IMAGE_BYTES)
    throw new UntrustedInputError(
      TASK,
      'too_large',
      `${bytes.length} bytes exceed the ${MAX_SIGNATURE_IMAGE_BYTES}-byte limit`,
    );
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 8 + 25 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) refuse('not a PNG image');
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR')
    refuse('the PNG does not start with its header chunk');
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  if (width < 1 || height < 1 || width > MAX_SIGNATURE_WIDTH || height > MAX_SIGNATURE_HEIGHT)
    refuse(
      `${width}×${height} pixels; at most ${MAX_SIGNATURE_WIDTH}×${MAX_SIGNATURE_HEIGHT} accepted`,
    );
  if (b[28] !== 0) refuse('interlaced PNGs are not accepted');
  return { width, height };
}

/** Runs in a worker: decode with pngjs, re-encode as 8-bit RGBA. Self-contained (see UntrustedWorkers). */
function canonicalise(input: Uint8Array, load: (module: string) => unknown): Uint8Array {
  const { PNG } = load('pngjs') as typeof Pngjs;
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const decoded = PNG.sync.read(bytes, { checkCRC: true });
  return PNG.sync.write(
    { width: decoded.width, height: decoded.height, data: decoded.data } as Pngjs.PNG,
    {
      colorType: 6,
      inputColorType: 6,
      bitDepth: 8,
      inputHasAlpha: true,
      deflateLevel: 9,
      filterType: 4,
    },
  );
}

export const signatureImageTask: UntrustedTask<Uint8Array, Uint8Array> = {
  name: TASK,
  timeoutMs: SIGNATURE_PARSE_TIMEOUT_MS,
  maxInputBytes: MAX_SIGNATURE_IMAGE_BYTES,
  sizeOf: (input) => input.byteLength,
  modules: ['pngjs'],
  run: canonicalise,
};

/**
 * The canonical PNG of a drawn signature, or an {@link UntrustedInputError}
 * (400) saying why not.
 */
export async function canonicalSignature(
  bytes: Uint8Array,
  workers: UntrustedWorkers = untrustedWorkers,
): Promise<CanonicalSignature> {
  const { width, height } = signatureShape(bytes);
  const png = Buffer.from(await workers.run(signatureImageTask, bytes));
  // What the service wrote must be what it checked: its own header, the same size.
  if (
    !png.subarray(0, 8).equals(PNG_SIGNATURE) ||
    png.readUInt32BE(16) !== width ||
    png.readUInt32BE(20) !== height
  )
    throw new UntrustedInputError(TASK, 'malformed', 'the decoded size differs from the header');
  return { png, width, height };
}
