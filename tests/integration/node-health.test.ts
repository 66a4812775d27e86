/**
 * /healthz as a load balancer reads it: the node's name, its live sessions
 * and the people in them, each media worker's routers, its event loop's
 * delay; 200 while it takes calls, 503 'draining' from the moment it starts
 * shutting down (issue 19, several nodes behind a balancer).
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

async function health(t: TestServer): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${t.url}/healthz`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { code: res.status, body: (await res.json()) as Health };
}

describe('the node’s health for the load balancer', () => {
  let t: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '2', NODE_ID: 'node-a' });
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

  it('answers 503 while it shuts down (draining) or has no media worker (degraded)', async () => {
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
      draining: { accepting: false, workers: 1 },
      degraded: { accepting: true, workers: 0 },
      ok: { accepting: true, workers: 1 },
    })) {
      const app = createHttpApp({
        logger: createLogger('silent'),
        api: express.Router(),
        clientDir: '/nonexistent',
        health: () => ({ node: 'node-b', ...load, ...state }),
        jwks: () => ({ keys: [] }),
        trustedProxies: [],
      });
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`,
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
    expect(answers['ok']).toMatchObject({ code: 200, body: { status: 'ok', node: 'node-b' } });
    // Not told to the balancer: whether it accepts is the status itself.
    expect(answers['ok']!.body).not.toHaveProperty('accepting');
  });
});
