/**
 * bench:cluster's failover rounds: how long a call is without media when the node holding it
 * is SIGKILLed. Each round starts a node in a process of its own (tests/support/cluster-node.ts,
 * the dying owner), places a new session on it (the first join reaches it), opens the
 * mediator's and a party's join links in Chromium through the surviving node (as a balancer
 * would send them), waits until audio and video flow both ways, SIGKILLs the owner and times
 * SIGKILL → audio and video flowing again to each page (byte counts of the page's inbound
 * streams rising, read every 100 ms). Nothing is reloaded: the pages rejoin on their own.
 *
 * `moved`: the owner has an address of its own (NODE_DIRECT_URL), so the pages, opened through
 * the survivor, move to the owner at their handshake (checked), and after the SIGKILL come back
 * through the survivor's address; else they stay on the survivor, relayed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  mediaFlowing,
} from '../tests/support/browser.js';
import { connectClient, joinSession } from '../tests/support/client.js';
import { kill, startNodeProcess } from '../tests/support/clusterNodes.js';
import { enrolledToken, type TokenIssuer } from '../tests/support/enrol.js';
import { freePort } from '../tests/support/postgres.js';
import { median, message, out, round1 } from './common.js';

/** The running cluster, as the benchmark reaches it. */
export interface Cluster {
  /** The environment every node process of the cluster starts with. */
  env: Record<string, string>;
  /** Enters people in the case file and signs their session tokens. */
  issuer: TokenIssuer;
  /** The node holding a session now (its ownership lease in Redis), if any. */
  ownerOf(sessionId: string): Promise<string | null>;
}

export interface FailoverRound {
  round: number;
  /** SIGKILL → media flowing again to the mediator's page, to the party's, and to both (ms). */
  mediatorMs: number;
  partyMs: number;
  bothMs: number;
}

export interface FailoverFigures {
  rounds: FailoverRound[];
  failures: string[];
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
}

const READ_EVERY_MS = 100;

async function timeToMedia(page: Page, sender: string, since: number): Promise<number> {
  await mediaFlowing(page, [sender], 30_000, READ_EVERY_MS);
  return Date.now() - since;
}

async function oneRound(
  cluster: Cluster & { survivor: string },
  browser: Browser,
  round: number,
  moved: boolean,
): Promise<FailoverRound> {
  const tag = `${moved ? 'MOVED-' : ''}${round}`;
  const caseId = `CASE-FAILOVER-${tag}`;
  const sessionId = `SESSION-FAILOVER-${tag}`;
  const token = (sub: string, role: 'mediator' | 'party', name: string): Promise<string> =>
    enrolledToken(cluster.issuer, { sub, role, name, caseId, sessionId }, 600);
  const ownerId = `bench-owner-${tag}`;
  const port = moved ? await freePort() : 0;
  const ownAddress = `http://127.0.0.1:${port}`;
  const owner = await startNodeProcess({
    ...cluster.env,
    NODE_ID: ownerId,
    ...(moved ? { HTTP_PORT: String(port), NODE_DIRECT_URL: ownAddress } : {}),
  });
  const contexts: BrowserContext[] = [];
  try {
    // A person belongs to one case: each round's case has its own people.
    const [mediatorId, partyId] = [`mediator-${tag}`, `applicant-${tag}`];
    const opener = await connectClient(owner.url, await token(`opener-${tag}`, 'mediator', '开场'));
    await joinSession(opener);
    const holder = await cluster.ownerOf(sessionId);
    if (holder !== ownerId) throw new Error(`the session went to ${holder ?? 'no node'}`);
    const pages: Page[] = [];
    for (const [sub, role, name] of [
      [mediatorId, 'mediator', '王调解'],
      [partyId, 'party', '张三'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${cluster.survivor}/join#token=${await token(sub, role, name)}`);
      pages.push(page);
    }
    const [mediator, party] = pages as [Page, Page];
    await joinWithAdmission(mediator, [{ page: party, participantId: partyId }]);
    await mediaFlowing(party, [mediatorId], 30_000, READ_EVERY_MS);
    await mediaFlowing(mediator, [partyId], 30_000, READ_EVERY_MS);
    for (const page of pages) {
      const at = await diagnostics.signalingNode(page);
      if (at !== (moved ? ownAddress : null))
        throw new Error(`a page signals through ${at ?? 'the survivor'}, not as this round wants`);
    }

    await kill(owner.child);
    const killedAt = Date.now();
    const [mediatorMs, partyMs] = await Promise.all([
      timeToMedia(mediator, partyId, killedAt),
      timeToMedia(party, mediatorId, killedAt),
    ]);
    opener.close();
    return { round, mediatorMs, partyMs, bothMs: Math.max(mediatorMs, partyMs) };
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await kill(owner.child);
  }
}

/** `rounds` failovers, one after the other; a failed round is reported and retried up to 3 times. */
export async function failoverRounds(
  /** `survivor`: the URL of the node the pages connect through, which stays up. */
  cluster: Cluster & { survivor: string },
  rounds: number,
  moved = false,
): Promise<FailoverFigures> {
  const browser = await launchChromium();
  const done: FailoverRound[] = [];
  const failures: string[] = [];
  try {
    let attempt = 0;
    while (done.length < rounds && failures.length <= 3) {
      attempt++;
      try {
        const r = await oneRound(cluster, browser, attempt, moved);
        done.push(r);
        out(
          `  failover ${done.length}: media again after ${r.bothMs} ms ` +
            `(mediator's page ${r.mediatorMs} ms, party's ${r.partyMs} ms)`,
        );
      } catch (error) {
        failures.push(message(error));
        out(`  failover attempt ${attempt} failed: ${message(error)}`);
      }
    }
  } finally {
    await browser.close();
  }
  const both = done.map((r) => r.bothMs);
  return {
    rounds: done,
    failures,
    medianMs: both.length > 0 ? round1(median(both)) : null,
    minMs: both.length > 0 ? Math.min(...both) : null,
    maxMs: both.length > 0 ? Math.max(...both) : null,
  };
}
