/**
 * Where an institution's webhook may point, and the one way a delivery
 * reaches it. A clerk types the address, so it is untrusted: it must not
 * reach this machine or the networks behind it. An address is refused when
 * it, or any address its name resolves to, is loopback, private, link-local,
 * CGNAT, multicast, unspecified, broadcast, reserved or documentation space
 * (IPv6 too, and IPv6 forms that embed such an IPv4). The name is resolved
 * once per attempt and the connection goes to the address that was checked
 * (no second lookup an attacker's DNS could answer differently), with TLS
 * still verifying the certificate for the name. Only https, except hosts the
 * operator lists in WEBHOOK_HTTP_ALLOWLIST (a receiver beside the service,
 * tests), which may also be private. Redirects are never followed, and the
 * reply is read only up to a small bound.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ReasonError } from '../errors.js';

/** Resolves a host name to every address it has (injectable: tests use no real DNS). */
export type WebhookLookup = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface WebhookPolicy {
  /** Hosts (names or IP addresses) reachable over plain http and at private addresses. */
  httpAllowlist: readonly string[];
  lookup?: WebhookLookup;
}

type WebhookRefusal =
  | 'WEBHOOK_URL_INVALID'
  | 'WEBHOOK_URL_CREDENTIALS'
  | 'WEBHOOK_URL_NOT_HTTPS'
  | 'WEBHOOK_ADDRESS_INTERNAL'
  | 'WEBHOOK_HOST_RESOLVES_INTERNAL'
  | 'WEBHOOK_HOST_UNRESOLVED';

/**
 * An address the policy refuses, for a reason the clerk's console renders; the
 * message (its English sentence) is what a failed delivery records.
 */
export class WebhookAddressRefused<
  R extends WebhookRefusal = WebhookRefusal,
> extends ReasonError<R> {}

export interface WebhookTarget {
  url: URL;
  /** The checked address the connection goes to. */
  address: string;
  family: 4 | 6;
  allowlisted: boolean;
}

/** Reply bytes read at most (the rest is dropped unread) and characters kept of them. */
export const WEBHOOK_REPLY_READ_BYTES = 4096;
export const WEBHOOK_REPLY_EXCERPT_CHARS = 256;

const systemLookup: WebhookLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Why an IP address may not be a webhook's, or undefined for a public unicast one. */
export function forbiddenAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? undefined : range;
  }
  const v6 = ip as ipaddr.IPv6;
  if (v6.zoneId) return 'scoped IPv6 address';
  const embedded = embeddedIPv4(v6);
  if (embedded !== undefined) {
    const reason = forbiddenAddressReason(embedded);
    return reason === undefined ? undefined : `${reason} (embedded in ${v6.range()} IPv6)`;
  }
  const range = v6.range();
  return range === 'unicast' ? undefined : range;
}

/**
 * The IPv4 address an IPv6 form carries: mapped/compatible (::ffff:a.b.c.d,
 * ::a.b.c.d — ipaddr.js calls the latter plain unicast), SIIT, NAT64 and
 * 6to4. Teredo obfuscates its address and is refused as a whole.
 */
function embeddedIPv4(ip: ipaddr.IPv6): string | undefined {
  const p = ip.parts;
  const last32 = (): string => `${p[6]! >> 8}.${p[6]! & 255}.${p[7]! >> 8}.${p[7]! & 255}`;
  // ::/80 prefix: ::a.b.c.d (compatible), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (SIIT).
  if (p.slice(0, 5).every((x) => x === 0) && [0, 0xffff].includes(p[5]!)) {
    if (p[5] === 0 && p[6] === 0 && p[7]! <= 1) return undefined; // :: and ::1 keep their own range
    return last32();
  }
  if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0xffff && p[5] === 0)
    return last32();
  const range = ip.range();
  if (range === 'rfc6052' || range === 'rfc6145') return last32();
  if (range === '6to4') return `${p[1]! >> 8}.${p[1]! & 255}.${p[2]! >> 8}.${p[2]! & 255}`;
  return undefined;
}

/** A host as written in a URL or the allow-list, comparable: IPs normalised, names lower-case. */
function normaliseHost(host: string): string {
  const bare = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  return ipaddr.isValid(bare) ? ipaddr.process(bare).toNormalizedString() : bare;
}

/** The address as a URL, checked for everything that needs no lookup. */
export function checkWebhookUrl(
  address: string,
  policy: WebhookPolicy,
): { url: URL; allowlisted: boolean } {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new WebhookAddressRefused('WEBHOOK_URL_INVALID');
  }
  if (url.username || url.password) throw new WebhookAddressRefused('WEBHOOK_URL_CREDENTIALS');
  const host = normaliseHost(url.hostname);
  const allowlisted = policy.httpAllowlist.some((h) => normaliseHost(h) === host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowlisted))
    throw new WebhookAddressRefused('WEBHOOK_URL_NOT_HTTPS');
  if (!allowlisted && ipaddr.isValid(host)) refuseAddress(host, host);
  return { url, allowlisted };
}

function refuseAddress(host: string, address: string): void {
  const range = forbiddenAddressReason(address);
  if (range === undefined) return;
  throw host === address
    ? new WebhookAddressRefused('WEBHOOK_ADDRESS_INTERNAL', { host, range })
    : new WebhookAddressRefused('WEBHOOK_HOST_RESOLVES_INTERNAL', { host, address, range });
}

/**
 * Checks the address and resolves its name once: every resolved address must
 * pass (an allow-listed host is trusted whatever it resolves to).
 */
export async function resolveWebhookTarget(
  address: string,
  policy: WebhookPolicy,
): Promise<WebhookTarget> {
  const { url, allowlisted } = checkWebhookUrl(address, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    return {
      url,
      address: host,
      family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4,
      allowlisted,
    };
  }
  let resolved: { address: string; family: 4 | 6 }[];
  try {
    resolved = await (policy.lookup ?? systemLookup)(host);
  } catch (error) {
    throw new WebhookAddressRefused('WEBHOOK_HOST_UNRESOLVED', {
      host,
      detail: (error instanceof Error ? error.message : String(error)).slice(0, 200),
    });
  }
  if (resolved.length === 0)
    throw new WebhookAddressRefused('WEBHOOK_HOST_UNRESOLVED', { host, detail: 'no address' });
  if (!allowlisted) for (const r of resolved) refuseAddress(host, r.address);
  const first = resolved[0]!;
  return { url, address: first.address, family: first.family, allowlisted };
}

export interface WebhookReply {
  status: number;
  /** At most WEBHOOK_REPLY_EXCERPT_CHARS characters of what the receiver said: untrusted. */
  excerpt: string;
}

/**
 * POSTs to the checked address (the connection cannot go anywhere else), with
 * a time limit on the whole exchange and a bound on the reply read.
 */
export function postToWebhook(
  target: WebhookTarget,
  request: { headers: Record<string, string>; body: Buffer | string; timeoutMs: number },
): Promise<WebhookReply> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // net asks for every address when it races families (autoSelectFamily).
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else callback(null, target.address, target.family);
  };
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<WebhookReply>((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(body.length) },
        lookup: pinned,
        signal: AbortSignal.timeout(request.timeoutMs),
        timeout: request.timeoutMs,
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const done = (): void => {
          if (settled) return;
          settled = true;
          const text = Buffer.concat(chunks).subarray(0, WEBHOOK_REPLY_READ_BYTES).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            excerpt: text.slice(0, WEBHOOK_REPLY_EXCERPT_CHARS),
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= WEBHOOK_REPLY_READ_BYTES) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', reject);
        res.on('close', () => {
          if (!settled) reject(new Error('the receiver closed the connection mid-reply'));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the receiver did not answer in time')));
    req.on('error', reject);
    req.end(body);
  });
}
