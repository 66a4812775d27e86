import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  GENESIS_HASH,
  sealEvent,
  sha256Hex,
  verifyChain,
  withholdPayload,
  type AuditEventInput,
  type ChainHead,
  type ChainVerification,
  type StoredAuditEvent,
} from '../../server/audit/AuditChain.js';

const LENGTH = 6;

function input(caseId: string, n: number): AuditEventInput {
  return {
    caseId,
    actorId: `staff-${n % 2}`,
    actorRole: n % 2 ? 'mediator' : 'clerk',
    action: `action-${n}`,
    target: `case:${caseId}`,
    payload: { n, note: `第 ${n} 步`, nested: { b: [1, 2], a: null } },
  };
}

function buildChain(
  caseId: string,
  length = LENGTH,
): { events: StoredAuditEvent[]; head: ChainHead } {
  const events: StoredAuditEvent[] = [];
  let head: ChainHead | null = null;
  for (let n = 1; n <= length; n++) {
    const event = sealEvent(
      head,
      input(caseId, n),
      new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString(),
    );
    events.push(event);
    head = { seq: event.seq, hash: event.hash };
  }
  if (!head) throw new Error('empty chain');
  return { events, head };
}

function failure(result: ChainVerification): { failedAt: number; reason: string } {
  if (result.ok) throw new Error('chain verified although it was tampered with');
  return { failedAt: result.failedAt, reason: result.reason };
}

const positions = Array.from({ length: LENGTH }, (_, i) => i + 1);

describe('canonicalJson', () => {
  it('is independent of key order, recursively, and has no whitespace', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, { y: 2, x: 1 }], c: 'é' } });
    const b = canonicalJson({ a: { c: 'é', d: [3, { x: 1, y: 2 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":"é","d":[3,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson([true, null, -0, 1.5, 'a"b'])).toBe('[true,null,0,1.5,"a\\"b"]');
    expect(canonicalJson(new Date(Date.UTC(2026, 0, 2)))).toBe('"2026-01-02T00:00:00.000Z"');
  });

  it('rejects values JSON would drop or mangle', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ x: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson(new Map([['a', 1]]))).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

describe('sealEvent', () => {
  it('starts at seq 1 on the genesis hash and links each event to the previous one', () => {
    const { events, head } = buildChain('A');
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(events[0]).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.seq).toBe(i + 1);
      expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
    }
    expect(head).toEqual({ seq: LENGTH, hash: events[LENGTH - 1]?.hash });
  });

  it('stores the canonical payload with its hash and is deterministic', () => {
    const at = '2026-01-01T09:00:00.000Z';
    const one = sealEvent(null, { ...input('A', 1), payload: { b: 2, a: 1 } }, at);
    const two = sealEvent(null, { ...input('A', 1), payload: { a: 1, b: 2 } }, at);
    expect(one.payload).toBe('{"a":1,"b":2}');
    expect(one.payloadHash).toBe(sha256Hex('{"a":1,"b":2}'));
    expect(one.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(two).toEqual(one);
    expect(sealEvent(null, input('A', 1), '2026-01-01T09:00:00.001Z').hash).not.toBe(
      sealEvent(null, input('A', 1), at).hash,
    );
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const { events, head } = buildChain('A');
    expect(verifyChain('A', events, head)).toEqual({ ok: true, caseId: 'A', length: LENGTH, head });
    expect(verifyChain('A', [], null)).toEqual({ ok: true, caseId: 'A', length: 0, head: null });
  });

  const edits: [string, string, (e: StoredAuditEvent) => StoredAuditEvent][] = [
    ['action', 'altered', (e) => ({ ...e, action: 'case.closed' })],
    ['actor', 'altered', (e) => ({ ...e, actorId: 'intruder' })],
    ['actor role', 'altered', (e) => ({ ...e, actorRole: 'mediator-x' })],
    ['at', 'altered', (e) => ({ ...e, at: '2030-01-01T00:00:00.000Z' })],
    ['target', 'altered', (e) => ({ ...e, target: 'case:Z' })],
    ['hash', 'altered', (e) => ({ ...e, hash: sha256Hex('forged') })],
    ['payload', 'payload_altered', (e) => ({ ...e, payload: e.payload.replace('"n":', '"n":9') })],
    [
      'payload and its hash',
      'altered',
      (e) => {
        const payload = canonicalJson({ forged: true });
        return { ...e, payload, payloadHash: sha256Hex(payload) };
      },
    ],
  ];

  describe.each(edits)('editing the %s of entry k', (_field, reason, edit) => {
    it.each(positions)('k = %i → fails at k', (k) => {
      const { events, head } = buildChain('A');
      const tampered = events.map((e) => (e.seq === k ? edit(e) : e));
      expect(failure(verifyChain('A', tampered, head))).toEqual({ failedAt: k, reason });
    });
  });

  it.each(positions.slice(0, -1))('deleting entry %i (before the last) → removed at k', (k) => {
    const { events, head } = buildChain('A');
    const tampered = events.filter((e) => e.seq !== k);
    expect(failure(verifyChain('A', tampered, head))).toEqual({ failedAt: k, reason: 'removed' });
  });

  it('deleting the last entry → removed at 6, caught by the head', () => {
    const { events, head } = buildChain('A');
    const result = verifyChain('A', events.slice(0, -1), head);
    expect(failure(result)).toEqual({ failedAt: LENGTH, reason: 'removed' });
  });

  it('deleting the last three entries → removed at the first of them', () => {
    const { events, head } = buildChain('A');
    expect(failure(verifyChain('A', events.slice(0, 3), head))).toEqual({
      failedAt: 4,
      reason: 'removed',
    });
  });

  it.each([
    [1, 2],
    [2, 5],
    [3, 4],
    [1, 6],
    [5, 6],
  ])('swapping entries %i and %i → fails at the first of them', (i, j) => {
    const { events, head } = buildChain('A');
    const swapped = [...events];
    const [a, b] = [swapped[i - 1], swapped[j - 1]];
    if (!a || !b) throw new Error('bad positions');
    swapped[i - 1] = b;
    swapped[j - 1] = a;
    expect(failure(verifyChain('A', swapped, head))).toEqual({ failedAt: i, reason: 'reordered' });
  });

  it('renumbering swapped entries (seq rewritten) → reordered at the first of them', () => {
    const { events, head } = buildChain('A');
    const e2 = events[1];
    const e4 = events[3];
    if (!e2 || !e4) throw new Error('short chain');
    const tampered = [...events];
    tampered[1] = { ...e4, seq: 2 };
    tampered[3] = { ...e2, seq: 4 };
    expect(failure(verifyChain('A', tampered, head))).toEqual({ failedAt: 2, reason: 'reordered' });
  });

  it.each(positions)('an event of another case at position %i → wrong_case there', (k) => {
    const { events, head } = buildChain('A');
    const other = buildChain('B').events;
    const tampered = events.map((e, i) => (e.seq === k ? (other[i] as StoredAuditEvent) : e));
    expect(failure(verifyChain('A', tampered, head))).toEqual({
      failedAt: k,
      reason: 'wrong_case',
    });
  });

  it('events beyond the head, a missing head, or a head with another hash → altered', () => {
    const { events, head } = buildChain('A');
    expect(failure(verifyChain('A', events, { seq: 4, hash: events[3]?.hash ?? '' }))).toEqual({
      failedAt: 5,
      reason: 'altered',
    });
    expect(failure(verifyChain('A', events, null))).toEqual({ failedAt: 1, reason: 'altered' });
    expect(failure(verifyChain('A', events, { ...head, hash: sha256Hex('x') }))).toEqual({
      failedAt: LENGTH,
      reason: 'altered',
    });
    expect(failure(verifyChain('A', [], head))).toEqual({ failedAt: 1, reason: 'removed' });
  });

  it('reports a detail and the stored length', () => {
    const { events, head } = buildChain('A');
    const result = verifyChain('A', events.slice(0, 4), head);
    expect(result).toMatchObject({ ok: false, caseId: 'A', length: 4, failedAt: 5 });
    expect(result.ok ? '' : result.detail).toMatch(/head records 6 events but only 4/);
  });
});

describe('withheld payloads and events sealed before version 2', () => {
  /** How events were sealed before payloads could be withheld: the payload itself in the hash. */
  function sealedV1(e: StoredAuditEvent, prevHash: string): StoredAuditEvent {
    const v1 = { ...e, prevHash };
    const { hash: _ignored, withheld: _none, ...fields } = v1;
    return { ...v1, hash: sha256Hex(canonicalJson(fields)) };
  }

  it('verifies a chain whose confidential payloads are withheld, and shows nothing of them', () => {
    const { events, head } = buildChain('A');
    const held = events.map((e) => (e.seq % 2 === 0 ? withholdPayload(e) : e));
    expect(verifyChain('A', held, head)).toMatchObject({ ok: true, length: LENGTH });
    expect(held[1]?.payload).toBe('');
    expect(JSON.stringify(held[1])).not.toContain('第 2 步');
  });

  it('a withheld event whose payload hash was changed fails as altered', () => {
    const { events, head } = buildChain('A');
    const held = events.map((e) =>
      e.seq === 3 ? { ...withholdPayload(e), payloadHash: sha256Hex('something else') } : e,
    );
    expect(failure(verifyChain('A', held, head))).toEqual({ failedAt: 3, reason: 'altered' });
  });

  it('accepts events sealed the earlier way (payload in the hash), which cannot be withheld', () => {
    const { events } = buildChain('A');
    const old: StoredAuditEvent[] = [];
    for (const e of events) old.push(sealedV1(e, old.at(-1)?.hash ?? GENESIS_HASH));
    const head = { seq: LENGTH, hash: old.at(-1)!.hash };
    expect(old[0]?.hash).not.toBe(events[0]?.hash);
    expect(verifyChain('A', old, head)).toMatchObject({ ok: true });
    expect(
      failure(
        verifyChain(
          'A',
          old.map((e) => (e.seq === 2 ? withholdPayload(e) : e)),
          head,
        ),
      ),
    ).toEqual({ failedAt: 2, reason: 'altered' });
    // A version-1 event with its payload changed (and the payload hash recomputed) still fails.
    const forged = old.map((e) =>
      e.seq === 4 ? { ...e, payload: '{"n":99}', payloadHash: sha256Hex('{"n":99}') } : e,
    );
    expect(failure(verifyChain('A', forged, head))).toEqual({ failedAt: 4, reason: 'altered' });
  });
});
