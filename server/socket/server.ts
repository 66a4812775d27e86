/**
 * The Socket.IO server of a node: messages up to the contract's limit, no
 * client bundle served (the page brings its own), pings every 10 s, same
 * origin only, and the shared adapter when several nodes share the rooms.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';
import { MAX_MESSAGE_BYTES } from '../../signaling/index.js';
import type { SignalingServer } from './context.js';

export function createSignalingServer(
  server: HttpServer | HttpsServer,
  adapter: ((namespace: unknown) => Adapter) | undefined,
): SignalingServer {
  return new Server(server, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    ...(adapter ? { adapter } : {}),
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Same-origin only: the client is served by this server.
    cors: { origin: false },
  });
}
