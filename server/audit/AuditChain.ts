/**
 * The case's tamper-evident audit trail, as pure functions: every event is
 * sealed with a SHA-256 hash over its content and the previous event's hash,
 * so editing, removing or reordering a stored event breaks the chain. The
 * head (last seq and hash, kept apart from the events) makes removing the
 * newest events detectable too.
 *
 * No I/O here: the SQLite (and later PostgreSQL) stores and the offline
 * verifier all share these rules.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deterministic JSON: object keys sorted recursively, no whitespace. Throws a
 * TypeError for anything JSON would drop or mangle silently (undefined,
 * functions, symbols, bigints, non-finite numbers, cycles, Maps and other
 * non-plain objects), because a hash over a lossy encoding proves nothing.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set(), '$');
}

function encode(value: unknown, ancestors: Set<object>, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: non-finite number at ${where}`);
      }
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value} at ${where}`);
  }

  if (ancestors.has(value)) throw new TypeError(`canonicalJson: circular reference at ${where}`);
  ancestors.add(value);
  try {
    // Dates and similar value objects encode the way JSON.stringify does.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return encode((toJSON as () => unknown).call(value), ancestors, where);
    }
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) {
        items.push(encode(value[i], ancestors, `${where}[${i}]`));
      }
      return `[${items.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: only plain objects and arrays can be encoded (${where})`);
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${encode(record[key], ancestors, `${where}.${key}`)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface AuditEventInput {
  caseId: string;
  actorId: string;
  actorRole: string;
  action: string;
  target: string;
  payload: unknown;
}

export interface StoredAuditEvent {
  caseId: string;
  seq: number;
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  target: string;
  /** Canonical JSON of the input payload. */
  payload: string;
  payloadHash: string;
  prevHash: string;
  hash: string;
  /** Set when the payload was withheld from the holder (see withholdPayload). */
  withheld?: true;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The event's own hash. Events sealed since references existed commit to the
 * payload through `payloadHash` only (version 2), so a payload can be
 * withheld from a third party — a court must not read confidential caucus
 * material — while the chain still verifies. Earlier events (version 1) also
 * hashed the payload itself; both commit to the same content.
 */
function eventHash(event: Omit<StoredAuditEvent, 'hash'>, version: 1 | 2 = 2): string {
  return sha256Hex(
    canonicalJson({
      caseId: event.caseId,
      seq: event.seq,
      at: event.at,
      actorId: event.actorId,
      actorRole: event.actorRole,
      action: event.action,
      target: event.target,
      ...(version === 1 ? { payload: event.payload } : {}),
      payloadHash: event.payloadHash,
      prevHash: event.prevHash,
    }),
  );
}

/**
 * The event with its payload withheld (`payload` empty, `withheld` set): its
 * payload hash and its own hash stay, so the chain still verifies and the
 * holder learns nothing of what was withheld.
 */
export function withholdPayload(event: StoredAuditEvent): StoredAuditEvent {
  return { ...event, payload: '', withheld: true };
}

/**
 * Seals the next event: seq = prev.seq + 1 (1 for the first), prevHash =
 * prev.hash (GENESIS_HASH for the first), payloadHash = sha256(canonical
 * payload), hash = sha256(canonicalJson of every field except hash).
 */
export function sealEvent(
  prev: ChainHead | null,
  input: AuditEventInput,
  at: string,
): StoredAuditEvent {
  if (prev && (!Number.isSafeInteger(prev.seq) || prev.seq < 0)) {
    throw new RangeError(`sealEvent: invalid head seq ${prev.seq}`);
  }
  const payload = canonicalJson(input.payload);
  const unsealed = {
    caseId: input.caseId,
    seq: prev ? prev.seq + 1 : 1,
    at,
    actorId: input.actorId,
    actorRole: input.actorRole,
    action: input.action,
    target: input.target,
    payload,
    payloadHash: sha256Hex(payload),
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...unsealed, hash: eventHash(unsealed) };
}

export type ChainVerification =
  | { ok: true; caseId: string; length: number; head: ChainHead | null }
  | {
      ok: false;
      caseId: string;
      length: number;
      failedAt: number;
      reason: 'altered' | 'payload_altered' | 'removed' | 'reordered' | 'wrong_case';
      detail: string;
    };

type FailureReason = Extract<ChainVerification, { ok: false }>['reason'];

/**
 * Verifies `events` (in stored order, seq ascending) against the recorded
 * head and reports the FIRST bad entry. `failedAt` is the seq expected at
 * that position. Per entry the checks run in this order, so each kind of
 * tampering gets its most telling reason: case, seq (gap → 'removed',
 * otherwise 'reordered'), payload hash ('payload_altered'), link to the
 * previous entry ('reordered'), own hash ('altered'). Then the head: head
 * beyond the last event → 'removed' at last + 1; events beyond the head or a
 * different head hash → 'altered'.
 */
export function verifyChain(
  caseId: string,
  events: readonly StoredAuditEvent[],
  head: ChainHead | null,
): ChainVerification {
  const fail = (failedAt: number, reason: FailureReason, detail: string): ChainVerification => ({
    ok: false,
    caseId,
    length: events.length,
    failedAt,
    reason,
    detail,
  });
  const storedSeqs = new Set(events.map((e) => e.seq));
  const seqByHash = new Map(events.map((e) => [e.hash, e.seq]));

  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const expected = index + 1;
    if (event.caseId !== caseId) {
      return fail(expected, 'wrong_case', `event ${expected} belongs to case ${event.caseId}`);
    }
    if (event.seq !== expected) {
      if (event.seq > expected && !storedSeqs.has(expected)) {
        return fail(
          expected,
          'removed',
          `event ${expected} is missing (the next stored event is ${event.seq})`,
        );
      }
      return fail(expected, 'reordered', `position ${expected} holds event ${event.seq}`);
    }
    if (!event.withheld && sha256Hex(event.payload) !== event.payloadHash) {
      return fail(
        expected,
        'payload_altered',
        `event ${expected}'s payload does not match its hash`,
      );
    }
    if (event.prevHash !== prevHash) {
      const predecessor = seqByHash.get(event.prevHash);
      return fail(
        expected,
        'reordered',
        predecessor !== undefined
          ? `event ${expected} follows event ${predecessor} in the chain, not event ${expected - 1}`
          : `event ${expected} does not link to event ${expected - 1}`,
      );
    }
    const sealed =
      eventHash(event) === event.hash || (!event.withheld && eventHash(event, 1) === event.hash);
    if (!sealed) {
      return fail(expected, 'altered', `event ${expected}'s content does not match its hash`);
    }
    prevHash = event.hash;
  }

  const lastSeq = events.length;
  const headSeq = head?.seq ?? 0;
  if (headSeq > lastSeq) {
    return fail(
      lastSeq + 1,
      'removed',
      `the head records ${headSeq} events but only ${lastSeq} are stored`,
    );
  }
  if (headSeq < lastSeq) {
    return fail(
      headSeq + 1,
      'altered',
      `event ${headSeq + 1} is beyond the recorded head (${head ? headSeq : 'no head'})`,
    );
  }
  if (head && head.hash !== prevHash) {
    return fail(head.seq, 'altered', `event ${head.seq}'s hash differs from the recorded head`);
  }
  return { ok: true, caseId, length: events.length, head };
}
