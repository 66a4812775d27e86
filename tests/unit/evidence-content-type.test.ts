import { describe, expect, it } from 'vitest';
import {
  checkEvidenceContent,
  cleanFilename,
  countPdfPages,
  PdfPageCounter,
  detectEvidenceType,
  EVIDENCE_TYPES,
  EvidenceTypeError,
  type EvidenceTypeId,
} from '../../server/evidence/contentType.js';

// ---------------------------------------------------------------------------
// Byte fixtures

type Part = string | number[] | Uint8Array;

/** Concatenates parts: strings as latin1 (one byte per char), arrays as bytes. */
function bytes(...parts: Part[]): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === 'string' ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p),
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** An ISO BMFF `ftyp` box followed by an empty `mdat`. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes(u32be(size), 'ftyp', major, [0, 0, 0, 0], ...compatible, u32be(8), 'mdat');
}

/** A ZIP local file header for a stored entry with the given name and data. */
function zipEntry(name: string, data = ''): Uint8Array {
  const le16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
  const le32 = (n: number): number[] => [...le16(n & 0xffff), ...le16(n >>> 16)];
  return bytes(
    [0x50, 0x4b, 0x03, 0x04],
    le16(20), // version needed
    le16(0), // flags
    le16(0), // stored
    le16(0), // time
    le16(0), // date
    le32(0), // crc (not checked)
    le32(data.length),
    le32(data.length),
    le16(name.length),
    le16(0), // extra length
    name,
    data,
  );
}

function zip(...names: string[]): Uint8Array {
  return bytes(...names.map((n) => zipEntry(n, '<x/>')));
}

const FIXTURES: Record<EvidenceTypeId, Uint8Array> = {
  pdf: bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), 'IHDR', u32be(1)),
  webp: bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ', [0x18, 0, 0, 0]),
  heic: ftyp('heic', 'mif1', 'heic'),
  mp3: bytes('ID3', [4, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64]),
  m4a: ftyp('M4A ', 'M4A ', 'mp42', 'isom'),
  wav: bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0, 1, 0, 1, 0]),
  ogg: bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0, 0, 0], 'OpusHead'),
  mp4: ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'),
  webm: bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'),
  docx: zip('[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/styles.xml'),
  xlsx: zip('[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'),
  text: utf8('劳动争议调解 — 证据说明\n2024-03-01 加班记录：共 12 小时。\n'),
};

const SAMPLE_NAMES: Record<EvidenceTypeId, string> = {
  pdf: '劳动合同.pdf',
  jpeg: '工资条.JPG',
  png: 'screenshot.png',
  webp: 'chat.webp',
  heic: 'IMG_0001.HEIC',
  mp3: '录音.mp3',
  m4a: 'voice memo.m4a',
  wav: 'call.wav',
  ogg: 'voice.opus',
  mp4: 'clip.mov',
  webm: 'meeting.webm',
  docx: '仲裁申请书.docx',
  xlsx: '考勤表.xlsx',
  text: '说明.txt',
};

const EXPECTED_MEDIA_TYPES: Record<EvidenceTypeId, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  text: 'text/plain; charset=utf-8',
};

const ALL_IDS = Object.keys(FIXTURES) as EvidenceTypeId[];

function rejection(head: Uint8Array, filename: string): EvidenceTypeError {
  try {
    checkEvidenceContent(head, filename);
  } catch (err) {
    expect(err).toBeInstanceOf(EvidenceTypeError);
    return err as EvidenceTypeError;
  }
  throw new Error(`expected ${filename} to be refused`);
}

// ---------------------------------------------------------------------------

describe('EVIDENCE_TYPES', () => {
  it('covers exactly the allow-list with lower-case extensions and the expected media types', () => {
    expect(Object.keys(EVIDENCE_TYPES).sort()).toEqual([...ALL_IDS].sort());
    const seen = new Set<string>();
    for (const id of ALL_IDS) {
      const info = EVIDENCE_TYPES[id];
      expect(info.mediaType).toBe(EXPECTED_MEDIA_TYPES[id]);
      expect(info.label).not.toBe('');
      for (const ext of info.extensions) {
        expect(ext).toMatch(/^[a-z0-9]+$/);
        expect(seen.has(ext), `extension ${ext} listed twice`).toBe(false);
        seen.add(ext);
      }
    }
  });

  it('marks only Office documents as not inline', () => {
    const notInline = ALL_IDS.filter((id) => !EVIDENCE_TYPES[id].inline).sort();
    expect(notInline).toEqual(['docx', 'xlsx']);
    expect(EVIDENCE_TYPES.pdf.kind).toBe('pdf');
    expect(EVIDENCE_TYPES.heic.kind).toBe('image');
    expect(EVIDENCE_TYPES.m4a.kind).toBe('audio');
    expect(EVIDENCE_TYPES.webm.kind).toBe('video');
    expect(EVIDENCE_TYPES.xlsx.kind).toBe('document');
    expect(EVIDENCE_TYPES.text.kind).toBe('text');
  });
});

describe('detectEvidenceType', () => {
  it.each(ALL_IDS)('detects %s from its magic bytes', (id) => {
    expect(detectEvidenceType(FIXTURES[id])).toBe(id);
    const accepted = checkEvidenceContent(FIXTURES[id], SAMPLE_NAMES[id]);
    expect(accepted).toBe(id);
    expect(EVIDENCE_TYPES[accepted].mediaType).toBe(EXPECTED_MEDIA_TYPES[id]);
  });

  it('detects an MP3 without ID3 tag from the MPEG layer III frame sync', () => {
    expect(detectEvidenceType(bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]))).toBe('mp3');
    expect(detectEvidenceType(bytes([0xff, 0xf3, 0x48, 0xc4, 0, 0, 0, 0]))).toBe('mp3');
    // ADTS AAC (layer bits 00) is not MP3.
    expect(detectEvidenceType(bytes([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0]))).toBeUndefined();
  });

  it('lets the ISO BMFF major brand decide between HEIC, M4A and MP4', () => {
    for (const brand of ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1']) {
      expect(detectEvidenceType(ftyp(brand)), brand).toBe('heic');
    }
    expect(detectEvidenceType(ftyp('M4B '))).toBe('m4a');
    for (const brand of ['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'dash', '3gp4', 'qt  ']) {
      expect(detectEvidenceType(ftyp(brand)), brand).toBe('mp4');
    }
    expect(detectEvidenceType(ftyp('mp42', 'M4A '))).toBe('mp4');
    expect(detectEvidenceType(ftyp('crx '))).toBeUndefined();
  });

  it('treats Matroska as webm and refuses other RIFF forms', () => {
    expect(detectEvidenceType(bytes([0x1a, 0x45, 0xdf, 0xa3], 'matroska'))).toBe('webm');
    expect(detectEvidenceType(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'))).toBeUndefined();
  });

  it('refuses ZIPs naming both word/ and xl/ entries, and macro projects', () => {
    expect(detectEvidenceType(zip('word/document.xml', 'xl/workbook.xml'))).toBeUndefined();
    expect(detectEvidenceType(zip('word/document.xml', 'word/vbaProject.bin'))).toBeUndefined();
  });

  it('tolerates a multi-byte UTF-8 sequence cut off at the end of the head', () => {
    const full = utf8('证据说明：工资拖欠');
    expect(detectEvidenceType(full.subarray(0, full.length - 1))).toBe('text');
    expect(detectEvidenceType(full.subarray(0, full.length - 2))).toBe('text');
  });
});

describe('checkEvidenceContent', () => {
  it('accepts UTF-8 Chinese text, with or without BOM, under any text extension', () => {
    expect(checkEvidenceContent(FIXTURES.text, '证据说明.txt')).toBe('text');
    expect(
      checkEvidenceContent(bytes([0xef, 0xbb, 0xbf], utf8('姓名,金额\n张三,5000\n')), 'a.csv'),
    ).toBe('text');
    expect(checkEvidenceContent(utf8('# 时间线\n'), 'timeline.md')).toBe('text');
  });

  it('accepts a name without extension', () => {
    expect(checkEvidenceContent(FIXTURES.pdf, '合同')).toBe('pdf');
    expect(checkEvidenceContent(FIXTURES.png, '')).toBe('png');
  });

  it('refuses a PNG named photo.pdf as name_mismatch', () => {
    const err = rejection(FIXTURES.png, 'photo.pdf');
    expect(err.reason).toBe('name_mismatch');
    expect(err.detected).toBe('png');
    expect(err.extension).toBe('pdf');
    // The extension belongs to PDF: the reason names both types (rendered in
    // the reader's language from the catalogue, tests/unit/error-reasons.test.ts).
    expect(err.owner).toBe('pdf');
    expect(err.message).toContain('.pdf');
    expect(err.message).toContain('png');
  });

  it('refuses an EXE (MZ header) named a.pdf as not_allowed', () => {
    const exe = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]);
    const err = rejection(exe, 'a.pdf');
    expect(err.reason).toBe('not_allowed');
    expect(err.message).toContain('.pdf');
  });

  it('refuses PDF bytes named a.pdf.exe as name_mismatch', () => {
    const err = rejection(FIXTURES.pdf, 'a.pdf.exe');
    expect(err.reason).toBe('name_mismatch');
    expect(err.extension).toBe('exe');
    expect(err.owner).toBeUndefined();
    expect(err.message).toContain('.exe');
  });

  it('refuses an extension of another allowed type, e.g. a WAV named call.mp3', () => {
    expect(rejection(FIXTURES.wav, 'call.mp3').reason).toBe('name_mismatch');
    expect(rejection(FIXTURES.docx, 'table.xlsx').reason).toBe('name_mismatch');
    expect(rejection(FIXTURES.text, 'notes.html').reason).toBe('name_mismatch');
  });

  it('refuses an SVG named pic.png as markup', () => {
    const svg = utf8(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const err = rejection(svg, 'pic.png');
    expect(err.reason).toBe('markup');
    expect(err.message).toMatch(/^HTML and SVG files are not accepted/);
    expect(detectEvidenceType(svg)).toBeUndefined();
  });

  it('refuses HTML in notes.txt as markup, also after a BOM and whitespace', () => {
    expect(rejection(utf8('<!DOCTYPE html><html><body>hi</body></html>'), 'notes.txt').reason).toBe(
      'markup',
    );
    expect(
      rejection(bytes([0xef, 0xbb, 0xbf], utf8('\n  <HTML><p>证据</p></HTML>')), 'notes.txt')
        .reason,
    ).toBe('markup');
    // Plain text that merely mentions a tag is still text.
    expect(checkEvidenceContent(utf8('备注：对方发来 <script> 链接'), 'notes.txt')).toBe('text');
  });

  it('refuses a ZIP without word/ or xl/ entries as not_allowed', () => {
    expect(rejection(zip('readme.txt', 'payload.exe'), 'evidence.docx').reason).toBe('not_allowed');
  });

  it('refuses zero bytes as empty', () => {
    expect(rejection(new Uint8Array(0), 'a.pdf').reason).toBe('empty');
  });

  it('refuses invalid UTF-8 and binary bytes as not_allowed', () => {
    expect(rejection(bytes('abc', [0xc3, 0x28], 'def'), 'a.txt').reason).toBe('not_allowed');
    expect(rejection(bytes([0xc0, 0xaf], 'x'), 'a.txt').reason).toBe('not_allowed');
    expect(rejection(bytes('abc', [0], 'def'), 'a.txt').reason).toBe('not_allowed');
    expect(detectEvidenceType(bytes([0xff, 0xfe], utf8('a')))).toBeUndefined();
  });
});

describe('PdfPageCounter', () => {
  it('counts the same in pieces of any size as over the whole text, /Pages straddling a piece included', () => {
    const pdf =
      '%PDF-1.7\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page/Parent 1 0 R>>\n4 0 obj << /Type /Pages >>';
    expect(countPdfPages(pdf)).toBe(2);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const counter = new PdfPageCounter();
      for (let i = 0; i < pdf.length; i += size) counter.push(pdf.slice(i, i + size));
      expect(counter.finish(), `pieces of ${size}`).toBe(2);
    }
    const endsWithPage = new PdfPageCounter();
    endsWithPage.push('<< /Type /Pa');
    endsWithPage.push('ge');
    expect(endsWithPage.finish()).toBe(1);
  });
});

describe('names with dotted dates or versions', () => {
  it('accepts a name whose last dot is followed by digits or words with spaces', () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
    expect(checkEvidenceContent(pdf, '工资条2024.03')).toBe('pdf');
    expect(checkEvidenceContent(pdf, '合同 v1.2 final')).toBe('pdf');
    expect(() => checkEvidenceContent(pdf, '合同 v1.2.exe')).toThrow(EvidenceTypeError);
  });
});

describe('cleanFilename', () => {
  it('strips path components', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\x\\证据.pdf')).toBe('证据.pdf');
    expect(cleanFilename('a/b\\c/工资条.png')).toBe('工资条.png');
  });

  it('removes NUL and control characters', () => {
    expect(cleanFilename('re\u0000port\u0007\u001b\u007f\u0085.pdf')).toBe('report.pdf');
    expect(cleanFilename('a\r\nb\t.txt')).toBe('ab.txt');
  });

  it('removes bidi overrides', () => {
    const cleaned = cleanFilename('invoice\u202Egpj.exe');
    expect(cleaned).toBe('invoicegpj.exe');
    expect(cleaned).not.toContain('\u202E');
    expect(cleanFilename('\u2066a\u2069\u202Ab\u202C.pdf')).toBe('ab.pdf');
  });

  it('cuts a 300-character name to 120 code points keeping .pdf', () => {
    const cleaned = cleanFilename(`${'证'.repeat(296)}.pdf`);
    expect(Array.from(cleaned)).toHaveLength(120);
    expect(cleaned.endsWith('.pdf')).toBe(true);
    const emoji = cleanFilename(`${'😀'.repeat(296)}.pdf`);
    expect(Array.from(emoji)).toHaveLength(120);
    expect(emoji.endsWith('😀.pdf')).toBe(true);
  });

  it('trims leading dots and whitespace; empty becomes 未命名', () => {
    expect(cleanFilename('...')).toBe('未命名');
    expect(cleanFilename('')).toBe('未命名');
    expect(cleanFilename('  ../')).toBe('未命名');
    expect(cleanFilename('  .hidden.txt  ')).toBe('hidden.txt');
  });

  it('normalises a decomposed é to NFC', () => {
    const cleaned = cleanFilename('re\u0301sume\u0301.pdf');
    expect(cleaned).toBe('r\u00e9sum\u00e9.pdf');
    expect(cleaned).toHaveLength(10);
  });
});

describe('countPdfPages', () => {
  it('counts /Type /Page objects but not /Pages', () => {
    const pdf = [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R >> endobj',
      '4 0 obj << /Type/Page/Parent 2 0 R >> endobj',
      '5 0 obj <</Parent 2 0 R /Type /Page>> endobj',
      '%%EOF',
    ].join('\n');
    expect(countPdfPages(pdf)).toBe(3);
  });

  it('returns null when only /Pages is present', () => {
    expect(countPdfPages('%PDF-1.4\n2 0 obj << /Type /Pages /Count 0 >> endobj\n')).toBeNull();
    expect(countPdfPages('')).toBeNull();
  });
});
