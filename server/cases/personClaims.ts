/**
 * Disputes with several workers, person by person: each applicant's own claims (the wages owed
 * to that worker), and, once the agreement is effective, the findings on each person's part of
 * it (who was paid, how much, with which proof). The agreement's per-person terms themselves
 * are fields of the agreement document (documents/issuing.ts) and of the case's outcome.
 *
 * The performance deadline is met when every person with a part of the agreement (every
 * applicant, where the agreement gives no per-person terms) was last found `performed`.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { performanceRecordSchema, personClaimsSchema } from './schemas.js';
import { fail } from '../errors.js';
import type { Actor } from './access.js';
import type { CaseContext } from './context.js';
import type { CasePerson, MediationCase, PerformanceRecord, PersonClaims } from './model.js';

/** Yuan to the fen: a float typed as 12.345 is kept as 12.35. */
export function toFen(amount: number | null): number | null {
  return amount === null ? null : Math.round(amount * 100) / 100;
}

/** The people with a part of the case's agreement: its per-person terms, or every applicant. */
export function agreementPersons(c: MediationCase, people: readonly CasePerson[]): string[] {
  const terms = c.outcome?.kind === 'agreement' ? c.outcome.personTerms : undefined;
  if (terms && terms.length > 0) return terms.map((t) => t.personId);
  return people.filter((p) => p.kind === 'applicant').map((p) => p.id);
}

/** Whether each of `persons` was last found to have received their part in full. */
export function allPerformed(
  persons: readonly string[],
  records: readonly PerformanceRecord[],
): boolean {
  if (persons.length === 0) return false;
  const latest = new Map<string, PerformanceRecord['result']>();
  for (const r of records) latest.set(r.personId, r.result);
  return persons.every((id) => latest.get(id) === 'performed');
}

export class PersonClaimsAndPerformance {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  /** Replaces one applicant's own claims while the case is open. */
  async setClaims(
    actor: Actor,
    caseId: string,
    personId: string,
    input: z.output<typeof personClaimsSchema>,
  ): Promise<PersonClaims> {
    return this.#ctx.change(actor, caseId, 'case.editPeople', 'setPersonClaims', async (c, at) => {
      const person = await this.#ctx.repo.getPerson(personId);
      if (!person || person.caseId !== c.id || person.kind !== 'applicant')
        throw fail('CLAIMS_NOT_APPLICANT', { personId });
      const record: PersonClaims = {
        caseId: c.id,
        personId,
        claims: input.claims.map((x) => ({
          type: x.type,
          amount: toFen(x.amount),
          note: x.note ?? null,
        })),
        updatedAt: at,
        updatedBy: actor.id,
      };
      await this.#ctx.repo.setPersonClaims(record);
      const amounts = record.claims.map((x) => x.amount).filter((x): x is number => x !== null);
      return {
        result: record,
        action: 'case.claims-set',
        target: personId,
        payload: {
          personId,
          claims: record.claims,
          total: amounts.length > 0 ? toFen(amounts.reduce((a, b) => a + b, 0)) : null,
        },
      };
    });
  }

  /** Records what staff found of one person's part of the effective agreement. */
  async recordPerformance(
    actor: Actor,
    caseId: string,
    input: z.output<typeof performanceRecordSchema>,
  ): Promise<PerformanceRecord> {
    return this.#ctx.change(actor, caseId, 'case.followUp', 'recordPerformance', async (c, at) => {
      if (c.outcome?.kind !== 'agreement' || !c.outcome.effectiveAt)
        throw fail('AGREEMENT_NOT_EFFECTIVE');
      const people = await this.#ctx.repo.listPeople(c.id);
      const persons = agreementPersons(c, people);
      if (!persons.includes(input.personId))
        throw fail('PERSON_NOT_IN_AGREEMENT', { personId: input.personId });
      const proof =
        input.evidenceId === null
          ? undefined
          : await this.#ctx.evidenceItem?.(c.id, input.evidenceId);
      if (input.evidenceId !== null && !proof) throw fail('PERFORMANCE_PROOF_UNKNOWN');
      const record: PerformanceRecord = {
        id: randomUUID(),
        caseId: c.id,
        personId: input.personId,
        result: input.result,
        amountPaid: toFen(input.amountPaid),
        note: input.note,
        evidenceId: input.evidenceId,
        recordedAt: at,
        recordedBy: actor.id,
      };
      await this.#ctx.repo.insertPerformance(record);
      const records = await this.#ctx.repo.listPerformance(c.id);
      if (allPerformed(persons, records))
        await this.#ctx.resolveDeadlines(c.id, ['performance'], 'met', at, ['open', 'overdue']);
      return {
        result: record,
        action: 'agreement.performance-recorded',
        target: input.personId,
        payload: { ...record, ...(proof ? { evidenceSha256: proof.sha256 } : {}) },
      };
    });
  }
}
