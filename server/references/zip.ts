/**
 * A deterministic ZIP archive of stored (uncompressed) entries, and a strict
 * reader for it. Bundles for courts hold PDFs, images and signed JSON that do
 * not compress further; storing them makes the archive a pure function of
 * its entries (fixed times, no extra fields, UTF-8 names), so a verifier can
 * rebuild it from what it read and require the very same bytes: any byte
 * changed anywhere — contents, names, headers, directory — fails. Pure: no I/O.
 *
 * Hand-written on purpose (issue 17 weighed yazl): every archive already issued
 * is verified by rebuilding it with this writer, and yazl cannot write those
 * bytes. Set to stored entries, a fixed DOS time and mode 0 it matches the
 * local headers and data, but it hard-codes "version made by" 0x033f (Unix,
 * spec 6.3) in each central-directory record where issued archives carry
 * 0x0014, so they would no longer verify. Comparing entries instead of bytes
 * would need a reader that checks every header field — this same code again.
 * tests/unit/bundle.test.ts shows the difference.
 */
import zlib from 'node:zlib';

/** One entry: a forward-slash path inside the archive and its bytes. */
export interface ZipEntry {
  path: string;
  bytes: Buffer;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const UTF8_NAMES = 0x0800;
/** 1980-01-01 00:00 in DOS time: the archive carries no clock of its own. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const MAX_ZIP32 = 0xfffffffe;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (ISO-HDLC): zlib's where Node has it (20.15+), else crc32Portable. `initial`: the
 * CRC of the bytes before these (0 for none), so a file in parts is checked part by part.
 */
export function crc32(bytes: Uint8Array, initial = 0): number {
  return typeof zlib.crc32 === 'function'
    ? zlib.crc32(bytes, initial) >>> 0
    : crc32Portable(bytes, initial);
}

/** The same CRC-32 as a table-driven loop, for Node versions without zlib.crc32. */
export function crc32Portable(bytes: Uint8Array, initial = 0): number {
  let c = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A path a ZIP entry may have: relative, no `..`, no backslashes or control characters. */
export function safeEntryPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length <= 400 &&
    !p.startsWith('/') &&
    ![...p].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20) &&
    p.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

export function writeZip(entries: readonly ZipEntry[]): Buffer {
  return Buffer.concat(writeZipParts(entries));
}

/** An entry to write: its bytes whole, or the buffers they are made of, in order. */
export interface ZipInput {
  path: string;
  bytes: Buffer | readonly Buffer[];
}

/**
 * writeZip's archive as the buffers it is made of, in order: the entries' own bytes are
 * parts of it, not copied (an export writes and hashes them where they lie).
 */
export function writeZipParts(entries: readonly ZipInput[]): Buffer[] {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!safeEntryPath(entry.path)) throw new RangeError(`writeZip: unsafe path ${entry.path}`);
    if (seen.has(entry.path)) throw new RangeError(`writeZip: duplicate path ${entry.path}`);
    seen.add(entry.path);
    const name = Buffer.from(entry.path, 'utf8');
    const pieces = Buffer.isBuffer(entry.bytes) ? [entry.bytes] : entry.bytes;
    const size = pieces.reduce((n, p) => n + p.length, 0);
    if (size > MAX_ZIP32 || offset > MAX_ZIP32) throw new RangeError('writeZip: over 4 GB');
    const crc = pieces.reduce((c, p) => crc32(p, c), 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(CENTRAL, 0);
    record.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(UTF8_NAMES, 8);
    record.writeUInt16LE(0, 10);
    record.writeUInt16LE(DOS_TIME, 12);
    record.writeUInt16LE(DOS_DATE, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(size, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    parts.push(local, name, ...pieces);
    offset += local.length + name.length + size;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  parts.push(directory, end);
  return parts;
}

export class ZipFormatError extends Error {}

/**
 * Reads an archive written by writeZip, refusing anything else: stored
 * entries only, CRCs checked, and the archive must be exactly what writeZip
 * makes of the entries read (so no byte is unaccounted for).
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const fail = (why: string): never => {
    throw new ZipFormatError(why);
  };
  if (zip.length < 22) fail('not a ZIP archive (too short)');
  const endAt = zip.length - 22;
  if (zip.readUInt32LE(endAt) !== END) fail('not a ZIP archive written by this service');
  const count = zip.readUInt16LE(endAt + 10);
  const dirSize = zip.readUInt32LE(endAt + 12);
  const dirAt = zip.readUInt32LE(endAt + 16);
  if (dirAt + dirSize !== endAt) fail('the central directory is not where it should be');
  const entries: ZipEntry[] = [];
  let p = dirAt;
  for (let i = 0; i < count; i++) {
    if (p + 46 > endAt || zip.readUInt32LE(p) !== CENTRAL) fail(`directory record ${i} is broken`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const localAt = zip.readUInt32LE(p + 42);
    const path = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    if (method !== 0) fail(`${path}: compressed entries are not accepted`);
    if (!safeEntryPath(path)) fail(`unsafe entry path ${JSON.stringify(path)}`);
    const dataAt = localAt + 30 + nameLength;
    if (localAt + 30 > dirAt || dataAt + size > dirAt || zip.readUInt32LE(localAt) !== LOCAL) {
      fail(`${path}: its local header is broken`);
    }
    // A view, not a copy: the caller gets the archive's own bytes (no 2nd copy of a large bundle).
    const bytes = zip.subarray(dataAt, dataAt + size);
    if (crc32(bytes) !== crc) fail(`${path}: its bytes do not match their CRC (altered)`);
    entries.push({ path, bytes });
    p += 46 + nameLength;
  }
  let rebuilt: Buffer;
  try {
    rebuilt = writeZip(entries);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!rebuilt.equals(zip)) {
    let at = 0;
    while (at < zip.length && rebuilt[at] === zip[at]) at++;
    fail(`the archive differs from its entries at byte ${at} (altered)`);
  }
  return entries;
}
