/**
 * The mediator's floor as a plain object, without a worker or a socket:
 * who waits and who is admitted, identity before admission, lock and
 * removal remembered for the session, whether media may flow between two
 * participants in and out of a caucus, hands, mute, and chat that stays in
 * its room. Members are stand-ins that record what their client is told.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import type {
  FloorMember,
  ParticipantChannel,
  ParticipantIdentity,
} from '../../server/floor/FloorMember.js';
import {
  SessionFloor,
  type FloorEvent,
  type FloorHost,
  type PrivatePhase,
} from '../../server/floor/SessionFloor.js';
import { SessionMemories, SessionMemory } from '../../server/floor/SessionMemory.js';
import type {
  AdmissionState,
  IdentityState,
  JoinResult,
  NotificationMap,
  NotificationName,
  ParticipantInfo,
  SessionRole,
} from '../../signaling/index.js';

const logger = createLogger('silent');

class Member implements FloorMember {
  readonly identity: ParticipantIdentity;
  readonly logger = logger;
  readonly heard: { event: NotificationName; payload: unknown }[] = [];
  readonly channel: ParticipantChannel;
  closed = false;
  disconnected = false;
  admission: AdmissionState = 'waiting';
  identityCheck: IdentityState = 'unchecked';
  handRaised = false;
  mutedByMediator = false;

  constructor(id: string, role: SessionRole) {
    this.identity = { participantId: id, displayName: id, role };
    this.channel = {
      notify: <E extends NotificationName>(event: E, payload: NotificationMap[E]) => {
        this.heard.push({ event, payload });
      },
      disconnect: () => {
        this.disconnected = true;
      },
    };
  }

  get id(): string {
    return this.identity.participantId;
  }

  info(): ParticipantInfo {
    return {
      participantId: this.id,
      displayName: this.identity.displayName,
      role: this.identity.role,
      joinedAt: '2026-01-01T00:00:00.000Z',
      admission: this.admission,
      identity: this.identityCheck,
      handRaised: this.handRaised,
      mutedByMediator: this.mutedByMediator,
      reconnecting: false,
    };
  }

  /** The events this member's client received, in order. */
  events(): NotificationName[] {
    return this.heard.map((h) => h.event);
  }

  payloads<E extends NotificationName>(event: E): NotificationMap[E][] {
    return this.heard.filter((h) => h.event === event).map((h) => h.payload as NotificationMap[E]);
  }
}

/** A floor over a member map, with a host that records what it was asked to do. */
function floorOf(memory = new SessionMemory()) {
  const members = new Map<string, Member>();
  const events: FloorEvent[] = [];
  const phases: PrivatePhase[] = [];
  const silenced: string[] = [];
  let reroutes = 0;
  let clock = 0;
  let ids = 0;
  const host: FloorHost<Member> = {
    silence: async (m) => {
      silenced.push(m.id);
    },
    reroute: async () => {
      reroutes += 1;
    },
    announceSpeakers: () => undefined,
    dismiss: (m) => {
      members.delete(m.id);
      m.closed = true;
      m.channel.disconnect();
    },
    admitted: (m) => m.channel.notify('admission:granted', snapshot(m)),
    floorEvent: (e) => events.push(e),
    privatePhase: (p) => phases.push(p),
  };
  const snapshot = (m: Member): JoinResult => ({
    self: m.info(),
    caseId: 'C-1',
    sessionId: 'S-1',
    canPublish: [],
    recording: null,
    locked: floor.locked,
    participants: [],
    producers: [],
    activeSpeaker: null,
    admission: m.admission,
    waiting: [],
    caucus: floor.caucus,
    chat: floor.chatFor(m),
  });
  const floor = new SessionFloor<Member>({
    members,
    host,
    memory,
    logger,
    now: () => new Date(Date.UTC(2026, 0, 1, 9, 0, clock++)),
    newId: () => `msg-${++ids}`,
  });
  /** Someone arrives as LiveSession.join seats them; throws as the floor refuses. */
  const arrive = (id: string, role: SessionRole = 'party', preAdmitted = false): Member => {
    const m = new Member(id, role);
    const admitted = floor.entry(m.identity, preAdmitted);
    floor.seat(m, admitted);
    members.set(m.id, m);
    floor.announceArrival(m);
    return m;
  };
  /** A party, agent or observer admitted after a confirmed identity check. */
  const admitted = (id: string, role: SessionRole = 'party', by = 'med'): Member => {
    const m = arrive(id, role);
    floor.verifyIdentity(by, id, 'confirmed', {});
    floor.admit(by, id);
    return m;
  };
  return {
    floor,
    members,
    memory,
    events,
    phases,
    silenced,
    arrive,
    admitted,
    reroutes: () => reroutes,
  };
}

describe('the session floor', () => {
  it('keeps a party waiting, unseen by the others, until a mediator admits them after an identity check', () => {
    const f = floorOf();
    const early = f.arrive('p-1');
    expect(early.admission).toBe('waiting');
    const med = f.arrive('med', 'mediator');
    expect(med.admission).toBe('admitted');
    expect(() => f.floor.chat('p-1', 'hello')).toThrow(/admit/);
    const other = f.admitted('p-2');
    // Someone waiting is told of to mediators only.
    f.arrive('p-3');
    expect(med.payloads('admission:knock').map((i) => i.participantId)).toContain('p-3');
    expect(other.events()).not.toContain('admission:knock');

    expect(() => f.floor.admit('p-2', 'p-1')).toThrow(/may not moderate/);
    expect(() => f.floor.admit('med', 'p-1')).toThrow(/Identity not checked/);
    f.floor.verifyIdentity('med', 'p-1', 'failed', { method: 'id-card' });
    expect(() => f.floor.admit('med', 'p-1')).toThrow(/identity check failed/);
    f.floor.admit('med', 'p-1', '  当面核对过 ');
    expect(early.admission).toBe('admitted');
    expect(early.payloads('admission:granted')[0]).toMatchObject({ admission: 'admitted' });
    expect(other.payloads('participant:joined').map((i) => i.participantId)).toContain('p-1');
    expect(f.events.filter((e) => e.kind === 'admitted').at(-1)).toMatchObject({
      by: { participantId: 'med' },
      target: { participantId: 'p-1' },
      detail: { identity: 'failed', identityOverride: true, overrideReason: '当面核对过' },
    });
  });

  it('remembers admission and identity for a reconnect, even in a new floor of the same session', () => {
    const memory = new SessionMemory();
    const first = floorOf(memory);
    first.arrive('med', 'mediator');
    first.admitted('p-1');
    // Everyone dropped: the live session reopens with the same memory.
    const again = floorOf(memory);
    const back = again.arrive('p-1');
    expect(back.admission).toBe('admitted');
    expect(back.identityCheck).toBe('confirmed');
    expect(again.arrive('p-new').admission).toBe('waiting');
  });

  it('refuses newcomers to a locked session, and removed participants for good', () => {
    const f = floorOf();
    const med = f.arrive('med', 'mediator');
    const p1 = f.admitted('p-1');
    f.floor.lock('med', true);
    expect(f.floor.locked).toBe(true);
    expect(p1.payloads('session:locked')).toEqual([{ locked: true }]);
    expect(() => f.arrive('p-new')).toThrow(/locked/);
    // Someone admitted before the lock comes back in; a server-side participant too.
    expect(f.floor.entry(p1.identity)).toBe(true);
    expect(f.arrive('recorder', 'observer', true).admission).toBe('admitted');
    f.floor.lock('med', false);
    expect(f.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['locked', 'unlocked']));

    expect(() => f.floor.remove('med', 'med')).toThrow(/Leave/);
    f.floor.remove('med', 'p-1', 'disruptive');
    expect(p1.payloads('session:removed')).toEqual([
      { detail: 'PARTICIPANT_REMOVED', reason: 'disruptive' },
    ]);
    expect(p1.disconnected).toBe(true);
    expect(f.members.has('p-1')).toBe(false);
    expect(f.floor.isRemoved('p-1')).toBe(true);
    expect(() => f.floor.entry(p1.identity)).toThrow(/removed you/);
    expect(med.events()).not.toContain('session:removed');

    const waiting = f.arrive('p-2');
    f.floor.refuse('med', 'p-2');
    // No words from the mediator: only the reason, which the page renders from its catalogue.
    expect(waiting.payloads('admission:refused')).toEqual([{ detail: 'ADMISSION_REFUSED' }]);
    expect(f.members.has('p-2')).toBe(false);
    // A refusal is not a removal: they may knock again.
    expect(f.floor.isRemoved('p-2')).toBe(false);

    // Removed without words: the reason alone, no sentence of the server's.
    const p3 = f.admitted('p-3');
    f.floor.remove('med', 'p-3');
    expect(p3.payloads('session:removed')).toEqual([{ detail: 'PARTICIPANT_REMOVED' }]);
  });

  it('lets media flow between everyone, except across the caucus wall, and reroutes as the caucus begins and ends', async () => {
    const f = floorOf();
    f.arrive('med', 'mediator');
    f.admitted('a');
    f.admitted('a-agent', 'agent');
    f.admitted('b');
    const pairs = () =>
      Object.fromEntries(
        ['med<-a', 'a<-med', 'a<-a-agent', 'a<-b', 'b<-a', 'med<-b', 'b<-med'].map((k) => {
          const [to, from] = k.split('<-') as [string, string];
          return [k, f.floor.mayFlow(to, from)];
        }),
      );
    expect(Object.values(pairs()).every(Boolean)).toBe(true);

    await expect(f.floor.startCaucus('med', ['med'], false)).rejects.toThrow(/every caucus/);
    f.arrive('late');
    await expect(f.floor.startCaucus('med', ['late'], false)).rejects.toThrow(/not in the session/);
    await expect(f.floor.startCaucus('a', ['a'], false)).rejects.toThrow(/may not moderate/);
    expect(f.reroutes()).toBe(0);

    const caucus = await f.floor.startCaucus('med', ['a', 'a-agent', 'a'], true);
    expect(caucus.participantIds).toEqual(['a', 'a-agent']);
    expect(f.reroutes()).toBe(1);
    expect(pairs()).toEqual({
      'med<-a': true,
      'a<-med': true,
      'a<-a-agent': true,
      'a<-b': false,
      'b<-a': false,
      'med<-b': false,
      'b<-med': false,
    });
    expect(f.floor.roomOf('b').map((m) => m.id)).toEqual(['b']);
    expect(f.phases).toEqual([{ participantIds: ['a', 'a-agent'], recorded: true }]);
    await expect(f.floor.startCaucus('med', ['b'], false)).rejects.toThrow(/in progress/);

    await f.floor.endCaucus('med');
    expect(f.reroutes()).toBe(2);
    expect(Object.values(pairs()).every(Boolean)).toBe(true);
    expect(f.phases.at(-1)).toBeNull();
    await expect(f.floor.endCaucus('med')).rejects.toThrow(/No caucus/);
    expect(f.events.filter((e) => e.kind.startsWith('caucus')).map((e) => e.kind)).toEqual([
      'caucus-started',
      'caucus-ended',
    ]);
  });

  it('tells a raised hand to its own room and the mediator, never across the wall', async () => {
    const f = floorOf();
    const med = f.arrive('med', 'mediator');
    const a = f.admitted('a');
    const b = f.admitted('b');
    await f.floor.startCaucus('med', ['a'], false);
    for (const m of [med, a, b]) m.heard.length = 0;
    f.floor.raiseHand('a', true);
    expect(med.payloads('participant:updated')).toMatchObject([
      { participantId: 'a', handRaised: true },
    ]);
    expect(a.payloads('participant:updated')).toHaveLength(1);
    expect(b.events()).toEqual([]);
    f.floor.raiseHand('b', true);
    // The mediator is in the caucus room, but learns of every hand.
    expect(med.payloads('participant:updated').at(-1)).toMatchObject({ participantId: 'b' });
    expect(a.payloads('participant:updated')).toHaveLength(1);
    expect(() => f.floor.raiseHand('nobody', true)).toThrow(/Not joined/);
  });

  it('mutes on the server and holds the microphone until the mediator allows it', async () => {
    const f = floorOf();
    const med = f.arrive('med', 'mediator');
    f.arrive('med-2', 'mediator');
    const p = f.admitted('p-1');
    f.admitted('p-2');
    f.arrive('waiting');

    await expect(f.floor.mute('p-2', 'p-1')).rejects.toThrow(/may not moderate/);
    await expect(f.floor.mute('med', 'med-2')).rejects.toThrow(/cannot be muted/);
    await expect(f.floor.mute('med', 'waiting')).rejects.toThrow(
      expect.objectContaining({ reason: 'PARTICIPANT_ABSENT' }),
    );
    await f.floor.mute('med', 'p-1');
    expect(p.mutedByMediator).toBe(true);
    expect(f.silenced).toEqual(['p-1']);
    expect(med.payloads('participant:updated').at(-1)).toMatchObject({
      participantId: 'p-1',
      mutedByMediator: true,
    });
    expect(() => f.floor.assertMayUnmute(p)).toThrow(/raise your hand/);
    f.floor.allowUnmute('med', 'p-1');
    expect(() => f.floor.assertMayUnmute(p)).not.toThrow();

    expect(await f.floor.muteAll('med')).toBe(2);
    expect(f.silenced).toEqual(['p-1', 'p-1', 'p-2']);
    expect(f.events.filter((e) => e.kind === 'muted').at(-1)?.detail).toEqual({
      all: true,
      count: 2,
      participantIds: ['p-1', 'p-2'],
    });
  });

  it('keeps chat in its room: confidential inside a caucus, unread outside it afterwards', async () => {
    const f = floorOf();
    const med = f.arrive('med', 'mediator');
    const a = f.admitted('a');
    const b = f.admitted('b');
    const open = f.floor.chat('b', '大家好');
    expect(open.confidential).toBe(false);
    expect(a.payloads('chat:message')).toEqual([open]);

    await f.floor.startCaucus('med', ['a'], false);
    const inside = f.floor.chat('a', '我方底线是三万 / our floor is 30,000');
    expect(inside).toMatchObject({ confidential: true, participantId: 'a', id: 'msg-2' });
    expect(med.payloads('chat:message')).toContainEqual(inside);
    expect(b.payloads('chat:message')).not.toContainEqual(inside);
    const outside = f.floor.chat('b', '我们等着');
    expect(outside.confidential).toBe(false);
    // The mediator is in the caucus room: the side outside speaks among itself.
    expect(med.payloads('chat:message')).not.toContainEqual(outside);

    await f.floor.endCaucus('med');
    expect(f.floor.chatFor(b).map((m) => m.id)).toEqual([open.id, outside.id]);
    expect(f.floor.chatFor(a).map((m) => m.id)).toEqual([open.id, inside.id, outside.id]);
    expect(f.floor.chatFor(med)).toHaveLength(3);
    // Someone admitted later sees what was said in the joint session only.
    const late = f.admitted('late', 'observer');
    expect(late.payloads('admission:granted')[0]?.chat.map((m) => m.id)).toEqual([
      open.id,
      outside.id,
    ]);
    expect(f.events.filter((e) => e.kind === 'chat')).toHaveLength(3);
  });
});

describe('session memories', () => {
  it('keeps one memory per session until it is forgotten', () => {
    const memories = new SessionMemories();
    const s1 = memories.of('S-1');
    s1.admitted.add('p-1');
    expect(memories.of('S-1')).toBe(s1);
    memories.of('S-2');
    expect(memories.sessionIds()).toEqual(['S-1', 'S-2']);
    memories.forget('S-1');
    expect(memories.has('S-1')).toBe(false);
    expect(memories.of('S-1').admitted.size).toBe(0);
    memories.clear();
    expect(memories.sessionIds()).toEqual([]);
  });
});
