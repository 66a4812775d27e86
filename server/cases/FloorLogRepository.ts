/**
 * Storage port of the session floor log (SessionFloorLog): the chat of a
 * live session and the participants the mediator removed. The SQLite
 * implementation lives in server/db. Writes run inside `transaction()`,
 * together with the audit event that records them.
 */

/** A chat message as kept in the case record (text in full; confidential when sent in a caucus). */
export interface FloorChatRecord {
  id: string;
  caseId: string;
  sessionId: string;
  participantId: string;
  displayName: string;
  role: string;
  text: string;
  confidential: boolean;
  sentAt: string;
}

/** A removal: the removed participant's token is refused at the next handshake. */
export interface FloorRemovalRecord {
  sessionId: string;
  participantId: string;
  caseId: string;
  removedBy: string;
  reason: string | null;
  removedAt: string;
}

export interface FloorLogRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  insertChat(message: FloorChatRecord): Promise<void>;
  /** The chat of one session in the order it was sent. */
  listChat(sessionId: string): Promise<FloorChatRecord[]>;
  /** A second removal of the same participant from the same session is ignored. */
  insertRemoval(removal: FloorRemovalRecord): Promise<void>;
  /** The Socket.IO handshake asks it before admitting a participant. */
  isRemoved(sessionId: string, participantId: string): Promise<boolean>;
}
