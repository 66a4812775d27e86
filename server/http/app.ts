/**
 * The HTTP adapter: health, the browser client and one error middleware that
 * maps the error taxonomy to statuses.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http, { STATUS_CODES, type Server } from 'node:http';
import https, { type Server as TlsServer } from 'node:https';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Router,
} from 'express';
import { pinoHttp } from 'pino-http';
import type { AppError } from '../errors.js';
import { HTTP_STATUS, HeadersTooLargeError, NotFoundError, fail, toAppError } from '../errors.js';
import type { Jwks } from '../signing/jws.js';
import type { NodeLoad } from '../media/nodeLoad.js';
import type { Logger } from '../logger.js';
import { staticAssets } from './staticAssets.js';

export interface HttpAppOptions {
  logger: Logger;
  api: Router;
  clientDir: string;
  health: {
    /**
     * Whether it takes new connections (false while it shuts down), its live media workers,
     * and whether the shared state of several nodes answers it (true with one node).
     */
    state: () => { accepting: boolean; workers: number; sharedState: boolean };
    /** What the node carries (reading it restarts the event-loop delay's window). */
    detail: () => NodeLoad & { node: string };
  };
  /** Bearer token for /healthz's detail; without one the detail is never given. */
  healthToken?: string | undefined;
  jwks: () => Jwks;
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For is believed; empty: the socket's address counts. */
  trustedProxies: readonly string[];
  /**
   * Where an SMS's short case link (`/s/<code>`) leads: the full link while its invitation lives,
   * null for a dead or unknown code; rejects when the source opened too many (rate limit).
   */
  shortLink?: (code: string, source: string) => Promise<string | null>;
}

/** What a dead or unknown short link shows (a person, from a phone). */
const DEAD_LINK_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>链接已失效 / Link no longer valid</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6"><h1 style="font-size:1.3rem">链接已失效</h1><p>此案件链接已过期、已被撤回或已更换。请联系调解组织重新发送链接。</p><p lang="en">This case link has expired, was withdrawn or replaced. Please ask the mediation organisation for a new one.</p></body></html>`;

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; " +
      "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self)');
  next();
};

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Anyone on this machine could otherwise choose their address for the sign-in limits.
  app.set('trust proxy', options.trustedProxies.length > 0 ? [...options.trustedProxies] : false);
  app.use(
    pinoHttp({
      logger: options.logger.child({ component: 'http' }),
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/assets/'),
      },
      // The join token travels in the URL fragment, never the query; strip queries anyway. A
      // short link's code is a credential: not logged either.
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: req.url.startsWith('/s/') ? '/s/…' : req.url.split('?')[0],
        }),
      },
    }),
  );
  app.use(securityHeaders);

  // For the load balancer: 200 while the node takes calls; 503 without a media worker or
  // cut off from the other nodes' shared state ('degraded'), or while it shuts down
  // ('draining'), so no new connection is sent to it.
  // What it carries (how many mediations are live, process ids) only for the health token:
  // anyone can reach /healthz, and each read restarts the event-loop delay's window.
  const detailAllowed = healthTokenCheck(options.healthToken);
  app.get('/healthz', (req, res) => {
    const { accepting, workers, sharedState } = options.health.state();
    const status = !accepting ? 'draining' : workers > 0 && sharedState ? 'ok' : 'degraded';
    res.setHeader('Cache-Control', 'no-store');
    const detail = detailAllowed(req.headers.authorization) ? options.health.detail() : {};
    res.status(status === 'ok' ? 200 : 503).json({ status, ...detail });
  });

  // The service's public signing keys: anyone can verify manifests and references.
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(options.jwks());
  });

  // No icon: answer browsers' automatic request without an error in their console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  app.use('/api', options.api);

  const shortLink = options.shortLink;
  if (shortLink)
    app.get('/s/:code', async (req, res) => {
      const target = await shortLink(String(req.params['code']), req.ip ?? '');
      res.setHeader('Cache-Control', 'no-store');
      if (target) res.redirect(302, target);
      else res.status(404).type('html').send(DEAD_LINK_PAGE);
    });

  const index = path.join(options.clientDir, 'index.html');
  if (existsSync(index)) {
    // Compressed, hashed assets cached for a year, pages revalidated (staticAssets.ts).
    const client = staticAssets(options.clientDir, options.logger);
    app.use(client.files);
    app.get(['/', '/join'], client.page('index.html'));
    // The staff console (recordings of the case file), a page of its own.
    app.get('/console', client.page('console.html'));
    // The public online application page (no account; phone first).
    app.get('/apply', client.page('apply.html'));
  } else {
    options.logger.warn(
      { clientDir: options.clientDir },
      'client bundle not built; only the API is served',
    );
  }

  app.use((_req, _res, next) => next(new NotFoundError('Page')));
  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const appError = toAppError(requestError(error) ?? error);
    if (appError.code === 'INTERNAL') req.log.error({ err: error }, 'request failed');
    res.status(HTTP_STATUS[appError.code]).json({ error: appError.toPayload() });
  };
  app.use(onError);
  return app;
}

/**
 * Failures of Express itself on a malformed request are the client's: say so
 * with a 4xx. A percent-escape that does not decode in a path parameter
 * (router: URIError), and body-parser's errors (http-errors with a 4xx status
 * and a `type`): malformed JSON, too large (also once inflated), an encoding
 * or charset not taken, a body that does not decompress.
 */
function requestError(error: unknown): AppError | undefined {
  if (error instanceof URIError) return fail('MALFORMED_PERCENT_ESCAPE');
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed') return fail('BODY_NOT_JSON');
  if (type === 'entity.too.large' || status === 413) return fail('BODY_TOO_LARGE');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported' || status === 415)
    return fail('BODY_ENCODING_UNSUPPORTED');
  if (typeof status === 'number' && status >= 400 && status < 500) return fail('BODY_UNREADABLE');
  return undefined;
}

/** The part of a socket Node's HTTP server attaches to it while a response is under way. */
interface ServerSocket {
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Requests that Node's HTTP parser refuses before Express runs (request line or
 * headers over the limit, malformed syntax, a request that took too long) get
 * the standard error shape too, instead of Node's bare status line. Nothing is
 * written onto a connection whose response has already begun.
 */
export function answerClientErrors(server: Server | TlsServer, logger: Logger): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    const inFlight = (socket as Duplex & ServerSocket)._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const appError =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new HeadersTooLargeError()
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? fail('REQUEST_TOO_SLOW')
          : fail('MALFORMED_REQUEST');
    logger.debug({ code: error.code }, 'client error answered before routing');
    const status = HTTP_STATUS[appError.code];
    const body = JSON.stringify({ error: appError.toPayload() });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
        body,
    );
  });
}

/**
 * The HTTP(S) server for `app`: TLS when a certificate is configured; Node's
 * own limit on a whole request (a bare 408) kept behind the upload's, which is
 * answered in full; parser errors answered in the standard shape.
 */
export function createListener(
  app: Express,
  options: { tls: { certFile: string; keyFile: string } | undefined; uploadTimeoutMs: number },
  logger: Logger,
): Server | TlsServer {
  const server = options.tls
    ? https.createServer(
        { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        app,
      )
    : http.createServer(app);
  server.requestTimeout = Math.max(server.requestTimeout, options.uploadTimeoutMs + 10_000);
  answerClientErrors(server, logger);
  return server;
}

/** Whether an Authorization header carries the health token (compared in constant time). */
function healthTokenCheck(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => false;
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) =>
    header !== undefined && timingSafeEqual(createHash('sha256').update(header).digest(), expected);
}
