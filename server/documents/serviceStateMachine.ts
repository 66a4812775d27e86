/**
 * The life of one delivery of a served document (DOMAIN.md "A served
 * document's life"), as pure functions over a transition table: which action
 * is legal in which state, where it leads, which earlier steps it implies
 * (an acknowledgement that arrives before the "delivered" receipt proves the
 * document reached the recipient), and which repeats are harmless duplicates.
 * `servedAt` computes when service was complete from the recorded steps.
 *
 * No I/O here: the service records what `transition` returns.
 */
import { DELIVERY_EVENT_KINDS, DELIVERY_STATES } from '../../signaling/http/vocabulary.js';

export { DELIVERY_EVENT_KINDS, DELIVERY_STATES };

export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  created: '待送达',
  offline_pending: '待线下送达',
  dispatched: '已发送',
  delivered: '已送达',
  read: '已阅读',
  acknowledged: '已签收',
  failed: '送达失败',
  served_offline: '已线下送达',
};

export const DELIVERY_ACTIONS = [
  'dispatch',
  'markOffline',
  'deliver',
  'read',
  'acknowledge',
  'fail',
  'offlineProof',
  'challenge',
  'requestPaperCopy',
] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

/** What each recorded step is called in `delivery_events.state`. */
export type DeliveryEventKind = (typeof DELIVERY_EVENT_KINDS)[number];

export const DELIVERY_EVENT_LABELS: Record<DeliveryEventKind, string> = {
  dispatched: '发送',
  offline_required: '转线下送达',
  delivered: '送达',
  read: '阅读',
  acknowledged: '签收',
  failed: '送达失败',
  offline_served: '线下送达',
  challenged: '提出异议',
  paper_copy_requested: '申请纸质文书',
};

export const ACTION_EVENT: Record<DeliveryAction, DeliveryEventKind> = {
  dispatch: 'dispatched',
  markOffline: 'offline_required',
  deliver: 'delivered',
  read: 'read',
  acknowledge: 'acknowledged',
  fail: 'failed',
  offlineProof: 'offline_served',
  challenge: 'challenged',
  requestPaperCopy: 'paper_copy_requested',
};

/** Where a legal action leads, and the steps it proves happened before it. */
interface Step {
  to: DeliveryState;
  implies?: readonly DeliveryEventKind[];
}
type Cell = Step | 'duplicate';

const SENT_ON: readonly DeliveryState[] = [
  'dispatched',
  'delivered',
  'read',
  'acknowledged',
  'failed',
  'offline_pending',
  'served_offline',
];

/**
 * Main-line actions by state. A missing cell is refused. Challenge and
 * paper-copy requests do not move the state; they are flags (see below).
 */
export const DELIVERY_TRANSITIONS: Record<
  Exclude<DeliveryAction, 'challenge' | 'requestPaperCopy'>,
  Partial<Record<DeliveryState, Cell>>
> = {
  dispatch: {
    created: { to: 'dispatched' },
    failed: { to: 'dispatched' },
    dispatched: 'duplicate',
  },
  markOffline: {
    created: { to: 'offline_pending' },
    failed: { to: 'offline_pending' },
    offline_pending: 'duplicate',
  },
  deliver: {
    dispatched: { to: 'delivered' },
    failed: { to: 'delivered' },
    // A late receipt after the recipient already acted on the document.
    delivered: 'duplicate',
    read: 'duplicate',
    acknowledged: 'duplicate',
  },
  read: {
    dispatched: { to: 'read', implies: ['delivered'] },
    failed: { to: 'read', implies: ['delivered'] },
    delivered: { to: 'read' },
    // Not served electronically, but the recipient acted on it in the app.
    offline_pending: { to: 'read' },
    read: 'duplicate',
    acknowledged: 'duplicate',
    served_offline: 'duplicate',
  },
  acknowledge: {
    dispatched: { to: 'acknowledged', implies: ['delivered', 'read'] },
    failed: { to: 'acknowledged', implies: ['delivered', 'read'] },
    delivered: { to: 'acknowledged', implies: ['read'] },
    read: { to: 'acknowledged' },
    offline_pending: { to: 'acknowledged', implies: ['read'] },
    acknowledged: 'duplicate',
    served_offline: 'duplicate',
  },
  fail: {
    dispatched: { to: 'failed' },
    failed: 'duplicate',
  },
  offlineProof: {
    offline_pending: { to: 'served_offline' },
    failed: { to: 'served_offline' },
    dispatched: { to: 'served_offline' },
    // Served electronically already (perhaps challenged): a paper service is recorded too.
    delivered: { to: 'served_offline' },
    read: { to: 'served_offline' },
    acknowledged: { to: 'served_offline' },
    served_offline: 'duplicate',
  },
};

export interface DeliverySnapshot {
  state: DeliveryState;
  challenged: boolean;
  paperCopyRequested: boolean;
}

export interface TransitionContext {
  /** Whether the recipient's recorded consent covers this document and address. */
  consented: boolean;
}

export type TransitionRefusal = 'NO_CONSENT' | 'ILLEGAL';

export type TransitionResult =
  | {
      kind: 'apply';
      next: DeliverySnapshot;
      /** Steps to record, in order: implied ones first, then the action's own. */
      events: { kind: DeliveryEventKind; implied: boolean }[];
    }
  | { kind: 'duplicate'; next: DeliverySnapshot }
  | { kind: 'refused'; reason: TransitionRefusal; state: DeliveryState };

export const INITIAL_SNAPSHOT: DeliverySnapshot = {
  state: 'created',
  challenged: false,
  paperCopyRequested: false,
};

export function transition(
  snapshot: DeliverySnapshot,
  action: DeliveryAction,
  context: TransitionContext,
): TransitionResult {
  const event = ACTION_EVENT[action];
  if (action === 'challenge' || action === 'requestPaperCopy') {
    if (!SENT_ON.includes(snapshot.state)) return refused(snapshot.state);
    const flag = action === 'challenge' ? 'challenged' : 'paperCopyRequested';
    if (snapshot[flag]) return { kind: 'duplicate', next: snapshot };
    return {
      kind: 'apply',
      next: { ...snapshot, [flag]: true },
      events: [{ kind: event, implied: false }],
    };
  }
  const cell = DELIVERY_TRANSITIONS[action][snapshot.state];
  if (cell === undefined) return refused(snapshot.state);
  if (cell === 'duplicate') return { kind: 'duplicate', next: snapshot };
  if (action === 'dispatch' && !context.consented) {
    return { kind: 'refused', reason: 'NO_CONSENT', state: snapshot.state };
  }
  return {
    kind: 'apply',
    next: { ...snapshot, state: cell.to },
    events: [
      ...(cell.implies ?? []).map((kind) => ({ kind, implied: true })),
      { kind: event, implied: false },
    ],
  };
}

function refused(state: DeliveryState): TransitionResult {
  return { kind: 'refused', reason: 'ILLEGAL', state };
}

/** Replays recorded steps into the snapshot they produce (steps are trusted: they were checked when recorded). */
export function replay(events: readonly { kind: DeliveryEventKind }[]): DeliverySnapshot {
  let snapshot = INITIAL_SNAPSHOT;
  for (const e of events) {
    switch (e.kind) {
      case 'challenged':
        snapshot = { ...snapshot, challenged: true };
        break;
      case 'paper_copy_requested':
        snapshot = { ...snapshot, paperCopyRequested: true };
        break;
      default:
        snapshot = { ...snapshot, state: stateAfter(e.kind, snapshot.state) };
    }
  }
  return snapshot;
}

function stateAfter(kind: DeliveryEventKind, current: DeliveryState): DeliveryState {
  switch (kind) {
    case 'dispatched':
      return 'dispatched';
    case 'offline_required':
      return 'offline_pending';
    case 'delivered':
      // An implied "delivered" recorded before a read never moves the state back.
      return rank(current) > rank('delivered') ? current : 'delivered';
    case 'read':
      return current === 'acknowledged' || current === 'served_offline' ? current : 'read';
    case 'acknowledged':
      return current === 'served_offline' ? current : 'acknowledged';
    case 'failed':
      return 'failed';
    case 'offline_served':
      return 'served_offline';
    case 'challenged':
    case 'paper_copy_requested':
      return current;
  }
}

function rank(state: DeliveryState): number {
  return ['delivered', 'read', 'acknowledged'].indexOf(state);
}

export type ServiceBasis =
  | 'delivered_to_consented_address' // 送达受送达人同意的电子地址
  | 'recipient_acted' // 受送达人回复或以行为确认收悉
  | 'offline_proof'; // 线下送达证明

export const SERVICE_BASIS_LABELS: Record<ServiceBasis, string> = {
  delivered_to_consented_address: '文书到达受送达人确认的电子送达地址',
  recipient_acted: '受送达人已阅读或签收（以行为确认收悉）',
  offline_proof: '线下送达（附送达证明）',
};

/**
 * When service was complete: delivery to a consented electronic address
 * counts when the document reached it; to any other address only when the
 * recipient acted on it; an offline service at its proof's date. The
 * earliest valid time counts.
 */
export function servedAt(
  events: readonly { kind: DeliveryEventKind; at: string; servedOn?: string | null }[],
  consented: boolean,
): { at: string; basis: ServiceBasis } | null {
  const candidates: { at: string; basis: ServiceBasis }[] = [];
  for (const e of events) {
    if (e.kind === 'delivered' && consented)
      candidates.push({ at: e.at, basis: 'delivered_to_consented_address' });
    if (e.kind === 'read' || e.kind === 'acknowledged')
      candidates.push({ at: e.at, basis: 'recipient_acted' });
    // An offline service counts from its proof's date (start of that day, Shanghai time).
    if (e.kind === 'offline_served')
      candidates.push({
        at: e.servedOn ? new Date(`${e.servedOn}T00:00:00+08:00`).toISOString() : e.at,
        basis: 'offline_proof',
      });
  }
  let best: { at: string; basis: ServiceBasis } | null = null;
  for (const c of candidates) {
    const time = Date.parse(c.at);
    if (Number.isFinite(time) && (best === null || time < Date.parse(best.at))) best = c;
  }
  return best;
}
