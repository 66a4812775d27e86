/**
 * The session record form's state (调解笔录) and what it saves: one attendance row per person
 * of the case (the saved draft's, else present when the service admitted them), the notices
 * ticked, the statements, the outcome. The codes are the contract's (signaling/http/
 * sessionRecords.ts), listed here in the order the form shows them; the compiler checks that
 * each list holds every code and nothing else.
 */
import type {
  CasePersonView,
  IdentityCheck,
  RecordNotice,
  RecordOutcome,
  SessionRecordInput,
  SessionRecordView,
} from './api.js';

/** Every code of a closed set, in the order written. */
function codes<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

export const IDENTITY_CHECKS = codes<IdentityCheck>({
  id_document: true,
  video_comparison: true,
  known: true,
  failed: true,
  not_checked: true,
});

export const RECORD_NOTICES = codes<RecordNotice>({
  rights_and_duties: true,
  voluntariness: true,
  recusal_right: true,
  recording: true,
  confidentiality: true,
  no_agreement: true,
});

export const RECORD_OUTCOMES = codes<RecordOutcome>({
  agreement: true,
  partial_agreement: true,
  no_agreement: true,
  adjourned: true,
});

export interface AttendanceRow {
  personId: string;
  name: string;
  kind: CasePersonView['kind'];
  present: boolean;
  identityCheck: IdentityCheck;
  note: string;
}

export interface StatementRow {
  /** Stable across edits, for the list's keys. */
  key: number;
  personId: string;
  statement: string;
  proposal: string;
}

export interface RecordForm {
  attendance: AttendanceRow[];
  notices: RecordNotice[];
  statements: StatementRow[];
  /** '' until the mediator chooses. */
  outcome: RecordOutcome | '';
  outcomeText: string;
}

/** Applicants and respondents each followed by their agents, then anyone else, observers last. */
export function orderedPeople(people: readonly CasePersonView[]): CasePersonView[] {
  const agentsOf = (id: string) =>
    people.filter((p) => p.kind === 'agent' && p.representsId === id);
  const list: CasePersonView[] = [];
  for (const kind of ['applicant', 'respondent'])
    for (const party of people.filter((p) => p.kind === kind))
      list.push(party, ...agentsOf(party.id));
  const placed = new Set(list.map((p) => p.id));
  list.push(...people.filter((p) => !placed.has(p.id) && p.kind !== 'observer'));
  list.push(...people.filter((p) => p.kind === 'observer'));
  return list;
}

/** Who may make a statement: parties and agents. */
export function speakers(people: readonly CasePersonView[]): CasePersonView[] {
  return orderedPeople(people).filter((p) => p.kind !== 'observer');
}

let nextKey = 0;

export function statementRow(personId = ''): StatementRow {
  nextKey += 1;
  return { key: nextKey, personId, statement: '', proposal: '' };
}

/** The form from the saved draft; without one, everyone of the case, present if admitted. */
export function initialForm(
  people: readonly CasePersonView[],
  record: SessionRecordView,
): RecordForm {
  const draft = record.draft?.content;
  const admitted = new Map(record.facts.admitted.map((a) => [a.participantId, a]));
  return {
    attendance: orderedPeople(people).map((p) => {
      const saved = draft?.attendance.find((a) => a.personId === p.id);
      return {
        personId: p.id,
        name: p.name,
        kind: p.kind,
        present: saved ? saved.present : admitted.has(p.id),
        identityCheck: saved?.identityCheck ?? 'not_checked',
        note: saved?.note ?? '',
      };
    }),
    notices: RECORD_NOTICES.filter((n) => draft?.noticesGiven.includes(n)),
    statements: (draft?.statements ?? []).map((s) => ({
      ...statementRow(s.personId),
      statement: s.statement,
      proposal: s.proposal ?? '',
    })),
    outcome: draft?.outcome.kind ?? '',
    outcomeText: draft?.outcome.text ?? '',
  };
}

/** What the form saves (undefined until an outcome is chosen); blank statement rows are left out. */
export function formContent(form: RecordForm): SessionRecordInput | undefined {
  if (form.outcome === '') return undefined;
  return {
    attendance: form.attendance.map((r) => ({
      personId: r.personId,
      present: r.present,
      identityCheck: r.identityCheck,
      note: r.note.trim() || null,
    })),
    noticesGiven: RECORD_NOTICES.filter((n) => form.notices.includes(n)),
    statements: form.statements
      .filter((s) => s.statement.trim() || s.proposal.trim())
      .map((s) => ({
        personId: s.personId,
        statement: s.statement.trim(),
        proposal: s.proposal.trim() || null,
      })),
    outcome: { kind: form.outcome, text: form.outcomeText.trim() },
  };
}

/** The same content written the same way, to tell whether the form differs from the draft. */
export function contentKey(content: SessionRecordInput): string {
  return JSON.stringify({
    attendance: content.attendance.map((a) => [
      a.personId,
      a.present,
      a.identityCheck,
      a.note ?? null,
    ]),
    notices: RECORD_NOTICES.filter((n) => content.noticesGiven.includes(n)),
    statements: content.statements.map((s) => [s.personId, s.statement, s.proposal ?? null]),
    outcome: [content.outcome.kind, content.outcome.text],
  });
}
