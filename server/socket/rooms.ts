/**
 * The Socket.IO rooms the service addresses, and the delivery channel that
 * pushes served documents through them. With the Redis adapter (several
 * nodes, server/cluster/) a room spans every node, so a notice emitted on the
 * node that served the document reaches the recipient's socket on any node;
 * in one process the same rooms are Socket.IO's in-memory ones.
 */
import type { ServedDocument } from '../../signaling/index.js';
import type {
  DeliveryChannel,
  DeliveryRecipient,
  ServedNotice,
} from '../documents/DeliveryChannel.js';
import type { SignalingServer } from './context.js';

/** Every connection of one person (a token's subject), for the cap on connections per person. */
export function personRoom(sub: string): string {
  return `person:${sub}`;
}

/** The connections of a document's recipient: a person of one case. */
export function recipientRoom(r: DeliveryRecipient): string {
  return `recipient:${r.caseId}:${r.personId}`;
}

/**
 * Pushes a served document to the recipient's room. Whether it arrived is the
 * client's to say (`document:received` records the delivered moment); a
 * recipient with no connection gets it at their next one (the inbox pushes
 * what is still undelivered).
 */
export class RoomDeliveryChannel implements DeliveryChannel {
  #io: SignalingServer | undefined;

  /** The Socket.IO server to push through (it exists after the services it serves). */
  bind(io: SignalingServer): void {
    this.#io = io;
  }

  deliver(recipient: DeliveryRecipient, notice: ServedNotice): void {
    const document: ServedDocument = notice;
    this.#io?.to(recipientRoom(recipient)).emit('document:served', document);
  }
}
