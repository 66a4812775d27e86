/** A typed request/notification layer over Socket.IO, shaped by the shared contract. */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  ErrorCode,
  ErrorPayload,
  Reason,
  ReasonParamValues,
  HandshakeRefusal,
  NotificationMap,
  NotificationName,
  RequestName,
  RequestOf,
  ResponseOf,
  ServerToClientEvents,
} from '../../../signaling/index.js';

export class RequestError extends Error {
  readonly code: ErrorCode | 'TIMEOUT' | 'DISCONNECTED';
  /** Why the server refused (signaling/reasons.ts), where it said. */
  readonly reason: Reason | undefined;
  readonly params: ReasonParamValues | undefined;

  constructor(
    code: RequestError['code'],
    message: string,
    reason?: Reason,
    params?: ReasonParamValues,
  ) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.reason = reason;
    this.params = params;
  }

  /**
   * A refusal the server acknowledged, its message rendered from the page's catalogue. The
   * catalogue is a chunk of its own, loaded on the first refusal: the page connects as soon
   * as it opens (`connectEarly`), and that connection must not wait for every refusal's text.
   * If that chunk cannot load (the network dropped just then), the refusal keeps its code and
   * reason, which is what the page acts on, with the server's own sentence as its message.
   */
  static async fromPayload(error: ErrorPayload): Promise<RequestError> {
    const text = await import('./errorText.js').then(
      ({ errorText }) => errorText(error),
      () => error.message,
    );
    return new RequestError(error.code, text, error.reason, error.params);
  }
}

export class HandshakeError extends Error {
  readonly reason: HandshakeRefusal | 'UNKNOWN';

  constructor(reason: HandshakeError['reason'], message: string) {
    super(message);
    this.name = 'HandshakeError';
    this.reason = reason;
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

export class SignalingClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /**
   * The handshake's last refusal, kept for a listener that arrives later: the
   * page connects as soon as it knows the credential, before its call client
   * (and its handlers) have loaded.
   */
  lastConnectError: (Error & { data?: { reason?: HandshakeRefusal } }) | undefined;

  constructor(token: string, url?: string) {
    const options = {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    };
    this.socket = url ? io(url, options) : io(options);
    this.socket.on('connect_error', (error) => (this.lastConnectError = error));
    this.socket.on('connect', () => (this.lastConnectError = undefined));
  }

  async request<E extends RequestName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    if (!this.socket.connected) throw new RequestError('DISCONNECTED', 'Not connected');
    const emit = this.socket.timeout(REQUEST_TIMEOUT_MS).emit as unknown as (
      e: E,
      p: RequestOf<E>,
      cb: (err: Error | null, res: Ack<ResponseOf<E>>) => void,
    ) => void;
    const response = await new Promise<Ack<ResponseOf<E>>>((resolve, reject) => {
      emit.call(this.socket.timeout(REQUEST_TIMEOUT_MS), event, payload, (err, res) => {
        if (err) reject(new RequestError('TIMEOUT', `${event} timed out`));
        else resolve(res);
      });
    });
    if (!response.ok) throw await RequestError.fromPayload(response.error);
    return response.data;
  }

  on<E extends NotificationName>(event: E, listener: (payload: NotificationMap[E]) => void): void {
    (this.socket.on as (e: E, l: (p: NotificationMap[E]) => void) => void).call(
      this.socket,
      event,
      listener,
    );
  }

  close(): void {
    this.socket.disconnect();
  }
}
