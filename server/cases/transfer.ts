/**
 * Moving a case to another organisation of the same network (issue 21: one-window referral
 * between the organisations of a district). A clerk of the case's organisation moves it, with
 * reasons, before mediation has begun (registered or accepted): it takes the receiving
 * organisation's next case number of the year it was received, loses its mediator (they belong
 * to the organisation it left), and keeps everything else — parties, invitations, evidence,
 * documents, deadlines (the mediation period runs from receipt, wherever the case is).
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../errors.js';
import { ancestry } from '../organisations/tree.js';
import type { Actor } from './access.js';
import type { CaseContext } from './context.js';
import type { MediationCase } from './model.js';

export interface TransferInput {
  organisationId: string;
  reason: string;
}

export interface Transferred {
  case: MediationCase;
  from: { id: string; name: string };
  to: { id: string; name: string };
  previousNumber: string;
}

export class CaseTransfer {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async transfer(actor: Actor, caseId: string, input: TransferInput): Promise<Transferred> {
    return this.#ctx.change(actor, caseId, 'case.decide', 'transfer', async (c, at) => {
      const all = await this.#ctx.repo.listOrganisations();
      const root = (id: string) => ancestry(all, id).at(-1)?.id;
      const from = all.find((o) => o.id === c.organisationId);
      const to = all.find((o) => o.id === input.organisationId);
      // Another network's organisation, or none: as if it did not exist.
      if (!from || !to || root(to.id) !== root(from.id)) throw fail('CASE_TRANSFER_TARGET_UNKNOWN');
      if (to.id === from.id) throw fail('CASE_TRANSFER_SAME_ORGANISATION');
      if (to.kind === 'bureau') throw fail('CASE_TRANSFER_TO_BUREAU');
      const year = Number(c.receivedOn.slice(0, 4));
      await this.#ctx.repo.lockCaseNumbering(to.id, year);
      const serial = (await this.#ctx.repo.highestCaseSerial(to.id, year)) + 1;
      const previousNumber = c.caseNumber;
      const caseNumber = `${year}-${String(serial).padStart(6, '0')}`;
      await this.#ctx.repo.moveCase(c.id, to.id, caseNumber);
      const previousMediator = c.mediatorId;
      // The assignment ends as a reassignment does (the mediator stays with their organisation).
      if (previousMediator) await this.#ctx.repo.endAssignments(c.id, at, 'reassigned');
      c.organisationId = to.id;
      c.caseNumber = caseNumber;
      c.mediatorId = null;
      const result: Transferred = {
        case: c,
        from: { id: from.id, name: from.name },
        to: { id: to.id, name: to.name },
        previousNumber,
      };
      return {
        result,
        action: 'case.transferred',
        target: to.id,
        payload: {
          transferId: randomUUID(),
          from: from.id,
          fromName: from.name,
          to: to.id,
          toName: to.name,
          reason: input.reason,
          previousNumber,
          caseNumber,
          previousMediator,
        },
        ...(previousMediator
          ? {
              announce: {
                kind: 'mediator-changed' as const,
                caseId: c.id,
                previous: previousMediator,
                next: null,
              },
            }
          : {}),
      };
    });
  }
}
