/** Extension proposals of the mediation period and the parties' answers; on either database. */
import type { ExtensionRepository } from '../cases/extensions.js';
import type { ExtensionProposal, ExtensionResponse } from '../cases/model.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : (v as string);

function toProposal(r: Row): ExtensionProposal {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    newDueOn: str(r['new_due_on']),
    reason: str(r['reason']),
    previousDueOn: str(r['previous_due_on']),
    status: r['status'] as ExtensionProposal['status'],
    proposedBy: str(r['proposed_by']),
    proposedAt: str(r['proposed_at']),
    decidedAt: strOrNull(r['decided_at']),
  };
}

function toResponse(r: Row): ExtensionResponse {
  const offline = strOrNull(r['offline']);
  return {
    proposalId: str(r['proposal_id']),
    partyId: str(r['party_id']),
    decision: r['decision'] as ExtensionResponse['decision'],
    byId: str(r['by_id']),
    byRole: str(r['by_role']),
    offline: offline ? (JSON.parse(offline) as ExtensionResponse['offline']) : null,
    at: str(r['at']),
  };
}

export class SqlExtensionRepository implements ExtensionRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async insertProposal(p: ExtensionProposal): Promise<void> {
    await this.#sql.run(
      `INSERT INTO extension_proposals (id, case_id, new_due_on, reason, previous_due_on, status,
         proposed_by, proposed_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.id,
        p.caseId,
        p.newDueOn,
        p.reason,
        p.previousDueOn,
        p.status,
        p.proposedBy,
        p.proposedAt,
        p.decidedAt,
      ],
    );
  }

  async getProposal(id: string): Promise<ExtensionProposal | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM extension_proposals WHERE id = ?', [id]);
    return r ? toProposal(r) : undefined;
  }

  async listProposals(caseId: string): Promise<ExtensionProposal[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM extension_proposals WHERE case_id = ? ORDER BY proposed_at, rowid',
        [caseId],
      )
    ).map(toProposal);
  }

  async setProposalStatus(
    id: string,
    status: ExtensionProposal['status'],
    at: string,
  ): Promise<void> {
    await this.#sql.run('UPDATE extension_proposals SET status = ?, decided_at = ? WHERE id = ?', [
      status,
      at,
      id,
    ]);
  }

  async insertResponse(r: ExtensionResponse): Promise<boolean> {
    // The party's first answer stands: a second one is not stored.
    const result = await this.#sql.run(
      `INSERT INTO extension_responses (proposal_id, party_id, decision, by_id, by_role, offline, at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (proposal_id, party_id) DO NOTHING`,
      [
        r.proposalId,
        r.partyId,
        r.decision,
        r.byId,
        r.byRole,
        r.offline ? JSON.stringify(r.offline) : null,
        r.at,
      ],
    );
    return result.changes === 1;
  }

  async listResponses(proposalId: string): Promise<ExtensionResponse[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM extension_responses WHERE proposal_id = ? ORDER BY at, rowid',
        [proposalId],
      )
    ).map(toResponse);
  }
}
