/**
 * What the parts of the case service share: the repository, audit log,
 * calendar and clock (CaseContext), and the one way a case changes —
 * `change()` loads the case, checks the actor's permission and the state
 * machine, runs the work, saves the case and appends its audit event in one
 * transaction, then announces what may withdraw credentials. No I/O happens
 * at construction.
 *
 * The parts: intake.ts (registration, acceptance, the respondent's answer),
 * roster.ts (people, staff, mediator assignment, disclosure, recusal),
 * sessions.ts, invitations.ts (invitations and whether a credential still
 * holds), outcomes.ts (extension, agreement, termination, follow-up,
 * archive), deadlinePasses.ts (overdue deadlines and reminders), reading.ts;
 * CaseService.ts composes them.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import { fail, NotFoundError } from '../errors.js';
import { authorize, type Actor, type CasePermission } from './access.js';
import type { CaseRepository } from './CaseRepository.js';
import type { DeadlineSpec, WorkCalendar } from './deadlines.js';
import type { CaseDeadline, CaseOutcome, CasePerson, MediationCase } from './model.js';
import { disclosureClears } from './recusal.js';
import type { personInputSchema } from './schemas.js';
import type { AccessChange, AccessChangeListener } from './sessionAccess.js';
import { applyTransition, type CaseAction } from './stateMachine.js';

export interface CaseDeps {
  repository: CaseRepository;
  audit: AuditLog;
  calendar: WorkCalendar;
  /** An evidence item of the case (proof of a respondent's answer given offline). */
  evidenceItem?: (caseId: string, itemId: string) => Promise<{ sha256: string } | undefined>;
  now: () => Date;
}

export class CaseContext {
  readonly repo: CaseRepository;
  readonly audit: AuditLog;
  readonly calendar: WorkCalendar;
  readonly now: () => Date;
  readonly evidenceItem: CaseDeps['evidenceItem'];
  readonly #accessListeners = new Set<AccessChangeListener>();

  constructor(d: CaseDeps) {
    this.repo = d.repository;
    this.audit = d.audit;
    this.calendar = d.calendar;
    this.now = d.now;
    this.evidenceItem = d.evidenceItem;
  }

  /** Calls `listener` after each committed change that may withdraw credentials; returns the unsubscribe. */
  onAccessChange(listener: AccessChangeListener): () => void {
    this.#accessListeners.add(listener);
    return () => this.#accessListeners.delete(listener);
  }

  announce(change: AccessChange): void {
    for (const listener of this.#accessListeners) listener(change);
  }

  /** Whether a live-media session may run for this case (checked when its router is created). */
  async sessionBelongsTo(sessionId: string, caseId: string): Promise<boolean> {
    const s = await this.repo.getSession(sessionId);
    return (
      s !== undefined && s.caseId === caseId && (s.status === 'scheduled' || s.status === 'live')
    );
  }

  /** The mediator must have disclosed, with no conflict, for their assignment in force. */
  async requireDisclosure(c: MediationCase, mediatorId: string | null): Promise<void> {
    const cleared =
      mediatorId !== null &&
      mediatorId === c.mediatorId &&
      disclosureClears(
        mediatorId,
        await this.repo.currentAssignment(c.id),
        await this.repo.listDisclosures(c.id),
      );
    if (!cleared) throw fail('DISCLOSURE_FIRST');
  }

  async load(actor: Actor, caseId: string, permission: CasePermission): Promise<MediationCase> {
    const c = await this.repo.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, permission, c);
    return c;
  }

  /**
   * Loads the case, checks who is asking and whether the action is legal in
   * the case's state, runs `work`, saves the case with its new state and
   * appends the audit event — all in one transaction.
   */
  async change<T>(
    actor: Actor,
    caseId: string,
    permission: CasePermission,
    action: CaseAction,
    work: (
      c: MediationCase,
      at: string,
    ) => Promise<
      | { result: T; action: string; target: string; payload: unknown; announce?: AccessChange }
      | { result: T; action: null }
    >,
  ): Promise<T> {
    let announce: AccessChange | undefined;
    const result = await this.repo.transaction(async () => {
      const c = await this.load(actor, caseId, permission);
      const next = applyTransition(c.status, action);
      const at = this.now().toISOString();
      const before = JSON.stringify(c);
      const outcome = await work(c, at);
      if (outcome.action === null) return outcome.result;
      c.status = next;
      if (JSON.stringify(c) !== before) {
        c.version += 1;
        c.updatedAt = at;
        await this.repo.updateCase(c);
      }
      await this.record(actor, c.id, outcome.action, outcome.target, outcome.payload);
      announce = outcome.announce;
      return outcome.result;
    });
    // Announced once committed, so whoever checks credentials again sees the change.
    if (announce) this.announce(announce);
    return result;
  }

  /** Mediation ends without agreement: the case closes and its running periods stop. */
  async endWithoutAgreement(c: MediationCase, outcome: CaseOutcome, at: string): Promise<void> {
    c.outcome = outcome;
    c.closedAt = at;
    await this.resolveDeadlines(c.id, ['mediation_period', 'acceptance_decision'], 'cancelled', at);
  }

  async resolveDeadlines(
    caseId: string,
    kinds: CaseDeadline['kind'][],
    status: 'met' | 'cancelled',
    at: string,
    from: CaseDeadline['status'][] = ['open'],
  ): Promise<void> {
    for (const d of await this.repo.listDeadlines(caseId)) {
      if (kinds.includes(d.kind) && from.includes(d.status))
        await this.repo.setDeadlineStatus(d.id, status, at);
    }
  }

  deadline(caseId: string, spec: DeadlineSpec, at: string): CaseDeadline {
    return { id: randomUUID(), caseId, ...spec, status: 'open', createdAt: at, resolvedAt: null };
  }

  person(caseId: string, input: z.output<typeof personInputSchema>, at: string): CasePerson {
    return {
      id: randomUUID(),
      caseId,
      kind: input.kind,
      name: input.name,
      idNumber: input.idNumber ?? null,
      phone: input.phone ?? null,
      address: input.address ?? null,
      legalRepresentative: input.legalRepresentative ?? null,
      isOrganisation: input.isOrganisation,
      representsId: input.representsId ?? null,
      powerOfAttorney: input.powerOfAttorney
        ? {
            scope: input.powerOfAttorney.scope,
            maySign: input.powerOfAttorney.maySign,
            document: input.powerOfAttorney.document ?? null,
          }
        : null,
      serviceAddress: input.serviceAddress ?? null,
      createdAt: at,
    };
  }

  async record(
    actor: Actor,
    caseId: string,
    action: string,
    target: string,
    payload: unknown,
  ): Promise<void> {
    await this.audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action,
      target,
      payload: JSON.parse(JSON.stringify(payload ?? null)),
    });
  }
}
