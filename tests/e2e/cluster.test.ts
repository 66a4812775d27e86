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
 *
 * And with addresses of their own (NODE_DIRECT_URL): both pages open on node B, are sent to
 * node A (which holds the call) at the handshake and signal there, node B carrying none of
 * it; SIGKILL node A, and both pages come back through node B's address without a reload.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { clusterEnv } from '../support/clusterEnv.js';
import { freePort } from '../support/postgres.js';
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

/** The environment of a test's nodes, once the client they serve is built. */
async function builtClusterEnv(label: string): Promise<Record<string, string>> {
  if (!existsSync('client/dist/index.html'))
    throw new Error('client/dist is missing: run `npm test` (it builds the client)');
  return clusterEnv(label);
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
    const shared = await builtClusterEnv('e2e-cluster');
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

/**
 * The node holding a call dies (SIGKILL) with both pages in it. `moved`: both nodes have
 * addresses of their own, so the pages, opened on node B, were sent to node A at their
 * handshake and signal there; else node B relays them. Either way both pages come back into
 * the call on node B without a reload, the party still admitted, media both ways.
 */
for (const moved of [false, true]) {
  const title = moved
    ? 'pages that moved to the node holding the call, when that node dies'
    : 'the node holding a call dies';
  describe(title, () => {
    const CASE_F = moved ? 'CASE-DIRECT-E2E' : 'CASE-FAILOVER';
    const SESSION_F = moved ? 'SESSION-DIRECT-E2E' : 'SESSION-FAILOVER';
    let b: TestServer;
    let a: { url: string; child: ChildProcess } | undefined;
    let opener: TestClient | undefined;
    let browser: Browser;
    const pages = new Map<string, Page>();
    /** Node A's own address, when the nodes have one. */
    let aDirect: string | null = null;

    beforeAll(async () => {
      const shared = await builtClusterEnv(moved ? 'e2e-direct' : 'e2e-failover');
      const own = async (): Promise<{ port: string; url: string } | undefined> => {
        if (!moved) return undefined;
        const port = await freePort();
        return { port: String(port), url: `http://127.0.0.1:${port}` };
      };
      const [ownA, ownB] = [await own(), await own()];
      aDirect = ownA?.url ?? null;
      const addressed = (o: { port: string; url: string } | undefined): Record<string, string> =>
        o ? { HTTP_PORT: o.port, NODE_DIRECT_URL: o.url } : {};
      b = await startTestServer({ ...shared, NODE_ID: 'node-b', ...addressed(ownB) });
      a = await startNodeProcess({ ...shared, NODE_ID: 'node-a-dies', ...addressed(ownA) });
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
      // Node A holds the call. Moved: both pages signal on its own address; else node B
      // relays both pages' signalling to it.
      expect(b.server.sessions.get(SESSION_F)).toBeUndefined();
      for (const page of [mediator, party])
        expect(await diagnostics.signalingNode(page)).toBe(aDirect);
      const pageIds = await Promise.all(
        [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
      );

      await kill(a!.child);
      const killedAt = Date.now();
      await mediaFlowing(party, ['mediator'], 30_000);
      await mediaFlowing(mediator, ['applicant'], 30_000);
      process.stdout.write(
        `failover${moved ? ' (moved pages)' : ''}: media again both ways ` +
          `${Date.now() - killedAt} ms after SIGKILL\n`,
      );
      // The same documents (no reload), both in the call, the party not sent to the waiting room.
      expect(
        await Promise.all(
          [mediator, party].map((p) => p.evaluate('performance.timeOrigin') as Promise<number>),
        ),
      ).toEqual(pageIds);
      expect(await diagnostics.status(party)).toBe('joined');
      expect(await diagnostics.admission(party)).toBe('admitted');
      // Node B holds the call now; the pages reach it through its address, the one they opened.
      for (const page of [mediator, party])
        expect(await diagnostics.signalingNode(page)).toBeNull();
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
}
