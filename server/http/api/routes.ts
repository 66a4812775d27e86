/**
 * The HTTP API as one table: each route names its method, path, who may call
 * it, and the schemas of its body and query. Express routes and the OpenAPI
 * document are both generated from this table, so they cannot disagree.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../../cases/access.js';

/** none: no token looked at; optional: a token if present (the handler decides); any/staff: required. */
export type AuthRequirement = 'none' | 'optional' | 'staff' | 'any';

export interface RouteContext<B, Q, A extends AuthRequirement> {
  /** Always present on 'any' and 'staff' routes; on 'optional' ones only when a token was sent. */
  actor: A extends 'any' | 'staff' ? Actor : Actor | undefined;
  params: Record<string, string>;
  body: B;
  query: Q;
  req: Request;
  res: Response;
}

export interface RouteSpec<
  B extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
  A extends AuthRequirement = AuthRequirement,
> {
  method: 'get' | 'post';
  /** Express-style path below /api, e.g. `/cases/:caseId`. */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  body?: B;
  query?: Q;
  /** Request body as multipart/form-data (documented, parsed by the handler). */
  multipart?: Record<string, { type: 'string' | 'binary'; description: string }>;
  /** Returns the JSON body, or undefined when it wrote the response itself. */
  handler(ctx: RouteContext<z.output<B>, z.output<Q>, A>): Promise<unknown>;
  /** HTTP status on success (default 200). */
  status?: number;
}

/** Keeps each route's handler typed by its own schemas inside a heterogeneous table. */
export function route<
  B extends z.ZodTypeAny = z.ZodUndefined,
  Q extends z.ZodTypeAny = z.ZodUndefined,
  A extends AuthRequirement = AuthRequirement,
>(spec: RouteSpec<B, Q, A>): RouteSpec {
  return spec as unknown as RouteSpec;
}
