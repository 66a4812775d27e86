/**
 * Mediation sessions of a case: scheduled, started, ended or cancelled, and
 * which session an actor may join now. Starting needs the mediator's
 * disclosure and no pending recusal request.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { fail, NotFoundError } from '../errors.js';
import { pendingRecusal } from './recusal.js';
import type { Actor } from './access.js';
import type { MediationCase, MediationSessionRecord } from './model.js';
import type { scheduleSessionSchema } from './schemas.js';
import type { CaseAction } from './stateMachine.js';
import type { CaseContext } from './context.js';

export class CaseSessions {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async scheduleSession(
    actor: Actor,
    caseId: string,
    input: z.input<typeof scheduleSessionSchema>,
  ): Promise<MediationSessionRecord> {
    return this.#ctx.change(actor, caseId, 'case.schedule', 'scheduleSession', async (c) => {
      if (!c.mediatorId) throw fail('MEDIATOR_BEFORE_SCHEDULING');
      await this.#ctx.requireDisclosure(c, c.mediatorId);
      const s: MediationSessionRecord = {
        id: randomUUID(),
        caseId: c.id,
        status: 'scheduled',
        mode: input.mode ?? 'online',
        scheduledStart: new Date(input.scheduledStart).toISOString(),
        scheduledEnd: input.scheduledEnd ? new Date(input.scheduledEnd).toISOString() : null,
        startedAt: null,
        endedAt: null,
        createdBy: actor.id,
      };
      await this.#ctx.repo.insertSession(s);
      return { result: s, action: 'session.scheduled', target: s.id, payload: s };
    });
  }

  async setSessionState(
    actor: Actor,
    sessionId: string,
    to: 'live' | 'ended' | 'cancelled',
  ): Promise<MediationSessionRecord> {
    const session = await this.#ctx.repo.getSession(sessionId);
    if (!session) throw new NotFoundError('Session');
    const action: CaseAction =
      to === 'live' ? 'startSession' : to === 'ended' ? 'endSession' : 'cancelSession';
    return this.#ctx.change(
      actor,
      session.caseId,
      to === 'cancelled' ? 'case.schedule' : 'case.runSession',
      action,
      async (c, at) => {
        const current = await this.#ctx.repo.getSession(sessionId);
        if (!current) throw new NotFoundError('Session');
        if (to === 'live' && current.status === 'scheduled') {
          // Whoever takes over must disclose before running anything; a recusal request waits for its decision.
          await this.#ctx.requireDisclosure(c, actor.kind === 'staff' ? actor.id : c.mediatorId);
          if (pendingRecusal(await this.#ctx.repo.listRecusalRequests(c.id)))
            throw fail('RECUSAL_BLOCKS_SESSION');
        }
        const allowed: Record<typeof to, MediationSessionRecord['status'][]> = {
          live: ['scheduled'],
          ended: ['live'],
          cancelled: ['scheduled'],
        };
        if (!allowed[to].includes(current.status)) {
          throw fail('SESSION_TRANSITION_INVALID', { from: current.status, to });
        }
        const next: MediationSessionRecord = {
          ...current,
          status: to,
          startedAt: to === 'live' ? at : current.startedAt,
          endedAt: to === 'live' ? null : at,
        };
        await this.#ctx.repo.updateSession(next);
        return {
          result: next,
          action: `session.${to}`,
          target: sessionId,
          payload: { from: current.status, to },
          ...(to === 'live'
            ? {}
            : { announce: { kind: 'session-closed', caseId: current.caseId, sessionId } }),
        };
      },
    );
  }

  /** The session the actor may join now, with the case it belongs to. */
  async joinableSession(
    actor: Actor,
    sessionId: string | undefined,
    caseId: string,
  ): Promise<{ case: MediationCase; session: MediationSessionRecord }> {
    const c = await this.#ctx.load(actor, caseId, 'session.join');
    if (actor.kind === 'staff') await this.#ctx.requireDisclosure(c, actor.id);
    const all = await this.#ctx.repo.listSessions(c.id);
    const joinable = all.filter((s) => s.status === 'live' || s.status === 'scheduled');
    if (sessionId) {
      // A session of another case is as unknown to the asker as that case.
      if (!all.some((s) => s.id === sessionId)) throw new NotFoundError('Session');
      const session = joinable.find((s) => s.id === sessionId);
      if (!session) throw fail('SESSION_OVER');
      return { case: c, session };
    }
    const session = joinable.find((s) => s.status === 'live') ?? joinable[0];
    if (!session) throw fail('NO_SESSION_SCHEDULED');
    return { case: c, session };
  }
}
