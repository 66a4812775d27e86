/**
 * Two nodes, one call (issue 19): the mediator's Chromium opens the link on
 * node A, the party's on node B (as a load balancer could send them). Node B
 * relays the party's signalling to the node holding the session; media flows
 * both ways through that node's workers; only one node holds the session.
 *
 * Then the node holding a call dies: node A runs in a process of its own and
 * is SIGKILLed while both pages, connected through node B, are in a call it
 * holds. Without a reload, both pages are back in the call on node B (the
 * party still admitted) and media flows both ways again.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  mediaFlowing,
  poll,
  type InboundBytes,
} from '../support/browser.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { kill, startNodeProcess } from '../support/clusterNodes.js';
import { freePort, freshDatabase } from '../support/postgres.js';
import { redisPrefix } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CASE = 'CASE-CLUSTER';
const SESSION = 'SESSION-CLUSTER';

async function mediaFrom(page: Page, sender: string, what: string): Promise<void> {
  const before = await diagnostics.inboundBytes(page);
  await poll(
    () => diagnostics.inboundBytes(page),
    (now: InboundBytes) => {
      const b = before[sender] ?? { audio: 0, video: 0 };
      const a = now[sender];
      return a !== undefined && a.audio > b.audio && a.video > b.video && a.video > 5_000;
    },
    30_000,
    what,
  );
}

/** The environment of a test's nodes: one fresh database, Redis with a prefix of its own. */
async function clusterEnv(label: string): Promise<Record<string, string>> {
  if (!existsSync('client/dist/index.html'))
    throw new Error('client/dist is missing: run `npm test` (it builds the client)');
  return {
    DATABASE_URL: await freshDatabase(inject('postgresUrl'), label),
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: redisPrefix(label),
    MEDIASOUP_NUM_WORKERS: '1',
    SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
  };
}

/** A phone-sized page of its own that opened `url`. */
async function openLink(browser: Browser, who: string, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[${who}] page error: ${e.message}\n`));
  await page.goto(url);
  return page;
}

describe('one call over two nodes in Chromium', () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    const shared = await clusterEnv('e2e-cluster');
    a = await startTestServer({ ...shared, NODE_ID: 'node-a' });
    b = await startTestServer({ ...shared, NODE_ID: 'node-b' });
    browser = await launchChromium();
    const people = [
      { node: a, sub: 'mediator', name: '王调解', role: 'mediator' as const },
      { node: b, sub: 'applicant', name: '张三', role: 'party' as const },
    ];
    for (const person of people) {
      // Tokens are signed with the secret every node shares; either node could issue them.
      const token = await a.token({ ...person, caseId: CASE, sessionId: SESSION });
      pages.set(
        person.sub,
        await openLink(browser, person.sub, `${person.node.url}/join#token=${token}`),
      );
    }
  });

  afterAll(async () => {
    await browser?.close();
    await a?.close();
    await b?.close();
  });

  it('admits the party on node B and carries audio and video both ways through the owner', async () => {
    const mediator = pages.get('mediator')!;
    const party = pages.get('applicant')!;
    await joinWithAdmission(mediator, [{ page: party, participantId: 'applicant' }]);
    await mediaFrom(party, 'mediator', 'the party (node B) receives the mediator');
    await mediaFrom(mediator, 'applicant', 'the mediator (node A) receives the party');
    const holders = [a, b].filter((n) => n.server.sessions.get(SESSION) !== undefined);
    expect(holders).toHaveLength(1);
    const held = holders[0]!.server.sessions.get(SESSION)!;
    expect(
      held
        .participants()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['applicant', 'mediator']);
  });
});

describe('the node holding a call dies', () => {
  const CASE_F = 'CASE-FAILOVER';
  const SESSION_F = 'SESSION-FAILOVER';
  let b: TestServer;
  let a: { url: string; child: ChildProcess } | undefined;
  let opener: TestClient | undefined;
  let browser: Browser;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    const shared = await clusterEnv('e2e-failover');
    b = await startTestServer({ ...shared, NODE_ID: 'node-b' });
    a = await startNodeProcess({ ...shared, NODE_ID: 'node-a-dies' });
    // The first join of the session reaches node A, which takes it (its load is no higher).
    opener = await connectClient(
      a.url,
      await b.token({ sub: 'opener', role: 'mediator', caseId: CASE_F, sessionId: SESSION_F }),
    );
    await joinSession(opener);
    browser = await launchChromium();
    for (const person of [
      { sub: 'mediator', name: '王调解', role: 'mediator' as const },
      { sub: 'applicant', name: '张三', role: 'party' as const },
    ]) {
      const token = await b.token({ ...person, caseId: CASE_F, sessionId: SESSION_F });
      // Both pages through node B, the address that stays up (a balancer's, as it were).
      pages.set(person.sub, await openLink(browser, person.sub, `${b.url}/join#token=${token}`));
    }
  });

  afterAll(async () => {
    opener?.close();
    await browser?.close();
    if (a) await kill(a.child);
    await b?.close();
  });

  it('brings both pages back into the call on the surviving node, without a reload', async () => {
    const mediator = pages.get('mediator')!;
    const party = pages.get('applicant')!;
    await joinWithAdmission(mediator, [{ page: party, participantId: 'applicant' }]);
    await mediaFlowing(party, ['mediator'], 30_000);
    await mediaFlowing(mediator, ['applicant'], 30_000);
    // Node A holds the call; node B only relays both pages' signalling to it.
    expect(b.server.sessions.get(SESSION_F)).toBeUndefined();
    const pageIds = await Promise.all(
      [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
    );

    await kill(a!.child);
    const killedAt = Date.now();
    await mediaFlowing(party, ['mediator'], 30_000);
    await mediaFlowing(mediator, ['applicant'], 30_000);
    process.stdout.write(
      `failover: media again both ways ${Date.now() - killedAt} ms after SIGKILL\n`,
    );
    // The same documents (no reload), both in the call, the party not sent to the waiting room.
    expect(
      await Promise.all(
        [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
      ),
    ).toEqual(pageIds);
    expect(await diagnostics.status(party)).toBe('joined');
    expect(await diagnostics.admission(party)).toBe('admitted');
    const held = b.server.sessions.get(SESSION_F);
    expect(
      held
        ?.participants()
        .filter((p) => !p.closed)
        .map((p) => p.id)
        .sort(),
    ).toEqual(['applicant', 'mediator']);
  });
});

describe('pages that moved to the node holding the call, when that node dies', () => {
  const CASE_D = 'CASE-DIRECT-E2E';
  const SESSION_D = 'SESSION-DIRECT-E2E';
  let b: TestServer;
  let a: { url: string; child: ChildProcess } | undefined;
  let opener: TestClient | undefined;
  let browser: Browser;
  const pages = new Map<string, Page>();
  let aDirect: string;

  beforeAll(async () => {
    const shared = await clusterEnv('e2e-direct');
    const [portA, portB] = [await freePort(), await freePort()];
    aDirect = `http://127.0.0.1:${portA}`;
    b = await startTestServer({
      ...shared,
      NODE_ID: 'node-b-stays',
      HTTP_PORT: String(portB),
      NODE_DIRECT_URL: `http://127.0.0.1:${portB}`,
    });
    a = await startNodeProcess({
      ...shared,
      NODE_ID: 'node-a-direct',
      HTTP_PORT: String(portA),
      NODE_DIRECT_URL: aDirect,
    });
    opener = await connectClient(
      a.url,
      await b.token({ sub: 'opener', role: 'mediator', caseId: CASE_D, sessionId: SESSION_D }),
    );
    await joinSession(opener);
    browser = await launchChromium();
    for (const person of [
      { sub: 'mediator', name: '王调解', role: 'mediator' as const },
      { sub: 'applicant', name: '张三', role: 'party' as const },
    ]) {
      const token = await b.token({ ...person, caseId: CASE_D, sessionId: SESSION_D });
      pages.set(person.sub, await openLink(browser, person.sub, `${b.url}/join#token=${token}`));
    }
  });

  afterAll(async () => {
    opener?.close();
    await browser?.close();
    if (a) await kill(a.child);
    await b?.close();
  });

  it('signals on the owner’s own address, and returns through node B after SIGKILL', async () => {
    const mediator = pages.get('mediator')!;
    const party = pages.get('applicant')!;
    await joinWithAdmission(mediator, [{ page: party, participantId: 'applicant' }]);
    await mediaFlowing(party, ['mediator'], 30_000);
    await mediaFlowing(mediator, ['applicant'], 30_000);
    // Both pages opened on node B and were sent to node A, which holds the call.
    for (const page of [mediator, party])
      expect(await diagnostics.signalingNode(page)).toBe(aDirect);
    expect(b.server.sessions.get(SESSION_D)).toBeUndefined();
    const pageIds = await Promise.all(
      [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
    );

    await kill(a!.child);
    const killedAt = Date.now();
    await mediaFlowing(party, ['mediator'], 30_000);
    await mediaFlowing(mediator, ['applicant'], 30_000);
    process.stdout.write(
      `failover (moved pages): media again both ways ${Date.now() - killedAt} ms after SIGKILL\n`,
    );
    expect(
      await Promise.all(
        [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
      ),
    ).toEqual(pageIds);
    expect(await diagnostics.admission(party)).toBe('admitted');
    // Node B holds the call now; the pages reach it through its address, the one they opened.
    for (const page of [mediator, party]) expect(await diagnostics.signalingNode(page)).toBeNull();
    expect(
      b.server.sessions
        .get(SESSION_D)
        ?.participants()
        .filter((p) => !p.closed)
        .map((p) => p.id)
        .sort(),
    ).toEqual(['applicant', 'mediator']);
  });
});
