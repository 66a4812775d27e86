/** Cases handed over by institutions and the events sent to them; on either database. */
import type { InboundReferralRepository } from '../institutions/InboundReferralRepository.js';
import type {
  InboundReferral,
  InboundReferralStatus,
  ReferralEvent,
  ReferralEventName,
} from '../institutions/InboundReferrals.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toReferral(r: Row): InboundReferral {
  return {
    id: r['id'] as string,
    institutionId: r['institution_id'] as string,
    organisationId: r['organisation_id'] as string,
    caseNumber: r['case_number'] as string,
    kind: r['kind'] as InboundReferral['kind'],
    status: r['status'] as InboundReferralStatus,
    submission: JSON.parse(r['submission'] as string) as InboundReferral['submission'],
    submissionSha256: r['submission_sha256'] as string,
    receivedAt: r['received_at'] as string,
    decidedAt: (r['decided_at'] as string | null) ?? null,
    decidedBy: (r['decided_by'] as string | null) ?? null,
    reason: (r['reason'] as string | null) ?? null,
    caseId: (r['case_id'] as string | null) ?? null,
  };
}

function toEvent(r: Row): ReferralEvent {
  return {
    referralId: r['referral_id'] as string,
    seq: Number(r['seq']),
    event: r['event'] as ReferralEventName,
    target: r['target'] as string,
    at: r['at'] as string,
    detail: JSON.parse(r['detail'] as string) as Record<string, unknown>,
    webhookDelivery: (r['webhook_delivery'] as string | null) ?? null,
  };
}

export class SqlInboundReferralRepository implements InboundReferralRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insert(r: InboundReferral): Promise<boolean> {
    const result = await this.#sql.run(
      `INSERT INTO inbound_referrals (id, institution_id, organisation_id, case_number, kind, status,
         submission, submission_sha256, received_at, decided_at, decided_by, reason, case_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (institution_id, case_number) DO NOTHING`,
      [
        r.id,
        r.institutionId,
        r.organisationId,
        r.caseNumber,
        r.kind,
        r.status,
        JSON.stringify(r.submission),
        r.submissionSha256,
        r.receivedAt,
        r.decidedAt,
        r.decidedBy,
        r.reason,
        r.caseId,
      ],
    );
    return result.changes === 1;
  }

  async get(id: string): Promise<InboundReferral | undefined> {
    const r = (await this.#sql.get('SELECT * FROM inbound_referrals WHERE id = ?', [id])) as
      Row | undefined;
    return r ? toReferral(r) : undefined;
  }

  async byNumber(institutionId: string, caseNumber: string): Promise<InboundReferral | undefined> {
    const r = (await this.#sql.get(
      'SELECT * FROM inbound_referrals WHERE institution_id = ? AND case_number = ?',
      [institutionId, caseNumber],
    )) as Row | undefined;
    return r ? toReferral(r) : undefined;
  }

  async byCase(caseId: string): Promise<InboundReferral | undefined> {
    const r = (await this.#sql.get('SELECT * FROM inbound_referrals WHERE case_id = ?', [
      caseId,
    ])) as Row | undefined;
    return r ? toReferral(r) : undefined;
  }

  async listForOrganisation(organisationId: string): Promise<InboundReferral[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM inbound_referrals WHERE organisation_id = ? ORDER BY received_at DESC, id',
        [organisationId],
      )) as Row[]
    ).map(toReferral);
  }

  async listForInstitution(institutionId: string): Promise<InboundReferral[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM inbound_referrals WHERE institution_id = ? ORDER BY received_at DESC, id',
        [institutionId],
      )) as Row[]
    ).map(toReferral);
  }

  async decide(
    id: string,
    status: Exclude<InboundReferralStatus, 'pending'>,
    decision: { at: string; by: string; reason: string | null },
  ): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE inbound_referrals SET status = ?, decided_at = ?, decided_by = ?, reason = ?
        WHERE id = ? AND status = 'pending'`,
      [status, decision.at, decision.by, decision.reason, id],
    );
    return result.changes === 1;
  }

  async setCase(id: string, caseId: string): Promise<void> {
    await this.#sql.run('UPDATE inbound_referrals SET case_id = ? WHERE id = ?', [caseId, id]);
  }

  async addEvent(
    referralId: string,
    event: ReferralEventName,
    target: string,
    at: string,
    detail: Record<string, unknown>,
  ): Promise<ReferralEvent | undefined> {
    // The referral's row, locked until the transaction ends (PostgreSQL): two changes of the
    // case at once number their events one after the other.
    await this.#sql.run('UPDATE inbound_referrals SET id = id WHERE id = ?', [referralId]);
    const next = (await this.#sql.get(
      'SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM inbound_referral_events WHERE referral_id = ?',
      [referralId],
    )) as { seq: number | string };
    const seq = Number(next.seq);
    const result = await this.#sql.run(
      `INSERT INTO inbound_referral_events (referral_id, seq, event, target, at, detail)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (referral_id, event, target) DO NOTHING`,
      [referralId, seq, event, target, at, JSON.stringify(detail)],
    );
    if (result.changes !== 1) return undefined;
    return { referralId, seq, event, target, at, detail, webhookDelivery: null };
  }

  async setEventDelivery(referralId: string, seq: number, deliveryId: string): Promise<void> {
    await this.#sql.run(
      'UPDATE inbound_referral_events SET webhook_delivery = ? WHERE referral_id = ? AND seq = ?',
      [deliveryId, referralId, seq],
    );
  }

  async events(referralId: string): Promise<ReferralEvent[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM inbound_referral_events WHERE referral_id = ? ORDER BY seq',
        [referralId],
      )) as Row[]
    ).map(toEvent);
  }
}
