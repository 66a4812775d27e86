/**
 * The messages by which a node relays a session's signalling to the node that
 * holds the session (docs/cluster.md, "The relay"). The node holding the
 * socket has verified its token at the handshake and applied the rate limits;
 * the owner validates the request against the contract, checks the stage and
 * runs the same handler as for its own sockets, and answers with the ack the
 * client gets. Notices and a disconnect go from the owner straight to the
 * socket through the Socket.IO adapter (a socket's id is a room on every
 * node). What arrives over the bus is checked here before it is acted on.
 */
import { z } from 'zod';
import { REQUEST_NAMES, sessionClaimsSchema, type RequestName } from '../../signaling/index.js';

const socketId = z.string().min(1).max(64);

export const relayMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('request'),
    socketId,
    claims: sessionClaimsSchema.extend({
      jti: z.string().max(128).optional(),
      expiresAt: z.coerce.date(),
    }),
    client: z.object({
      ip: z.string().max(100).nullable(),
      userAgent: z.string().max(300).nullable(),
    }),
    event: z.enum(REQUEST_NAMES as [RequestName, ...RequestName[]]),
    payload: z.unknown(),
  }),
  z.object({
    kind: z.literal('gone'),
    socketId,
    /** Socket.IO's disconnect reason on the socket's node. */
    reason: z.string().max(100),
  }),
]);

export type RelayMessage = z.infer<typeof relayMessageSchema>;

/** Requests answered by the node that holds the connection, never relayed: a person's own inbox. */
export function isSessionRequest(event: string): boolean {
  return !event.startsWith('document:');
}

/** How long a node waits for the session's owner to answer a relayed request. */
export const RELAY_TIMEOUT_MS = 10_000;
