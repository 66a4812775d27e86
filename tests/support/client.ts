/** A typed Socket.IO test client speaking the signaling contract. */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  NotificationMap,
  NotificationName,
  RequestName,
  RequestOf,
  ResponseOf,
  ServerToClientEvents,
} from '../../signaling/index.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestClient {
  socket: TestSocket;
  /** Sends a request and resolves with the raw acknowledgement (ok or error). */
  ack<E extends RequestName>(event: E, payload: RequestOf<E>): Promise<Ack<ResponseOf<E>>>;
  /** Sends a request and resolves with its data; rejects on an error ack. */
  request<E extends RequestName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>>;
  /** Sends anything at all, for malformed-input tests. */
  raw(event: string, ...args: unknown[]): Promise<unknown>;
  /**
   * Sends a request whose payload is given as JSON text, written straight to
   * the connection: for payloads the client library itself cannot encode
   * (nesting deeper than its recursive encoder reaches).
   */
  rawJson(event: string, payloadJson: string): Promise<unknown>;
  next<E extends NotificationName>(
    event: E,
    timeoutMs?: number,
    match?: (p: NotificationMap[E]) => boolean,
  ): Promise<NotificationMap[E]>;
  close(): void;
}

/**
 * `follow`: the handshake says the client follows its session to the node holding it
 * (the call page does), so a node may answer `data.moved` with that node's own address.
 */
export function connect(url: string, token: string | undefined, follow = false): TestSocket {
  // A node's own address may carry a path (a balancer's route to that node alone).
  const at = new URL(url);
  const prefix = at.pathname.replace(/\/+$/, '');
  return io(at.origin, {
    auth: { ...(token === undefined ? {} : { token }), ...(follow ? { follow: true } : {}) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(prefix ? { path: `${prefix}/socket.io` } : {}),
  });
}

/**
 * Connects as a call page does, following its session: when the handshake answers
 * `data.moved`, connects to that node's own address instead. Resolves with the client and
 * the address it is connected to.
 */
export async function connectFollowing(
  url: string,
  token: string,
): Promise<{ client: TestClient; at: string }> {
  let at = url;
  for (let moves = 0; moves < 3; moves++) {
    try {
      return { client: await connectClient(at, token, true), at };
    } catch (error) {
      const moved = (error as { data?: { moved?: unknown } }).data?.moved;
      if (typeof moved !== 'string') throw error;
      at = moved;
    }
  }
  throw new Error(`moved more than 3 times from ${url}`);
}

/** Connects and resolves once the handshake is accepted, or rejects with connect_error's data. */
export async function connectClient(
  url: string,
  token: string,
  follow = false,
): Promise<TestClient> {
  const socket = connect(url, token, follow);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  const raw = (event: string, ...args: unknown[]): Promise<unknown> =>
    new Promise((resolve) => {
      (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args, resolve);
    });
  const ack = <E extends RequestName>(event: E, payload: RequestOf<E>) =>
    raw(event, payload) as Promise<Ack<ResponseOf<E>>>;
  let rawIds = 1_000_000;
  const rawJson = (event: string, payloadJson: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = rawIds++;
      // The client files the acknowledgement under the packet id, as for its own requests.
      (socket as unknown as { acks: Record<number, (r: unknown) => void> }).acks[id] = resolve;
      socket.io.engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
    });
  return {
    socket,
    ack,
    raw,
    rawJson,
    async request(event, payload) {
      const res = await ack(event, payload);
      if (!res.ok)
        throw Object.assign(new Error(`${event}: ${res.error.code} ${res.error.message}`), {
          code: res.error.code,
        });
      return res.data;
    },
    next(event, timeoutMs = 5000, match) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.off(event as never, listener as never);
          reject(new Error(`timed out waiting for ${event}`));
        }, timeoutMs);
        const listener = (payload: NotificationMap[typeof event]): void => {
          if (match && !match(payload)) return;
          clearTimeout(timer);
          socket.off(event as never, listener as never);
          resolve(payload);
        };
        socket.on(event as never, listener as never);
      });
    },
    close() {
      socket.disconnect();
    },
  };
}

/** The `connect_error` a handshake is refused with. */
export function refusal(
  url: string,
  token: string | undefined,
): Promise<{ message: string; reason: unknown; detail: unknown }> {
  const socket = connect(url, token);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('handshake was accepted'));
    });
    socket.once('connect_error', (e: Error & { data?: { reason?: unknown; detail?: unknown } }) => {
      socket.disconnect();
      resolve({ message: e.message, reason: e.data?.reason, detail: e.data?.detail });
    });
  });
}

/**
 * Joins the client's session. Someone who lands in the waiting room is
 * admitted by `admitBy` (a mediator's client), who first confirms their
 * identity as a mediator would (or, given `overrideReason`, admits them
 * unchecked with that reason); the result is then the session as the
 * admission delivered it.
 */
export async function joinSession(
  client: TestClient,
  options: { admitBy?: TestClient; overrideReason?: string } = {},
): Promise<ResponseOf<'session:join'>> {
  const { rtpCapabilities } = await client.request('media:capabilities', {});
  const joined = await client.request('session:join', { rtpCapabilities });
  if (joined.admission !== 'waiting' || !options.admitBy) return joined;
  const granted = client.next('admission:granted');
  await admitChecked(options.admitBy, joined.self.participantId, options.overrideReason);
  return granted;
}

/**
 * What a mediator does with someone in the waiting room: confirms their
 * identity against the registered details, then admits them — or, with
 * `overrideReason`, admits them unchecked and says why.
 */
export async function admitChecked(
  mediator: TestClient,
  participantId: string,
  overrideReason?: string,
): Promise<void> {
  if (overrideReason !== undefined) {
    await mediator.request('admission:admit', { participantId, overrideReason });
    return;
  }
  await mediator.request('identity:verify', {
    participantId,
    result: 'confirmed',
    method: 'personal-details',
  });
  await mediator.request('admission:admit', { participantId });
}
