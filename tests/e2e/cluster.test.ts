/**
 * Two nodes, one call (issue 19): the mediator's Chromium opens the link on
 * node A, the party's on node B (as a load balancer could send them). Node B
 * relays the party's signalling to the node holding the session; media flows
 * both ways through that node's workers; only one node holds the session.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  poll,
  type InboundBytes,
} from '../support/browser.js';
import { freshDatabase } from '../support/postgres.js';
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

describe('one call over two nodes in Chromium', () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    if (!existsSync('client/dist/index.html'))
      throw new Error('client/dist is missing: run `npm test` (it builds the client)');
    const shared = {
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'e2e-cluster'),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: redisPrefix('e2e-cluster'),
      MEDIASOUP_NUM_WORKERS: '1',
      SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
    };
    a = await startTestServer({ ...shared, NODE_ID: 'node-a' });
    b = await startTestServer({ ...shared, NODE_ID: 'node-b' });
    browser = await launchChromium();
    const people = [
      { node: a, sub: 'mediator', name: '王调解', role: 'mediator' as const },
      { node: b, sub: 'applicant', name: '张三', role: 'party' as const },
    ];
    for (const person of people) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      page.on('pageerror', (e) =>
        process.stderr.write(`[${person.sub}] page error: ${e.message}\n`),
      );
      // Tokens are signed with the secret every node shares; either node could issue them.
      const token = await a.token({ ...person, caseId: CASE, sessionId: SESSION });
      await page.goto(`${person.node.url}/join#token=${token}`);
      pages.set(person.sub, page);
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
