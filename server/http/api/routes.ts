/**
 * The HTTP API as one table: each route pairs an entry of the shared contract
 * (signaling/http: method, path, who may call it, the schemas of its params,
 * query, body and reply) with its handler. Express routes and the OpenAPI
 * document are both generated from this table, so they cannot disagree, and
 * the handler's reply is type-checked against the contract's reply schema.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { AnyEndpoint } from '../../../signaling/http/endpoint.js';
import type { Actor } from '../../cases/access.js';

import type { AuthRequirement } from '../../../signaling/http/endpoint.js';

export type { AuthRequirement };

type Parsed<S> = S extends z.ZodTypeAny ? z.output<S> : undefined;

export interface RouteContext<E extends AnyEndpoint> {
  /** Always present on 'any' and 'staff' routes; on 'optional' ones only when a token was sent. */
  actor: E['auth'] extends 'any' | 'staff' ? Actor : Actor | undefined;
  params: z.output<E['params']>;
  body: Parsed<E['body']>;
  query: Parsed<E['query']>;
  req: Request;
  res: Response;
}

/** What a handler returns: the reply before JSON (its schema's input), or undefined when it wrote it. */
export type HandlerReply<E extends AnyEndpoint> = E['response'] extends z.ZodTypeAny
  ? z.input<E['response']> | undefined
  : undefined;

/** A contract entry with its handler. */
export interface RouteSpec extends AnyEndpoint {
  handler(ctx: RouteContext<AnyEndpoint>): Promise<unknown>;
}

/** Keeps each route's handler typed by its own contract entry inside a heterogeneous table. */
export function route<E extends AnyEndpoint>(
  endpoint: E,
  handler: (ctx: RouteContext<E>) => Promise<HandlerReply<E>>,
): RouteSpec {
  return { ...endpoint, handler: handler as unknown as RouteSpec['handler'] };
}
