/**
 * The people of the case as registered, for the mediator who came to the
 * call page from the staff console (the console's sign-in is in this tab's
 * sessionStorage): the identity check compares against the registered name
 * and ID number, and a caucus can take a whole side (a party and the agents
 * representing it) at once. Without a console sign-in the page works
 * without it.
 */
import { storedSession, type CasePersonView } from '../../console/api.js';
import { t, type MessageKey } from '../../shared/i18n.js';
import { requests } from '../../shared/request.js';

export type CaseSide = 'applicant' | 'respondent';

export class CaseRegister {
  readonly #people = new Map<string, CasePersonView>();

  static async load(caseId: string): Promise<CaseRegister | undefined> {
    const session = storedSession();
    if (!session || session.staff.role !== 'mediator') return undefined;
    const file = await requests(() => session.token).sendIfOk('get', '/cases/:caseId', {
      params: { caseId },
    });
    if (!file) return undefined;
    const register = new CaseRegister();
    for (const p of file.people) register.#people.set(p.id, p);
    return register;
  }

  person(participantId: string): CasePersonView | undefined {
    return this.#people.get(participantId);
  }

  /** The side a participant belongs to: a party, or the agent of one. */
  sideOf(participantId: string): CaseSide | undefined {
    const p = this.#people.get(participantId);
    if (!p) return undefined;
    if (p.kind === 'applicant' || p.kind === 'respondent') return p.kind;
    if (p.kind === 'agent' && p.representsId) {
      const party = this.#people.get(p.representsId);
      if (party?.kind === 'applicant' || party?.kind === 'respondent') return party.kind;
    }
    return undefined;
  }

  kindLabel(participantId: string): string | undefined {
    const kind = this.#people.get(participantId)?.kind;
    const keys: Record<string, MessageKey> = {
      applicant: 'kindApplicant',
      respondent: 'kindRespondent',
      agent: 'kindAgent',
      observer: 'kindObserver',
    };
    return kind && keys[kind] ? t(keys[kind]) : undefined;
  }
}
