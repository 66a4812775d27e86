/**
 * What a session's floor is when it opens on a node that did not hold it
 * (its owner died, or after a restart): read back from the floor events of
 * the case's audit chain, for that session only, in order.
 */
import { describe, expect, it } from 'vitest';
import type { AuditLog, StoredAuditEvent } from '../../server/audit/AuditLog.js';
import type { FloorLogRepository } from '../../server/cases/FloorLogRepository.js';
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

function restoredFrom(events: StoredAuditEvent[]): Promise<SessionMemory> {
  const audit: AuditLog = {
    append: () => Promise.reject(new Error('not in this test')),
    list: async () => events,
    verify: () => Promise.reject(new Error('not in this test')),
  };
  const repository = {} as FloorLogRepository;
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
    });
  }
});
