/**
 * Keeps a node's live sessions and their leases in step (several nodes): a
 * session closed here frees its lease for any node, and a lease this node lost
 * closes the session here, so two nodes never hold one session.
 */
import type { LiveSessionRegistry } from '../media/LiveSessionRegistry.js';
import type { SessionPlacement } from './state.js';

export function leaseSessions(placement: SessionPlacement, sessions: LiveSessionRegistry): void {
  sessions.onCreated((session) => session.onClose(() => void placement.release(session.sessionId)));
  placement.onLost((sessionId) => sessions.get(sessionId)?.close());
}
