/**
 * The import boundaries of eslint.config.js (`no-restricted-imports`, per
 * folder) catch what they are meant to: for each boundary a planted import
 * in a folder that must not have it is reported, and the same import where
 * it belongs is not. The snippets are linted in memory with the project's
 * own configuration; no file is written.
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

/** The boundary messages ESLint reports for `code` as if it were the file at `file`. */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(result, `${file} was linted`).toBeDefined();
  // A file the configuration ignores would pass every rule: make sure it was linted.
  expect(result!.messages.filter((m) => m.ruleId === null)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: {
  boundary: string;
  code: string;
  refusedIn: string;
  allowedIn: string;
}[] = [
  {
    boundary: 'better-sqlite3 only in server/db/',
    code: "import Database from 'better-sqlite3';\nexport const open = Database;\n",
    refusedIn: 'server/references/Planted.ts',
    allowedIn: 'server/db/Planted.ts',
  },
  {
    boundary: 'the SQLite driver stays in server/db/, even for the CLI tools',
    code: "import Database from 'better-sqlite3';\nexport const open = Database;\n",
    refusedIn: 'server/cli/Planted.ts',
    allowedIn: 'server/db/nested/Planted.ts',
  },
  {
    boundary: 'the S3 SDK only in server/storage/, behind the BlobStore port',
    code: "import { S3Client } from '@aws-sdk/client-s3';\nexport const planted = S3Client;\n",
    refusedIn: 'server/evidence/Planted.ts',
    allowedIn: 'server/storage/Planted.ts',
  },
  {
    boundary: 'the S3 SDK stays out of the composition root too',
    code: "import { S3Client } from '@aws-sdk/client-s3';\nexport const planted = S3Client;\n",
    refusedIn: 'server/MediationServer.ts',
    allowedIn: 'server/storage/nested/Planted.ts',
  },
  {
    boundary: 'Redis only in server/cluster/, behind its ports',
    code: "import { Redis } from 'ioredis';\nexport const planted = Redis;\n",
    refusedIn: 'server/socket/Planted.ts',
    allowedIn: 'server/cluster/Planted.ts',
  },
  {
    boundary: 'the Socket.IO Redis adapter stays out of the composition root',
    code: "import { createAdapter } from '@socket.io/redis-adapter';\nexport const planted = createAdapter;\n",
    refusedIn: 'server/MediationServer.ts',
    allowedIn: 'server/cluster/nested/Planted.ts',
  },
  {
    boundary: 'pg only in server/db/',
    code: "import pg from 'pg';\nexport const Pool = pg.Pool;\n",
    refusedIn: 'server/cases/Planted.ts',
    allowedIn: 'server/db/sql/Planted.ts',
  },
  {
    boundary: 'server/db/ only in server/db/ and the composition root',
    code: "import type { SqliteDatabase } from '../db/SqliteDatabase.js';\nexport type Planted = SqliteDatabase;\n",
    refusedIn: 'server/cases/Planted.ts',
    allowedIn: 'server/cli/Planted.ts',
  },
  {
    boundary: 'server/db/ from the composition root',
    code: "import { SqliteDatabase } from './db/SqliteDatabase.js';\nexport const open = SqliteDatabase.open;\n",
    refusedIn: 'server/Planted.ts',
    allowedIn: 'server/MediationServer.ts',
  },
  {
    boundary: 'mediasoup only in server/media/ and server/recordingService/',
    code: "import type { Router } from 'mediasoup/node/lib/types.js';\nexport type Planted = Router;\n",
    refusedIn: 'server/cases/Planted.ts',
    allowedIn: 'server/recordingService/Planted.ts',
  },
  {
    boundary: 'the mediasoup package itself',
    code: "import * as mediasoup from 'mediasoup';\nexport const create = mediasoup.createWorker;\n",
    refusedIn: 'server/http/Planted.ts',
    allowedIn: 'server/media/Planted.ts',
  },
  {
    boundary: 'Express only in server/http/',
    code: "import express from 'express';\nexport const app = express();\n",
    refusedIn: 'server/documents/Planted.ts',
    allowedIn: 'server/http/api/Planted.ts',
  },
  {
    boundary: 'Socket.IO only in server/socket/',
    code: "import type { Socket } from 'socket.io';\nexport type Planted = Socket;\n",
    refusedIn: 'server/media/Planted.ts',
    allowedIn: 'server/socket/Planted.ts',
  },
  {
    boundary: 'the client never imports server/',
    code: "import type { MediationCase } from '../../server/cases/model.js';\nexport type Planted = MediationCase;\n",
    refusedIn: 'client/src/Planted.ts',
    // The same import is the server's own business.
    allowedIn: 'server/cases/nested/Planted.ts',
  },
];

describe('import boundaries (eslint.config.js)', () => {
  for (const c of cases) {
    it(`${c.boundary}: refused in ${c.refusedIn}, allowed in ${c.allowedIn}`, async () => {
      expect(await boundaryMessages(c.refusedIn, c.code)).toHaveLength(1);
      expect(await boundaryMessages(c.allowedIn, c.code)).toEqual([]);
    }, 60_000);
  }

  it('the browser side keeps its own clients and the shared contract', async () => {
    const code = [
      "import { Device } from 'mediasoup-client';",
      "import { io } from 'socket.io-client';",
      "import type { ChatMessage } from '../../signaling/index.js';",
      'export const planted = { Device, io };',
      'export type Planted = ChatMessage;',
      '',
    ].join('\n');
    expect(await boundaryMessages('client/src/Planted.ts', code)).toEqual([]);
  }, 60_000);

  it('a single-file component of the client never imports server/ either', async () => {
    const code = [
      '<script setup lang="ts">',
      "import type { MediationCase } from '../../../server/cases/model.js';",
      'defineProps<{ planted: MediationCase }>();',
      '</script>',
      '',
      '<template><p>{{ planted.id }}</p></template>',
      '',
    ].join('\n');
    expect(await boundaryMessages('client/src/console/Planted.vue', code)).toHaveLength(1);
    const allowed = code.replace('../../../server/cases/model.js', '../../../signaling/index.js');
    expect(await boundaryMessages('client/src/console/Planted.vue', allowed)).toEqual([]);
  }, 60_000);

  it('the client is also kept from the server-side packages', async () => {
    const code = "import express from 'express';\nexport const app = express();\n";
    expect(await boundaryMessages('client/src/Planted.ts', code)).toHaveLength(1);
  }, 60_000);
});

/**
 * The party page builds no API URL by hand: a route is named through
 * client/src/shared/request.ts, which fills the contract's path template.
 */
describe('hand-built API URLs on the party page (eslint.config.js, no-restricted-syntax)', () => {
  const planted = [
    "export const list = (): Promise<Response> => fetch('/api/cases/c1/evidence');",
    'export const one = (id: string): Promise<Response> =>',
    '  fetch(`/api/cases/${encodeURIComponent(id)}/documents`);',
    '',
  ].join('\n');
  const handBuilt = async (file: string): Promise<number[]> => {
    const [result] = await eslint.lintText(planted, { filePath: path.join(root, file) });
    expect(result!.messages.filter((m) => m.ruleId === null)).toEqual([]);
    return result!.messages
      .filter((m) => m.ruleId === 'no-restricted-syntax' && /hand-built API URLs/.test(m.message))
      .map((m) => m.line);
  };

  it.each([
    'client/src/shared/documents/Planted.ts',
    'client/src/call/Planted.ts',
    'client/src/Planted.ts',
  ])(
    'are reported in %s',
    async (file) => {
      expect(await handBuilt(file)).toEqual([1, 3]);
    },
    60_000,
  );

  it('are the helper’s own business: not reported in client/src/shared/request.ts', async () => {
    expect(await handBuilt('client/src/shared/request.ts')).toEqual([]);
  }, 60_000);
});
