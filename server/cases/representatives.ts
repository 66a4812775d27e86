/**
 * 代表人 of a collective dispute: the workers who apply together elect one of them (or a few)
 * to act for them; the clerk records the election with its document (filed as evidence of the
 * case), whom each representative acts for, and whether the authority covers signing the
 * agreement (特别授权). A representative's signature then binds those it represents
 * (documents/signingRules.ts), never beyond the recorded authority or after its revocation.
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../errors.js';
import { shanghaiDate } from './deadlines.js';
import type { Actor } from './access.js';
import type { CaseContext } from './context.js';
import type { CaseRepresentative } from './model.js';

export interface RepresentativeInput {
  representativeId: string;
  represents: string[];
  maySign: boolean;
  electedOn: string;
  evidenceId: string;
}

export class CaseRepresentatives {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async elect(
    actor: Actor,
    caseId: string,
    input: RepresentativeInput,
  ): Promise<CaseRepresentative> {
    return this.#ctx.change(actor, caseId, 'case.editPeople', 'addPerson', async (c, at) => {
      const people = await this.#ctx.repo.listPeople(c.id);
      const applicant = (id: string) => people.find((p) => p.id === id && p.kind === 'applicant');
      if (!applicant(input.representativeId))
        throw fail('REPRESENTATIVE_NOT_APPLICANT', { personId: input.representativeId });
      for (const id of input.represents)
        if (!applicant(id) || id === input.representativeId)
          throw fail('REPRESENTATIVE_NOT_APPLICANT', { personId: id });
      // One representative per worker at a time, and no chains: a representative is not itself
      // represented, nor someone who represents others.
      const active = (await this.#ctx.repo.listRepresentatives(c.id)).filter((r) => !r.revokedAt);
      const covered = new Set(active.flatMap((r) => r.represents));
      const leading = new Set(active.map((r) => r.representativeId));
      for (const id of input.represents)
        if (covered.has(id) || leading.has(id)) throw fail('REPRESENTED_ALREADY', { personId: id });
      if (covered.has(input.representativeId))
        throw fail('REPRESENTED_ALREADY', { personId: input.representativeId });
      if (input.electedOn > shanghaiDate(new Date(at)))
        throw fail('ELECTION_IN_FUTURE').withIssues(['electedOn: after today']);
      const proof = this.#ctx.evidenceItem
        ? await this.#ctx.evidenceItem(c.id, input.evidenceId)
        : undefined;
      if (!proof)
        throw fail('REPRESENTATIVE_NEEDS_DOCUMENT').withIssues([
          'evidenceId: not an evidence item of this case',
        ]);
      const record: CaseRepresentative = {
        id: randomUUID(),
        caseId: c.id,
        representativeId: input.representativeId,
        represents: [...new Set(input.represents)],
        maySign: input.maySign,
        electedOn: input.electedOn,
        evidenceId: input.evidenceId,
        recordedBy: actor.id,
        recordedAt: at,
        revokedAt: null,
        revokedBy: null,
      };
      await this.#ctx.repo.insertRepresentative(record);
      return {
        result: record,
        action: 'case.representative-elected',
        target: record.representativeId,
        payload: { ...record, evidenceSha256: proof.sha256 },
      };
    });
  }

  async revoke(
    actor: Actor,
    caseId: string,
    representationId: string,
  ): Promise<CaseRepresentative> {
    return this.#ctx.change(actor, caseId, 'case.editPeople', 'addPerson', async (c, at) => {
      const current = (await this.#ctx.repo.listRepresentatives(c.id)).find(
        (r) => r.id === representationId,
      );
      if (!current) throw fail('REPRESENTATION_UNKNOWN');
      if (!(await this.#ctx.repo.revokeRepresentative(current.id, at, actor.id)))
        throw fail('REPRESENTATION_REVOKED');
      return {
        result: { ...current, revokedAt: at, revokedBy: actor.id },
        action: 'case.representative-revoked',
        target: current.representativeId,
        payload: { representationId: current.id, revokedAt: at },
      };
    });
  }
}
