/**
 * The HTTP API as one table: each route names its method, path, who may call
 * it, and the schemas of its body and query. Express routes and the OpenAPI
 * document are both generated from this table, so they cannot disagree.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../../cases/access.js';

export type AuthRequirement = 'none' | 'staff' | 'any';

export interface RouteContext<B, Q> {
  actor: Actor;
  params: Record<string, string>;
  body: B;
  query: Q;
  req: Request;
  res: Response;
}

export interface RouteSpec<
  B extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
> {
  method: 'get' | 'post';
  /** Express-style path below /api, e.g. `/cases/:caseId`. */
  path: string;
  summary: string;
  tag: string;
  auth: AuthRequirement;
  body?: B;
  query?: Q;
  /** Returns the JSON body, or undefined when it wrote the response itself. */
  handler(ctx: RouteContext<z.output<B>, z.output<Q>>): Promise<unknown>;
  /** HTTP status on success (default 200). */
  status?: number;
}

/** Keeps each route's handler typed by its own schemas inside a heterogeneous table. */
export function route<
  B extends z.ZodTypeAny = z.ZodUndefined,
  Q extends z.ZodTypeAny = z.ZodUndefined,
>(spec: RouteSpec<B, Q>): RouteSpec {
  return spec as unknown as RouteSpec;
}
