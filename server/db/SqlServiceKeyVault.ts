/** The shared signing keys in the service's database (tables of migration 20). */
import type { ServiceKeyVault, StoredServiceKey } from '../signing/KeyVault.js';
import type { SqlClient } from './sql/SqlClient.js';

interface KeyRow {
  kid: string;
  created_at: string;
  retired_at: string | null;
  sealed_private_key: string;
}

const LOCK = 'service-keys';

export class SqlServiceKeyVault implements ServiceKeyVault {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async load(): Promise<{ keys: StoredServiceKey[]; activeKid: string | undefined }> {
    return this.#sql.transaction(async () => {
      const rows = await this.#sql.all<KeyRow>(
        'SELECT kid, created_at, retired_at, sealed_private_key FROM service_keys ORDER BY created_at, kid',
      );
      const active = await this.#sql.get<{ kid: string }>(
        'SELECT kid FROM service_key_active WHERE id = 1',
      );
      return {
        keys: rows.map((r) => ({
          kid: r.kid,
          createdAt: r.created_at,
          retiredAt: r.retired_at,
          sealedPrivateKey: r.sealed_private_key,
        })),
        activeKid: active?.kid,
      };
    });
  }

  async initialise(
    keys: readonly StoredServiceKey[],
    activeKid: string,
    at: string,
  ): Promise<boolean> {
    return this.#sql.transaction(async () => {
      await this.#sql.lockKey(LOCK);
      if (await this.#sql.get('SELECT kid FROM service_key_active WHERE id = 1')) return false;
      for (const key of keys) await this.#insert(key);
      await this.#sql.run('INSERT INTO service_key_active (id, kid, changed_at) VALUES (1, ?, ?)', [
        activeKid,
        at,
      ]);
      return true;
    });
  }

  async rotate(next: StoredServiceKey, previousKid: string, at: string): Promise<boolean> {
    return this.#sql.transaction(async () => {
      await this.#sql.lockKey(LOCK);
      const active = await this.#sql.get<{ kid: string }>(
        'SELECT kid FROM service_key_active WHERE id = 1',
      );
      // Another node rotated first: its key signs; this rotation is not made.
      if (active?.kid !== previousKid) return false;
      await this.#insert(next);
      await this.#sql.run('UPDATE service_keys SET retired_at = ? WHERE kid = ?', [
        at,
        previousKid,
      ]);
      await this.#sql.run('UPDATE service_key_active SET kid = ?, changed_at = ? WHERE id = 1', [
        next.kid,
        at,
      ]);
      return true;
    });
  }

  async #insert(key: StoredServiceKey): Promise<void> {
    await this.#sql.run(
      'INSERT INTO service_keys (kid, created_at, retired_at, sealed_private_key) VALUES (?, ?, ?, ?)',
      [key.kid, key.createdAt, key.retiredAt, key.sealedPrivateKey],
    );
  }
}
