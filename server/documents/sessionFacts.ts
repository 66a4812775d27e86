/**
 * What the service knows of a session, for its record (调解笔录), read from the case's audit
 * chain and the session's row: who was admitted and how their identity was checked, the
 * recordings and who consented, and the caucus phases — when and with whom, never what was
 * said (the chain holds no caucus content; chat is not read here).
 */
import type { StoredAuditEvent } from '../audit/AuditChain.js';
import type { MediationSessionRecord } from '../cases/model.js';
import type { SessionFacts } from '../../signaling/http/sessionRecords.js';

type Payload = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function sessionFacts(
  session: MediationSessionRecord,
  events: readonly StoredAuditEvent[],
): SessionFacts {
  const admitted = new Map<string, SessionFacts['admitted'][number]>();
  const identity = new Map<string, 'confirmed' | 'failed'>();
  const recordings = new Map<string, SessionFacts['recordings'][number]>();
  const caucuses: SessionFacts['caucuses'] = [];
  for (const e of events) {
    let p: Payload;
    try {
      p = JSON.parse(e.payload) as Payload;
    } catch {
      continue;
    }
    if (e.action.startsWith('session.') && p['sessionId'] !== session.id) continue;
    switch (e.action) {
      case 'session.identity-checked':
        if (p['result'] === 'confirmed' || p['result'] === 'failed')
          identity.set(e.target, p['result']);
        break;
      case 'session.admitted':
        if (!admitted.has(e.target))
          admitted.set(e.target, {
            participantId: e.target,
            displayName: str(p['displayName']) ?? e.target,
            role: str(p['role']) ?? '',
            admittedAt: str(p['at']) ?? e.at,
            identity:
              p['identity'] === 'confirmed' || p['identity'] === 'failed'
                ? p['identity']
                : 'unchecked',
            overrideReason: str(p['overrideReason']),
          });
        break;
      case 'session.caucus-started':
        caucuses.push({
          startedAt: str(p['startedAt']) ?? str(p['at']) ?? e.at,
          endedAt: null,
          participantIds: Array.isArray(p['participantIds'])
            ? p['participantIds'].filter((x): x is string => typeof x === 'string')
            : [],
        });
        break;
      case 'session.caucus-ended': {
        const open = caucuses.findLast((c) => c.endedAt === null);
        if (open) open.endedAt = str(p['at']) ?? e.at;
        break;
      }
      case 'recording.started':
        if (p['sessionId'] === session.id)
          recordings.set(e.target, {
            recordingId: e.target,
            startedAt: str(p['startedAt']) ?? e.at,
            stoppedAt: null,
            consents: [],
            declined: [],
          });
        break;
      case 'recording.consent': {
        const r = recordings.get(e.target);
        const who = str(p['participantId']);
        if (r && who)
          r.consents.push({ participantId: who, acknowledgedAt: str(p['acknowledgedAt']) ?? e.at });
        break;
      }
      case 'recording.consent-declined': {
        const r = recordings.get(e.target);
        const who = str(p['participantId']) ?? e.actorId;
        if (r && !r.declined.includes(who)) r.declined.push(who);
        break;
      }
      case 'recording.stopped': {
        const r = recordings.get(e.target);
        if (r) r.stoppedAt = str(p['stoppedAt']) ?? e.at;
        break;
      }
      default:
        break;
    }
  }
  // A check made after admission counts: the latest result is the one in force.
  for (const [id, a] of admitted) {
    const checked = identity.get(id);
    if (checked) a.identity = checked;
  }
  return {
    sessionId: session.id,
    scheduledStart: session.scheduledStart,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    admitted: [...admitted.values()],
    recordings: [...recordings.values()],
    caucuses,
  };
}
