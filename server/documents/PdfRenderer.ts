/**
 * Renders a document layout to PDF bytes with pdfkit and an embedded subset
 * of the Noto Sans CJK font from Debian's `fonts-noto-cjk`. Output is a pure
 * function of the layout and its time: creation/modification dates come from
 * the issue time (and pdfkit derives the file ID from them), so the same
 * input always gives the same bytes and the same SHA-256.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type PdfKitDocument from 'pdfkit';

/**
 * pdfkit and its font engine take a fifth of a second to load: loaded at the first
 * render, not by every process that imports the service (the CLI, test files, nodes).
 */
let pdfkit: Promise<typeof PdfKitDocument> | undefined;
function loadPdfkit(): Promise<typeof PdfKitDocument> {
  pdfkit ??= import('pdfkit').then((m) => m.default);
  return pdfkit;
}

export const DEFAULT_CJK_FONT_FILE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
/** The face inside the TTC collection: Simplified Chinese. */
export const CJK_FONT_NAME = 'NotoSansCJKsc-Regular';

export type LayoutBlock =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: readonly (readonly [string, string])[] }
  | { type: 'list'; items: readonly string[] }
  | {
      type: 'signatures';
      /** `image`: a PNG this service encoded (see untrusted/signatureImage.ts), never a client's bytes. */
      entries: readonly { label: string; name: string; at: string | null; image: Buffer | null }[];
    }
  | { type: 'seal'; organisation: string; caption: string }
  | { type: 'table'; header: readonly string[]; rows: readonly (readonly string[])[] };

export interface DocumentLayout {
  title: string;
  /** Small line under the title, e.g. the case number. */
  subtitle?: string;
  blocks: readonly LayoutBlock[];
  /** Printed at the bottom of every page. */
  footer?: string;
}

/** The CJK font is missing: the service cannot produce documents. */
export class FontMissingError extends Error {
  constructor(file: string) {
    super(
      `The CJK font ${file} is missing; install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk)`,
    );
    this.name = 'FontMissingError';
  }
}

const MARGIN = 56;
const FONT = 'cjk';

export class PdfRenderer {
  readonly fontFile: string;
  /**
   * The font's bytes, read once (asynchronously) and kept: handed a path, pdfkit reads the
   * 19 MB collection with readFileSync at every render, blocking the event loop (and every
   * call's signalling) for that read and allocating 19 MB each time.
   */
  #fontBytes: Promise<Buffer> | undefined;

  private constructor(fontFile: string) {
    this.fontFile = fontFile;
  }

  /** Checks the font at start, so a missing package fails the service loudly rather than the first issue. */
  static open(fontFile: string = DEFAULT_CJK_FONT_FILE): PdfRenderer {
    if (!existsSync(fontFile)) throw new FontMissingError(fontFile);
    return new PdfRenderer(fontFile);
  }

  #font(): Promise<Buffer> {
    this.#fontBytes ??= readFile(this.fontFile).catch((error: unknown) => {
      this.#fontBytes = undefined; // read again next time
      throw error;
    });
    return this.#fontBytes;
  }

  async render(layout: DocumentLayout, at: Date): Promise<Buffer> {
    const [PDFDocument, fontBytes] = await Promise.all([loadPdfkit(), this.#font()]);
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      pdfVersion: '1.7',
      info: {
        Title: layout.title,
        Creator: 'mediation-conference',
        Producer: 'mediation-conference',
        CreationDate: at,
        ModDate: at,
      },
    });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.registerFont(FONT, fontBytes, CJK_FONT_NAME);
    doc.font(FONT);
    doc.fontSize(20).text(layout.title, { align: 'center' });
    if (layout.subtitle)
      doc.moveDown(0.3).fontSize(10.5).text(layout.subtitle, { align: 'center' });
    doc.moveDown(1);
    for (const block of layout.blocks) drawBlock(doc, block);
    if (layout.footer) {
      const range = doc.bufferedPageRange();
      for (let i = range.start; i < range.start + range.count; i += 1) {
        doc.switchToPage(i);
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0;
        doc
          .fontSize(7.5)
          .fillColor('#555555')
          .text(
            `${layout.footer}  第 ${i + 1} 页 / 共 ${range.count} 页`,
            MARGIN,
            doc.page.height - 36,
            { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false },
          )
          .fillColor('black');
        doc.page.margins.bottom = bottom;
      }
    }
    doc.end();
    return done;
  }
}

function drawBlock(doc: PDFKit.PDFDocument, block: LayoutBlock): void {
  const width = doc.page.width - 2 * MARGIN;
  switch (block.type) {
    case 'heading':
      doc.moveDown(0.4).fontSize(13).text(block.text, MARGIN, undefined, { width });
      doc.moveDown(0.2);
      return;
    case 'paragraph':
      doc.fontSize(11).text(block.text, MARGIN, undefined, { width, lineGap: 3, indent: 22 });
      doc.moveDown(0.4);
      return;
    case 'fields':
      for (const [label, value] of block.rows) {
        doc
          .fontSize(11)
          .text(`${label}：`, MARGIN, undefined, { continued: true, width, lineGap: 3 })
          .text(value || '—', { lineGap: 3 });
      }
      doc.moveDown(0.4);
      return;
    case 'list':
      block.items.forEach((item, i) => {
        doc.fontSize(11).text(`${i + 1}. ${item}`, MARGIN + 12, undefined, {
          width: width - 12,
          lineGap: 3,
        });
      });
      doc.moveDown(0.4);
      return;
    case 'table': {
      doc.fontSize(9.5).text(block.header.join(' ｜ '), MARGIN, undefined, { width });
      for (const row of block.rows)
        doc.fontSize(9.5).text(row.join(' ｜ '), MARGIN, undefined, { width, lineGap: 2 });
      doc.moveDown(0.4);
      return;
    }
    case 'signatures':
      for (const e of block.entries) {
        if (doc.y > doc.page.height - MARGIN - 90) doc.addPage();
        const top = doc.y;
        doc
          .fontSize(11)
          .text(`${e.label}：${e.name}`, MARGIN, top, { width: width / 2 })
          .fontSize(9)
          .text(e.at ? `签署时间：${e.at}` : '（未签署）', MARGIN, undefined, { width: width / 2 });
        if (e.image) doc.image(e.image, MARGIN + width / 2, top, { fit: [160, 56] });
        doc.y = Math.max(doc.y, top + 60);
        doc.x = MARGIN;
      }
      doc.moveDown(0.4);
      return;
    case 'seal': {
      if (doc.y > doc.page.height - MARGIN - 150) doc.addPage();
      const cx = MARGIN + width - 80;
      const cy = doc.y + 70;
      doc.save().lineWidth(3).strokeColor('#c8102e').circle(cx, cy, 60).stroke();
      doc
        .fillColor('#c8102e')
        .fontSize(22)
        .text('★', cx - 12, cy - 16, { width: 24, align: 'center', lineBreak: false });
      doc
        .fontSize(9)
        .text(block.organisation, cx - 52, cy - 44, { width: 104, align: 'center' })
        .text('调解专用章', cx - 52, cy + 14, { width: 104, align: 'center' });
      doc.restore().fillColor('black');
      doc.fontSize(9).text(block.caption, MARGIN, cy - 10, { width: width - 160 });
      doc.y = cy + 70;
      doc.x = MARGIN;
      return;
    }
  }
}
