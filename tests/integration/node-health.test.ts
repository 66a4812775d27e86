/**
 * /healthz as a load balancer reads it: 200 while it takes calls, 503
 * 'draining' from the moment it starts shutting down (issue 19, several nodes
 * behind a balancer); with the health token, also the node's name, its live
 * sessions and the people in them, each media worker's routers and its event
 * loop's delay. Without the token, only the status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../server/http/app.js';
import { createLogger } from '../../server/logger.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { NodeLoad } from '../../server/media/nodeLoad.js';
import { caseInSession, seedStaff } from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Health = NodeLoad & { status: string; node: string };

/** The monitor's token (HEALTH_TOKEN): it alone reads what the node carries. */
const TOKEN = 'health-token-0123456789-abcdef';

async function health(
  t: TestServer,
  authorization: string | null = `Bearer ${TOKEN}`,
): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${t.url}/healthz`, {
    headers: authorization === null ? {} : { authorization },
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { code: res.status, body: (await res.json()) as Health };
}

describe('the node’s health for the load balancer', () => {
  let t: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({
      MEDIASOUP_NUM_WORKERS: '2',
      NODE_ID: 'node-a',
      HEALTH_TOKEN: TOKEN,
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('reports its sessions, participants and routers per worker', async () => {
    const idle = await health(t);
    expect(idle.code).toBe(200);
    expect(idle.body).toMatchObject({
      status: 'ok',
      node: 'node-a',
      sessions: 0,
      participants: 0,
      workers: 2,
      workersConfigured: 2,
    });
    expect(idle.body.routers.map((r) => r.routers)).toEqual([0, 0]);
    expect(idle.body.rssMiB).toBeGreaterThan(0);
    expect(idle.body.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(0);

    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const { case: c, session } = await caseInSession(t.server.cases, staff);
    const open = async (sub: string, role: 'mediator' | 'party'): Promise<TestClient> => {
      const token = await enrolledToken(t.server, {
        sub,
        caseId: c.id,
        sessionId: session.id,
        role,
        name: sub,
      });
      const client = await connectClient(t.url, token);
      clients.push(client);
      return client;
    };
    const mediator = await open('m-1', 'mediator');
    await joinSession(mediator);
    await joinSession(await open('p-1', 'party'), {
      admitBy: mediator,
      overrideReason: 'test',
    });

    const busy = await health(t);
    expect(busy.code).toBe(200);
    expect(busy.body).toMatchObject({ status: 'ok', sessions: 1, participants: 2 });
    // One session, one router, on one of the two workers.
    expect(busy.body.routers.map((r) => r.routers).sort()).toEqual([0, 1]);
    for (const r of busy.body.routers) expect(r.pid).toBeGreaterThan(0);
  });

  it('tells anyone else only its status: no counts, no process ids, the delay window untouched', async () => {
    for (const authorization of [
      null,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      TOKEN,
      `bearer ${TOKEN}`,
      '',
    ]) {
      const answer = await health(t, authorization);
      expect(answer, String(authorization)).toEqual({ code: 200, body: { status: 'ok' } });
    }
  });

  it('answers 503 while it shuts down (draining), or has no media worker or no Redis (degraded)', async () => {
    const load: NodeLoad = {
      sessions: 3,
      participants: 9,
      workers: 1,
      workersConfigured: 1,
      routers: [{ worker: 0, pid: 1, routers: 3 }],
      eventLoopDelayMs: { p99: 1, max: 2 },
      rssMiB: 100,
    };
    const answers: Record<string, { code: number; body: Health }> = {};
    for (const [name, state] of Object.entries({
      draining: { accepting: false, workers: 1, sharedState: true },
      degraded: { accepting: true, workers: 0, sharedState: true },
      cutOff: { accepting: true, workers: 1, sharedState: false },
      ok: { accepting: true, workers: 1, sharedState: true },
    })) {
      const app = createHttpApp({
        logger: createLogger('silent'),
        api: express.Router(),
        clientDir: '/nonexistent',
        health: {
          state: () => state,
          detail: () => ({ node: 'node-b', ...load, workers: state.workers }),
        },
        healthToken: TOKEN,
        jwks: () => ({ keys: [] }),
        trustedProxies: [],
      });
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`,
          { headers: { authorization: `Bearer ${TOKEN}` } },
        );
        answers[name] = { code: res.status, body: (await res.json()) as Health };
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
    expect(answers['draining']).toMatchObject({
      code: 503,
      body: { status: 'draining', sessions: 3 },
    });
    expect(answers['degraded']).toMatchObject({ code: 503, body: { status: 'degraded' } });
    // Cut off from Redis (several nodes): it can neither hold a session nor relay to one.
    expect(answers['cutOff']).toMatchObject({ code: 503, body: { status: 'degraded' } });
    expect(answers['ok']).toMatchObject({ code: 200, body: { status: 'ok', node: 'node-b' } });
    // Not told to the balancer: whether it accepts is the status itself.
    expect(answers['ok']!.body).not.toHaveProperty('accepting');
  });
});
