/**
 * The party page builds no API URL by hand: a route is named through
 * client/src/shared/request.ts, which fills the contract's path template
 * (eslint.config.js, `no-restricted-syntax`). A planted hand-built URL is
 * reported on the party page and not in the helper itself; the snippets are
 * linted in memory with the project's configuration, no file is written.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function handBuiltUrls(file: string, code: string): Promise<number[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(result, `${file} was linted`).toBeDefined();
  expect(result!.messages.filter((m) => m.ruleId === null)).toEqual([]);
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-syntax' && /hand-built API URLs/.test(m.message))
    .map((m) => m.line);
}

const planted = [
  "export const list = (): Promise<Response> => fetch('/api/cases/c1/evidence');",
  'export const one = (id: string): Promise<Response> =>',
  '  fetch(`/api/cases/${encodeURIComponent(id)}/documents`);',
  '',
].join('\n');

describe('hand-built API URLs on the party page', () => {
  it.each([
    'client/src/documents/Planted.ts',
    'client/src/call/Planted.ts',
    'client/src/Planted.ts',
  ])('are reported in %s', async (file) => {
    expect(await handBuiltUrls(file, planted)).toEqual([1, 3]);
  });

  it('are the helper’s own business: not reported in client/src/shared/request.ts', async () => {
    expect(await handBuiltUrls('client/src/shared/request.ts', planted)).toEqual([]);
  });
});
