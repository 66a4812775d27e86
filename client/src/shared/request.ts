/**
 * The party page's requests, derived from the shared HTTP contract
 * (signaling/http): a call names a route by its method and path template, as
 * the contract spells them (the compiler checks them against its entries),
 * and the entry gives the params, the query, the body (its schema's input)
 * and the reply (its schema's output). Types only: no zod in the bundle.
 */
import type {
  AnyEndpoint,
  BodyOf,
  ParamsOf,
  QueryOf,
  ReplyOf,
} from '../../../signaling/http/endpoint.js';
import type { HttpApi } from '../../../signaling/http/index.js';
import { fillPath } from '../../../signaling/http/path.js';
import type { ErrorLike } from './errorText.js';

/** Every entry of the contract. */
type Entry = { [A in keyof HttpApi]: HttpApi[A][keyof HttpApi[A]] }[keyof HttpApi];
export type Method = Entry['method'];
/** The path templates a method has in the contract. */
export type PathOf<M extends Method> = Extract<Entry, { method: M }>['path'];
/** The entry at this method and path template. */
export type EntryAt<M extends Method, P extends string> = Extract<Entry, { method: M; path: P }>;
export type Reply<M extends Method, P extends string> = ReplyOf<EntryAt<M, P>>;
export type Body<M extends Method, P extends string> = BodyOf<EntryAt<M, P>>;

/** What a call sends besides the token: params (omitted when none), query, body, as the entry types them. */
export type Parts<E extends AnyEndpoint> = (string extends keyof ParamsOf<E>
  ? { params?: ParamsOf<E> }
  : { params: ParamsOf<E> }) &
  (QueryOf<E> extends undefined ? { query?: never } : { query?: QueryOf<E> }) &
  (BodyOf<E> extends undefined ? { body?: never } : { body: BodyOf<E> });

/** A refusal as the API states it (`{"error":{"code","message","issues?"}}`). */
export class ApiRefusal extends Error {
  declare readonly status: number;
  declare readonly code: string;
  /** The server's sentence, or `HTTP <status>` when the reply had none. */
  declare readonly said: string;
  /** What a refused input got wrong, entry by entry (400). */
  declare readonly issues: string[];

  constructor(status: number, code: string, said: string, issues: string[] = []) {
    super(issues.length > 0 ? `${said}（${issues.join('；')}）` : said);
    // Plain assignments (no class fields): this module is on the page's first screen.
    Object.assign(this, { status, code, said, issues, name: 'ApiRefusal' });
  }
}

function urlOf(path: string, parts: { params?: object; query?: object }): string {
  const url = `/api${fillPath(path, (parts.params ?? {}) as Record<string, string>)}`;
  const query = Object.entries(parts.query ?? {}).filter(([, value]) => value !== undefined);
  return query.length === 0
    ? url
    : `${url}?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}`;
}

/** `/api` and the entry's path with its params filled, and the query, if any. */
export function apiUrl<M extends Method, P extends PathOf<M>>(
  _method: M,
  path: P,
  parts: Pick<Parts<EntryAt<M, P>>, 'params' | 'query'>,
): string {
  return urlOf(path, parts);
}

/** The refusal a reply's JSON states. */
export async function refusal(status: number, json: unknown): Promise<ApiRefusal> {
  const error = refusalPayload(json);
  // The texts of every reason load only when a refusal is shown, not with the first screen.
  const said = error?.code
    ? (await import('./errorText.js')).errorText({ ...error, code: error.code })
    : `HTTP ${status}`;
  return new ApiRefusal(status, error?.code ?? 'HTTP', said, error?.issues ?? []);
}

/** The error code of a refusal's reply, `HTTP` when it has none. */
export function refusalCode(json: unknown): string {
  return refusalPayload(json)?.code ?? 'HTTP';
}

function refusalPayload(json: unknown): (Partial<ErrorLike> & { issues?: string[] }) | undefined {
  return (json as { error?: Partial<ErrorLike> & { issues?: string[] } } | null)?.error;
}

/** Requests with one bearer token (an invitation, a session token, or a staff sign-in). */
export interface Requests {
  /** The reply as it comes (a file, or a refusal to read with `refusal`). */
  fetch<M extends Method, P extends PathOf<M>>(
    method: M,
    path: P,
    parts: Parts<EntryAt<M, P>>,
  ): Promise<Response>;
  /** The entry's reply, or an `ApiRefusal`. */
  send<M extends Method, P extends PathOf<M>>(
    method: M,
    path: P,
    parts: Parts<EntryAt<M, P>>,
  ): Promise<Reply<M, P>>;
  /** The entry's reply, or undefined when the API refused (a network failure still throws). */
  sendIfOk<M extends Method, P extends PathOf<M>>(
    method: M,
    path: P,
    parts: Parts<EntryAt<M, P>>,
  ): Promise<Reply<M, P> | undefined>;
}

type Loose = (
  method: Method,
  path: string,
  parts: { params?: object; query?: object; body?: unknown },
) => Promise<Response>;

/** Requests with this token; `onUnauthorized` hears of a 401; `headers` go with every request. */
export function requests(
  bearer: () => string,
  onUnauthorized?: () => void,
  headers: () => Record<string, string> = () => ({}),
): Requests {
  const call: Loose = async (method, path, parts) => {
    const { body } = parts;
    const token = bearer();
    const response = await fetch(urlOf(path, parts), {
      method: method.toUpperCase(),
      headers: {
        ...headers(),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401) onUnauthorized?.();
    return response;
  };
  return {
    fetch: call as Requests['fetch'],
    async send(method, path, parts) {
      const response = await call(method, path, parts);
      const json: unknown = await response.json().catch(() => ({}));
      if (!response.ok) throw await refusal(response.status, json);
      return json as never;
    },
    async sendIfOk(method, path, parts) {
      const response = await call(method, path, parts);
      return response.ok ? ((await response.json()) as never) : undefined;
    },
  };
}
