/**
 * The delivery state machine as a pure module: every action in every state
 * (legal, duplicate or refused, as the table says), implied steps for
 * out-of-order acknowledgements, flags, no e-service without consent, the
 * replay of recorded steps, and the "served" rule.
 */
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_ACTIONS,
  DELIVERY_STATES,
  DELIVERY_TRANSITIONS,
  INITIAL_SNAPSHOT,
  replay,
  servedAt,
  transition,
  type DeliveryAction,
  type DeliveryEventKind,
  type DeliverySnapshot,
  type DeliveryState,
} from '../../server/documents/serviceStateMachine.js';

const at = (state: DeliveryState, flags: Partial<DeliverySnapshot> = {}): DeliverySnapshot => ({
  ...INITIAL_SNAPSHOT,
  state,
  ...flags,
});
const consented = { consented: true };

/** The expected outcome of every main-line action in every state. */
const EXPECTED: Record<
  Exclude<DeliveryAction, 'challenge' | 'requestPaperCopy'>,
  Record<DeliveryState, DeliveryState | 'dup' | 'refused'>
> = {
  dispatch: {
    created: 'dispatched',
    offline_pending: 'refused',
    dispatched: 'dup',
    delivered: 'refused',
    read: 'refused',
    acknowledged: 'refused',
    failed: 'dispatched',
    served_offline: 'refused',
  },
  markOffline: {
    created: 'offline_pending',
    offline_pending: 'dup',
    dispatched: 'refused',
    delivered: 'refused',
    read: 'refused',
    acknowledged: 'refused',
    failed: 'offline_pending',
    served_offline: 'refused',
  },
  deliver: {
    created: 'refused',
    offline_pending: 'refused',
    dispatched: 'delivered',
    delivered: 'dup',
    read: 'dup',
    acknowledged: 'dup',
    failed: 'delivered',
    served_offline: 'refused',
  },
  read: {
    created: 'refused',
    offline_pending: 'read',
    dispatched: 'read',
    delivered: 'read',
    read: 'dup',
    acknowledged: 'dup',
    failed: 'read',
    served_offline: 'dup',
  },
  acknowledge: {
    created: 'refused',
    offline_pending: 'acknowledged',
    dispatched: 'acknowledged',
    delivered: 'acknowledged',
    read: 'acknowledged',
    acknowledged: 'dup',
    failed: 'acknowledged',
    served_offline: 'dup',
  },
  fail: {
    created: 'refused',
    offline_pending: 'refused',
    dispatched: 'failed',
    delivered: 'refused',
    read: 'refused',
    acknowledged: 'refused',
    failed: 'dup',
    served_offline: 'refused',
  },
  offlineProof: {
    created: 'refused',
    offline_pending: 'served_offline',
    dispatched: 'served_offline',
    delivered: 'served_offline',
    read: 'served_offline',
    acknowledged: 'served_offline',
    failed: 'served_offline',
    served_offline: 'dup',
  },
};

describe('delivery state machine: every main-line action in every state', () => {
  for (const action of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
    for (const state of DELIVERY_STATES) {
      const expected = EXPECTED[action][state];
      it(`${action} from ${state} → ${expected}`, () => {
        const result = transition(at(state), action, consented);
        if (expected === 'refused') {
          expect(result.kind).toBe('refused');
          if (result.kind === 'refused') {
            expect(result).toEqual({ kind: 'refused', reason: 'ILLEGAL', state });
          }
        } else if (expected === 'dup') {
          expect(result).toEqual({ kind: 'duplicate', next: at(state) });
        } else {
          expect(result.kind).toBe('apply');
          if (result.kind === 'apply') {
            expect(result.next.state).toBe(expected);
            // The action's own step comes last, after any implied ones.
            expect(result.events.at(-1)).toEqual({
              kind: {
                dispatch: 'dispatched',
                markOffline: 'offline_required',
                deliver: 'delivered',
                read: 'read',
                acknowledge: 'acknowledged',
                fail: 'failed',
                offlineProof: 'offline_served',
              }[action],
              implied: false,
            });
            // Replaying what was recorded gives the same state.
            expect(replay(stepsTo(state).concat(result.events)).state).toBe(expected);
          }
        }
      });
    }
  }

  it('the expectation table covers exactly the module’s table', () => {
    for (const action of Object.keys(DELIVERY_TRANSITIONS) as (keyof typeof EXPECTED)[]) {
      const legal = Object.keys(DELIVERY_TRANSITIONS[action]).sort();
      const expectedLegal = DELIVERY_STATES.filter((s) => EXPECTED[action][s] !== 'refused').sort();
      expect(legal).toEqual(expectedLegal);
    }
    expect(DELIVERY_ACTIONS).toHaveLength(Object.keys(EXPECTED).length + 2);
  });
});

describe('flags: challenge and paper copy', () => {
  for (const action of ['challenge', 'requestPaperCopy'] as const) {
    const flag = action === 'challenge' ? 'challenged' : 'paperCopyRequested';
    const event = action === 'challenge' ? 'challenged' : 'paper_copy_requested';
    for (const state of DELIVERY_STATES) {
      it(`${action} from ${state}`, () => {
        const result = transition(at(state), action, consented);
        if (state === 'created') {
          expect(result.kind).toBe('refused');
          return;
        }
        expect(result).toEqual({
          kind: 'apply',
          next: at(state, { [flag]: true }),
          events: [{ kind: event, implied: false }],
        });
        // A second one is a harmless duplicate and keeps the state.
        expect(transition(at(state, { [flag]: true }), action, consented)).toEqual({
          kind: 'duplicate',
          next: at(state, { [flag]: true }),
        });
      });
    }
  }

  it('a challenged delivery still moves on: acknowledging keeps the challenge flag', () => {
    const result = transition(at('delivered', { challenged: true }), 'acknowledge', consented);
    expect(result.kind === 'apply' && result.next).toEqual(
      at('acknowledged', { challenged: true }),
    );
  });
});

describe('consent, duplicates, out of order', () => {
  it('refuses electronic dispatch without consent, and offers offline service instead', () => {
    const refused = transition(INITIAL_SNAPSHOT, 'dispatch', { consented: false });
    expect(refused).toEqual({ kind: 'refused', reason: 'NO_CONSENT', state: 'created' });
    expect(transition(INITIAL_SNAPSHOT, 'markOffline', { consented: false })).toMatchObject({
      kind: 'apply',
      next: { state: 'offline_pending' },
    });
  });

  it('an acknowledgement before the delivered receipt implies delivered and read', () => {
    const result = transition(at('dispatched'), 'acknowledge', consented);
    expect(result).toEqual({
      kind: 'apply',
      next: at('acknowledged'),
      events: [
        { kind: 'delivered', implied: true },
        { kind: 'read', implied: true },
        { kind: 'acknowledged', implied: false },
      ],
    });
  });

  it('a delivered receipt arriving after the acknowledgement changes nothing', () => {
    const steps = stepsTo('acknowledged');
    const late = transition(replay(steps), 'deliver', consented);
    expect(late.kind).toBe('duplicate');
    expect(replay([...steps, { kind: 'delivered' }]).state).toBe('acknowledged');
  });

  it('repeated acknowledgements are idempotent', () => {
    let snapshot = INITIAL_SNAPSHOT;
    const recorded: DeliveryEventKind[] = [];
    for (const action of [
      'dispatch',
      'deliver',
      'acknowledge',
      'acknowledge',
      'read',
      'deliver',
    ] as const) {
      const r = transition(snapshot, action, consented);
      if (r.kind === 'refused') throw new Error(`${action} refused: ${r.reason}`);
      if (r.kind === 'apply') recorded.push(...r.events.map((e) => e.kind));
      snapshot = r.next;
    }
    expect(recorded).toEqual(['dispatched', 'delivered', 'read', 'acknowledged']);
    expect(snapshot.state).toBe('acknowledged');
  });
});

describe('served: computed from the recorded steps', () => {
  const t = (m: number) => new Date(Date.UTC(2026, 2, 2, 8, m)).toISOString();

  it('delivery to a consented address is service at the delivered time', () => {
    expect(
      servedAt(
        [
          { kind: 'dispatched', at: t(0) },
          { kind: 'delivered', at: t(1) },
          { kind: 'read', at: t(5) },
        ],
        true,
      ),
    ).toEqual({ at: t(1), basis: 'delivered_to_consented_address' });
  });

  it('without consent only the recipient acting on it counts', () => {
    const events = [
      { kind: 'delivered' as const, at: t(1) },
      { kind: 'read' as const, at: t(7) },
      { kind: 'acknowledged' as const, at: t(9) },
    ];
    expect(servedAt(events, false)).toEqual({ at: t(7), basis: 'recipient_acted' });
    expect(servedAt([{ kind: 'delivered', at: t(1) }], false)).toBeNull();
  });

  it('offline service counts from its proof date; the earliest valid time wins', () => {
    expect(
      servedAt(
        [
          { kind: 'offline_required', at: t(0) },
          { kind: 'offline_served', at: t(30), servedOn: '2026-03-01' },
        ],
        false,
      ),
    ).toEqual({ at: '2026-02-28T16:00:00.000Z', basis: 'offline_proof' });
    expect(
      servedAt(
        [
          { kind: 'delivered', at: t(1) },
          { kind: 'offline_served', at: t(30), servedOn: '2026-03-05' },
        ],
        true,
      ),
    ).toEqual({ at: t(1), basis: 'delivered_to_consented_address' });
  });

  it('nothing recorded: not served', () => {
    expect(servedAt([{ kind: 'dispatched', at: t(0) }], true)).toBeNull();
  });
});

/** Recorded steps that lead from nothing to `state`. */
function stepsTo(state: DeliveryState): { kind: DeliveryEventKind }[] {
  const paths: Record<DeliveryState, DeliveryEventKind[]> = {
    created: [],
    offline_pending: ['offline_required'],
    dispatched: ['dispatched'],
    delivered: ['dispatched', 'delivered'],
    read: ['dispatched', 'delivered', 'read'],
    acknowledged: ['dispatched', 'delivered', 'read', 'acknowledged'],
    failed: ['dispatched', 'failed'],
    served_offline: ['offline_required', 'offline_served'],
  };
  const steps = paths[state].map((kind) => ({ kind }));
  expect(replay(steps).state).toBe(state);
  return steps;
}
