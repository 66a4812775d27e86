/**
 * Keeps in the case record what the mediator does on the floor of a live
 * session — admissions and refusals, identity checks, mutes, removals,
 * locks, caucus begin and end — and the chat, each as an event of the
 * case's audit chain. Chat text is stored in full (confidential when sent
 * in a caucus); removals are stored so the removed participant's token is
 * refused at the next handshake.
 */
import { createHash } from 'node:crypto';
import { SESSION_ROLES, type ChatMessage } from '../../signaling/index.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { FloorLogRepository } from './FloorLogRepository.js';
import type { Logger } from '../logger.js';
import type { FloorEvent, ObservableFloor } from '../floor/SessionFloor.js';
import type { SessionMemory } from '../floor/SessionMemory.js';

export class SessionFloorLog {
  readonly #repository: FloorLogRepository;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  /** Writes in order, one at a time, so the chain follows the floor. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(repository: FloorLogRepository, audit: AuditLog, logger: Logger) {
    this.#repository = repository;
    this.#audit = audit;
    this.#logger = logger.child({ component: 'floor-log' });
  }

  /** Records what happens on the floor of `session` until it closes. */
  attach(session: ObservableFloor): void {
    session.addListener({
      floor: (event) => {
        this.#queue = this.#queue
          .then(() => this.#record(session, event))
          .catch((error: unknown) =>
            this.#logger.error({ err: error, kind: event.kind }, 'cannot record floor event'),
          );
      },
    });
  }

  /** Resolves when every floor event so far is stored (tests, shutdown). */
  async flushed(): Promise<void> {
    await this.#queue;
  }

  /**
   * Fills an empty memory of a session from what its floor recorded in the
   * case's chain: who was admitted, identity checks, removals, mutes, the lock. A
   * session that opens again on another node (its owner died) or after a
   * restart keeps its floor: an admitted party is not sent back to the
   * waiting room, a removed one stays out, a muted one stays muted until the
   * mediator allows them, a locked session stays locked, a caucus in progress
   * goes on (its wall, its confidential chat), and the chat so far is back on
   * everyone's screen as each may read it.
   */
  async restore(caseId: string, sessionId: string, memory: SessionMemory): Promise<void> {
    await this.flushed();
    for (const e of await this.#audit.list(caseId)) {
      if (!e.action.startsWith('session.')) continue;
      let payload: {
        sessionId?: unknown;
        result?: unknown;
        participantIds?: unknown;
        at?: unknown;
        startedAt?: unknown;
        recorded?: unknown;
      };
      try {
        payload = JSON.parse(e.payload) as typeof payload;
      } catch {
        continue;
      }
      if (payload.sessionId !== sessionId) continue;
      switch (e.action) {
        case 'session.admitted':
          memory.admitted.add(e.target);
          break;
        case 'session.identity-checked':
          if (payload.result === 'confirmed' || payload.result === 'failed')
            memory.identity.set(e.target, payload.result);
          break;
        case 'session.removed':
          memory.removed.add(e.target);
          memory.admitted.delete(e.target);
          break;
        case 'session.muted':
          // One participant (the target), or everyone muted at once (their ids).
          if (Array.isArray(payload.participantIds)) {
            for (const id of payload.participantIds)
              if (typeof id === 'string') memory.muted.add(id);
          } else if (e.target !== sessionId) memory.muted.add(e.target);
          break;
        case 'session.unmute-allowed':
          memory.muted.delete(e.target);
          break;
        case 'session.locked':
          memory.locked = true;
          break;
        case 'session.unlocked':
          memory.locked = false;
          break;
        case 'session.caucus-started': {
          const ids = Array.isArray(payload.participantIds)
            ? payload.participantIds.filter((id): id is string => typeof id === 'string')
            : [];
          memory.caucus = {
            participantIds: ids,
            // Its own start time; the event's time for caucuses recorded before it was kept.
            startedAt:
              typeof payload.startedAt === 'string'
                ? payload.startedAt
                : typeof payload.at === 'string'
                  ? payload.at
                  : e.at,
            recorded: payload.recorded === true,
          };
          break;
        }
        case 'session.caucus-ended':
          memory.caucus = null;
          break;
      }
    }
    memory.chat.splice(
      0,
      memory.chat.length,
      ...(await this.#repository.listChat(sessionId)).flatMap((m): ChatMessage[] => {
        const role = SESSION_ROLES.find((r) => r === m.role);
        if (!role) {
          this.#logger.warn({ messageId: m.id, role: m.role }, 'chat message of no known role');
          return [];
        }
        const { id, participantId, displayName, text, sentAt, confidential } = m;
        return [{ id, participantId, displayName, role, text, sentAt, confidential }];
      }),
    );
  }

  isRemoved(sessionId: string, participantId: string): Promise<boolean> {
    return this.#repository.isRemoved(sessionId, participantId);
  }

  async #record(session: ObservableFloor, event: FloorEvent): Promise<void> {
    const caseId = session.caseId;
    await this.#repository.transaction(async () => {
      let payload: Record<string, unknown> = {
        sessionId: session.sessionId,
        at: event.at,
        ...(event.target
          ? {
              participantId: event.target.participantId,
              displayName: event.target.displayName,
              role: event.target.role,
            }
          : {}),
        ...(event.detail ?? {}),
      };
      if (event.kind === 'chat') {
        const message = event.detail?.['message'] as ChatMessage;
        await this.#repository.insertChat({
          id: message.id,
          caseId,
          sessionId: session.sessionId,
          participantId: message.participantId,
          displayName: message.displayName,
          role: message.role,
          text: message.text,
          confidential: message.confidential,
          sentAt: message.sentAt,
        });
        // The chain holds the message's hash; the text is in the chat record.
        payload = {
          sessionId: session.sessionId,
          messageId: message.id,
          sha256: createHash('sha256').update(message.text).digest('hex'),
          confidential: message.confidential,
        };
      }
      if (event.kind === 'removed' && event.target) {
        await this.#repository.insertRemoval({
          sessionId: session.sessionId,
          participantId: event.target.participantId,
          caseId,
          removedBy: event.by.participantId,
          reason: (event.detail?.['reason'] as string | undefined) ?? null,
          removedAt: event.at,
        });
      }
      await this.#audit.append({
        caseId,
        actorId: event.by.participantId,
        actorRole: event.by.role,
        action: `session.${event.kind}`,
        target: event.target?.participantId ?? session.sessionId,
        payload,
      });
    });
  }
}
