/**
 * What a session's floor is when it opens on a node that did not hold it
 * (its owner died, or after a restart): read back from the floor events of
 * the case's audit chain, for that session only, in order.
 */
import { describe, expect, it } from 'vitest';
import type { AuditLog, StoredAuditEvent } from '../../server/audit/AuditLog.js';
import type { FloorChatRecord, FloorLogRepository } from '../../server/cases/FloorLogRepository.js';
import { SessionFloorLog } from '../../server/cases/SessionFloorLog.js';
import { SessionMemory } from '../../server/floor/SessionMemory.js';
import { createLogger } from '../../server/logger.js';

const S = 'session-1';
const OTHER = 'session-2';

function event(seq: number, action: string, target: string, payload: object): StoredAuditEvent {
  return {
    caseId: 'case-1',
    seq,
    at: new Date(Date.UTC(2026, 11, 4, 9, 0, seq)).toISOString(),
    actorId: 'mediator',
    actorRole: 'mediator',
    action,
    target,
    payload: JSON.stringify(payload),
    payloadHash: '',
    prevHash: '',
    hash: '',
  };
}

function chatRecord(id: string, sessionId: string, role: string, confidential = false) {
  return {
    id,
    caseId: 'case-1',
    sessionId,
    participantId: role === 'mediator' ? 'mediator' : 'p1',
    displayName: role === 'mediator' ? '王调解' : '张三',
    role,
    text: `message ${id}`,
    confidential,
    sentAt: new Date(Date.UTC(2026, 11, 4, 9, 1, Number(id.slice(1)))).toISOString(),
  };
}

function restoredFrom(
  events: StoredAuditEvent[],
  chat: FloorChatRecord[] = [],
): Promise<SessionMemory> {
  const audit: AuditLog = {
    append: () => Promise.reject(new Error('not in this test')),
    list: async () => events,
    verify: () => Promise.reject(new Error('not in this test')),
  };
  const repository: FloorLogRepository = {
    transaction: () => Promise.reject(new Error('not in this test')),
    insertChat: () => Promise.reject(new Error('not in this test')),
    insertRemoval: () => Promise.reject(new Error('not in this test')),
    isRemoved: () => Promise.reject(new Error('not in this test')),
    // The repository answers for one session, as SQL's WHERE does.
    listChat: async (sessionId) => chat.filter((m) => m.sessionId === sessionId),
  };
  const log = new SessionFloorLog(repository, audit, createLogger('silent'));
  const memory = new SessionMemory();
  return log.restore('case-1', S, memory).then(() => memory);
}

describe('SessionFloorLog.restore', () => {
  const cases: {
    name: string;
    events: StoredAuditEvent[];
    admitted: string[];
    removed: string[];
    identity: Record<string, string>;
    locked: boolean;
    muted?: string[];
  }[] = [
    {
      name: 'nothing recorded: an empty floor',
      events: [],
      admitted: [],
      removed: [],
      identity: {},
      locked: false,
    },
    {
      name: 'admissions and identity checks of this session',
      events: [
        event(1, 'session.identity-checked', 'p1', { sessionId: S, result: 'confirmed' }),
        event(2, 'session.admitted', 'p1', { sessionId: S }),
        event(3, 'session.identity-checked', 'p2', { sessionId: S, result: 'failed' }),
      ],
      admitted: ['p1'],
      removed: [],
      identity: { p1: 'confirmed', p2: 'failed' },
      locked: false,
    },
    {
      name: 'another session of the case changes nothing here',
      events: [
        event(1, 'session.admitted', 'p1', { sessionId: OTHER }),
        event(2, 'session.locked', OTHER, { sessionId: OTHER }),
        event(3, 'session.removed', 'p2', { sessionId: OTHER }),
      ],
      admitted: [],
      removed: [],
      identity: {},
      locked: false,
    },
    {
      name: 'a removal after an admission: out for good',
      events: [
        event(1, 'session.admitted', 'p1', { sessionId: S }),
        event(2, 'session.removed', 'p1', { sessionId: S, reason: '扰乱秩序' }),
      ],
      admitted: [],
      removed: ['p1'],
      identity: {},
      locked: false,
    },
    {
      name: 'mutes: one by one, everyone at once, and the unmute allowed',
      events: [
        event(1, 'session.muted', 'p1', { sessionId: S }),
        event(2, 'session.muted', S, {
          sessionId: S,
          all: true,
          count: 2,
          participantIds: ['p2', 'p3'],
        }),
        event(3, 'session.unmute-allowed', 'p2', { sessionId: S }),
      ],
      admitted: [],
      removed: [],
      identity: {},
      locked: false,
      muted: ['p1', 'p3'],
    },
    {
      name: 'the lock as last set',
      events: [
        event(1, 'session.locked', S, { sessionId: S }),
        event(2, 'session.unlocked', S, { sessionId: S }),
        event(3, 'session.locked', S, { sessionId: S }),
      ],
      admitted: [],
      removed: [],
      identity: {},
      locked: true,
    },
    {
      name: 'unlocked at the end',
      events: [
        event(1, 'session.locked', S, { sessionId: S }),
        event(2, 'session.unlocked', S, { sessionId: S }),
      ],
      admitted: [],
      removed: [],
      identity: {},
      locked: false,
    },
    {
      name: 'other actions and unreadable payloads are skipped',
      events: [
        event(1, 'case.registered', 'case-1', { sessionId: S }),
        { ...event(2, 'session.admitted', 'p9', {}), payload: '{not json' },
        event(3, 'session.chat', S, { sessionId: S, messageId: 'm1' }),
        event(4, 'session.identity-checked', 'p3', { sessionId: S, result: 'maybe' }),
      ],
      admitted: [],
      removed: [],
      identity: {},
      locked: false,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const memory = await restoredFrom(c.events);
      expect([...memory.admitted].sort()).toEqual(c.admitted);
      expect([...memory.removed].sort()).toEqual(c.removed);
      expect(Object.fromEntries(memory.identity)).toEqual(c.identity);
      expect(memory.locked).toBe(c.locked);
      expect([...memory.muted].sort()).toEqual(c.muted ?? []);
      expect(memory.caucus).toBeNull();
    });
  }

  it('a caucus in progress goes on, with when it began, who is in it and whether it is recorded', async () => {
    const memory = await restoredFrom([
      event(1, 'session.caucus-started', S, {
        sessionId: S,
        at: '2026-12-04T09:00:01.000Z',
        participantIds: ['p1'],
        recorded: false,
      }),
      event(2, 'session.caucus-ended', S, { sessionId: S, participantIds: ['p1'] }),
      event(3, 'session.caucus-started', S, {
        sessionId: S,
        at: '2026-12-04T09:00:03.004Z',
        startedAt: '2026-12-04T09:00:03.000Z',
        participantIds: ['p2', 'p3'],
        recorded: true,
      }),
      // Another session's caucus ending changes nothing here.
      event(4, 'session.caucus-ended', OTHER, { sessionId: OTHER, participantIds: ['p2'] }),
    ]);
    expect(memory.caucus).toEqual({
      participantIds: ['p2', 'p3'],
      startedAt: '2026-12-04T09:00:03.000Z',
      recorded: true,
    });
  });

  it('a caucus that ended is over', async () => {
    const memory = await restoredFrom([
      event(1, 'session.caucus-started', S, { sessionId: S, at: 'x', participantIds: ['p1'] }),
      event(2, 'session.caucus-ended', S, { sessionId: S, participantIds: ['p1'] }),
    ]);
    expect(memory.caucus).toBeNull();
  });

  it('the chat comes back in order, confidential messages kept so, of this session only', async () => {
    const memory = await restoredFrom(
      [],
      [
        chatRecord('m1', S, 'party'),
        chatRecord('m2', OTHER, 'party'),
        chatRecord('m3', S, 'mediator', true),
        // A role no session has (a damaged row) is left out, not shown as someone.
        chatRecord('m4', S, 'administrator'),
      ],
    );
    expect(memory.chat.map((m) => [m.id, m.role, m.confidential, m.text])).toEqual([
      ['m1', 'party', false, 'message m1'],
      ['m3', 'mediator', true, 'message m3'],
    ]);
  });
});
