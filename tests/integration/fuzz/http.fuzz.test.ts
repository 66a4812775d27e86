/**
 * Property-based fuzzing of every mounted API route, with bodies and
 * queries generated from the route table's zod schemas (zod-fast-check),
 * then corrupted (prototype keys at any depth, deep nesting, huge, binary
 * and wrong-typed values), path parameters from real ids of the world and
 * hostile strings, sent with real credentials of several roles and with
 * several content types. The server runs in this process.
 *
 * Properties, after every request: never a 5xx; every 4xx is
 * `{ error: { code, message } }`; /healthz answers; no built-in prototype
 * changed. At the end, another organisation's case is exactly as it was.
 *
 * Seeded per route; FUZZ_RUNS raises the run count (default 6 per route).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ZodFastCheck } from 'zod-fast-check';
import type { RouteSpec } from '../../../server/http/api/routes.js';
import { ERROR_CODES } from '../../../signaling/index.js';
import { buildApiWorld, type ApiWorld } from '../../support/apiWorld.js';
import { registrationInput } from '../../support/cases.js';
import {
  corrupt,
  hostileString,
  jsonText,
  runs,
  seedOf,
  snapshotPrototypes,
  wrongValue,
  type PrototypeSnapshot,
} from '../../support/fuzz.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const RUNS = runs(6);

const CALLERS = ['clerkA', 'mediatorA', 'applicantA1', 'clerkB', 'anonymous'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-7',
] as const;

let t: TestServer;
let w: ApiWorld;
let prototypes: PrototypeSnapshot;
let otherOrgCase: { id: string; before: unknown };

function generator(schema: z.ZodTypeAny | undefined): fc.Arbitrary<unknown> {
  if (!schema) return fc.oneof(fc.constant(undefined), wrongValue);
  let valid: fc.Arbitrary<unknown>;
  try {
    valid = ZodFastCheck().inputOf(schema);
    // Refinements zod-fast-check cannot satisfy (e.g. real dates) fail at generation: probe once.
    fc.sample(valid, { seed: 1, numRuns: 20 });
  } catch {
    // A schema zod-fast-check cannot generate for: corrupted generic values still exercise it.
    valid = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }));
  }
  return fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: corrupt(valid), weight: 3 });
}

function ids(): string[] {
  return Object.values(w.a1).concat([w.a2.caseId, otherOrgCase.id]);
}

async function send(
  route: RouteSpec,
  c: {
    caller: (typeof CALLERS)[number];
    params: string[];
    body: unknown;
    query: unknown;
    contentType: string;
  },
): Promise<{ status: number; body: unknown }> {
  let i = 0;
  // A lone surrogate cannot be percent-encoded: it travels as U+FFFD.
  const wellFormed = (v: string) =>
    v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const path = route.path.replace(/:(\w+)/g, () =>
    encodeURIComponent(wellFormed(c.params[i++] ?? 'x')),
  );
  const query =
    c.query && typeof c.query === 'object'
      ? `?${new URLSearchParams(
          Object.entries(c.query as Record<string, unknown>).map(([k, v]): [string, string] => [
            k,
            String(v),
          ]),
        ).toString()}`
      : '';
  const token = c.caller === 'anonymous' ? undefined : w.tokens[c.caller];
  const res = await fetch(`${t.url}/api${path}${query}`, {
    method: route.method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(c.body === undefined ? {} : { 'content-type': c.contentType }),
    },
    ...(c.body === undefined ? {} : { body: jsonText(c.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a file or CSV
  }
  return { status: res.status, body };
}

function problem(r: { status: number; body: unknown }): string | undefined {
  if (r.status >= 500) return `${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`;
  if (r.status < 400) return undefined;
  const e = (r.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (
    !e ||
    typeof e.message !== 'string' ||
    !(ERROR_CODES as readonly string[]).includes(String(e.code))
  )
    return `${r.status} without the error shape: ${JSON.stringify(r.body).slice(0, 300)}`;
  return undefined;
}

async function healthy(): Promise<boolean> {
  const res = await fetch(`${t.url}/healthz`);
  await res.arrayBuffer();
  return res.status === 200;
}

describe('HTTP API contract fuzzing', () => {
  beforeAll(async () => {
    t = await startTestServer();
    prototypes = snapshotPrototypes();
    w = await buildApiWorld(t);
    const c = await w.api.ok<{ id: string }>(
      'POST',
      '/cases',
      w.tokens.clerkB,
      registrationInput(),
    );
    otherOrgCase = { id: c.id, before: await w.api.ok('GET', `/cases/${c.id}`, w.tokens.clerkB) };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('every mounted route: never 5xx, typed errors, server up, no pollution', async () => {
    expect(t.server.routes.length).toBeGreaterThan(60);
    for (const route of t.server.routes) {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const paramCount = (route.path.match(/:\w+/g) ?? []).length;
      const cases = fc.record({
        caller: fc.constantFrom(...CALLERS),
        params: fc.array(
          fc.oneof({ arbitrary: fc.constantFrom(...ids()), weight: 3 }, hostileString),
          { minLength: paramCount, maxLength: paramCount },
        ),
        body: route.method === 'post' ? generator(route.body) : fc.constant(undefined),
        query: route.query ? generator(route.query) : fc.constant(undefined),
        contentType: fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 5 },
          { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
        ),
      });
      // Sign-in routes are rate limited per address and hash a password: a tenth of the runs.
      const sparse = route.auth === 'none' && route.method === 'post';
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const r = await send(route, c);
          const p = problem(r);
          expect(p, name).toBeUndefined();
          expect(prototypes.problems()).toEqual([]);
          expect(await healthy()).toBe(true);
        }),
        { seed: seedOf(name), numRuns: sparse ? Math.max(1, Math.ceil(RUNS / 10)) : RUNS },
      );
    }
  }, 300_000);

  it('left the other organisation’s case exactly as it was', async () => {
    const after = await w.api.ok('GET', `/cases/${otherOrgCase.id}`, w.tokens.clerkB);
    expect(after).toEqual(otherOrgCase.before);
    expect(prototypes.problems()).toEqual([]);
  });
});
