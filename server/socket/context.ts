/**
 * What the gateway hands to the request handlers of each event group
 * (handlers/*.ts): the typed socket, the per-connection request context and
 * the few gateway checks a handler may ask for. Validation, rate limits, the
 * waiting-room stage and the mapping of errors to acknowledgements stay in
 * SignalingGateway's one dispatcher; a handler receives a request already
 * parsed against the contract in signaling/ and returns its response.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../signaling/index.js';
import type { NotificationMap, NotificationName } from '../../signaling/index.js';
import type { RequestName, RequestOf, ResponseOf } from '../../signaling/index.js';
import type { VerifiedSessionToken } from '../auth/SessionTokens.js';
import type { Logger } from '../logger.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { Participant, ParticipantChannel } from '../media/Participant.js';
import type { ClientInfo, GatewayDesks } from './desks.js';

export interface SocketData {
  claims: VerifiedSessionToken;
  /** In a call (joined a session), as opposed to a page not yet in one; other nodes read it too. */
  inCall?: boolean;
}

/** What the nodes tell each other through the shared adapter (validated on arrival). */
export interface NodeEvents {
  'access:changed': (change: unknown) => void;
  'evidence:changed': (notice: unknown) => void;
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;
export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;

/**
 * The connection a request came from: a socket on this node, or (several
 * nodes) a socket on another node whose requests for a session this node
 * holds are relayed here. Notices and a disconnect reach it either way.
 */
export interface Peer {
  readonly id: string;
  readonly data: SocketData;
  readonly client: ClientInfo;
  emit<E extends NotificationName>(event: E, payload: NotificationMap[E]): void;
  disconnect(): void;
}

/** A socket of this node as a Peer. */
export function localPeer(socket: SignalingSocket): Peer {
  const agent = socket.handshake.headers['user-agent'];
  return {
    id: socket.id,
    data: socket.data,
    client: {
      ip: socket.handshake.address || null,
      userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
    },
    emit(event, payload) {
      (socket.emit as (e: typeof event, p: typeof payload) => boolean)(event, payload);
    },
    disconnect() {
      socket.disconnect(true);
    },
  };
}

/** What a request handler knows about who is asking. */
export interface RequestContext {
  socket: Peer;
  claims: VerifiedSessionToken;
  logger: Logger;
  session: LiveSession | undefined;
  participant: Participant | undefined;
  /** Several nodes: the node this connection's session requests were last relayed to. */
  relayedTo?: string;
}

/** A handler of one request: the request is already validated against the contract. */
export type Handler<E extends RequestName> = (
  ctx: RequestContext,
  request: RequestOf<E>,
) => Promise<ResponseOf<E>>;

/** One handler per request of the contract. */
export type Handlers = { [E in RequestName]: Handler<E> };

/** A connection that has joined its session, as a handler of an in-call request needs it. */
export interface Joined {
  session: LiveSession;
  participant: Participant;
}

/** Handlers of requests only a joined connection makes: each receives its session and participant. */
export type JoinedHandlers<K extends RequestName> = {
  [E in K]: (joined: Joined, request: RequestOf<E>, ctx: RequestContext) => Promise<ResponseOf<E>>;
};

/** The gateway's services to its handler groups. */
export interface GatewayTools {
  readonly desks: GatewayDesks;
  /** The session and participant of a joined connection; refuses with JOIN_FIRST otherwise. */
  joined(ctx: RequestContext): Joined;
  /**
   * Checks the credential again now; if it is no longer honoured, refuses the
   * request and closes the connection right after (telling it why).
   */
  honoured(ctx: RequestContext): Promise<void>;
  /** The live session named by the token: a token never reaches another case or session. */
  sessionFor(ctx: RequestContext): Promise<LiveSession>;
  /** Marks the connection as in a call (joined) or not, for the per-person connection cap. */
  setInCall(socket: Peer, inCall: boolean): void;
}

/** Handlers that refuse with JOIN_FIRST until the connection has joined its session. */
export function whenJoined<K extends RequestName>(
  tools: GatewayTools,
  handlers: JoinedHandlers<K>,
): Pick<Handlers, K> {
  type Run = (joined: Joined, request: unknown, ctx: RequestContext) => Promise<unknown>;
  const wrapped: Record<string, (ctx: RequestContext, request: unknown) => Promise<unknown>> = {};
  for (const [name, run] of Object.entries(handlers) as [K, Run][]) {
    wrapped[name] = async (ctx, request) => run(tools.joined(ctx), request, ctx);
  }
  return wrapped as Pick<Handlers, K>;
}

/** The notifications of a participant, sent on their connection. */
export function channelOf(peer: Peer): ParticipantChannel {
  return {
    notify<E extends NotificationName>(event: E, payload: NotificationMap[E]): void {
      peer.emit(event, payload);
    },
    disconnect(): void {
      peer.disconnect();
    },
  };
}

export function clientInfo(peer: Peer): ClientInfo {
  return peer.client;
}
