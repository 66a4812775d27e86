/**
 * Socket authorization by generation: every request of the contract, sent by
 * every session role and by every kind of stale credential, is permitted or
 * refused as the table below says. The table is keyed by request name, so a
 * new event without an entry fails to compile and fails the first test.
 *
 * "allow": answered (ok, or an error about the request itself: NOT_FOUND,
 * INVALID_STATE, VALIDATION, MEDIA_UNAVAILABLE); "deny": FORBIDDEN. Stale
 * credentials and a clerk never get a connection, so every request is denied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  REQUEST_NAMES,
  REQUEST_STAGES,
  type RequestName,
  type SessionClaims,
} from '../../signaling/index.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { connectClient, joinSession, refusal } from '../support/client.js';
import { enrol, enrolledToken } from '../support/enrol.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ROLES = ['mediator', 'party', 'agent', 'observer', 'waiting'] as const;
type Role = (typeof ROLES)[number];
const STALE = [
  'clerk',
  'deactivated',
  'unassigned',
  'revoked',
  'ended',
  'otherCaseSession',
] as const;
type Stale = (typeof STALE)[number];
type Verdict = 'allow' | 'deny';
type Row = Record<Role, Verdict>;

const everyone: Row = {
  mediator: 'allow',
  party: 'allow',
  agent: 'allow',
  observer: 'allow',
  waiting: 'allow',
};
const admitted: Row = { ...everyone, waiting: 'deny' };
const publishers: Row = { ...admitted, observer: 'deny' };
const mediatorOnly: Row = {
  mediator: 'allow',
  party: 'deny',
  agent: 'deny',
  observer: 'deny',
  waiting: 'deny',
};
/** A party's or agent's own inbox (a waiting party has one too). */
const inbox: Row = {
  mediator: 'deny',
  party: 'allow',
  agent: 'allow',
  observer: 'deny',
  waiting: 'allow',
};

const TABLE: Record<RequestName, Row> = {
  'media:capabilities': everyone,
  'session:join': everyone,
  'session:leave': everyone,
  'session:participants': admitted,
  'transport:create': publishers, // direction 'send'
  'transport:connect': admitted,
  'transport:restartIce': admitted,
  'producer:create': publishers,
  'producer:pause': admitted,
  'producer:resume': admitted,
  'producer:close': admitted,
  'consumer:create': admitted,
  'consumer:resume': admitted,
  'consumer:setPreferredLayers': admitted,
  'evidence:list': admitted,
  'evidence:present': publishers,
  'evidence:stop': admitted,
  'evidence:share': publishers,
  'evidence:confidential': mediatorOnly,
  'recording:start': mediatorOnly,
  'recording:stop': mediatorOnly,
  'recording:acknowledge': admitted,
  'recording:withdraw': admitted,
  'recording:decline': admitted,
  'admission:admit': mediatorOnly,
  'admission:refuse': mediatorOnly,
  'identity:verify': mediatorOnly,
  'moderation:mute': mediatorOnly,
  'moderation:muteAll': mediatorOnly,
  'moderation:allowUnmute': mediatorOnly,
  'moderation:remove': mediatorOnly,
  'session:lock': mediatorOnly,
  'caucus:start': mediatorOnly,
  'caucus:end': mediatorOnly,
  'hand:raise': admitted,
  'chat:send': admitted,
  'document:list': inbox,
  'document:received': inbox,
  'document:read': inbox,
  'document:acknowledge': inbox,
  'document:challenge': inbox,
  'document:paperCopy': inbox,
};

const FINGERPRINT = { algorithm: 'sha-256', value: Array(32).fill('AB').join(':') };
const NOBODY = 'nobody-here';
const NO_CAPABILITIES = { codecs: [], headerExtensions: [] };

/** A well-formed payload naming nothing that exists, so permitted requests change nothing. */
const PAYLOADS: Record<RequestName, unknown> = {
  'media:capabilities': {},
  'session:join': { rtpCapabilities: NO_CAPABILITIES },
  'session:leave': {},
  'session:participants': {},
  'transport:create': { direction: 'send' },
  'transport:connect': { transportId: NOBODY, dtlsParameters: { fingerprints: [FINGERPRINT] } },
  'transport:restartIce': { transportId: NOBODY },
  'producer:create': {
    transportId: NOBODY,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
  },
  'producer:pause': { producerId: NOBODY },
  'producer:resume': { producerId: NOBODY },
  'producer:close': { producerId: NOBODY },
  'consumer:create': { transportId: NOBODY, producerId: NOBODY },
  'consumer:resume': { consumerId: NOBODY },
  'consumer:setPreferredLayers': { consumerId: NOBODY, spatialLayer: 0 },
  'evidence:list': {},
  'evidence:present': { evidenceId: NOBODY },
  'evidence:stop': {},
  'evidence:share': { evidenceId: NOBODY, shared: true },
  'evidence:confidential': { evidenceId: NOBODY, confidential: false },
  'recording:start': {},
  'recording:stop': {},
  'recording:acknowledge': { recordingId: NOBODY },
  'recording:withdraw': { recordingId: NOBODY },
  'recording:decline': { recordingId: NOBODY },
  'admission:admit': { participantId: NOBODY },
  'admission:refuse': { participantId: NOBODY },
  'identity:verify': { participantId: NOBODY, result: 'confirmed', method: 'personal-details' },
  'moderation:mute': { participantId: NOBODY },
  'moderation:muteAll': {},
  'moderation:allowUnmute': { participantId: NOBODY },
  'moderation:remove': { participantId: NOBODY },
  'session:lock': { locked: false },
  'caucus:start': { participantIds: [NOBODY] },
  'caucus:end': {},
  'hand:raise': { raised: false },
  'chat:send': { text: '授权测试' },
  'document:list': {},
  'document:received': { deliveryId: NOBODY },
  'document:read': { deliveryId: NOBODY },
  'document:acknowledge': { deliveryId: NOBODY },
  'document:challenge': { deliveryId: NOBODY, reason: '测试' },
  'document:paperCopy': { deliveryId: NOBODY },
};

const ANSWERED = ['NOT_FOUND', 'INVALID_STATE', 'VALIDATION', 'MEDIA_UNAVAILABLE'];

describe('socket authorization by generation', () => {
  let t: TestServer;
  let staff: StaffFixture;
  const tokens = {} as Record<Role, () => Promise<string>>;
  const stale = {} as Record<Stale, string>;

  beforeAll(async () => {
    t = await startTestServer();
    const repo = new SqlCaseRepository(t.server.database);
    staff = await seedStaff(repo);
    const a = await caseInSession(t.server.cases, staff);
    const b = await caseInSession(t.server.cases, staff);
    const base = { caseId: a.case.id, sessionId: a.session.id };
    const applicant = a.people.find((p) => p.kind === 'applicant')!;
    const respondent = a.people.find((p) => p.kind === 'respondent')!;
    const claims: Record<Role, SessionClaims> = {
      mediator: { ...base, sub: staff.mediator.id, role: 'mediator', name: staff.mediator.name },
      party: { ...base, sub: applicant.id, role: 'party', name: applicant.name },
      agent: { ...base, sub: 'gen-agent', role: 'agent', name: '律师' },
      observer: { ...base, sub: 'gen-observer', role: 'observer', name: '工会代表' },
      waiting: { ...base, sub: respondent.id, role: 'party', name: respondent.name },
    };
    for (const role of ROLES) tokens[role] = () => enrolledToken(t.server, claims[role]);

    // Everyone but `waiting` is admitted once; later connections of theirs are let straight back in.
    const mediator = await connectClient(t.url, await tokens.mediator());
    const joined = await joinSession(mediator);
    expect(joined.admission).toBe('admitted');
    for (const role of ['party', 'agent', 'observer'] as const) {
      const c = await connectClient(t.url, await tokens[role]());
      await joinSession(c, { admitBy: mediator });
      c.close();
    }
    mediator.close();

    // Stale credentials, one of each kind.
    const issue = (c: SessionClaims) => t.server.tokens.issue(c, 600);
    stale.clerk = issue({ ...base, sub: staff.clerk.id, role: 'mediator', name: staff.clerk.name });
    stale.unassigned = issue({
      ...base,
      sub: staff.otherMediator.id,
      role: 'mediator',
      name: staff.otherMediator.name,
    });
    const other = await seedStaff(repo);
    const c = await caseInSession(t.server.cases, other);
    stale.deactivated = issue({
      caseId: c.case.id,
      sessionId: c.session.id,
      sub: other.mediator.id,
      role: 'mediator',
      name: other.mediator.name,
    });
    const revoked = await enrol(t.server, {
      ...base,
      sub: 'gen-revoked',
      role: 'observer',
      name: '撤销',
    });
    stale.revoked = issue(revoked);
    await t.server.cases.revokeInvitation(staff.clerk, a.case.id, revoked.inv!);
    const e = await caseInSession(t.server.cases, other);
    const ended = e.people.find((p) => p.kind === 'applicant')!;
    stale.ended = issue(
      await enrol(t.server, {
        caseId: e.case.id,
        sessionId: e.session.id,
        sub: ended.id,
        role: 'party',
        name: ended.name,
      }),
    );
    await t.server.cases.setSessionState(other.mediator, e.session.id, 'live');
    await t.server.cases.setSessionState(other.mediator, e.session.id, 'ended');
    await t.server.cases.deactivateStaff(other.clerk, other.mediator.id);
    stale.otherCaseSession = issue({ ...claims.party, sessionId: b.session.id });
  });

  afterAll(async () => {
    await t.close();
  });

  it('has an entry and a payload for every request of the contract', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...REQUEST_NAMES].sort());
    expect(Object.keys(PAYLOADS).sort()).toEqual([...REQUEST_NAMES].sort());
  });

  it('permits and refuses each request by role as the table says', async () => {
    const verdicts = await Promise.all(
      ROLES.map(async (role) => {
        const seen: Record<string, string> = {};
        for (const event of REQUEST_NAMES) {
          const client = await connectClient(t.url, await tokens[role]());
          try {
            // Requests made once joined are sent joined (`waiting`: in the waiting room).
            if (REQUEST_STAGES[event] !== 'connected')
              await client.request('session:join', { rtpCapabilities: NO_CAPABILITIES });
            const reply = (await client.raw(event, PAYLOADS[event])) as {
              ok: boolean;
              error?: { code: string; message: string };
            };
            expect(reply.error?.code, `${role} ${event}: ${reply.error?.message}`).not.toBe(
              'INTERNAL',
            );
            const verdict =
              reply.ok || ANSWERED.includes(reply.error!.code)
                ? 'allow'
                : reply.error!.code === 'FORBIDDEN'
                  ? 'deny'
                  : `unexpected ${reply.error!.code}`;
            seen[event] = verdict;
            if (event === 'recording:start' && reply.ok) await client.request('recording:stop', {});
          } finally {
            client.close();
          }
        }
        return [role, seen] as const;
      }),
    );
    const expected = Object.fromEntries(
      ROLES.map((role) => [
        role,
        Object.fromEntries(REQUEST_NAMES.map((event) => [event, TABLE[event][role]])),
      ]),
    );
    expect(Object.fromEntries(verdicts)).toEqual(expected);
  });

  it('refuses every request of every stale credential: no connection at all', async () => {
    const reasons: Record<Stale, string> = {
      clerk: 'ACCESS_WITHDRAWN',
      deactivated: 'ACCESS_WITHDRAWN',
      unassigned: 'ACCESS_WITHDRAWN',
      revoked: 'TOKEN_REVOKED',
      ended: 'SESSION_CLOSED',
      otherCaseSession: 'SESSION_CLOSED',
    };
    for (const kind of STALE) {
      const refused = await refusal(t.url, stale[kind]);
      expect({ kind, reason: refused.reason }).toEqual({ kind, reason: reasons[kind] });
    }
  });
});
