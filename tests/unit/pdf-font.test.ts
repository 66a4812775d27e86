/**
 * The renderer reads the CJK font collection once and keeps its bytes: pdfkit, handed a
 * path, would read all 19 MB synchronously at every render (blocking the event loop).
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CJK_FONT_FILE,
  PdfRenderer,
  type DocumentLayout,
} from '../../server/documents/PdfRenderer.js';

const layout: DocumentLayout = {
  title: '调解协议书',
  subtitle: '（2026）沪劳调字第 1 号',
  blocks: [{ type: 'paragraph', text: '申请人与被申请人自愿达成如下协议。' }],
  footer: '上海市劳动人事争议调解',
};
const at = new Date('2026-12-05T08:00:00Z');

describe('PdfRenderer font', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('renders from the kept bytes once the font file has gone, the same PDF as before', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-font-'));
    const font = path.join(dir, 'font.ttc');
    copyFileSync(DEFAULT_CJK_FONT_FILE, font);
    const renderer = PdfRenderer.open(font);
    const first = await renderer.render(layout, at);
    rmSync(font);
    const second = await renderer.render(layout, at);
    expect(second.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(second.equals(first)).toBe(true);
  });

  it('refuses a render while the font cannot be read, and reads it again once it is back', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-font-'));
    const font = path.join(dir, 'font.ttc');
    copyFileSync(DEFAULT_CJK_FONT_FILE, font);
    const renderer = PdfRenderer.open(font);
    renameSync(font, `${font}.away`);
    await expect(renderer.render(layout, at)).rejects.toThrow(/ENOENT/);
    renameSync(`${font}.away`, font);
    const pdf = await renderer.render(layout, at);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
