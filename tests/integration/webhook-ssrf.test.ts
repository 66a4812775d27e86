/**
 * Institution webhooks cannot reach inside (issue 14, finding 4): every
 * address form of loopback, private, link-local, CGNAT, multicast, reserved
 * and IPv6 space — literal, in decimal/octal/hex/short IPv4 notation, or
 * embedded in IPv6 — and names resolving to any of them are refused at
 * registration; a name that resolves elsewhere by delivery time is refused
 * then, without a connection; a redirect is a failed attempt whose target
 * gets nothing; and nothing a receiver says reaches the audit chain or the
 * reference sent to institutions.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { WebhookLookup } from '../../server/institutions/webhookTarget.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, errorCode, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/webhookReceiver.js';

/** A hosts file: no real DNS in tests. Names not listed do not resolve. */
const hosts = new Map<string, { address: string; family: 4 | 6 }[]>([
  ['court.example', [{ address: '93.184.216.34', family: 4 }]],
  ['internal.example', [{ address: '10.0.0.5', family: 4 }]],
  ['metadata.example', [{ address: '169.254.169.254', family: 4 }]],
  ['localhost', [{ address: '127.0.0.1', family: 4 }]],
  ['v6only.example', [{ address: 'fd00::5', family: 6 }]],
  [
    'mixed.example',
    [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
  ],
  ['mapped.example', [{ address: '::ffff:192.168.0.1', family: 6 }]],
]);
const lookup: WebhookLookup = async (name) => {
  const found = hosts.get(name.toLowerCase());
  if (!found)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return found;
};

/** Every form an internal address can take in a URL; each must be refused at registration. */
const REFUSED = [
  // Loopback in every IPv4 notation WHATWG URL parsing accepts (decimal, octal, hex, short).
  'https://127.0.0.1/hook',
  'https://127.0.0.2/hook',
  'https://2130706433/hook',
  'https://0x7f.1/hook',
  'https://127.1/hook',
  'https://0177.0.0.1/hook',
  'https://0x7f000001/hook',
  'https://017700000001/hook',
  'https://127.0.0.1./hook',
  'https://%31%32%37.0.0.1/hook',
  // Private, link-local (cloud metadata), CGNAT, unspecified, broadcast, multicast.
  'https://10.0.0.1/hook',
  'https://172.16.5.4/hook',
  'https://192.168.1.1/hook',
  'https://169.254.169.254/latest/meta-data',
  'https://100.64.0.1/hook',
  'https://0.0.0.0/hook',
  'https://0/hook',
  'https://255.255.255.255/hook',
  'https://224.0.0.1/hook',
  // Reserved and documentation ranges.
  'https://192.0.0.8/hook',
  'https://192.0.2.1/hook',
  'https://198.51.100.7/hook',
  'https://203.0.113.9/hook',
  'https://198.18.0.1/hook',
  'https://240.0.0.1/hook',
  // IPv6: loopback, unspecified, link-local, ULA, site-local, multicast, documentation, Teredo.
  'https://[::1]/hook',
  'https://[::]/hook',
  'https://[fe80::1]/hook',
  'https://[fc00::1]/hook',
  'https://[fd12:3456::1]/hook',
  'https://[fec0::1]/hook',
  'https://[ff02::1]/hook',
  'https://[2001:db8::1]/hook',
  'https://[2001::1]/hook',
  'https://[fe80::1%25eth0]/hook',
  // IPv6 forms embedding a forbidden IPv4: mapped, compatible, SIIT, NAT64, 6to4.
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:7f00:1]/hook',
  'https://[::ffff:169.254.169.254]/hook',
  'https://[::127.0.0.1]/hook',
  'https://[::ffff:0:10.0.0.1]/hook',
  'https://[64:ff9b::127.0.0.1]/hook',
  'https://[64:ff9b::10.0.0.1]/hook',
  'https://[2002:7f00:1::1]/hook',
  'https://[2002:c0a8:101::1]/hook',
  // Names resolving to internal addresses (any of them), or not at all.
  'https://localhost/hook',
  'https://localhost./hook',
  'https://internal.example/hook',
  'https://metadata.example/hook',
  'https://v6only.example/hook',
  'https://mixed.example/hook',
  'https://mapped.example/hook',
  'https://nowhere.example/hook',
  // Plain http to anything not allow-listed, even public; other schemes; credentials.
  'http://court.example/hook',
  'http://93.184.216.34/hook',
  'http://127.0.0.1:9/hook',
  'ftp://court.example/hook',
  'https://user:secret@court.example/hook',
];

type Delivery = Record<string, unknown>;

/** The clerk registers a court whose webhook is `webhookUrl`. */
function registerCourt(
  api: Api,
  clerk: string,
  webhookUrl: string,
): Promise<{ institution: { id: string }; apiKey: string }> {
  return api.ok('POST', '/institutions', clerk, {
    kind: 'court',
    name: '某区人民法院',
    webhookUrl,
  });
}

/** A new case in session, referred to the institution as a delegated report. */
async function referNewCase(
  server: TestServer,
  api: Api,
  clerk: string,
  staff: StaffFixture,
  institutionId: string,
): Promise<{ case: { id: string } }> {
  const made = await caseInSession(server.server.cases, staff);
  await api.ok('POST', `/cases/${made.case.id}/referrals`, clerk, {
    institutionId,
    kind: 'delegated_report',
  });
  return made;
}

/** The institution's newest webhook delivery, once `settled` holds for it. */
async function deliveryWhen(
  api: Api,
  clerk: string,
  institutionId: string,
  settled: (delivery: Delivery | undefined) => boolean,
): Promise<Delivery> {
  let last: Delivery | undefined;
  await until(async () => {
    const { deliveries } = await api.ok<{ deliveries: Delivery[] }>(
      'GET',
      `/institutions/${institutionId}/webhooks`,
      clerk,
    );
    last = deliveries[0];
    return settled(last);
  });
  return last!;
}

describe('webhook addresses: nothing inside is reachable', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;

  beforeAll(async () => {
    t = await startTestServer({ WEBHOOK_RETRY_BASE_MS: '100' }, { webhookLookup: lookup });
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses every internal address form at registration with a clear 400', async () => {
    const accepted: string[] = [];
    for (const webhookUrl of REFUSED) {
      const r = await api.call('POST', '/institutions', clerk, {
        kind: 'court',
        name: '某区人民法院',
        webhookUrl,
      });
      if (r.status !== 400 || errorCode(r) !== 'VALIDATION')
        accepted.push(`${webhookUrl} → ${r.status}`);
    }
    expect(accepted).toEqual([]);
    // The message says why.
    const why = await api.call('POST', '/institutions', clerk, {
      kind: 'court',
      name: '某区人民法院',
      webhookUrl: 'https://2130706433/hook',
    });
    expect(JSON.stringify(why.body)).toContain('loopback');
    const resolved = await api.call('POST', '/institutions', clerk, {
      kind: 'court',
      name: '某区人民法院',
      webhookUrl: 'https://mixed.example/hook',
    });
    expect(JSON.stringify(resolved.body)).toContain('resolved to 127.0.0.1');
    // A public https address is fine.
    const ok = await api.call('POST', '/institutions', clerk, {
      kind: 'court',
      name: '某区人民法院',
      webhookUrl: 'https://court.example/hook',
    });
    expect(ok.status).toBe(201);
  });

  it('checks again at delivery: a name rebound to loopback gets no connection, the attempt fails', async () => {
    // Something listening on loopback that must never be reached.
    let connections = 0;
    const inside = net.createServer((s) => {
      connections += 1;
      s.destroy();
    });
    await new Promise<void>((r) => inside.listen(0, '127.0.0.1', r));
    const { port } = inside.address() as net.AddressInfo;
    hosts.set('rebind.example', [{ address: '93.184.216.34', family: 4 }]);
    try {
      const { institution } = await registerCourt(
        api,
        clerk,
        `https://rebind.example:${port}/hook`,
      );
      hosts.set('rebind.example', [{ address: '127.0.0.1', family: 4 }]);
      await referNewCase(t, api, clerk, staff, institution.id);
      const last = await deliveryWhen(
        api,
        clerk,
        institution.id,
        (d) => Number(d?.['attempts'] ?? 0) >= 2,
      );
      expect(last).toMatchObject({ status: 'pending' });
      expect(String(last['lastError'])).toContain('resolved to 127.0.0.1');
      expect(connections).toBe(0);
    } finally {
      hosts.delete('rebind.example');
      await new Promise<void>((r) => inside.close(() => r()));
    }
  });
});

describe('webhook replies: redirects not followed, replies kept short and out of the chain', () => {
  it('treats a 3xx as a failed attempt; its target gets no request', async () => {
    let followed = 0;
    const target = http.createServer((_req, res) => {
      followed += 1;
      res.end('{"receipt":"stolen"}');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as net.AddressInfo).port;
    let redirects = 0;
    const redirecting = http.createServer((req, res) => {
      req.resume();
      redirects += 1;
      res.writeHead(307, { location: `http://127.0.0.1:${targetPort}/steal` });
      res.end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    const port = (redirecting.address() as net.AddressInfo).port;
    const t = await startTestServer({
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '2',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    });
    try {
      const api = apiClient(t.url);
      const staff = await seedStaff(new SqlCaseRepository(t.server.database));
      const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
      const { institution } = await registerCourt(api, clerk, `http://127.0.0.1:${port}/hook`);
      await referNewCase(t, api, clerk, staff, institution.id);
      const last = await deliveryWhen(api, clerk, institution.id, (d) => d?.['status'] === 'dead');
      expect(last).toMatchObject({ status: 'dead', attempts: 2, receipt: null });
      expect(String(last['lastError'])).toContain('HTTP 307');
      expect(redirects).toBe(2);
      expect(followed).toBe(0);
    } finally {
      await t.close();
      await new Promise<void>((r) => redirecting.close(() => r()));
      await new Promise<void>((r) => target.close(() => r()));
    }
  });

  it('keeps at most a short, marked excerpt of the reply, and none of it in the chain or the reference', async () => {
    const SECRET = 'INTERNAL-ADMIN-PANEL-SECRET';
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'text/plain');
        res.end(`${SECRET} ${'x'.repeat(100_000)} ${SECRET}`);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as net.AddressInfo).port;
    const t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    try {
      const api = apiClient(t.url);
      const staff = await seedStaff(new SqlCaseRepository(t.server.database));
      const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
      const { institution, apiKey } = await registerCourt(
        api,
        clerk,
        `http://127.0.0.1:${port}/hook`,
      );
      const made = await referNewCase(t, api, clerk, staff, institution.id);
      const delivered = await deliveryWhen(
        api,
        clerk,
        institution.id,
        (d) => d?.['status'] === 'delivered',
      );
      const receipt = JSON.parse(String(delivered['receipt'])) as Record<string, unknown>;
      expect(receipt['status']).toBe(200);
      expect(String(receipt['untrustedReceiverText'])).toContain(SECRET);
      expect(String(receipt['untrustedReceiverText']).length).toBeLessThanOrEqual(256);

      // The chain and the reference sent to institutions hold nothing the receiver said.
      const events = await new SqlAuditLog(t.server.database).list(made.case.id);
      const event = events.find((e) => e.action === 'institution.webhook-delivered');
      expect(JSON.parse(event!.payload)).toMatchObject({ status: 200 });
      expect(events.map((e) => e.payload).join('\n')).not.toContain(SECRET);
      const { token } = await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
        institutionId: institution.id,
        apiKey,
      });
      const { reference } = await api.ok<{ reference: string }>(
        'GET',
        `/institution/cases/${made.case.id}/reference`,
        token,
      );
      const payload = Buffer.from(reference.split('.')[1]!, 'base64url').toString('utf8');
      expect(payload).toContain('institution.webhook-delivered');
      expect(payload).not.toContain(SECRET);
    } finally {
      await t.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
