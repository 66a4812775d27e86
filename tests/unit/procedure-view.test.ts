/**
 * The procedure card's rules (client/src/call/procedure/state.ts `procedureView`), case by
 * case: who is asked to agree to mediation, and who may ask for the mediator's recusal.
 * A respondent (or its agent) answers a party application while it is registered; a party
 * or agent asks for recusal once a mediator is assigned and the case is accepted or in
 * mediation, and not while a request is pending; their own requests stay shown afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';

interface Person {
  id: string;
  kind: string;
  representsId?: string | null;
}
interface Recusal {
  id: string;
  requestedBy: string;
  status: 'pending' | 'granted' | 'refused';
}
interface FileLike {
  case: { source: string; status: string; mediatorId: string | null };
  people: Person[];
  mediationResponses: { respondentId: string; decision: 'agree' | 'refuse' }[];
  recusalRequests: Recusal[];
}
interface View {
  agreement?: { decision: 'agree' | 'refuse' | undefined; canAnswer: boolean };
  recusal?: { mine: readonly Recusal[]; canAsk: boolean };
}
let procedureView: (file: FileLike | undefined, personId: string) => View;

beforeAll(async () => {
  // Through a variable: the server-side type check (no DOM library) does not follow it into
  // the client; client/tsconfig.json checks that file.
  const client = '../../client/src/call/procedure/';
  ({ procedureView } = (await import(`${client}state.js`)) as {
    procedureView: typeof procedureView;
  });
});

const PEOPLE: Person[] = [
  { id: 'worker', kind: 'applicant' },
  { id: 'employer', kind: 'respondent' },
  { id: 'lawyer', kind: 'agent', representsId: 'employer' },
  { id: 'union', kind: 'agent', representsId: 'worker' },
  { id: 'guest', kind: 'observer' },
];

function file(over: Partial<FileLike['case']> = {}, rest: Partial<FileLike> = {}): FileLike {
  return {
    case: { source: 'party_application', status: 'registered', mediatorId: null, ...over },
    people: PEOPLE,
    mediationResponses: [],
    recusalRequests: [],
    ...rest,
  };
}

describe('the procedure card: what applies to whom', () => {
  it('shows nothing before the case file is read', () => {
    expect(procedureView(undefined, 'employer')).toEqual({});
  });

  it.each([
    ['employer', 'the respondent'],
    ['lawyer', 'the respondent’s agent'],
  ])('asks %s (%s) to agree to a registered party application', (person) => {
    expect(procedureView(file(), person)).toEqual({
      agreement: { decision: undefined, canAnswer: true },
    });
  });

  it.each(['worker', 'union', 'guest'])('does not ask %s to agree', (person) => {
    expect(procedureView(file(), person)).toEqual({});
  });

  it('does not ask a respondent of a delegated case (no agreement needed)', () => {
    expect(procedureView(file({ source: 'court_delegated' }), 'employer')).toEqual({});
  });

  it('shows the answer given, no longer open once the case moved on; the latest answer counts', () => {
    const answered = file(
      { status: 'accepted', mediatorId: 'm-1' },
      {
        mediationResponses: [
          { respondentId: 'employer', decision: 'refuse' },
          { respondentId: 'employer', decision: 'agree' },
        ],
      },
    );
    expect(procedureView(answered, 'lawyer')).toEqual({
      agreement: { decision: 'agree', canAnswer: false },
      recusal: { mine: [], canAsk: true },
    });
  });

  it('offers recusal to the parties and agents only, once a mediator is assigned in an accepted case', () => {
    for (const status of ['accepted', 'in_mediation']) {
      const f = file({ source: 'court_delegated', status, mediatorId: 'm-1' });
      for (const person of ['worker', 'employer', 'lawyer', 'union'])
        expect(procedureView(f, person), `${person} in ${status}`).toEqual({
          recusal: { mine: [], canAsk: true },
        });
      expect(procedureView(f, 'guest')).toEqual({});
    }
    // Without a mediator, or before acceptance, or after the end: nothing to ask.
    expect(procedureView(file({ status: 'accepted' }), 'worker')).toEqual({});
    expect(procedureView(file({ source: 'court_delegated', mediatorId: 'm-1' }), 'worker')).toEqual(
      {},
    );
    expect(procedureView(file({ status: 'settled', mediatorId: 'm-1' }), 'worker')).toEqual({});
  });

  it('holds new requests while one is pending (anyone’s), and keeps each person’s own shown', () => {
    const pending: Recusal = { id: 'r-1', requestedBy: 'employer', status: 'pending' };
    const f = file(
      { source: 'court_delegated', status: 'in_mediation', mediatorId: 'm-1' },
      { recusalRequests: [pending] },
    );
    expect(procedureView(f, 'employer')).toEqual({ recusal: { mine: [pending], canAsk: false } });
    expect(procedureView(f, 'worker')).toEqual({ recusal: { mine: [], canAsk: false } });
    // Decided, the request stays shown to its author, who may ask again; after the case ended,
    // it is still shown, and nothing more may be asked.
    const refused: Recusal = { ...pending, status: 'refused' };
    const decided = { ...f, recusalRequests: [refused] };
    expect(procedureView(decided, 'employer')).toEqual({
      recusal: { mine: [refused], canAsk: true },
    });
    const ended = { ...decided, case: { ...decided.case, status: 'settled' } };
    expect(procedureView(ended, 'employer')).toEqual({
      recusal: { mine: [refused], canAsk: false },
    });
    expect(procedureView(ended, 'worker')).toEqual({});
  });
});
