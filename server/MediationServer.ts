/**
 * The composition root: wires config, logging, the worker pool, live
 * sessions, HTTP and Socket.IO. `create()` starts everything; `close()` takes
 * it down in the order mediasoup needs.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import { MAX_MESSAGE_BYTES } from '../signaling/index.js';
import { SessionTokens } from './auth/SessionTokens.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import type { Logger } from './logger.js';
import { LiveSessionRegistry } from './media/LiveSessionRegistry.js';
import { WorkerPool } from './media/WorkerPool.js';
import { SignalingGateway, type SignalingServer } from './socket/SignalingGateway.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The client bundle, whether running from sources (tsx/vitest) or from dist/. */
const DEFAULT_CLIENT_DIR = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../../client/dist' : '../client/dist',
);

export interface MediationServerOptions {
  clientDir?: string;
}

export class MediationServer {
  readonly config: Config;
  readonly logger: Logger;
  readonly pool: WorkerPool;
  readonly sessions: LiveSessionRegistry;
  readonly tokens: SessionTokens;
  readonly #http: http.Server;
  /** The Socket.IO server (tests simulate network drops through it). */
  readonly io: SignalingServer;
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    config: Config;
    logger: Logger;
    pool: WorkerPool;
    sessions: LiveSessionRegistry;
    tokens: SessionTokens;
    http: http.Server;
    io: SignalingServer;
  }) {
    this.config = parts.config;
    this.logger = parts.logger;
    this.pool = parts.pool;
    this.sessions = parts.sessions;
    this.tokens = parts.tokens;
    this.#http = parts.http;
    this.io = parts.io;
  }

  static async create(
    config: Config,
    logger: Logger,
    options: MediationServerOptions = {},
  ): Promise<MediationServer> {
    const pool = await WorkerPool.create(config.media, logger);
    const sessions = new LiveSessionRegistry(pool, config.media, logger);
    const tokens = new SessionTokens(config.auth.jwtSecret);
    const app = createHttpApp({
      logger,
      clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
      health: () => ({ workers: pool.workers.length, sessions: sessions.all().length }),
    });
    const server = config.http.tls
      ? https.createServer(
          {
            cert: readFileSync(config.http.tls.certFile),
            key: readFileSync(config.http.tls.keyFile),
          },
          app,
        )
      : http.createServer(app);
    const io: SignalingServer = new SocketIOServer(server, {
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      serveClient: false,
      pingInterval: 10_000,
      pingTimeout: 8_000,
      // Same-origin only: the client is served by this server.
      cors: { origin: false },
    });
    new SignalingGateway(tokens, sessions, config.socket, logger).attach(io);

    const instance = new MediationServer({
      config,
      logger,
      pool,
      sessions,
      tokens,
      http: server,
      io,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await instance.close();
      throw error;
    }
    logger.info({ url: instance.url }, 'mediation server listening');
    return instance;
  }

  /** Where this server is reachable (PUBLIC_URL if set, else the bound address). */
  get url(): string {
    if (this.config.http.publicUrl) return this.config.http.publicUrl;
    const address = this.#http.address() as AddressInfo | null;
    const scheme = this.config.http.tls ? 'https' : 'http';
    const host =
      !address || ['0.0.0.0', '::'].includes(address.address)
        ? 'localhost'
        : address.address.includes(':')
          ? `[${address.address}]`
          : address.address;
    return `${scheme}://${host}:${address?.port ?? this.config.http.port}`;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  /** Closes sockets, then sessions (their transports), then workers, then HTTP. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.logger.info('shutting down');
      this.io.disconnectSockets(true);
      this.sessions.closeAll();
      this.pool.close();
      await new Promise<void>((resolve) => this.io.close(() => resolve()));
      this.#http.closeAllConnections();
      this.logger.info('shut down');
    })();
    return this.#closing;
  }
}
