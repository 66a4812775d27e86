/**
 * The signing keys several nodes share (SERVICE_KEYS_SECRET), on SQLite and
 * PostgreSQL (each node with its own connection; SQLite's one process, one
 * connection): the first node
 * brings its key files (what they signed still verifies), the others load the
 * same keys; a rotation on one node is what the others sign with; two nodes
 * rotating at once make one rotation; the rows hold no readable private key
 * and another secret opens none of them (issue 19).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import { SqliteDatabase, databaseFile } from '../../server/db/SqliteDatabase.js';
import { SqlServiceKeyVault } from '../../server/db/SqlServiceKeyVault.js';
import { createLogger } from '../../server/logger.js';
import type { ServiceKeyVault } from '../../server/signing/KeyVault.js';
import { ServiceKeys, ServiceKeysError } from '../../server/signing/ServiceKeys.js';
import { BACKENDS, type Backend } from '../support/backends.js';
import { freshDatabase } from '../support/postgres.js';

const SECRET = 'a shared secret of the cluster, 32+ chars long';
const REFRESH_MS = 50;

/** Two connections to one fresh database of `backend`, as two nodes have. */
async function twoNodes(
  backend: Backend,
): Promise<{ a: SqlClient; b: SqlClient; close(): Promise<void> }> {
  const logger = createLogger('silent');
  if (backend === 'sqlite') {
    // SQLite serves one process (several nodes need PostgreSQL): both "nodes" use its one
    // connection, whose transactions follow one another.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shared-keys-'));
    const sqlite = SqliteDatabase.open(databaseFile(dir), logger);
    return {
      a: sqlite,
      b: sqlite,
      async close() {
        await sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = await freshDatabase(inject('postgresUrl'), 'shared-keys');
  const a = await PostgresClient.open(url, { max: 3 }, logger);
  const b = await PostgresClient.open(url, { max: 3 }, logger);
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
    },
  };
}

describe.each(BACKENDS)('shared signing keys on %s', (backend) => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup() {
    const nodes = await twoNodes(backend);
    cleanup.push(() => nodes.close());
    const open = async (
      sql: SqlClient,
      importFrom?: string,
      beforeRotate?: () => Promise<void>,
    ): Promise<ServiceKeys> => {
      const vault = new SqlServiceKeyVault(sql);
      // A node whose rotation waits at `beforeRotate` once it has read the active key.
      const gated: ServiceKeyVault = {
        load: () => vault.load(),
        initialise: (...args) => vault.initialise(...args),
        rotate: async (...args) => {
          await beforeRotate?.();
          return vault.rotate(...args);
        },
      };
      const keys = await ServiceKeys.openShared(gated, SECRET, {
        refreshMs: REFRESH_MS,
        ...(importFrom ? { importFrom } : {}),
      });
      cleanup.push(() => keys.close());
      return keys;
    };
    return { ...nodes, open };
  }

  it('brings the first node’s key files along, and every node signs and verifies with the same keys', async () => {
    const { a, b, open } = await setup();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'key-files-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const files = await ServiceKeys.open(dir);
    const before = await files.sign({ agreement: 'signed before the cluster' }, 'test+jws');

    const nodeA = await open(a, dir);
    const nodeB = await open(b);
    expect(nodeA.activeKid).toBe(files.activeKid);
    expect(nodeB.activeKid).toBe(files.activeKid);
    expect(nodeB.jwks()).toEqual(nodeA.jwks());
    expect((await nodeB.verify<{ agreement: string }>(before)).payload.agreement).toBe(
      'signed before the cluster',
    );
    const byB = await nodeB.sign({ n: 1 }, 'test+jws');
    expect((await nodeA.verify<{ n: number }>(byB)).payload.n).toBe(1);
  });

  it('signs on every node with the key another node rotated to', async () => {
    const { a, b, open } = await setup();
    const nodeA = await open(a);
    const nodeB = await open(b);
    const first = nodeA.activeKid;
    const next = await nodeA.rotate();
    expect(next).not.toBe(first);

    // B verifies A's new signature at once (an unknown key makes it look again)…
    const byA = await nodeA.sign({ n: 2 }, 'test+jws');
    expect((await nodeB.verify<{ n: number }>(byA)).header.kid).toBe(next);
    // …and signs with the new key once its copy is older than the refresh interval.
    await sleep(REFRESH_MS * 2);
    const byB = await nodeB.sign({ n: 3 }, 'test+jws');
    expect((await nodeA.verify(byB)).header.kid).toBe(next);
    expect(nodeB.keyInfo().find((k) => k.kid === first)?.retiredAt).not.toBeNull();
    expect(nodeB.jwks().keys.map((k) => k.kid)).toEqual([next, first]);
  });

  it('makes one rotation of two at once, and tells the other node which key won', async () => {
    const { a, b, open } = await setup();
    // "At once": both nodes have read the same active key before either writes (without the
    // gate, a loaded machine may run one rotation wholly before the other starts, and that is
    // two rotations one after the other, both rightly made).
    let arrived = 0;
    let release: () => void = () => undefined;
    const both = new Promise<void>((resolve) => (release = resolve));
    const gate = async () => {
      arrived += 1;
      if (arrived === 2) release();
      await both;
    };
    const nodeA = await open(a, undefined, gate);
    const nodeB = await open(b, undefined, gate);
    const results = await Promise.allSettled([nodeA.rotate(), nodeB.rotate()]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ServiceKeysError);
    const winner = (won[0] as PromiseFulfilledResult<string>).value;
    expect(nodeA.activeKid).toBe(winner);
    expect(nodeB.activeKid).toBe(winner);
    const rows = await a.all<{ kid: string }>('SELECT kid FROM service_keys');
    expect(rows).toHaveLength(2);
  });

  it('does not read the database for a forged signature under a key it has', async () => {
    const { a } = await setup();
    const vault = new SqlServiceKeyVault(a);
    let loads = 0;
    const counting: ServiceKeyVault = {
      load: () => {
        loads += 1;
        return vault.load();
      },
      initialise: (keys, activeKid, at) => vault.initialise(keys, activeKid, at),
      rotate: (next, previousKid, at) => vault.rotate(next, previousKid, at),
    };
    const keys = await ServiceKeys.openShared(counting, SECRET, { refreshMs: 60_000 });
    cleanup.push(() => keys.close());
    const signed = await keys.sign({ n: 1 }, 'test+jws');
    const [h, p] = signed.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64, 7).toString('base64url')}`;
    const before = loads;
    for (let i = 0; i < 20; i++) await expect(keys.verify(forged)).rejects.toThrow();
    expect(loads).toBe(before);
  });

  it('keeps no readable private key in the database, and opens nothing with another secret', async () => {
    const { a, b, open } = await setup();
    await open(a);
    const rows = await a.all<{ sealed_private_key: string }>(
      'SELECT sealed_private_key FROM service_keys',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed_private_key).toMatch(/^v1\./);
    expect(rows[0]!.sealed_private_key).not.toContain('PRIVATE KEY');
    expect(Buffer.from(rows[0]!.sealed_private_key, 'utf8').includes('MC4CAQ')).toBe(false);

    const wrong = ServiceKeys.openShared(
      new SqlServiceKeyVault(b),
      'another secret, also 32 characters long',
    );
    await expect(wrong).rejects.toBeInstanceOf(ServiceKeysError);
    await expect(wrong).rejects.toThrow(/does not open with SERVICE_KEYS_SECRET/);
    await expect(ServiceKeys.openShared(new SqlServiceKeyVault(b), 'short')).rejects.toThrow(
      /at least 32 characters/,
    );
    // Nothing was written by the refused openings: still one key.
    expect(await b.all('SELECT kid FROM service_keys')).toHaveLength(1);
  });
});
