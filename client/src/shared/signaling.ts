/** A typed request/notification layer over Socket.IO, shaped by the shared contract. */
import { NodeConnection, type ConnectError, type Lifecycle } from './nodeConnection.js';
import type {
  Ack,
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
/**
 * The page's signalling: typed requests and notifications over its connection
 * (`NodeConnection`, which follows the session to the node holding it).
 */
export class SignalingClient {
  readonly #connection: NodeConnection;

  /** `follow`: go to the node holding the session when it has an address of its own (the call page). */
  constructor(token: string, url?: string, options: { follow?: boolean } = {}) {
    this.#connection = new NodeConnection(token, url, options);
  }

  /**
   * The handshake's last refusal, kept for a listener that arrives later: the
   * page connects as soon as it knows the credential, before its call client
   * (and its handlers) have loaded.
   */
  get lastConnectError(): ConnectError | undefined {
    return this.#connection.lastConnectError;
  }

  get connected(): boolean {
    return this.#connection.connected;
  }

  /** The node's own address in use (several nodes), or null through the address the page started from. */
  get direct(): string | null {
    return this.#connection.direct;
  }

  whenConnected(): Promise<void> {
    return this.#connection.whenConnected();
  }

  onLifecycle<K extends keyof Lifecycle>(event: K, listener: Lifecycle[K]): void {
    this.#connection.onLifecycle(event, listener);
  }

  async request<E extends RequestName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    const socket = this.#connection.socket;
    if (!socket.connected) throw new RequestError('DISCONNECTED', 'Not connected');
    const emit = socket.timeout(REQUEST_TIMEOUT_MS).emit as unknown as (
      e: E,
      p: RequestOf<E>,
      cb: (err: Error | null, res: Ack<ResponseOf<E>>) => void,
    ) => void;
    const response = await new Promise<Ack<ResponseOf<E>>>((resolve, reject) => {
      emit.call(socket.timeout(REQUEST_TIMEOUT_MS), event, payload, (err, res) => {
        if (err) reject(new RequestError('TIMEOUT', `${event} timed out`));
        else resolve(res);
      });
    });
    if (!response.ok) throw await RequestError.fromPayload(response.error);
    return response.data;
  }

  /** Sends a request without waiting for its answer (the page is going away). */
  send<E extends RequestName>(event: E, payload: RequestOf<E>): void {
    const socket = this.#connection.socket;
    (socket.emit as (e: E, p: RequestOf<E>, cb: () => void) => void).call(
      socket,
      event,
      payload,
      () => undefined,
    );
  }

  on<E extends NotificationName>(event: E, listener: (payload: NotificationMap[E]) => void): void {
    this.#connection.on(event, listener);
  }

  close(): void {
    this.#connection.close();
  }
}
