/**
 * Evidence content types: an allow-list decided by the bytes, never by the
 * client's filename or declared Content-Type. Pure functions, no I/O.
 *
 * The uploaded name is metadata only; it is checked against the detected type
 * (so `photo.pdf` holding a PNG, or `a.pdf.exe`, is refused) and cleaned for
 * display, but never used to build a storage path.
 */

export type EvidenceKind = 'image' | 'pdf' | 'audio' | 'video' | 'document' | 'text';

export interface EvidenceTypeInfo {
  /** Exact media type to serve the stored file with. */
  readonly mediaType: string;
  /** Accepted filename extensions, lower-case, without the dot. */
  readonly extensions: readonly string[];
  /** Chinese label shown to parties. */
  readonly label: string;
  /** May be displayed in the browser (otherwise served as an attachment). */
  readonly inline: boolean;
  readonly kind: EvidenceKind;
}

export const EVIDENCE_TYPES = {
  pdf: {
    mediaType: 'application/pdf',
    extensions: ['pdf'],
    label: 'PDF 文档',
    inline: true,
    kind: 'pdf',
  },
  jpeg: {
    mediaType: 'image/jpeg',
    extensions: ['jpg', 'jpeg', 'jpe'],
    label: '图片',
    inline: true,
    kind: 'image',
  },
  png: { mediaType: 'image/png', extensions: ['png'], label: '图片', inline: true, kind: 'image' },
  webp: {
    mediaType: 'image/webp',
    extensions: ['webp'],
    label: '图片',
    inline: true,
    kind: 'image',
  },
  heic: {
    mediaType: 'image/heic',
    extensions: ['heic', 'heif'],
    label: '图片',
    inline: true,
    kind: 'image',
  },
  mp3: { mediaType: 'audio/mpeg', extensions: ['mp3'], label: '录音', inline: true, kind: 'audio' },
  m4a: { mediaType: 'audio/mp4', extensions: ['m4a'], label: '录音', inline: true, kind: 'audio' },
  wav: { mediaType: 'audio/wav', extensions: ['wav'], label: '录音', inline: true, kind: 'audio' },
  ogg: {
    mediaType: 'audio/ogg',
    extensions: ['ogg', 'oga', 'opus'],
    label: '录音',
    inline: true,
    kind: 'audio',
  },
  mp4: {
    mediaType: 'video/mp4',
    extensions: ['mp4', 'm4v', 'mov'],
    label: '录像',
    inline: true,
    kind: 'video',
  },
  webm: {
    mediaType: 'video/webm',
    extensions: ['webm', 'mkv'],
    label: '录像',
    inline: true,
    kind: 'video',
  },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word 文档',
    inline: false,
    kind: 'document',
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel 表格',
    inline: false,
    kind: 'document',
  },
  text: {
    mediaType: 'text/plain; charset=utf-8',
    extensions: ['txt', 'text', 'log', 'csv', 'md'],
    label: '文本',
    inline: true,
    kind: 'text',
  },
} as const satisfies Record<string, EvidenceTypeInfo>;

export type EvidenceTypeId = keyof typeof EVIDENCE_TYPES;

const TYPE_IDS = Object.keys(EVIDENCE_TYPES) as EvidenceTypeId[];

// ---------------------------------------------------------------------------
// Byte helpers

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    if (head[offset + i] !== bytes[i]) return false;
  }
  return true;
}

function ascii(head: Uint8Array, start: number, end: number): string {
  let out = '';
  const stop = Math.min(end, head.length);
  for (let i = start; i < stop; i++) out += String.fromCharCode(head[i] ?? 0);
  return out;
}

function bytesOf(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function readUint16LE(head: Uint8Array, offset: number): number {
  return (head[offset] ?? 0) | ((head[offset + 1] ?? 0) << 8);
}

// ---------------------------------------------------------------------------
// Signatures

const PDF = bytesOf('%PDF-');
const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const RIFF = bytesOf('RIFF');
const OGG = bytesOf('OggS');
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const ID3 = bytesOf('ID3');
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ']);
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'dash',
  '3gp4',
  '3gp5',
  '3g2a',
  'qt  ',
  'M4V ',
  'M4VH',
  'M4VP',
]);

/** ISO BMFF (`....ftyp<brand>`): the major brand decides. */
function detectIsoBmff(head: Uint8Array): EvidenceTypeId | undefined {
  if (head.length < 12 || ascii(head, 4, 8) !== 'ftyp') return undefined;
  const brand = ascii(head, 8, 12);
  if (HEIC_BRANDS.has(brand)) return 'heic';
  if (M4A_BRANDS.has(brand)) return 'm4a';
  if (MP4_BRANDS.has(brand)) return 'mp4';
  return undefined;
}

/** MPEG audio layer III frame header (an MP3 without an ID3 tag). */
function isMp3FrameSync(head: Uint8Array): boolean {
  if (head.length < 3) return false;
  const b0 = head[0] ?? 0;
  const b1 = head[1] ?? 0;
  const b2 = head[2] ?? 0;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  if ((b1 & 0x06) !== 0x02) return false; // layer III
  if ((b1 & 0x18) === 0x08) return false; // reserved MPEG version
  if ((b2 & 0xf0) === 0xf0) return false; // invalid bitrate index
  if ((b2 & 0x0c) === 0x0c) return false; // reserved sampling rate
  return true;
}

/**
 * Office Open XML: a ZIP whose local file headers (those within the head)
 * name `word/…` (docx) or `xl/…` (xlsx) entries, not both. Macro projects
 * (`vbaProject.bin`, i.e. .docm/.xlsm renamed) are not accepted.
 */
function detectOoxml(head: Uint8Array): EvidenceTypeId | undefined {
  let word = false;
  let xl = false;
  for (let i = 0; i + 30 <= head.length; i++) {
    if (!startsWith(head, ZIP_LOCAL, i)) continue;
    const nameLength = readUint16LE(head, i + 26);
    const name = ascii(head, i + 30, i + 30 + nameLength);
    if (name.startsWith('word/')) word = true;
    if (name.startsWith('xl/')) xl = true;
    if (name.toLowerCase().endsWith('vbaproject.bin')) return undefined;
    i += 29 + nameLength;
  }
  if (word && !xl) return 'docx';
  if (xl && !word) return 'xlsx';
  return undefined;
}

/**
 * Binary data bytes per the WHATWG MIME Sniffing standard: C0 controls except
 * TAB, LF, FF, CR and ESC. Includes NUL.
 */
function hasBinaryByte(head: Uint8Array): boolean {
  for (const b of head) {
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) {
      return true;
    }
  }
  return false;
}

/** Length of an incomplete UTF-8 sequence cut off at the very end of the head (0 if none). */
function truncatedTail(head: Uint8Array): number {
  const n = head.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = head[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const expected = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return expected > back ? back : 0;
  }
  return 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8Text(head: Uint8Array): boolean {
  if (head.length === 0 || hasBinaryByte(head)) return false;
  const body = head.subarray(0, head.length - truncatedTail(head));
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

const MARKUP_TOKENS = [
  '<html',
  '<svg',
  '<script',
  '<!doctype',
  '<?xml',
  '<head',
  '<body',
  '<iframe',
  '<object',
  '<embed',
  '<style',
  '<math',
  '<xsl:',
];

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * HTML/SVG/XML markup: after an optional UTF-8 BOM and ASCII whitespace the
 * content starts with `<` and the head contains a tag that a browser would
 * render or script.
 */
export function isMarkup(head: Uint8Array): boolean {
  let i = startsWith(head, UTF8_BOM) ? 3 : 0;
  while (i < head.length) {
    const b = head[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d) i++;
    else break;
  }
  if (head[i] !== 0x3c) return false;
  const text = ascii(head, i, head.length).toLowerCase();
  return MARKUP_TOKENS.some((token) => text.includes(token));
}

// ---------------------------------------------------------------------------
// Detection

/** Detect from the first bytes (callers pass up to the first 64 KiB); undefined when not on the allow-list. */
export function detectEvidenceType(head: Uint8Array): EvidenceTypeId | undefined {
  if (head.length === 0) return undefined;
  if (startsWith(head, PDF)) return 'pdf';
  if (startsWith(head, JPEG)) return 'jpeg';
  if (startsWith(head, PNG)) return 'png';
  if (startsWith(head, RIFF) && head.length >= 12) {
    const form = ascii(head, 8, 12);
    if (form === 'WEBP') return 'webp';
    if (form === 'WAVE') return 'wav';
    return undefined;
  }
  if (startsWith(head, OGG)) return 'ogg';
  if (startsWith(head, EBML)) return 'webm';
  const iso = detectIsoBmff(head);
  if (iso) return iso;
  if (startsWith(head, ID3) || isMp3FrameSync(head)) return 'mp3';
  if (startsWith(head, ZIP_LOCAL)) return detectOoxml(head);
  if (!isMarkup(head) && isUtf8Text(head)) return 'text';
  return undefined;
}

// ---------------------------------------------------------------------------
// The whole check

export type EvidenceTypeErrorReason = 'not_allowed' | 'name_mismatch' | 'empty' | 'markup';

export class EvidenceTypeError extends Error {
  readonly reason: EvidenceTypeErrorReason;
  /** The type detected from the bytes (name_mismatch only). */
  readonly detected: EvidenceTypeId | undefined;
  /** The filename's extension, lower-case without the dot, when it has one. */
  readonly extension: string | undefined;
  /** The type the extension belongs to (name_mismatch only, when it is on the allow-list). */
  readonly owner: EvidenceTypeId | undefined;

  /**
   * `message` is an English developer sentence: the service turns the refusal
   * into a reason (signaling/reasons.ts) that the clients render.
   */
  constructor(
    reason: EvidenceTypeErrorReason,
    message: string,
    details: { detected?: EvidenceTypeId; extension?: string; owner?: EvidenceTypeId } = {},
  ) {
    super(message);
    this.name = 'EvidenceTypeError';
    this.reason = reason;
    this.detected = details.detected;
    this.extension = details.extension;
    this.owner = details.owner;
  }
}

const ACCEPTED =
  'PDF, images (JPEG/PNG/WebP/HEIC), audio (MP3/M4A/WAV/OGG), video (MP4/WebM), Word, Excel and plain text';

/**
 * Extension of a filename (lower-case, no dot), '' when it has none. A suffix
 * of digits or with spaces is part of the name, not an extension: people name
 * files '工资条2024.03' or '合同 v1.2 final'.
 */
function extensionOf(filename: string): string {
  const base = sanitizeFilename(filename);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  const ext = base.slice(dot + 1).toLowerCase();
  return /^\d+$/.test(ext) || /\s/.test(ext) ? '' : ext;
}

/**
 * The whole check: empty → 'empty'; HTML/SVG/XML markup → 'markup'; unknown
 * content → 'not_allowed'; a filename extension that belongs to another type
 * or is not on the allow-list at all → 'name_mismatch'. A name without an
 * extension is accepted. Returns the detected type id.
 */
export function checkEvidenceContent(head: Uint8Array, filename: string): EvidenceTypeId {
  const ext = extensionOf(filename);
  const extDetails = ext ? { extension: ext } : {};
  if (head.length === 0) {
    throw new EvidenceTypeError('empty', 'The file is empty', extDetails);
  }
  if (isMarkup(head)) {
    throw new EvidenceTypeError(
      'markup',
      'HTML and SVG files are not accepted; convert them to PDF or an image',
      extDetails,
    );
  }
  const detected = detectEvidenceType(head);
  if (!detected) {
    throw new EvidenceTypeError(
      'not_allowed',
      `This file type${ext ? ` (.${ext})` : ''} is not accepted; accepted are ${ACCEPTED}`,
      extDetails,
    );
  }
  if (ext && !(EVIDENCE_TYPES[detected].extensions as readonly string[]).includes(ext)) {
    const owner = TYPE_IDS.find((id) =>
      (EVIDENCE_TYPES[id].extensions as readonly string[]).includes(ext),
    );
    throw new EvidenceTypeError(
      'name_mismatch',
      `The content is ${detected} but the file name ends in .${ext}` +
        `${owner ? ` (used for ${owner})` : ' (not accepted)'}; correct the file name and upload again`,
      { detected, extension: ext, ...(owner ? { owner } : {}) },
    );
  }
  return detected;
}

// ---------------------------------------------------------------------------
// Filenames

const MAX_NAME_CODE_POINTS = 120;
/** Longest extension (dot included) kept intact when a name is truncated. */
const MAX_KEPT_EXTENSION = 16;

/**
 * C0/C1 controls (incl. NUL and DEL), bidi embeddings/overrides/isolates and
 * marks, line/paragraph separators and the BOM.
 */
function isInvisible(codePoint: number): boolean {
  return (
    codePoint <= 0x1f ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069) ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    codePoint === 0x061c ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0xfeff
  );
}

/** Everything cleanFilename does except the length limit. */
function sanitizeFilename(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = Array.from(name)
    .filter((c) => !isInvisible(c.codePointAt(0) ?? 0))
    .join('')
    .normalize('NFC');
  return name.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

/**
 * The client's filename as metadata only: NFC, path components stripped,
 * control and bidi characters removed, leading dots and surrounding whitespace
 * (and trailing dots) trimmed, at most 120 code points keeping the extension;
 * empty → '未命名'. Never used to build a path.
 */
export function cleanFilename(raw: string): string {
  let name = sanitizeFilename(raw);
  const chars = Array.from(name);
  if (chars.length > MAX_NAME_CODE_POINTS) {
    const dot = chars.lastIndexOf('.');
    const extLength = dot > 0 ? chars.length - dot : 0;
    if (extLength > 0 && extLength <= MAX_KEPT_EXTENSION) {
      const stem = chars
        .slice(0, MAX_NAME_CODE_POINTS - extLength)
        .join('')
        .replace(/[\s.]+$/u, '');
      name = stem + chars.slice(dot).join('');
    } else {
      name = chars
        .slice(0, MAX_NAME_CODE_POINTS)
        .join('')
        .replace(/[\s.]+$/u, '');
    }
  }
  return name === '' ? '未命名' : name;
}

// ---------------------------------------------------------------------------
// PDF

/**
 * Counts `/Type /Page` objects (not `/Pages`) in a PDF read as a latin1
 * string; null when there are none.
 */
export function countPdfPages(latin1: string): number | null {
  const counter = new PdfPageCounter();
  counter.push(latin1);
  return counter.finish();
}

/**
 * Counts page objects over a PDF fed in pieces (latin1), so a file is never
 * held whole. A name ends at whitespace (incl. NUL) or a delimiter:
 * ( ) < > [ ] { } / %; a match at the very end of a piece waits for the next
 * piece, which may turn `/Page` into `/Pages`.
 */
export class PdfPageCounter {
  static readonly #pattern = /\/Type[\s\0]*\/Page(?=[\s\0()<>[\]{}/%]|$)/g;
  #count = 0;
  #carry = '';

  push(latin1: string): void {
    const text = this.#carry + latin1;
    let keepFrom = Math.max(0, text.length - 64);
    for (const m of text.matchAll(PdfPageCounter.#pattern)) {
      const end = m.index + m[0].length;
      if (end === text.length) {
        keepFrom = Math.min(keepFrom, m.index);
        continue;
      }
      // Matches ending before the carried tail's last character were decided with the
      // previous piece; one ending on it was deferred then and is decided now.
      if (end >= this.#carry.length) this.#count += 1;
    }
    this.#carry = text.slice(keepFrom);
  }

  finish(): number | null {
    for (const _ of this.#carry.matchAll(PdfPageCounter.#pattern)) {
      // Only a match ending the file is still uncounted.
      if (_.index + _[0].length === this.#carry.length) this.#count += 1;
    }
    this.#carry = '';
    return this.#count > 0 ? this.#count : null;
  }
}

/**
 * PDF names for content that runs code, acts by itself or carries files:
 * scripts, automatic actions, launching programs, embedded files, Flash/3D
 * media, XFA forms, form submission. `/OpenAction` is named only next to one
 * of these (on its own it usually just opens page 1).
 */
export const PDF_ACTIVE_NAMES = [
  'JavaScript',
  'JS',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'RichMedia',
  'XFA',
  'SubmitForm',
  'ImportData',
] as const;
const ACTIVE = new Set<string>(PDF_ACTIVE_NAMES);

/**
 * Finds active-content names in a PDF fed in pieces (latin1), decoding `#xx`
 * escapes (`/J#61vaScript` is `/JavaScript`). One left-to-right pass with a
 * fixed 256-character carry: linear in the file, bounded work per piece.
 * Names inside compressed object streams are not seen: this is a notice on
 * the receipt; what protects viewers is that evidence is served sandboxed.
 */
export class PdfActiveContentScanner {
  // Alternatives are disjoint (a regular character, or # and two hex digits): no backtracking.
  static readonly #name = /\/((?:[^\s\0()<>[\]{}/%#]|#[0-9A-Fa-f]{2})+)/g;
  static readonly #carryLength = 256;
  readonly #found = new Set<string>();
  #openAction = false;
  #carry = '';

  push(latin1: string): void {
    const text = this.#carry + latin1;
    this.#scan(text, false);
    this.#carry = text.slice(-PdfActiveContentScanner.#carryLength);
  }

  /** The names found, sorted; empty when none. */
  finish(): string[] {
    this.#scan(this.#carry, true);
    this.#carry = '';
    const found = [...this.#found];
    if (found.length === 0) return [];
    if (this.#openAction) found.push('OpenAction');
    return found.sort();
  }

  #scan(text: string, atEnd: boolean): void {
    for (const m of text.matchAll(PdfActiveContentScanner.#name)) {
      // A name running to the end of a piece may go on in the next: decided with it.
      if (!atEnd && m.index + m[0].length === text.length) continue;
      const raw = m[1] ?? '';
      const name = raw.includes('#')
        ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) =>
            String.fromCharCode(parseInt(hex, 16)),
          )
        : raw;
      if (ACTIVE.has(name)) this.#found.add(name);
      else if (name === 'OpenAction') this.#openAction = true;
    }
  }
}
