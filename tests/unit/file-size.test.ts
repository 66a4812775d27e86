/**
 * No source file in server/ or client/src/ grows past 600 lines unless its
 * header says why (issue 17, "done when"): a file over the limit must carry
 * the word `Size:` in its first 15 lines, followed by the reason — data that
 * reads top to bottom, or a split that is pending and where. The checker is
 * first tried on planted files in memory (one over the limit without a
 * reason is reported; with a reason, or at the limit, it is not), then run
 * on the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIMIT = 600;
const HEADER_LINES = 15;
const SCANNED = ['server', 'client/src'];
const EXTENSIONS = ['.ts', '.vue'];

interface SourceFile {
  path: string;
  text: string;
}

/** Line count as `wc -l` gives it (a final newline ends the last line). */
function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

/** A `Size:` reason in the header: the word followed by words (not just the comment's end). */
function sizeReason(text: string): string | undefined {
  const header = text.split('\n').slice(0, HEADER_LINES).join('\n');
  return /Size:\s*([\p{L}\p{N}].*)/u.exec(header)?.[1];
}

/** Files over the limit without a reason in their header, with their length. */
function oversizedWithoutReason(files: readonly SourceFile[]): string[] {
  return files
    .filter((f) => lineCount(f.text) > LIMIT && sizeReason(f.text) === undefined)
    .map((f) => `${f.path} (${lineCount(f.text)} lines)`);
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (EXTENSIONS.some((e) => entry.name.endsWith(e)))
      out.push({ path: rel, text: readFileSync(path.join(root, rel), 'utf8') });
  }
  return out;
}

const lines = (n: number, header = '/** A module. */'): string =>
  [header, ...Array.from({ length: n - 1 }, (_, i) => `export const x${i} = ${i};`)].join('\n') +
  '\n';

describe('file size: at most 600 lines unless the header gives a reason', () => {
  it('reports a planted file over the limit without a reason, and nothing else', () => {
    const planted = [
      { path: 'server/big.ts', text: lines(LIMIT + 1) },
      { path: 'server/atLimit.ts', text: lines(LIMIT) },
      {
        path: 'server/data.ts',
        text: lines(LIMIT + 200, '/** Size: data, one entry per kind, read top to bottom. */'),
      },
      // The word alone is not a reason.
      { path: 'server/empty.ts', text: lines(LIMIT + 1, '/** Size: */') },
      // A reason below the header does not count.
      {
        path: 'server/late.ts',
        text: lines(20) + '/** Size: too late to count. */\n' + lines(LIMIT),
      },
    ];
    expect(oversizedWithoutReason(planted)).toEqual([
      'server/big.ts (601 lines)',
      'server/empty.ts (601 lines)',
      `server/late.ts (${20 + 1 + LIMIT} lines)`,
    ]);
  });

  it('holds for every source file in server/ and client/src/', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(d));
    expect(files.length).toBeGreaterThan(100);
    expect(oversizedWithoutReason(files)).toEqual([]);
  });
});
