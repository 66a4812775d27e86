/**
 * A case reference for a court or arbitration commission, and its offline
 * verification. The reference is a JWS signed with the service key; it names
 * each referenced item (issued documents, the sealed agreement, recording
 * manifests and composites) by SHA-256 together with the audit-chain event
 * that fixed that hash, and carries the case's chain up to its head, so a
 * verifier holding the reference, the service's public keys and the files
 * checks the signature, the chain, each item's event and each file's hash
 * without trusting the running server. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { verifyChain, type ChainHead, type StoredAuditEvent } from '../audit/AuditChain.js';
import { verifyJws, type Jwks } from '../signing/jws.js';
import { CONCESSIONS_STATEMENT, type LateReferral } from './referralRules.js';

export const REFERENCE_TYPE = 'mediation-case-reference+jws';

export type ReferenceItemKind =
  'document' | 'sealed-agreement' | 'recording-manifest' | 'recording-composite' | 'certificate';

export interface ReferenceItem {
  kind: ReferenceItemKind;
  id: string;
  sha256: string;
  /** The audit event that fixed this hash: its position and its own hash. */
  seq: number;
  eventHash: string;
  /**
   * A 24-hour link to the bytes. None for a certificate: one is rendered as of
   * the moment it is asked for (the institution's certificate route), and each
   * rendering's hash is fixed by its own event — the bundle carries the file.
   */
  file?: { url: string; expiresAt: string };
}

export interface CaseReference {
  type: 'mediation-case-reference';
  /**
   * 2 carries the statement on concessions, which the verifier then requires; 1 was
   * signed before the statement existed and still verifies without it (copies courts hold).
   */
  version: 1 | 2;
  issuedAt: string;
  institution: { id: string; name: string; kind: string };
  case: { id: string; caseNumber: string; status: string; disputeType: string };
  /** `late` when a joint application went after its window closed, with the reason recorded. */
  referrals: { kind: string; referredAt: string; late: LateReferral | null }[];
  /** The statutory statement on concessions (CONCESSIONS_STATEMENT): signed, and checked. */
  concessions: string;
  /** The case's sessions with their times, and who took part in each recorded one. */
  sessions: {
    id: string;
    status: string;
    scheduledStart: string;
    startedAt: string | null;
    endedAt: string | null;
    participants: { participantId: string; displayName: string; role: string }[];
  }[];
  /** Recording consents: who acknowledged the notice when, and any withdrawal. */
  consents: {
    recordingId: string;
    participantId: string;
    displayName: string;
    role: string;
    acknowledgedAt: string;
    withdrawnAt: string | null;
  }[];
  items: ReferenceItem[];
  /** Left out on purpose (confidential caucus material), with the reason. */
  excluded: { kind: string; id: string; reason: string }[];
  /**
   * Whether both parties agreed that confidential caucus material may be
   * submitted; when not, the payloads of its events are withheld (counted here).
   */
  disclosure: { agreed: boolean; withheldEvents: number };
  chain: { caseId: string; head: ChainHead | null; events: StoredAuditEvent[] };
}

/**
 * The items an audit chain fixes: which event recorded which hash. For
 * service certificates only the latest rendering of each delivery's counts.
 */
export function itemsOf(events: readonly StoredAuditEvent[]): ReferenceItem[] {
  const items: ReferenceItem[] = [];
  for (const e of events) {
    if (e.withheld) continue;
    const p = JSON.parse(e.payload) as Record<string, unknown>;
    const add = (kind: ReferenceItemKind, id: unknown, sha256: unknown) => {
      if (typeof id === 'string' && typeof sha256 === 'string') {
        items.push({ kind, id, sha256, seq: e.seq, eventHash: e.hash });
      }
    };
    if (e.action === 'document.issued') add('document', p['documentId'], p['sha256']);
    if (e.action === 'agreement.sealed')
      add('sealed-agreement', p['documentId'], p['sealedSha256']);
    if (e.action === 'recording.manifest-signed') {
      add('recording-manifest', e.target, p['manifestSha256']);
      add('recording-composite', e.target, p['composite']);
    }
    if (e.action === 'delivery.certificate') {
      const earlier = items.findIndex((i) => i.kind === 'certificate' && i.id === p['deliveryId']);
      if (earlier >= 0) items.splice(earlier, 1);
      add('certificate', p['deliveryId'], p['certificateSha256']);
    }
  }
  return items;
}

export type ReferenceCheck =
  | { ok: true; reference: CaseReference; files: { file: string; item: ReferenceItem }[] }
  | { ok: false; reason: string };

/** Checks a reference offline: signature, chain, items against their events, files against items. */
export async function verifyReference(
  jws: string,
  jwks: Jwks,
  files: { name: string; bytes: Buffer }[] = [],
): Promise<ReferenceCheck> {
  let reference: CaseReference;
  try {
    ({ payload: reference } = await verifyJws<CaseReference>(jws.trim(), jwks, {
      typ: REFERENCE_TYPE,
    }));
  } catch (error) {
    return { ok: false, reason: `signature: ${(error as Error).message}` };
  }
  const { chain } = reference;
  const verified = verifyChain(chain.caseId, chain.events, chain.head);
  if (!verified.ok) {
    return {
      ok: false,
      reason: `audit chain: ${verified.reason} at ${verified.failedAt}: ${verified.detail}`,
    };
  }
  if (chain.caseId !== reference.case.id) return { ok: false, reason: 'chain of another case' };
  if (reference.version !== 1 && reference.concessions !== CONCESSIONS_STATEMENT) {
    return { ok: false, reason: 'the statement on concessions is missing or altered' };
  }
  const bySeq = new Map(chain.events.map((e) => [e.seq, e]));
  const fixed = itemsOf(chain.events);
  for (const item of reference.items) {
    const event = bySeq.get(item.seq);
    if (!event || event.hash !== item.eventHash) {
      return {
        ok: false,
        reason: `${item.kind} ${item.id}: its event ${item.seq} is not in the chain`,
      };
    }
    const match = fixed.find(
      (f) =>
        f.seq === item.seq && f.kind === item.kind && f.id === item.id && f.sha256 === item.sha256,
    );
    if (!match) {
      return {
        ok: false,
        reason: `${item.kind} ${item.id}: event ${item.seq} does not fix this hash`,
      };
    }
  }
  const matched: { file: string; item: ReferenceItem }[] = [];
  for (const f of files) {
    const sha256 = createHash('sha256').update(f.bytes).digest('hex');
    const item = reference.items.find((i) => i.sha256 === sha256);
    if (!item) {
      return {
        ok: false,
        reason: `${f.name}: SHA-256 ${sha256} is not in the reference (altered or swapped)`,
      };
    }
    matched.push({ file: f.name, item });
  }
  return { ok: true, reference, files: matched };
}
