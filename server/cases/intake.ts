/**
 * Intake: a case registered (its number, parties and first deadlines),
 * accepted or refused, and — for a party's own application — each
 * respondent's answer whether it agrees to mediation, given online or
 * recorded offline with its proof; a refusal ends the case and produces the
 * notice of the applicant's right to arbitration.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { fail } from '../errors.js';
import {
  needsRespondentAgreement,
  REFUSAL_BASIS,
  respondentAnsweredBy,
  respondentsYetToAgree,
} from './agreementToMediate.js';
import { authorizeStaff, type Actor } from './access.js';
import { acceptanceDeadline, mediationPeriodDeadline } from './deadlines.js';
import type { CaseOutcome, CaseNotice, MediationCase, MediationResponse } from './model.js';
import type {
  mediationResponseSchema,
  offlineMediationResponseSchema,
  registerCaseSchema,
} from './schemas.js';
import type { CaseContext } from './context.js';

export class CaseIntake {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async register(actor: Actor, input: z.output<typeof registerCaseSchema>): Promise<MediationCase> {
    const staff = authorizeStaff(actor, ['clerk']);
    const at = this.#ctx.now().toISOString();
    const heardAt = input.application.oralRecord?.heardAt;
    if (heardAt && Date.parse(heardAt) > Date.parse(at))
      throw fail('ORAL_APPLICATION_IN_FUTURE').withIssues([
        'application.oralRecord.heardAt: in the future',
      ]);
    return this.#ctx.repo.transaction(async () => {
      const year = Number(input.receivedOn.slice(0, 4));
      await this.#ctx.repo.lockCaseNumbering(staff.organisationId, year);
      const serial = (await this.#ctx.repo.highestCaseSerial(staff.organisationId, year)) + 1;
      const mediationPeriod = mediationPeriodDeadline(input.receivedOn, this.#ctx.calendar);
      const c: MediationCase = {
        id: randomUUID(),
        caseNumber: `${year}-${String(serial).padStart(6, '0')}`,
        organisationId: staff.organisationId,
        status: 'registered',
        disputeType: input.disputeType,
        source: input.source,
        sourceReference: input.sourceReference ?? null,
        priorityGroups: [...new Set(input.priorityGroups)],
        intakeMode: input.intakeMode,
        application: input.application,
        receivedOn: input.receivedOn,
        registeredAt: at,
        registeredBy: staff.id,
        decision: null,
        mediatorId: null,
        mediationDueOn: mediationPeriod.dueOn,
        outcome: null,
        closedAt: null,
        archivedAt: null,
        version: 1,
        updatedAt: at,
      };
      await this.#ctx.repo.insertCase(c);
      const people = [
        this.#ctx.person(c.id, { ...input.applicant, kind: 'applicant' }, at),
        this.#ctx.person(c.id, { ...input.respondent, kind: 'respondent' }, at),
      ];
      for (const p of people) await this.#ctx.repo.insertPerson(p);
      for (const spec of [
        acceptanceDeadline(input.receivedOn, this.#ctx.calendar),
        mediationPeriod,
      ]) {
        await this.#ctx.repo.insertDeadline(this.#ctx.deadline(c.id, spec, at));
      }
      await this.#ctx.record(actor, c.id, 'case.registered', c.id, { case: c, people });
      return c;
    });
  }

  async accept(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.decide', 'accept', async (c, at) => {
      if (needsRespondentAgreement(c.source)) {
        const missing = respondentsYetToAgree(
          await this.#ctx.repo.listPeople(c.id),
          await this.#ctx.repo.listMediationResponses(c.id),
        );
        if (missing.length > 0)
          throw fail('RESPONDENTS_NOT_AGREED', {
            names: missing.map((p) => p.name).join('、'),
            ids: missing.map((p) => p.id).join(', '),
          });
      }
      c.decision = { kind: 'accepted', at, by: actor.id, reason: null };
      await this.#ctx.resolveDeadlines(c.id, ['acceptance_decision'], 'met', at);
      return {
        result: c,
        action: 'case.accepted',
        target: c.id,
        payload: { decision: c.decision },
      };
    });
  }

  async refuse(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#ctx.change(actor, caseId, 'case.decide', 'refuse', async (c, at) => {
      c.decision = { kind: 'refused', at, by: actor.id, reason };
      c.closedAt = at;
      await this.#ctx.resolveDeadlines(c.id, ['acceptance_decision'], 'met', at);
      await this.#ctx.resolveDeadlines(c.id, ['mediation_period'], 'cancelled', at);
      return { result: c, action: 'case.refused', target: c.id, payload: { decision: c.decision } };
    });
  }

  /** A respondent (or its specially authorised agent) agrees to, or refuses, mediation of a party application. */
  async respondToMediation(
    actor: Actor,
    caseId: string,
    input: z.output<typeof mediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const c = await this.#ctx.load(actor, caseId, 'case.respond');
    const respondent =
      actor.kind === 'person'
        ? respondentAnsweredBy(actor.id, await this.#ctx.repo.listPeople(c.id))
        : undefined;
    if (!respondent) throw fail('RESPONDENT_ANSWERS_ONLY');
    return this.#answer(actor, c.id, {
      respondentId: respondent.id,
      decision: input.decision,
      channel: 'online',
      evidenceId: null,
      evidenceSha256: null,
      note: input.note ?? null,
    });
  }

  /** A clerk records a respondent's answer given offline, with its proof (an evidence item) and a note. */
  async recordMediationResponse(
    actor: Actor,
    caseId: string,
    input: z.output<typeof offlineMediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const c = await this.#ctx.load(actor, caseId, 'case.decide');
    const respondent = await this.#ctx.repo.getPerson(input.respondentId);
    if (!respondent || respondent.caseId !== c.id || respondent.kind !== 'respondent')
      throw fail('NOT_A_RESPONDENT').withIssues(['respondentId: not a respondent of this case']);
    const proof = this.#ctx.evidenceItem
      ? await this.#ctx.evidenceItem(c.id, input.evidenceId)
      : undefined;
    if (!proof)
      throw fail('OFFLINE_ANSWER_NEEDS_PROOF').withIssues([
        'evidenceId: not an evidence item of this case',
      ]);
    return this.#answer(actor, c.id, {
      respondentId: respondent.id,
      decision: input.decision,
      channel: 'offline',
      evidenceId: input.evidenceId,
      evidenceSha256: proof.sha256,
      note: input.note,
    });
  }

  async #answer(
    actor: Actor,
    caseId: string,
    answer: Pick<
      MediationResponse,
      'respondentId' | 'decision' | 'channel' | 'evidenceId' | 'evidenceSha256' | 'note'
    >,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const action = answer.decision === 'agree' ? 'agreeToMediate' : 'refuseMediation';
    const permission = actor.kind === 'person' ? 'case.respond' : 'case.decide';
    return this.#ctx.change(actor, caseId, permission, action, async (c, at) => {
      if (!needsRespondentAgreement(c.source)) throw fail('NO_SEPARATE_AGREEMENT');
      const response: MediationResponse = {
        id: randomUUID(),
        caseId: c.id,
        ...answer,
        givenBy: actor.id,
        givenByRole: actor.role,
        at,
      };
      await this.#ctx.repo.insertMediationResponse(response);
      if (answer.decision === 'agree')
        return {
          result: { response, case: c },
          action: 'mediation.agreed',
          target: answer.respondentId,
          payload: response,
        };
      await this.#ctx.record(actor, c.id, 'mediation.refused', answer.respondentId, response);
      const respondent = await this.#ctx.repo.getPerson(answer.respondentId);
      const outcome: CaseOutcome = {
        kind: 'termination',
        at,
        ground: 'respondent_refused_mediation',
        facts: `被申请人${respondent?.name ?? ''}不同意调解${answer.note ? `：${answer.note}` : ''}`,
      };
      await this.#ctx.endWithoutAgreement(c, outcome, at);
      // The applicant may go to arbitration now: the notice the document service renders and serves.
      const notice: CaseNotice = {
        id: randomUUID(),
        caseId: c.id,
        kind: 'right_to_arbitration',
        deadlineId: null,
        documentId: null,
        createdAt: at,
        data: {
          caseNumber: c.caseNumber,
          reason: 'respondent_refused_mediation',
          respondentId: answer.respondentId,
          respondentName: respondent?.name ?? null,
          refusedAt: at,
          basis: REFUSAL_BASIS,
          consequence:
            '被申请人不同意调解，本案调解终止；申请人可以依法向劳动争议仲裁委员会申请仲裁。',
        },
      };
      if (await this.#ctx.repo.insertNotice(notice))
        await this.#ctx.record(actor, c.id, 'notice.produced', notice.id, notice);
      return {
        result: { response, case: c },
        action: 'outcome.termination',
        target: c.id,
        payload: outcome,
      };
    });
  }
}
