/**
 * The live path of a served document to a connected recipient. The document
 * service pushes a notice and learns of the "delivered" moment from the
 * recipient client's acknowledgement (`DocumentService.onDelivered`). A person
 * not connected gets the notice at their next connection
 * (`DocumentService.pendingFor`). The server pushes through Socket.IO rooms
 * (server/socket/rooms.ts), which span the nodes; `InAppDeliveryChannel` is the
 * same in one process, for tools and tests that run the document service
 * without a socket server.
 */
import type { DocumentKind } from './model.js';

export interface DeliveryRecipient {
  caseId: string;
  personId: string;
}

export interface ServedNotice {
  deliveryId: string;
  documentId: string;
  title: string;
  kind: DocumentKind;
  sha256: string;
  issuedAt: string;
}

export interface DeliveryChannel {
  /** Pushes the notice to the recipient's live connection(s), if any. */
  deliver(recipient: DeliveryRecipient, notice: ServedNotice): void;
}

/** Pushes a notice to one connected client (a socket emit in the gateway). */
export type NoticePush = (notice: ServedNotice) => void;

/**
 * The in-process registry of connected recipients. The signalling gateway
 * calls `connect()` when a person's socket is authenticated and the returned
 * function when it disconnects. Several connections of one person all get
 * the notice; the first client acknowledgement is the "delivered" moment.
 */
export class InAppDeliveryChannel implements DeliveryChannel {
  readonly #connections = new Map<string, Set<NoticePush>>();

  connect(recipient: DeliveryRecipient, push: NoticePush): () => void {
    const key = keyOf(recipient);
    let set = this.#connections.get(key);
    if (!set) {
      set = new Set();
      this.#connections.set(key, set);
    }
    set.add(push);
    return () => {
      const current = this.#connections.get(key);
      current?.delete(push);
      if (current?.size === 0) this.#connections.delete(key);
    };
  }

  isConnected(recipient: DeliveryRecipient): boolean {
    return (this.#connections.get(keyOf(recipient))?.size ?? 0) > 0;
  }

  deliver(recipient: DeliveryRecipient, notice: ServedNotice): 'sent' | 'offline' {
    const set = this.#connections.get(keyOf(recipient));
    if (!set || set.size === 0) return 'offline';
    for (const push of set) push(notice);
    return 'sent';
  }
}

function keyOf(r: DeliveryRecipient): string {
  return `${r.caseId}\u0000${r.personId}`;
}
