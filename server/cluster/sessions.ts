/**
 * Keeps a node's live sessions and their leases in step (several nodes): a
 * session closed here frees its lease for any node, and a lease this node lost
 * closes the session here, so two nodes never hold one session.
 */
import type { LiveSessionRegistry } from '../media/LiveSessionRegistry.js';
import type { SessionPlacement } from './state.js';

export function leaseSessions(
  placement: SessionPlacement,
  sessions: LiveSessionRegistry,
  /** Told first when the lease is lost: a recording is left for the session's next node. */
  recordings: { handOver(sessionId: string): void },
): void {
  sessions.onCreated((session) => session.onClose(() => void placement.release(session.sessionId)));
  placement.onLost((sessionId) => {
    recordings.handOver(sessionId);
    sessions.get(sessionId)?.close();
  });
}
