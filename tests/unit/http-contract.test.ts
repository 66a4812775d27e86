/**
 * The HTTP contract (signaling/http) as the router applies it: params parsed
 * by their schema, and, with checkResponses (on in tests), a reply outside
 * its schema refused with a 500 instead of being sent.
 */
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { endpoint, pathId, type AnyEndpoint } from '../../signaling/http/endpoint.js';
import { ISSUE_FIELD_SCHEMAS } from '../../signaling/http/documentRequests.js';
import { httpApi } from '../../signaling/http/index.js';
import { ISSUABLE_DOCUMENT_KINDS } from '../../signaling/http/vocabulary.js';
import { loadConfig } from '../../server/config.js';
import { ValidationError } from '../../server/errors.js';
import { handleRoute, ReplyContractError } from '../../server/http/api/router.js';
import { openApiDocument } from '../../server/http/api/openapi.js';
import { route } from '../../server/http/api/routes.js';

const planted = endpoint({
  method: 'get',
  path: '/planted/:itemId',
  summary: 'A route planted for this test',
  tag: 'test',
  auth: 'none',
  params: z.object({ itemId: pathId }).strict(),
  response: z.object({ id: z.string(), count: z.number() }),
});

function fakeExchange(params: Record<string, string>) {
  const sent: { status?: number; body?: unknown } = {};
  const req = { params, body: undefined, query: {} } as unknown as Request;
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  return { req, res, sent };
}

const noActor = () => Promise.resolve(undefined);

describe('the HTTP contract in the router', () => {
  it('sends a reply that matches its schema', async () => {
    const r = route(planted, async ({ params }) => ({ id: params.itemId, count: 2 }));
    const { req, res, sent } = fakeExchange({ itemId: 'a1' });
    await handleRoute(r, req, res, noActor, true);
    expect(sent).toEqual({ status: 200, body: { id: 'a1', count: 2 } });
  });

  it('refuses (500, logged by the error handler) a reply outside its schema', async () => {
    // A handler that lies about its type: what a drifted service would do at run time.
    const r = route(
      planted,
      async () => ({ id: 'a1', count: 'two' }) as unknown as { id: string; count: number },
    );
    const { req, res, sent } = fakeExchange({ itemId: 'a1' });
    const error = await handleRoute(r, req, res, noActor, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyContractError);
    expect(String((error as Error).message)).toContain('count');
    expect(sent.body).toBeUndefined();
  });

  it('is on in tests and off unless asked for elsewhere', () => {
    const base = {
      MEDIASOUP_WORKER_BIN: process.execPath,
      JWT_SECRET: 'x'.repeat(32),
      DATA_DIR: '/tmp',
    };
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).http.checkResponses).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).http.checkResponses).toBe(false);
    expect(loadConfig({ ...base, CHECK_RESPONSES: 'true' }).http.checkResponses).toBe(true);
  });

  it('answers a bad path parameter with the same 400 VALIDATION as a bad body', async () => {
    const r = route(planted, async ({ params }) => ({ id: params.itemId, count: 1 }));
    const { req, res } = fakeExchange({ itemId: 'x'.repeat(201) });
    const error = await handleRoute(r, req, res, noActor, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues?.[0]).toMatch(/^itemId: /);
  });

  it('documents the reply schema in OpenAPI', () => {
    const r = route(planted, async () => ({ id: 'a', count: 1 }));
    const doc = openApiDocument([r]) as {
      paths: Record<string, Record<string, { responses: Record<string, { content: unknown }> }>>;
    };
    const ok = doc.paths['/api/planted/{itemId}']!['get']!.responses['200']!;
    expect(ok.content).toMatchObject({
      'application/json': { schema: { type: 'object', required: ['id', 'count'] } },
    });
  });

  it('type-checks a handler against its reply schema', () => {
    // @ts-expect-error count must be a number: the compiler refuses this handler.
    const r = route(planted, async () => ({ id: 'a', count: 'one' }));
    expect(r.path).toBe('/planted/:itemId');
  });
});

describe('the HTTP contract, every area', () => {
  it('gives every entry a reply schema (or a raw media type) and unique method+path', () => {
    const seen = new Set<string>();
    for (const area of Object.values(httpApi)) {
      for (const [name, e] of Object.entries(area) as [string, AnyEndpoint][]) {
        const key = `${e.method} ${e.path}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
        if (e.response instanceof z.ZodType) {
          expect(e.response, name).not.toBeInstanceOf(z.ZodUnknown);
          expect(e.response, name).not.toBeInstanceOf(z.ZodAny);
        } else {
          expect(e.response.raw, name).toMatch(/^[a-z]+\/[a-z.+-]+$/);
        }
        // Every :param of the path is in its params schema.
        const names = [...e.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
        expect(Object.keys((e.params as z.AnyZodObject).shape).sort(), key).toEqual(names.sort());
      }
    }
    expect(seen.size).toBe(145);
  });
});

describe('the kinds of document staff issue from a template', () => {
  it('are the ones the issuing route has field schemas for, in the list the console offers', () => {
    expect([...ISSUABLE_DOCUMENT_KINDS].sort()).toEqual(Object.keys(ISSUE_FIELD_SCHEMAS).sort());
  });
});
