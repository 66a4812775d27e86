/**
 * How mediation ends and what follows: an extension the parties agreed to
 * (extensions.ts runs the proposal), the agreement and the moment it takes
 * effect (only through DocumentService: seal or paper signing), termination,
 * withdrawal, follow-up visits and archiving.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type AppError, fail } from '../errors.js';
import type { Actor } from './access.js';
import {
  agreementDeadlines,
  EXTENSION_BASIS,
  mediationPeriodDeadline,
  performanceDeadline,
  shanghaiDate,
  type DeadlineSpec,
} from './deadlines.js';
import type { FollowUpVisit, MediationCase } from './model.js';
import type {
  agreementEffectiveSchema,
  agreementSchema,
  followUpSchema,
  terminateSchema,
} from './schemas.js';
import { applyTransition } from './stateMachine.js';
import type { CaseContext } from './context.js';
import { toFen } from './personClaims.js';

export class CaseOutcomes {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  /**
   * Refused: a clerk or mediator cannot type the parties' consent. An
   * extension is proposed and each party answers it (cases/extensions.ts).
   */
  async extend(actor: Actor, caseId: string, _input: unknown): Promise<never> {
    const c = await this.#ctx.load(actor, caseId, 'case.extend');
    applyTransition(c.status, 'extendMediation');
    throw fail('EXTENSION_NEEDS_PARTIES');
  }

  /**
   * Moves the mediation period's end to an extension every party consented
   * to; `alsoInTransaction` records the proposal's outcome atomically with it.
   * Only the extension workflow calls this.
   */
  async applyAgreedExtension(
    caseId: string,
    input: { proposalId: string; newDueOn: string; reason: string; consents: unknown },
    alsoInTransaction: () => Promise<void>,
  ): Promise<MediationCase> {
    const system: Actor = { kind: 'system', id: 'system', role: 'system' };
    return this.#ctx.change(system, caseId, 'case.extend', 'extendMediation', async (c, at) => {
      if (input.newDueOn <= c.mediationDueOn) throw fail('EXTENSION_NOT_LATER');
      const previous = c.mediationDueOn;
      c.mediationDueOn = input.newDueOn;
      await this.#ctx.resolveDeadlines(c.id, ['mediation_period'], 'cancelled', at, [
        'open',
        'overdue',
      ]);
      const base = mediationPeriodDeadline(c.receivedOn, this.#ctx.calendar);
      await this.#ctx.repo.insertDeadline(
        this.#ctx.deadline(
          c.id,
          {
            ...base,
            dueOn: input.newDueOn,
            basis: `${base.basis}${EXTENSION_BASIS}`,
            // a date the parties agreed on: no working-day calendar applies
            provisional: false,
            missingCalendarYears: [],
          },
          at,
        ),
      );
      await alsoInTransaction();
      return {
        result: c,
        action: 'mediation.extended',
        target: c.id,
        payload: {
          previous,
          newDueOn: input.newDueOn,
          reason: input.reason,
          proposalId: input.proposalId,
          consents: input.consents,
        },
      };
    });
  }

  /**
   * Records the agreement reached. It takes effect only through `effect`,
   * which DocumentService passes after the seal or a recorded paper signing;
   * a time typed by hand (`effectiveAt`) is refused.
   */
  async recordAgreement(
    actor: Actor,
    caseId: string,
    input: z.output<typeof agreementSchema>,
    effect?: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.outcome', 'recordAgreement', async (c, at) => {
      if (input.effectiveAt) throw arbitraryEffect();
      const personTerms = input.personTerms ?? [];
      if (personTerms.length > 0) {
        const applicants = new Set(
          (await this.#ctx.repo.listPeople(c.id))
            .filter((p) => p.kind === 'applicant')
            .map((p) => p.id),
        );
        for (const t of personTerms)
          if (!applicants.has(t.personId))
            throw fail('CLAIMS_NOT_APPLICANT', { personId: t.personId });
      }
      c.outcome = {
        kind: 'agreement',
        at,
        terms: input.terms,
        performanceDeadline: input.performanceDeadline ?? null,
        performanceMethod: input.performanceMethod ?? null,
        ...(personTerms.length > 0
          ? {
              personTerms: personTerms.map((t) => ({
                personId: t.personId,
                items: t.items,
                amount: toFen(t.amount),
                performanceDeadline: t.performanceDeadline,
              })),
            }
          : {}),
        effectiveAt: null,
      };
      c.closedAt = at;
      await this.#ctx.resolveDeadlines(c.id, ['mediation_period'], 'met', at, ['open', 'overdue']);
      if (effect) await this.#takeEffect(c, effect, at);
      return {
        result: c,
        action: 'outcome.agreement',
        target: c.id,
        payload: {
          ...c.outcome,
          ...(effect ? { basis: effect.basis, documentId: effect.documentId } : {}),
        },
      };
    });
  }

  /**
   * `POST /cases/:id/agreement/effective`: an effective time typed by hand is
   * always refused (after the usual permission check). An agreement takes
   * effect at the seal after every signature, or at a recorded paper signing.
   */
  async agreementEffective(
    actor: Actor,
    caseId: string,
    _input: z.output<typeof agreementEffectiveSchema>,
  ): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.outcome', 'agreementEffective', async () => {
      throw arbitraryEffect();
    });
  }

  /**
   * The agreement took effect (DocumentService: seal after every signature,
   * or a recorded paper signing): the confirmation and review windows open.
   */
  async agreementTookEffect(
    actor: Actor,
    caseId: string,
    effect: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.outcome', 'agreementEffective', async (c, at) => {
      if (c.outcome?.effectiveAt) throw fail('AGREEMENT_ALREADY_EFFECTIVE');
      await this.#takeEffect(c, effect, at);
      return {
        result: c,
        action: 'agreement.effective',
        target: c.id,
        payload: {
          effectiveAt: c.outcome?.effectiveAt,
          basis: effect.basis,
          documentId: effect.documentId,
        },
      };
    });
  }

  async terminate(
    actor: Actor,
    caseId: string,
    input: z.output<typeof terminateSchema>,
  ): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.outcome', 'terminate', async (c, at) => {
      const outcome = {
        kind: 'termination' as const,
        at,
        ground: input.ground,
        facts: input.facts,
      };
      await this.#ctx.endWithoutAgreement(c, outcome, at);
      return { result: c, action: 'outcome.termination', target: c.id, payload: outcome };
    });
  }

  async withdraw(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.decide', 'withdraw', async (c, at) => {
      const outcome = { kind: 'withdrawal' as const, at, facts: reason };
      await this.#ctx.endWithoutAgreement(c, outcome, at);
      return { result: c, action: 'outcome.withdrawal', target: c.id, payload: outcome };
    });
  }

  async recordFollowUp(
    actor: Actor,
    caseId: string,
    input: z.output<typeof followUpSchema>,
  ): Promise<FollowUpVisit> {
    return this.#ctx.change(actor, caseId, 'case.followUp', 'recordFollowUp', async (c, at) => {
      const f: FollowUpVisit = { id: randomUUID(), caseId: c.id, at, by: actor.id, ...input };
      await this.#ctx.repo.insertFollowUp(f);
      if (input.result === 'performed')
        await this.#ctx.resolveDeadlines(c.id, ['performance'], 'met', at, ['open', 'overdue']);
      return { result: f, action: 'followup.recorded', target: f.id, payload: f };
    });
  }

  async archive(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.archive', 'archive', async (c, at) => {
      c.archivedAt = at;
      return { result: c, action: 'case.archived', target: c.id, payload: { archivedAt: at } };
    });
  }

  async #takeEffect(c: MediationCase, effect: AgreementEffect, at: string): Promise<void> {
    if (!c.outcome || c.outcome.kind !== 'agreement') throw fail('NO_AGREEMENT');
    // Never in the future: the seal's or the paper signing's recorded time.
    if (Date.parse(effect.effectiveAt) > Date.parse(at)) throw fail('EFFECTIVE_TIME_IN_FUTURE');
    const effectiveAt = new Date(effect.effectiveAt).toISOString();
    c.outcome = { ...c.outcome, effectiveAt };
    const effectiveOn = shanghaiDate(new Date(effectiveAt));
    const specs: DeadlineSpec[] = agreementDeadlines(effectiveOn, this.#ctx.calendar);
    if (c.outcome.performanceDeadline)
      specs.push(performanceDeadline(c.outcome.performanceDeadline, c.application.claimTypes));
    for (const spec of specs)
      await this.#ctx.repo.insertDeadline(this.#ctx.deadline(c.id, spec, at));
  }
}

/** How an agreement took effect; only DocumentService produces one. */
export interface AgreementEffect {
  basis: 'seal' | 'paper_signing';
  /** The agreement document sealed or signed on paper. */
  documentId: string;
  /** The seal's time, or the time the paper signing was recorded. */
  effectiveAt: string;
}

function arbitraryEffect(): AppError {
  return fail('EFFECTIVE_TIME_BY_HAND');
}
