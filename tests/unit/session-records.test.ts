/**
 * The session record's facts from an audit chain (pure): admissions with the identity check in
 * force, the recording and who consented or declined, the caucus phases with their times and
 * people but nothing said in them; events of other sessions ignored. And the bundle layout:
 * completed session records go into their own folder with the hash fixed at issue.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../server/audit/AuditChain.js';
import type { MediationSessionRecord } from '../../server/cases/model.js';
import { sessionFacts } from '../../server/documents/sessionFacts.js';
import { layoutBundle, type Plan } from '../../server/references/bundleLayout.js';

const session: MediationSessionRecord = {
  id: 'S1',
  caseId: 'C1',
  status: 'ended',
  mode: 'online',
  scheduledStart: '2026-12-05T01:00:00.000Z',
  scheduledEnd: null,
  startedAt: '2026-12-05T01:02:00.000Z',
  endedAt: '2026-12-05T02:10:00.000Z',
  createdBy: 'M1',
};

let seq = 0;
function event(action: string, target: string, payload: Record<string, unknown>): StoredAuditEvent {
  seq += 1;
  return {
    caseId: 'C1',
    seq,
    at: `2026-12-05T01:${String(seq).padStart(2, '0')}:00.000Z`,
    actorId: 'M1',
    actorRole: 'mediator',
    action,
    target,
    payload: JSON.stringify(payload),
    payloadHash: '',
    prevHash: '',
    hash: '',
  };
}

describe('what the service knows of a session', () => {
  it('reads admissions, checks, recordings and caucuses of this session only', () => {
    const events = [
      event('session.identity-checked', 'A', { sessionId: 'S1', result: 'confirmed' }),
      event('session.admitted', 'A', {
        sessionId: 'S1',
        participantId: 'A',
        displayName: '张三',
        role: 'party',
        identity: 'confirmed',
        at: '2026-12-05T01:03:00.000Z',
      }),
      event('session.admitted', 'R', {
        sessionId: 'S1',
        participantId: 'R',
        displayName: '李四',
        role: 'party',
        identity: 'unchecked',
        identityOverride: true,
        overrideReason: '调解员认识本人',
        at: '2026-12-05T01:04:00.000Z',
      }),
      // A check after admission is the one in force.
      event('session.identity-checked', 'R', { sessionId: 'S1', result: 'failed' }),
      // Another session's admission is not this one's.
      event('session.admitted', 'X', { sessionId: 'S2', participantId: 'X', displayName: '王五' }),
      event('recording.started', 'REC', { sessionId: 'S1', startedAt: '2026-12-05T01:05:00.000Z' }),
      event('recording.consent', 'REC', {
        participantId: 'A',
        acknowledgedAt: '2026-12-05T01:05:30.000Z',
      }),
      event('recording.consent-declined', 'REC', { participantId: 'R' }),
      event('recording.started', 'OTHER', {
        sessionId: 'S2',
        startedAt: '2026-12-05T01:05:00.000Z',
      }),
      event('session.caucus-started', 'S1', {
        sessionId: 'S1',
        participantIds: ['A'],
        startedAt: '2026-12-05T01:20:00.000Z',
        recorded: false,
      }),
      event('session.chat', 'S1', {
        sessionId: 'S1',
        messageId: 'm',
        sha256: 'x',
        confidential: true,
      }),
      event('session.caucus-ended', 'S1', {
        sessionId: 'S1',
        participantIds: ['A'],
        at: '2026-12-05T01:30:00.000Z',
      }),
      event('recording.stopped', 'REC', { stoppedAt: '2026-12-05T02:09:00.000Z' }),
    ];
    expect(sessionFacts(session, events)).toEqual({
      sessionId: 'S1',
      scheduledStart: session.scheduledStart,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      admitted: [
        {
          participantId: 'A',
          displayName: '张三',
          role: 'party',
          admittedAt: '2026-12-05T01:03:00.000Z',
          identity: 'confirmed',
          overrideReason: null,
        },
        {
          participantId: 'R',
          displayName: '李四',
          role: 'party',
          admittedAt: '2026-12-05T01:04:00.000Z',
          identity: 'failed',
          overrideReason: '调解员认识本人',
        },
      ],
      recordings: [
        {
          recordingId: 'REC',
          startedAt: '2026-12-05T01:05:00.000Z',
          stoppedAt: '2026-12-05T02:09:00.000Z',
          consents: [{ participantId: 'A', acknowledgedAt: '2026-12-05T01:05:30.000Z' }],
          declined: ['R'],
        },
      ],
      caucuses: [
        {
          startedAt: '2026-12-05T01:20:00.000Z',
          endedAt: '2026-12-05T01:30:00.000Z',
          participantIds: ['A'],
        },
      ],
    });
  });

  it('a session nobody joined has no admissions, recordings or caucuses', () => {
    expect(sessionFacts({ ...session, startedAt: null, endedAt: null }, [])).toMatchObject({
      startedAt: null,
      admitted: [],
      recordings: [],
      caucuses: [],
    });
  });
});

describe('completed session records in a bundle', () => {
  it('go into 06-session-records with the hash fixed at issue, before the reference', () => {
    const doc = (id: string, title: string, version = 1) =>
      ({
        id,
        caseId: 'C1',
        seriesId: id,
        version,
        kind: 'session_record',
        title,
        sha256: `sha-${id}`,
        size: 1000,
        issuedAt: '',
        issuedBy: '',
        superseded: false,
        signing: null,
      }) as Plan['records'][number];
    const plan = {
      application: { ...doc('APP', '司法确认申请书'), kind: 'judicial_confirmation_application' },
      agreement: {
        ...doc('AGR', '调解协议书'),
        signing: { sealed: { sha256: 'sealed', size: 5 } },
      },
      scan: null,
      deliveries: [],
      evidence: [],
      records: [doc('R1', '调解笔录', 2), doc('R2', '调解笔录')],
    } as unknown as Plan;
    const files = layoutBundle(plan, 'B1');
    const records = files.filter((f) => f.role === 'session_record');
    expect(records.map((f) => [f.path, f.source.id, f.expected?.sha256])).toEqual([
      ['06-session-records/01-调解笔录.pdf', 'R1', 'sha-R1'],
      ['06-session-records/02-调解笔录.pdf', 'R2', 'sha-R2'],
    ]);
    expect(records[0]!.title).toContain('第 2 版');
    expect(files.at(-1)?.role).toBe('reference');
  });
});
