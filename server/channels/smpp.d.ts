/**
 * The part of the `smpp` package (farhadi/node-smpp, SMPP 3.4/5.0; it ships no types) that the
 * SMS gateway and the tests' loopback SMSC use.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  export interface PDU {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(fields?: Record<string, unknown>): PDU;
  }

  export interface Session extends EventEmitter {
    send(pdu: PDU, onResponse?: (pdu: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(fields: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    submit_sm(fields: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    deliver_sm(fields: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    enquire_link(fields?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
    unbind(fields?: Record<string, unknown>, onResponse?: (pdu: PDU) => void): boolean;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  interface Smpp {
    connect(
      options: {
        url?: string;
        host?: string;
        port?: number;
        tls?: boolean;
        auto_enquire_link_period?: number;
        [option: string]: unknown;
      },
      listener?: () => void,
    ): Session;
    createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;
  }

  /** CommonJS: its exports are one object (its constants are not visible to ESM named imports). */
  const smpp: Smpp;
  export default smpp;
}
