/**
 * Evidence inside a live session, over real Socket.IO clients: a party
 * shares its own item and every entitled participant's list is refreshed by
 * `evidence:updated`, nobody else's; the presenter is told who was shown the
 * item; an item presented inside a caucus is kept confidential (the other
 * side never sees it, whatever the path) until the mediator lifts that; a
 * party can share nothing of the other side's and lift nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { CasePerson } from '../../server/cases/model.js';
import type { NotificationName } from '../../signaling/index.js';
import {
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { apiClient, pngBytes, type Api } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

/** Every evidence notification a client receives, in order. */
function evidenceLog(client: TestClient): { event: NotificationName; payload: unknown }[] {
  const log: { event: NotificationName; payload: unknown }[] = [];
  client.socket.onAny((event: string, payload: unknown) => {
    if (event.startsWith('evidence:')) log.push({ event: event as NotificationName, payload });
  });
  return log;
}

/** Lets in-flight notifications arrive before asserting that one did not. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

interface Side {
  person: CasePerson;
  /** The invitation token (HTTP API bearer). */
  invite: string;
  client: TestClient;
  log: ReturnType<typeof evidenceLog>;
}

describe('evidence in a live session', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  const opened: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '1' });
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
  });

  afterAll(async () => {
    for (const c of opened) c.close();
    await t?.close();
  });

  /** A case in session with the mediator, the applicant and the respondent all admitted. */
  async function session(): Promise<{
    caseId: string;
    sessionId: string;
    mediator: TestClient;
    mediatorLog: ReturnType<typeof evidenceLog>;
    a: Side;
    b: Side;
  }> {
    const { case: c, session: s, people } = await caseInSession(t.server.cases, staff);
    const base = { caseId: c.id, sessionId: s.id };
    const mediator = await connectClient(
      t.url,
      await enrolledToken(t.server, {
        ...base,
        sub: staff.mediator.id,
        role: 'mediator',
        name: staff.mediator.name,
      }),
    );
    opened.push(mediator);
    await joinSession(mediator);
    const side = async (kind: 'applicant' | 'respondent'): Promise<Side> => {
      const person = people.find((p) => p.kind === kind)!;
      const { link } = await partyInvitationLink(
        t.url,
        TEST_SECRET,
        t.server.cases,
        staff.clerk,
        person,
      );
      const client = await connectClient(
        t.url,
        await enrolledToken(t.server, {
          ...base,
          sub: person.id,
          role: 'party',
          name: person.name,
        }),
      );
      opened.push(client);
      await joinSession(client, { admitBy: mediator });
      return {
        person,
        invite: new URL(link).hash.slice('#invite='.length),
        client,
        log: evidenceLog(client),
      };
    };
    const a = await side('applicant');
    const b = await side('respondent');
    return { caseId: c.id, sessionId: s.id, mediator, mediatorLog: evidenceLog(mediator), a, b };
  }

  async function upload(caseId: string, side: Side): Promise<string> {
    const r = await api.upload(caseId, side.invite, pngBytes(), '聊天记录.png');
    expect(r.status).toBe(201);
    return (r.body as { item: { id: string } }).item.id;
  }

  const listed = async (client: TestClient): Promise<string[]> =>
    (await client.request('evidence:list', {})).items.map((i) => i.id);

  it('a party shares its own item: the other side’s list refreshes live, and the presenter is told who sees it', async () => {
    const { caseId, mediator, mediatorLog, a, b } = await session();
    const itemId = await upload(caseId, a);
    expect(await listed(b.client)).not.toContain(itemId);

    // Presented before sharing: the mediator is shown it, the respondent is not, and A is told so.
    const first = await a.client.request('evidence:present', { evidenceId: itemId });
    expect(first).toEqual({
      shownTo: 1,
      confidential: false,
      viewers: [
        { participantId: staff.mediator.id, displayName: staff.mediator.name, role: 'mediator' },
      ],
    });
    await settle();
    expect(b.log).toEqual([]);

    const updated = b.client.next('evidence:updated', 5_000, (p) => p.item.id === itemId);
    const shared = await a.client.request('evidence:share', { evidenceId: itemId, shared: true });
    expect(shared.item).toMatchObject({ id: itemId, shared: true, confidential: false });
    expect((await updated).item).toMatchObject({ id: itemId, shared: true });
    expect(await listed(b.client)).toContain(itemId);
    expect(mediatorLog.some((e) => e.event === 'evidence:updated')).toBe(true);

    // Presented again, the respondent's screen opens it, and A hears who sees it now.
    const presented = b.client.next('evidence:presented', 5_000);
    const second = await a.client.request('evidence:present', { evidenceId: itemId });
    expect(second.viewers.map((v) => v.participantId).sort()).toEqual(
      [staff.mediator.id, b.person.id].sort(),
    );
    expect(second.viewers.find((v) => v.participantId === b.person.id)).toEqual({
      participantId: b.person.id,
      displayName: b.person.name,
      role: 'party',
    });
    expect((await presented).evidenceId).toBe(itemId);

    // Taking it back tells the respondent it is gone, and their list loses it.
    const withdrawn = b.client.next('evidence:withdrawn', 5_000);
    await a.client.request('evidence:share', { evidenceId: itemId, shared: false });
    expect(await withdrawn).toEqual({ evidenceId: itemId });
    expect(await listed(b.client)).not.toContain(itemId);
    expect(mediator.socket.connected).toBe(true);
  });

  it('sharing through the case file (HTTP) refreshes the session’s lists too', async () => {
    const { caseId, a, b } = await session();
    const itemId = await upload(caseId, a);
    const updated = b.client.next('evidence:updated', 5_000, (p) => p.item.id === itemId);
    const r = await api.call('POST', `/cases/${caseId}/evidence/${itemId}/visibility`, a.invite, {
      shared: true,
    });
    expect(r.status).toBe(200);
    expect((await updated).item.shared).toBe(true);
  });

  it('keeps an item presented inside a caucus confidential: the other side never sees it until the mediator lifts that', async () => {
    const { caseId, mediator, a, b } = await session();
    const itemId = await upload(caseId, a);
    await mediator.request('caucus:start', { participantIds: [a.person.id], record: false });
    const presented = await a.client.request('evidence:present', { evidenceId: itemId });
    expect(presented.confidential).toBe(true);
    expect(presented.viewers.map((v) => v.participantId)).toEqual([staff.mediator.id]);
    await mediator.request('caucus:end', {});

    // Shared afterwards by its own side: still never reaches the respondent, by any path.
    const shared = await a.client.request('evidence:share', { evidenceId: itemId, shared: true });
    expect(shared.item).toMatchObject({ shared: true, confidential: true });
    await settle();
    expect(b.log).toEqual([]);
    expect(await listed(b.client)).not.toContain(itemId);
    const present = await b.client.ack('evidence:present', { evidenceId: itemId });
    expect(present.ok ? 'ok' : present.error.code).toBe('NOT_FOUND');
    const httpList = await api.ok<{ items: { id: string }[] }>(
      'GET',
      `/cases/${caseId}/evidence`,
      b.invite,
    );
    expect(httpList.items.map((i) => i.id)).not.toContain(itemId);
    for (const path of ['view-link']) {
      const r = await api.call('POST', `/cases/${caseId}/evidence/${itemId}/${path}`, b.invite);
      expect(r.status).toBe(404);
    }
    const content = await fetch(`${t.url}/api/cases/${caseId}/evidence/${itemId}/content`, {
      headers: { authorization: `Bearer ${b.invite}` },
    });
    expect(content.status).toBe(404);
    // Presented in the open by the mediator, it still opens only for the applicant's side.
    const byMediator = await mediator.request('evidence:present', { evidenceId: itemId });
    expect(byMediator.viewers.map((v) => v.participantId)).toEqual([a.person.id]);
    await settle();
    expect(b.log).toEqual([]);

    // The party may not lift it; the mediator may, and the respondent's list then has it.
    const lift = await a.client.ack('evidence:confidential', {
      evidenceId: itemId,
      confidential: false,
    });
    expect(lift.ok ? 'ok' : lift.error.code).toBe('FORBIDDEN');
    const httpLift = await api.call(
      'POST',
      `/cases/${caseId}/evidence/${itemId}/visibility`,
      a.invite,
      { confidential: false },
    );
    expect(httpLift.status).toBe(403);
    const updated = b.client.next('evidence:updated', 5_000, (p) => p.item.id === itemId);
    await mediator.request('evidence:confidential', { evidenceId: itemId, confidential: false });
    expect((await updated).item).toMatchObject({ id: itemId, shared: true, confidential: false });
    expect(await listed(b.client)).toContain(itemId);

    // The mediator's explicit decision stands when the item is presented in a caucus again.
    await mediator.request('caucus:start', { participantIds: [a.person.id], record: false });
    expect((await a.client.request('evidence:present', { evidenceId: itemId })).confidential).toBe(
      false,
    );
    await mediator.request('caucus:end', {});

    // Kept confidential again by the mediator: the respondent is told it is gone.
    const withdrawn = b.client.next('evidence:withdrawn', 5_000);
    await mediator.request('evidence:confidential', { evidenceId: itemId, confidential: true });
    expect(await withdrawn).toEqual({ evidenceId: itemId });
  });

  it('refuses a party sharing the other side’s item, and tells nobody of an item they may not see', async () => {
    const { caseId, a, b, mediatorLog } = await session();
    const itemId = await upload(caseId, a);
    // Not visible to the respondent: reported exactly as a missing item.
    const hidden = await b.client.ack('evidence:share', { evidenceId: itemId, shared: true });
    expect(hidden.ok ? 'ok' : hidden.error.code).toBe('NOT_FOUND');
    // Visible once shared, but still not theirs to share or unshare.
    await a.client.request('evidence:share', { evidenceId: itemId, shared: true });
    const notTheirs = await b.client.ack('evidence:share', { evidenceId: itemId, shared: false });
    expect(notTheirs.ok ? 'ok' : notTheirs.error.code).toBe('FORBIDDEN');
    const confidential = await b.client.ack('evidence:confidential', {
      evidenceId: itemId,
      confidential: true,
    });
    expect(confidential.ok ? 'ok' : confidential.error.code).toBe('FORBIDDEN');
    // Malformed requests never reach the evidence service.
    for (const payload of [{ evidenceId: itemId }, { evidenceId: itemId, shared: 'yes' }, {}]) {
      const r = (await a.client.raw('evidence:share', payload)) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(r.error?.code).toBe('VALIDATION');
    }
    const extra = (await a.client.raw('evidence:share', {
      evidenceId: itemId,
      shared: true,
      confidential: false,
    })) as { ok: boolean; error?: { code: string } };
    expect(extra.error?.code).toBe('VALIDATION');
    expect((await t.server.evidence.list(staff.mediator, caseId))[0]).toMatchObject({
      shared: true,
      confidential: false,
    });

    // Another party's own unshared item: the respondent's upload never reaches the applicant.
    const before = a.log.length;
    const own = await upload(caseId, b);
    await b.client.request('evidence:share', { evidenceId: own, shared: false });
    await settle();
    expect(a.log.slice(before).filter((e) => JSON.stringify(e.payload).includes(own))).toEqual([]);
    expect(mediatorLog.some((e) => JSON.stringify(e.payload).includes(own))).toBe(true);
  });

  it('tells only the sessions of the item’s own case, and nobody still in the waiting room', async () => {
    const one = await session();
    const other = await session();
    const itemId = await upload(one.caseId, one.a);
    // An observer of case one (who may see shared items once admitted), left in the waiting room.
    const observer = await connectClient(
      t.url,
      await enrolledToken(t.server, {
        caseId: one.caseId,
        sessionId: one.sessionId,
        sub: `observer-${one.caseId}`,
        role: 'observer',
        name: '工会代表',
      }),
    );
    opened.push(observer);
    const waitingLog = evidenceLog(observer);
    expect((await joinSession(observer)).admission).toBe('waiting');

    await one.a.client.request('evidence:share', { evidenceId: itemId, shared: true });
    await settle();
    expect(one.b.log.map((e) => e.event)).toEqual(['evidence:updated']);
    expect(waitingLog).toEqual([]);
    for (const s of [other.a, other.b]) expect(s.log).toEqual([]);
    expect(other.mediatorLog).toEqual([]);
  });
});
