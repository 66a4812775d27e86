/**
 * The scheduler's entry point: deadlines whose last day has passed are
 * marked overdue with the notices they call for, and the confirmation and
 * review windows get their reminders. Idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from './access.js';
import {
  addDays,
  isExtendedPeriod,
  reminderDate,
  mediationPeriodDeadline,
  paymentOrderEligible,
  shanghaiDate,
  type WorkCalendar,
} from './deadlines.js';
import type { CaseDeadline, CaseNotice, MediationCase } from './model.js';
import { WINDOW_REMINDER_DAYS } from './model.js';
import { isOpen } from './stateMachine.js';
import type { CaseContext } from './context.js';

export class DeadlinePasses {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  /** Marks deadlines whose last day has passed and produces the notices they call for. Idempotent. */
  async markOverdue(): Promise<{ overdue: number; notices: number }> {
    const now = this.#ctx.now();
    const today = shanghaiDate(now);
    const at = now.toISOString();
    const system: Actor = { kind: 'system', id: 'system', role: 'system' };
    let overdue = 0;
    let notices = 0;
    for (const d of await this.#ctx.repo.listOpenDeadlinesBefore(today)) {
      await this.#ctx.repo.transaction(async () => {
        // Every process runs this pass: the one whose update finds the deadline open marks it.
        if (!(await this.#ctx.repo.markDeadlineOverdue(d.id, at))) return;
        overdue += 1;
        await this.#ctx.record(system, d.caseId, 'deadline.overdue', d.id, {
          kind: d.kind,
          dueOn: d.dueOn,
        });
        const c = await this.#ctx.repo.getCase(d.caseId);
        const notice = c ? noticeFor(d, c, at, this.#ctx.calendar) : undefined;
        if (notice && (await this.#ctx.repo.insertNotice(notice))) {
          notices += 1;
          await this.#ctx.record(system, d.caseId, 'notice.produced', notice.id, notice);
        }
      });
    }
    notices += await this.#remindWindows(today, at, system);
    return { overdue, notices };
  }

  /**
   * 7 and 2 days before the judicial-confirmation and arbitration-review
   * windows close (on the official calendar: see reminderDate), a reminder
   * notice; each once, whatever the number of passes.
   */
  async #remindWindows(today: string, at: string, system: Actor): Promise<number> {
    let produced = 0;
    // A reminder date moves earlier over rest days: look far enough ahead for the longest holiday.
    const horizon = addDays(today, Math.max(...WINDOW_REMINDER_DAYS) + 15);
    for (const d of await this.#ctx.repo.listOpenDeadlinesDueBy(horizon)) {
      if (d.kind !== 'judicial_confirmation' && d.kind !== 'arbitration_review') continue;
      for (const daysBefore of WINDOW_REMINDER_DAYS) {
        const remindOn = reminderDate(d.dueOn, daysBefore, this.#ctx.calendar);
        if (remindOn > today || d.dueOn < today) continue;
        const c = await this.#ctx.repo.getCase(d.caseId);
        if (!c) continue;
        const notice: CaseNotice = {
          // One per deadline and lead time: the id makes a repeat a no-op.
          id: `reminder:${d.id}:${daysBefore}`,
          caseId: d.caseId,
          kind: 'confirmation_window_reminder',
          deadlineId: null,
          createdAt: at,
          data: {
            caseNumber: c.caseNumber,
            deadlineId: d.id,
            window: d.kind,
            dueOn: d.dueOn,
            daysBefore,
            remindOn,
            provisional: d.provisional,
            basis: d.basis,
            consequence: d.consequence,
          },
          documentId: null,
        };
        await this.#ctx.repo.transaction(async () => {
          if (await this.#ctx.repo.insertNotice(notice)) {
            produced += 1;
            await this.#ctx.record(system, d.caseId, 'notice.produced', notice.id, notice);
          }
        });
      }
    }
    return produced;
  }
}

function noticeFor(
  d: CaseDeadline,
  c: MediationCase,
  at: string,
  calendar: WorkCalendar,
): CaseNotice | undefined {
  const base = {
    id: randomUUID(),
    caseId: c.id,
    deadlineId: d.id,
    createdAt: at,
    documentId: null,
  };
  switch (d.kind) {
    case 'mediation_period':
      // Only while mediation is still going on: the parties may now apply for arbitration.
      return isOpen(c.status)
        ? {
            ...base,
            kind: 'right_to_arbitration',
            data: {
              caseNumber: c.caseNumber,
              receivedOn: c.receivedOn,
              statutoryDueOn: mediationPeriodDeadline(c.receivedOn, calendar).dueOn,
              dueOn: d.dueOn,
              extended: isExtendedPeriod(d),
              basis: d.basis,
              consequence: d.consequence,
            },
          }
        : undefined;
    case 'acceptance_decision':
      return c.status === 'registered'
        ? {
            ...base,
            kind: 'acceptance_overdue',
            data: { caseNumber: c.caseNumber, dueOn: d.dueOn },
          }
        : undefined;
    case 'performance':
      // 劳动争议调解仲裁法 第十六条: only for wages, work-injury medical costs, economic compensation or damages.
      if (!paymentOrderEligible(c.application.claimTypes)) return undefined;
      return {
        ...base,
        kind: 'payment_order_eligible',
        data: {
          caseNumber: c.caseNumber,
          dueOn: d.dueOn,
          consequence: d.consequence,
          claimTypes: c.application.claimTypes,
        },
      };
    case 'judicial_confirmation':
    case 'arbitration_review':
      return {
        ...base,
        kind: 'confirmation_window_closing',
        data: { caseNumber: c.caseNumber, window: d.kind, dueOn: d.dueOn },
      };
  }
}
