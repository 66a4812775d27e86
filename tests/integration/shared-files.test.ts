/**
 * Two service nodes (two servers, each its own data directory) on one
 * PostgreSQL database and one S3-compatible object store (s3rver on
 * loopback): evidence uploaded through node A is downloaded, whole and by
 * range, through node B with the same SHA-256, and no node keeps the bytes
 * in its own data directory; both publish the same signing keys (issue 19,
 * files and keys on any node).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  registrationInput,
  respondentsAgreeOverHttp,
  seedStaff,
  TEST_PASSWORD,
} from '../support/cases.js';
import { apiClient, rawUpload, sha256sum, type Api } from '../support/evidenceHttp.js';
import { freshDatabase } from '../support/postgres.js';
import { startObjectStore, type TestObjectStore } from '../support/s3.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface CaseFileView {
  people: { id: string; kind: string }[];
}

/** About 12 MiB of text lines, the same on every run: more than two upload parts. */
function ledger(): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.length < 190_000; i++)
    lines.push(`${String(i).padStart(6, '0')} 2025-11 工资 应发 8,000.00 实发 0.00 欠发 8,000.00`);
  return Buffer.from(lines.join('\n'));
}

describe('files on any node: two nodes, one database, one object store', () => {
  let s3: TestObjectStore;
  let a: TestServer;
  let b: TestServer;
  let apiA: Api;
  let caseId: string;
  let party: string;

  beforeAll(async () => {
    s3 = await startObjectStore();
    const url = await freshDatabase(inject('postgresUrl'), 'shared-files');
    const env = {
      ...s3.env,
      DATABASE_URL: url,
      MEDIASOUP_NUM_WORKERS: '1',
      SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
    apiA = apiClient(a.url);
    const staff = await seedStaff(new SqlCaseRepository(a.server.database));
    const clerk = await apiA.login(staff.clerk.username, TEST_PASSWORD);
    caseId = (await apiA.ok<{ id: string }>('POST', '/cases', clerk, registrationInput())).id;
    await respondentsAgreeOverHttp(apiA, clerk, caseId);
    await apiA.ok('POST', `/cases/${caseId}/accept`, clerk);
    const file = await apiA.ok<CaseFileView>('GET', `/cases/${caseId}`, clerk);
    const applicant = file.people.find((p) => p.kind === 'applicant')!;
    party = (
      await apiA.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, clerk, {
        personId: applicant.id,
      })
    ).token;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await s3?.close();
  });

  it('serves through node B, whole and by range, the evidence uploaded through node A', async () => {
    const source = ledger();
    expect(source.length).toBeGreaterThan(11 * 1024 * 1024);
    const upload = await apiA.upload(caseId, party, source, '工资台账.txt');
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const { item } = upload.body as { item: { id: string; sha256: string; size: number } };
    expect(item.sha256).toBe(sha256sum(source));

    const content = `${b.url}/api/cases/${caseId}/evidence/${item.id}/content`;
    const auth = { authorization: `Bearer ${party}` };
    const whole = await fetch(content, { headers: auth });
    expect(whole.status).toBe(200);
    expect(sha256sum(Buffer.from(await whole.arrayBuffer()))).toBe(item.sha256);

    const [start, end] = [5 * 1024 * 1024 - 100, 5 * 1024 * 1024 + 899];
    const ranged = await fetch(content, { headers: { ...auth, range: `bytes=${start}-${end}` } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes ${start}-${end}/${source.length}`);
    const slice = Buffer.from(await ranged.arrayBuffer());
    expect(slice.equals(source.subarray(start, end + 1))).toBe(true);

    // The bytes are in the object store only, under evidence/.
    for (const node of [a, b]) {
      const dir = path.join(node.dataDir, 'evidence');
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    }
    expect((await s3.list('evidence/')).map((o) => o.size)).toEqual([source.length]);
  });

  it('publishes the same signing keys on both nodes (sealed in the shared database)', async () => {
    const [ja, jb] = await Promise.all(
      [a, b].map(async (n) => (await fetch(`${n.url}/.well-known/jwks.json`)).json()),
    );
    expect((ja as { keys: unknown[] }).keys).toHaveLength(1);
    expect(jb).toEqual(ja);
    expect(b.server.keys.activeKid).toBe(a.server.keys.activeKid);
  });

  it('loses nothing to an upload cut off mid-part, and the node keeps serving', async () => {
    const objects = async (): Promise<number> => (await s3.list('evidence/')).length;
    const before = await objects();
    const source = ledger();
    const chunk = 256 * 1024;
    const chunks = Array.from({ length: Math.ceil(source.length / chunk) }, (_, i) =>
      source.subarray(i * chunk, (i + 1) * chunk),
    );
    // Declared whole, cut off after 7 MiB: one part is in the store, the second is not.
    await rawUpload({
      url: `${b.url}/api/cases/${caseId}/evidence`,
      token: party,
      filename: '工资台账.txt',
      chunks,
      contentLength: source.length,
      onProgress: (sent, abort) => {
        if (sent >= 7 * 1024 * 1024) abort();
      },
    }).catch(() => undefined);
    // The node answers, and the next upload through it is stored whole.
    const next = await apiClient(b.url).upload(caseId, party, Buffer.from('工资条'), 'note.txt');
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(await objects()).toBe(before + 1);
    const list = await fetch(`${b.url}/api/cases/${caseId}/evidence`, {
      headers: { authorization: `Bearer ${party}` },
    });
    expect(list.status).toBe(200);
  });
});
