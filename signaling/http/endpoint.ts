/**
 * One HTTP route as both sides see it: method, path, who may call it, and the
 * zod schemas of its params, query, body and response. The server builds its
 * Express routes and the OpenAPI document from these entries; the browser
 * imports them as types only (no zod in its bundle) and derives its URLs and
 * reply types from them.
 */
import { z } from 'zod';

/** none: no token looked at; optional: a token if present (the handler decides); any/staff: required. */
export type AuthRequirement = 'none' | 'optional' | 'staff' | 'any';

/** A reply that is not JSON (a file, a CSV): its media type, written by the handler itself. */
export interface RawReply {
  readonly raw: string;
}

export interface Endpoint<
  M extends 'get' | 'post' = 'get' | 'post',
  P extends string = string,
  A extends AuthRequirement = AuthRequirement,
  Params extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny | undefined = z.ZodTypeAny | undefined,
  B extends z.ZodTypeAny | undefined = z.ZodTypeAny | undefined,
  R extends z.ZodTypeAny | RawReply = z.ZodTypeAny | RawReply,
> {
  readonly method: M;
  /** Express-style path below /api, e.g. `/cases/:caseId`. */
  readonly path: P;
  readonly summary: string;
  readonly tag: string;
  readonly auth: A;
  readonly params: Params;
  readonly query: Q;
  readonly body: B;
  /** The JSON reply's schema, or the media type of a reply the handler writes itself. */
  readonly response: R;
  /** HTTP status on success (default 200). */
  readonly status?: number;
  /** Request body as multipart/form-data (documented, parsed by the handler). */
  readonly multipart?: Readonly<Record<string, { type: 'string' | 'binary'; description: string }>>;
}

/** Keeps the literal method, path and schema types of each entry (the client relies on them). */
export function endpoint<
  const M extends 'get' | 'post',
  const P extends string,
  const A extends AuthRequirement,
  Params extends z.ZodTypeAny = z.ZodObject<Record<string, never>, 'strict'>,
  Q extends z.ZodTypeAny | undefined = undefined,
  B extends z.ZodTypeAny | undefined = undefined,
  R extends z.ZodTypeAny | RawReply = z.ZodTypeAny,
>(e: {
  method: M;
  path: P;
  summary: string;
  tag: string;
  auth: A;
  params?: Params;
  query?: Q;
  body?: B;
  response: R;
  status?: number;
  multipart?: Record<string, { type: 'string' | 'binary'; description: string }>;
}): Endpoint<M, P, A, Params, Q, B, R> {
  return {
    ...e,
    params: (e.params ?? noParams) as Params,
    query: e.query as Q,
    body: e.body as B,
  };
}

const noParams = z.object({}).strict();

/** A path segment naming a stored record (ids are short strings; a bad one is a 400, not a crash). */
export const pathId = z.string().min(1).max(200);

/** A reply the handler writes itself, with its media type. */
export function raw(mediaType: string): RawReply {
  return { raw: mediaType };
}

export type AnyEndpoint = Endpoint;

/** What a caller sends and gets, by entry (types only: the browser uses these). */
export type ParamsOf<E extends AnyEndpoint> = z.input<E['params']>;
export type QueryOf<E extends AnyEndpoint> = E['query'] extends z.ZodTypeAny
  ? z.input<E['query']>
  : undefined;
export type BodyOf<E extends AnyEndpoint> = E['body'] extends z.ZodTypeAny
  ? z.input<E['body']>
  : undefined;
/** The reply as the browser reads it (after JSON). */
export type ReplyOf<E extends AnyEndpoint> = E['response'] extends z.ZodTypeAny
  ? z.output<E['response']>
  : never;
