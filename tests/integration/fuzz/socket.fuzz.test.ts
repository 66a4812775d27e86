/**
 * Property-based fuzzing of every Socket.IO request, with generators derived
 * from the contract's zod schemas (zod-fast-check): valid-but-adversarial
 * payloads (boundary sizes, unicode, ids of other sessions), invalid ones
 * (wrong types, prototype keys, deep nesting, huge and binary values) and
 * malformed call shapes, sent by a mediator, a party, an observer and a
 * party in the waiting room of one live session, while a second session
 * runs beside it. The server runs in this process, so its prototypes can be
 * checked directly.
 *
 * Properties, after every request: the process answers /healthz; an
 * acknowledged request gets a typed error with a known code other than
 * INTERNAL, or a success of the response's shape; no built-in prototype
 * changed. At the end: the second session's people kept their state and
 * received nothing from the fuzzed one.
 *
 * Seeded per event; FUZZ_RUNS raises the run count (default 25 per event).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodFastCheck } from 'zod-fast-check';
import { SqlCaseRepository } from '../../../server/db/SqlCaseRepository.js';
import {
  ERROR_CODES,
  REQUEST_NAMES,
  idSchema,
  PATTERNED_STRINGS,
  requestSchemas,
  type ParticipantInfo,
  type RequestName,
  type SessionRole,
} from '../../../signaling/index.js';
import { caseInSession, seedStaff } from '../../support/cases.js';
import { connectClient, type TestClient } from '../../support/client.js';
import { fakePeer } from '../../support/fakeDevice.js';
import {
  corrupt,
  hasDeep,
  hostileString,
  jsonText,
  materialize,
  runs,
  seedOf,
  snapshotPrototypes,
  type PrototypeSnapshot,
} from '../../support/fuzz.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const RUNS = runs(25);
const ACK_TIMEOUT_MS = 10_000;

/**
 * Top-level keys of each successful reply (the contract's ResponseMap), so a
 * success is checked against its shape; `[]` means the reply is `{}`.
 */
const RESPONSE_KEYS: Record<RequestName, readonly string[]> = {
  'media:capabilities': ['rtpCapabilities'],
  'session:join': [
    'self',
    'caseId',
    'sessionId',
    'participants',
    'producers',
    'canPublish',
    'activeSpeaker',
    'recording',
    'admission',
    'waiting',
    'caucus',
    'locked',
    'chat',
  ],
  'session:leave': [],
  'session:participants': ['participants'],
  'transport:create': [
    'transportId',
    'iceParameters',
    'iceCandidates',
    'dtlsParameters',
    'iceServers',
  ],
  'transport:connect': [],
  'transport:restartIce': ['iceParameters'],
  'producer:create': ['producerId'],
  'producer:pause': [],
  'producer:resume': [],
  'producer:close': [],
  'consumer:create': [
    'consumerId',
    'producerId',
    'participantId',
    'kind',
    'source',
    'rtpParameters',
    'producerPaused',
  ],
  'consumer:resume': [],
  'consumer:setPreferredLayers': [],
  'evidence:list': ['items'],
  'evidence:present': ['confidential', 'shownTo', 'viewers'],
  'evidence:stop': [],
  'evidence:share': ['item'],
  'evidence:confidential': ['item'],
  'recording:start': ['recording'],
  'recording:stop': [],
  'recording:acknowledge': ['recording'],
  'recording:withdraw': ['recording'],
  'recording:decline': [],
  'admission:admit': [],
  'admission:refuse': [],
  'identity:verify': [],
  'moderation:mute': [],
  'moderation:muteAll': ['muted'],
  'moderation:allowUnmute': [],
  'moderation:remove': [],
  'session:lock': ['locked'],
  'caucus:start': ['caucus'],
  'caucus:end': [],
  'hand:raise': [],
  'chat:send': ['message'],
  'document:list': ['deliveries'],
  'document:received': ['delivery'],
  'document:read': ['delivery'],
  'document:acknowledge': ['delivery'],
  'document:challenge': ['delivery'],
  'document:paperCopy': ['delivery'],
};

const CALL_SHAPES = [
  'ack',
  'noAck',
  'ackFirst',
  'extraArgs',
  'nonFunctionAck',
  'ackOnly',
  'binaryArg',
] as const;
type CallShape = (typeof CALL_SHAPES)[number];

type ActorName = 'mediator' | 'party' | 'observer' | 'waiting';
const ACTORS: readonly ActorName[] = ['mediator', 'party', 'observer', 'waiting'];

interface Case {
  actor: ActorName;
  shape: CallShape;
  payload: unknown;
}

let t: TestServer;
let prototypes: PrototypeSnapshot;
let s1: { caseId: string; sessionId: string };
let s2: { caseId: string; sessionId: string };
const actors = new Map<ActorName, TestClient>();
const opened: TestClient[] = [];
/**
 * Ids that exist: each actor's own (participant, transports, producers), the
 * fuzzed session's and the other session's. Generated payloads hold
 * placeholders (`@@id:own:3@@`) resolved when sent, so a seed names the
 * same kind of id in every run although the ids themselves are new.
 */
const ownIds = new Map<ActorName, string[]>();
const s1Ids: string[] = [];
const s2Ids: string[] = [];
const ID_KINDS = ['own', 's1', 's2'] as const;
let serial = 0;
let mediatorId = '';
/** Everything the second session's people received while the first was fuzzed. */
const s2Received: { who: string; event: string; payload: unknown }[] = [];
let s2Before: ParticipantInfo[] = [];
let s2Clients: { mediator: TestClient; party: TestClient };

/** A token the server could have issued: its holder is entered in the case file (see enrol.ts). */
function sessionToken(
  session: { caseId: string; sessionId: string },
  sub: string,
  role: SessionRole,
): Promise<string> {
  return t.token(
    { sub, caseId: session.caseId, sessionId: session.sessionId, role, name: sub },
    3600,
  );
}

async function open(
  session: { caseId: string; sessionId: string },
  sub: string,
  role: SessionRole,
): Promise<TestClient> {
  const client = await connectClient(t.url, await sessionToken(session, sub, role));
  opened.push(client);
  return client;
}

/** A fresh connection for `actor`, joined (and admitted unless it is the waiting one). */
async function refresh(actor: ActorName): Promise<TestClient> {
  actors.get(actor)?.close();
  serial += 1;
  let client: TestClient;
  if (actor === 'mediator') {
    client = await open(s1, mediatorId, 'mediator');
    const peer = await fakePeer(client);
    const send = await peer.createTransport('send');
    const recv = await peer.createTransport('recv');
    const mic = await peer.produce(send, 'microphone');
    ownIds.set(actor, [peer.join.self.participantId, send.id, recv.id, mic.id]);
  } else {
    const role: SessionRole = actor === 'observer' ? 'observer' : 'party';
    client = await open(s1, `${actor}-${serial}`, role);
    const admitBy = actor === 'waiting' ? undefined : await liveMediator();
    const peer = await fakePeer(client, admitBy ? { admitBy } : {});
    const own = [peer.join.self.participantId];
    if (actor === 'party') {
      const send = await peer.createTransport('send');
      const recv = await peer.createTransport('recv');
      const cam = await peer.produce(send, 'camera');
      own.push(send.id, recv.id, cam.id);
    }
    ownIds.set(actor, own);
  }
  s1Ids.push(...(ownIds.get(actor) ?? []));
  actors.set(actor, client);
  return client;
}

async function liveMediator(): Promise<TestClient> {
  const m = actors.get('mediator');
  if (m && m.socket.connected) {
    const r = await m.ack('session:participants', {});
    if (r.ok) {
      // Something the fuzzer did may have locked the session: unlock it so that newcomers get in.
      await m.ack('session:lock', { locked: false });
      return m;
    }
  }
  return refresh('mediator');
}

/** The actor's connection, replaced when the fuzzer got it removed, refused or disconnected. */
async function actor(name: ActorName): Promise<TestClient> {
  const current = actors.get(name);
  if (current && current.socket.connected) return current;
  if (name !== 'mediator') await liveMediator();
  return refresh(name);
}

/** Sends one generated case; resolves with the acknowledgement, or `undefined` when none was asked for. */
async function send(client: TestClient, event: RequestName, generated: Case): Promise<unknown> {
  if (generated.shape === 'ack' && hasDeep(generated.payload)) {
    return sendText(client, event, jsonText(generated.payload, idsOf(generated.actor)));
  }
  const c = { ...generated, payload: resolveIds(generated.payload, generated.actor) };
  const socket = client.socket as unknown as {
    emit(event: string, ...args: unknown[]): void;
    timeout(ms: number): { emit(event: string, ...args: unknown[]): void };
  };
  const withAck = (...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, ...args, (err: unknown, reply: unknown) => {
        if (err) reject(new Error(`no acknowledgement of ${event} within ${ACK_TIMEOUT_MS} ms`));
        else resolve(reply);
      });
    });
  switch (c.shape) {
    case 'ack':
      return withAck(c.payload);
    case 'extraArgs':
      return withAck(c.payload, { extra: true }, 42);
    case 'ackOnly':
      // No payload at all: the ack is the only argument.
      return withAck();
    case 'binaryArg':
      return withAck(Buffer.from([0xde, 0xad, 0xbe, 0xef]), c.payload);
    case 'noAck':
      socket.emit(event, c.payload);
      return undefined;
    case 'ackFirst':
      socket.emit(event, () => undefined, c.payload);
      return undefined;
    case 'nonFunctionAck':
      socket.emit(event, c.payload, 'not a function');
      return undefined;
  }
}

/**
 * Sends a request whose payload is JSON text (nesting deeper than any
 * JavaScript value the client library can serialise), as a raw Socket.IO
 * EVENT packet (type 2; engine.io adds its message prefix) with an acknowledgement id.
 */
function sendText(client: TestClient, event: RequestName, payload: string): Promise<unknown> {
  const socket = client.socket as unknown as {
    ids: number;
    acks: Record<number, (reply: unknown) => void>;
    io: { engine: { write(message: string): void } };
  };
  return new Promise((resolve, reject) => {
    const id = socket.ids++;
    const timer = setTimeout(() => {
      delete socket.acks[id];
      reject(new Error(`no acknowledgement of ${event} within ${ACK_TIMEOUT_MS} ms`));
    }, ACK_TIMEOUT_MS);
    socket.acks[id] = (reply) => {
      clearTimeout(timer);
      resolve(reply);
    };
    socket.io.engine.write(`2${id}[${JSON.stringify(event)},${payload}]`);
  });
}

const PLACEHOLDER = /^@@id:(own|s1|s2):(\d+)@@$/;

/** The payload with its id placeholders replaced by the ids they stand for now. */
function resolveIds(v: unknown, actor: ActorName): unknown {
  return materialize(v, idsOf(actor));
}

function idsOf(actor: ActorName): (text: string) => string {
  return (text) => {
    const m = PLACEHOLDER.exec(text);
    if (!m) return text;
    const pool = m[1] === 'own' ? (ownIds.get(actor) ?? []) : m[1] === 's1' ? s1Ids : s2Ids;
    return pool.length ? pool[Number(m[2]) % pool.length]! : text;
  };
}

/** What is wrong with an acknowledgement, or undefined. */
function ackProblem(event: RequestName, reply: unknown): string | undefined {
  if (typeof reply !== 'object' || reply === null) return `not an object: ${show(reply)}`;
  const r = reply as { ok?: unknown; data?: unknown; error?: unknown };
  if (r.ok === true) {
    if (typeof r.data !== 'object' || r.data === null) return `success without data: ${show(r)}`;
    const keys = Object.keys(r.data).sort();
    const expected = [...RESPONSE_KEYS[event]].sort();
    const missing = expected.filter((k) => !keys.includes(k));
    if (missing.length) return `success lacks ${missing.join(', ')}: ${show(r)}`;
    if (expected.length === 0 && keys.length > 0) return `success should be {}: ${show(r)}`;
    return undefined;
  }
  if (r.ok !== false || typeof r.error !== 'object' || r.error === null)
    return `neither success nor error: ${show(r)}`;
  const { code, message } = r.error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code))
    return `unknown error code: ${show(r)}`;
  if (typeof message !== 'string' || message.length === 0) return `error without message`;
  if (code === 'INTERNAL') return `INTERNAL: ${message}`;
  return undefined;
}

function show(v: unknown): string {
  return JSON.stringify(v)?.slice(0, 300) ?? String(v);
}

async function healthy(): Promise<boolean> {
  const res = await fetch(`${t.url}/healthz`);
  await res.arrayBuffer();
  return res.status === 200;
}

/** Payloads for `event`: from its schema (with real ids of both sessions mixed in), or corrupted. */
function payloads(event: RequestName): fc.Arbitrary<unknown> {
  const ids = fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...ID_KINDS), fc.nat(20))
        .map(([kind, n]) => `@@id:${kind}:${n}@@`),
      weight: 4,
    },
    fc.string({ minLength: 1, maxLength: 64 }),
    hostileString.filter((s) => s.length >= 1 && s.length <= 64),
  );
  let generators = ZodFastCheck().override(idSchema, ids);
  // zod-fast-check cannot invert a regex: patterned strings come from their pattern.
  for (const [schema, pattern] of PATTERNED_STRINGS) {
    generators = generators.override(
      schema,
      fc.stringMatching(pattern).filter((text) => schema.safeParse(text).success),
    );
  }
  const valid = generators.inputOf(requestSchemas[event]);
  return fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: corrupt(valid), weight: 3 });
}

describe('Socket.IO contract fuzzing', () => {
  beforeAll(async () => {
    // Fuzzing is fast: let the rate limit through so requests reach the handlers.
    t = await startTestServer({
      SOCKET_RATE_LIMIT: '100000',
      SOCKET_RATE_BURST: '100000',
      SOCKET_PERSON_RATE_LIMIT: '100000',
      SOCKET_PERSON_RATE_BURST: '100000',
    });
    prototypes = snapshotPrototypes();
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const one = await caseInSession(t.server.cases, staff);
    const two = await caseInSession(t.server.cases, staff);
    s1 = { caseId: one.case.id, sessionId: one.session.id };
    s2 = { caseId: two.case.id, sessionId: two.session.id };
    mediatorId = staff.mediator.id;

    // The session beside the fuzzed one: a mediator and an admitted party with media.
    const m2 = await open(s2, staff.otherMediator.id, 'mediator');
    const m2peer = await fakePeer(m2);
    const p2 = await open(s2, 'p2-applicant', 'party');
    const p2peer = await fakePeer(p2, { admitBy: m2 });
    const m2send = await m2peer.createTransport('send');
    const m2mic = await m2peer.produce(m2send, 'microphone');
    const p2recv = await p2peer.createTransport('recv');
    await p2peer.consume(p2recv, m2mic.id);
    s2Ids.push(
      s2.caseId,
      s2.sessionId,
      m2peer.join.self.participantId,
      p2peer.join.self.participantId,
      m2send.id,
      m2mic.id,
      p2recv.id,
    );
    s2Clients = { mediator: m2, party: p2 };

    for (const name of ACTORS) await actor(name);
    s2Before = (await m2.request('session:participants', {})).participants;
    for (const [who, client] of Object.entries(s2Clients)) {
      client.socket.onAny((event: string, payload: unknown) => {
        s2Received.push({ who, event, payload });
      });
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of opened) c.close();
    await t?.close();
  });

  it.each(REQUEST_NAMES.map((e) => [e]))(
    '%s: typed replies, server up, no pollution',
    async (event) => {
      const cases = fc.record({
        actor: fc.constantFrom(...ACTORS),
        shape: fc.oneof(
          { arbitrary: fc.constant<CallShape>('ack'), weight: 6 },
          { arbitrary: fc.constantFrom(...CALL_SHAPES), weight: 1 },
        ),
        payload: payloads(event),
      });
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const client = await actor(c.actor);
          const reply = await send(client, event, c);
          if (reply === undefined) {
            // Nothing to answer: the connection still serves the next request.
            const probe = await client.ack('session:participants', {});
            expect(ackProblem('session:participants', probe)).toBeUndefined();
          } else {
            expect(ackProblem(event, reply)).toBeUndefined();
          }
          expect(prototypes.problems()).toEqual([]);
          expect(await healthy()).toBe(true);
        }),
        { seed: seedOf(event), numRuns: RUNS },
      );
    },
    120_000,
  );

  it('an oversized message closes only its own connection', async () => {
    const client = await open(s1, `big-${serial}`, 'party');
    const closed = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    (client.socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(
      'chat:send',
      { text: 'x'.repeat(70 * 1024) },
      () => undefined,
    );
    expect(await closed).toMatch(/transport close|transport error|io server disconnect/);
    expect(await healthy()).toBe(true);
    expect(s2Clients.mediator.socket.connected).toBe(true);
  });

  it('the other session kept its people and state, and received nothing from the fuzzed one', async () => {
    expect(s2Clients.mediator.socket.connected).toBe(true);
    expect(s2Clients.party.socket.connected).toBe(true);
    const after = (await s2Clients.mediator.request('session:participants', {})).participants;
    expect(after).toEqual(s2Before);
    const s2Ids = new Set([...s2Before.map((p) => p.participantId), mediatorOf2()]);
    // Their own session's periodic notices may arrive; nothing may name anyone or anything else.
    const foreign = s2Received.filter(
      (r) =>
        !['quality:update', 'speaker:active'].includes(r.event) || !mentionsOnly(r.payload, s2Ids),
    );
    expect(foreign).toEqual([]);
    expect(prototypes.problems()).toEqual([]);
  });
});

function mediatorOf2(): string {
  return s2Before.find((p) => p.role === 'mediator')?.participantId ?? '';
}

/** Whether every participantId in the notice is one of `ids`. */
function mentionsOnly(payload: unknown, ids: Set<string>): boolean {
  const id = (payload as { participantId?: unknown } | null)?.participantId;
  return id === null || id === undefined || (typeof id === 'string' && ids.has(id));
}
