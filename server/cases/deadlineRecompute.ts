/**
 * What a running deadline becomes under another calendar. Pure: the caller stores the change,
 * its audit event and the notice.
 */
import {
  acceptanceDeadline,
  agreementDeadlines,
  isOverdue,
  mediationPeriodDeadline,
  shanghaiDate,
  type IsoDate,
  type WorkCalendar,
} from './deadlines.js';
import type { CaseDeadline, CasePerson, MediationCase } from './model.js';

export type RecomputedDue = Pick<
  CaseDeadline,
  'dueOn' | 'provisional' | 'missingCalendarYears' | 'status'
>;

/**
 * The statutory computation behind a deadline, redone with `calendar`; undefined for dates the
 * calendar does not decide: the agreed performance date and an extended mediation period (the
 * parties chose that date). `caseDeadlines` are all of the case's deadlines: the statutory
 * mediation period is the case's first one, later ones are extensions.
 */
export function recomputeDue(
  d: CaseDeadline,
  c: MediationCase,
  caseDeadlines: readonly CaseDeadline[],
  calendar: WorkCalendar,
): Omit<RecomputedDue, 'status'> | undefined {
  const pick = (spec: {
    dueOn: IsoDate;
    provisional: boolean;
    missingCalendarYears: number[];
  }) => ({
    dueOn: spec.dueOn,
    provisional: spec.provisional,
    missingCalendarYears: spec.missingCalendarYears,
  });
  switch (d.kind) {
    case 'acceptance_decision':
      return pick(acceptanceDeadline(c.receivedOn, calendar));
    case 'mediation_period': {
      const first = [...caseDeadlines]
        .filter((x) => x.kind === 'mediation_period')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
      return first?.id === d.id ? pick(mediationPeriodDeadline(c.receivedOn, calendar)) : undefined;
    }
    case 'judicial_confirmation':
    case 'arbitration_review': {
      const effectiveAt = c.outcome?.effectiveAt;
      if (!effectiveAt) return undefined;
      const spec = agreementDeadlines(shanghaiDate(new Date(effectiveAt)), calendar).find(
        (s) => s.kind === d.kind,
      );
      return spec ? pick(spec) : undefined;
    }
    case 'performance':
      return undefined;
  }
}

/**
 * The deadline's new state, or undefined when nothing changes. A deadline flagged overdue whose
 * new last day has not passed runs again; one that now ends before today is left to the
 * scheduler, which marks it overdue with its notice.
 */
export function recomputedDeadline(
  d: CaseDeadline,
  next: Omit<RecomputedDue, 'status'> | undefined,
  today: IsoDate,
): RecomputedDue | undefined {
  if (!next) return undefined;
  const same =
    next.dueOn === d.dueOn &&
    next.provisional === d.provisional &&
    next.missingCalendarYears.join(',') === d.missingCalendarYears.join(',');
  if (same) return undefined;
  const status = d.status === 'overdue' && !isOverdue(next.dueOn, today) ? 'open' : d.status;
  return { ...next, status };
}

/** Whether a party would see the change: its date or whether it is final. */
export function noticeable(d: CaseDeadline, next: RecomputedDue): boolean {
  return next.dueOn !== d.dueOn || next.provisional !== d.provisional;
}

/**
 * Who a deadline concerns: the acceptance decision is owed to the applicant side; the mediation
 * period and the confirmation windows concern both sides. Agents count with the party they act for.
 */
export function deadlineRecipients(d: CaseDeadline, people: readonly CasePerson[]): CasePerson[] {
  const sides: CasePerson['kind'][] =
    d.kind === 'acceptance_decision' ? ['applicant'] : ['applicant', 'respondent'];
  const parties = people.filter((p) => sides.includes(p.kind));
  const ids = new Set(parties.map((p) => p.id));
  return [
    ...parties,
    ...people.filter((p) => p.kind === 'agent' && p.representsId && ids.has(p.representsId)),
  ];
}
