/** Job leases (server/jobs/JobLeases.ts) in the `job_leases` table; on either database. */
import type { JobLeases } from '../jobs/JobLeases.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlJobLeases implements JobLeases {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async claim(
    job: string,
    owner: string,
    leaseMs: number,
    takeOverFrom?: string,
  ): Promise<boolean> {
    const now = new Date();
    const at = now.toISOString();
    // One statement: on PostgreSQL a concurrent claim of the same job waits for this
    // row and then sees the lease it wrote, so at most one of them gets a row back.
    const row = await this.#sql.get<{ owner: string }>(
      `INSERT INTO job_leases (job, owner, lease_until, claimed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (job) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until,
           claimed_at = excluded.claimed_at
         WHERE job_leases.lease_until <= ? OR job_leases.owner = excluded.owner
           OR job_leases.owner = ?
         RETURNING owner`,
      [job, owner, new Date(now.getTime() + leaseMs).toISOString(), at, at, takeOverFrom ?? null],
    );
    return row?.owner === owner;
  }

  async renew(job: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.#sql.run(
      'UPDATE job_leases SET lease_until = ? WHERE job = ? AND owner = ?',
      [new Date(Date.now() + leaseMs).toISOString(), job, owner],
    );
    return result.changes === 1;
  }

  async release(job: string, owner: string): Promise<void> {
    await this.#sql.run('DELETE FROM job_leases WHERE job = ? AND owner = ?', [job, owner]);
  }

  async holder(job: string): Promise<{ owner: string; leaseUntil: string } | undefined> {
    const row = await this.#sql.get<{ owner: string; lease_until: string }>(
      'SELECT owner, lease_until FROM job_leases WHERE job = ?',
      [job],
    );
    return row ? { owner: row.owner, leaseUntil: row.lease_until } : undefined;
  }
}
