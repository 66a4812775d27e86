/**
 * Courts and arbitration commissions as API clients: registered by a
 * clerk, signed in with their API key (a token of their own audience), they
 * read the service certificates of cases referred to them — and nothing
 * else; every read is in the case's audit chain; a revoked credential is
 * refused at once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { TEST_PASSWORD, caseInSession, registrationInput, seedStaff } from '../support/cases.js';
import { apiClient, errorReason, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { InstitutionFileTokens } from '../../server/auth/tokenKinds.js';
import { rotateKey } from '../../server/cli/rotate-key.js';
import { verifyReferenceFiles } from '../../server/cli/verify-reference.js';
import { verifyReference } from '../../server/references/reference.js';
import { verifyJws, type Jwks } from '../../server/signing/jws.js';
import { ServiceKeys } from '../../server/signing/ServiceKeys.js';
import { TEST_SECRET } from '../support/secrets.js';
import { until, webhookReceiver } from '../support/webhookReceiver.js';
import { expectSandboxedFile } from '../support/untrustedInputs.js';

describe('institutions: referred cases only, audited, revocable', () => {
  let t: TestServer;
  let api: Api;
  let clerk: string;
  let mediator: string;
  let caseId: string;
  let otherCaseId: string;
  let deliveryId: string;
  let institutionId: string;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    api = apiClient(t.url);
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const made = await caseInSession(t.server.cases, staff);
    caseId = made.case.id;
    otherCaseId = (
      await t.server.cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()))
    ).id;
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    // The applicant consents to e-service and is served the acceptance notice.
    const applicant = made.people.find((p) => p.kind === 'applicant')!;
    const { token: invitation } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    await api.ok('POST', `/cases/${caseId}/service-consent`, invitation, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }],
      scope: 'all',
      effectAcknowledged: true,
    });
    const issued = await api.ok<{ deliveries: { id: string }[] }>(
      'POST',
      `/cases/${caseId}/documents`,
      mediator,
      { kind: 'acceptance_notice', recipients: [applicant.id] },
    );
    deliveryId = issued.deliveries[0]!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = (id: string, key: string) =>
    api.call('POST', '/institution/token', undefined, { institutionId: id, apiKey: key });

  it('registers a court (key shown once), refers a case, and lets the court read that case only', async () => {
    // Only a clerk registers; bad input is refused clearly.
    expect(
      (await api.call('POST', '/institutions', mediator, { kind: 'court', name: '某区人民法院' }))
        .status,
    ).toBe(403);
    const bad = await api.call('POST', '/institutions', clerk, { kind: 'police', name: 'x' });
    expect(bad.status).toBe(400);
    const created = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'court', name: '上海市浦东新区人民法院', webhookUrl: 'http://127.0.0.1:9/hook' },
    );
    institutionId = created.institution.id;
    apiKey = created.apiKey;
    const listed = await api.ok<{ institutions: Record<string, unknown>[] }>(
      'GET',
      '/institutions',
      clerk,
    );
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    // Wrong key and unknown institution: the same refusal.
    const wrong = await signIn(institutionId, 'not-the-key');
    const unknown = await signIn('00000000-0000-0000-0000-000000000000', apiKey);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(JSON.stringify(wrong.body)).toBe(JSON.stringify(unknown.body));

    // Case material goes out over https only (plain http only to allow-listed hosts); no credentials in it.
    for (const webhookUrl of [
      'http://court.example.cn/hook',
      'ftp://court.example.cn/hook',
      'https://user:secret@court.example.cn/hook',
      'not a url',
    ]) {
      const refused = await api.call('POST', '/institutions', clerk, {
        kind: 'court',
        name: '某区人民法院',
        webhookUrl,
      });
      expect(refused.status, webhookUrl).toBe(400);
    }
    const signedIn = await signIn(institutionId, apiKey);
    expect(signedIn.status).toBe(200);
    const token = (signedIn.body as { token: string }).token;
    const certificate = `/institution/cases/${caseId}/deliveries/${deliveryId}/certificate`;

    // Not referred yet: reads as missing.
    expect((await api.call('GET', certificate, token)).status).toBe(404);
    expect((await api.ok<{ cases: unknown[] }>('GET', '/institution/cases', token)).cases).toEqual(
      [],
    );
    // A joint application is refused while the agreement is not effective, and nothing is recorded.
    const early = await api.call('POST', `/cases/${caseId}/referrals`, mediator, {
      institutionId,
      kind: 'judicial_confirmation',
    });
    expect(early.status).toBe(409);
    expect(errorReason(early)).toBe('REFERRAL_AGREEMENT_NOT_EFFECTIVE');
    expect((await api.ok<{ cases: unknown[] }>('GET', '/institution/cases', token)).cases).toEqual(
      [],
    );
    await api.ok('POST', `/cases/${caseId}/referrals`, mediator, {
      institutionId,
      kind: 'delegated_report',
    });
    const cases = await api.ok<{ cases: { caseId: string }[] }>('GET', '/institution/cases', token);
    expect(cases.cases.map((c) => c.caseId)).toEqual([caseId]);

    const res = await fetch(`${t.url}/api${certificate}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expectSandboxedFile(res.headers, 'certificate for an institution');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      res.headers.get('x-content-sha256'),
    );
    // Another case of the organisation, not referred: missing; a staff token is not an institution's.
    expect(
      (
        await api.call(
          'GET',
          `/institution/cases/${otherCaseId}/deliveries/${deliveryId}/certificate`,
          token,
        )
      ).status,
    ).toBe(404);
    expect((await api.call('GET', certificate, clerk)).status).toBe(401);
    expect((await api.call('GET', certificate)).status).toBe(401);
    // …nor can an institution token reach staff routes.
    expect((await api.call('GET', `/cases/${caseId}`, token)).status).toBe(401);

    // Every read is in the case's audit chain, which still verifies.
    const audit = new SqlAuditLog(t.server.database);
    const events = await audit.list(caseId);
    expect(events.filter((e) => e.action === 'institution.accessed')).toHaveLength(1);
    expect(events.some((e) => e.action === 'case.referred')).toBe(true);
    expect((await audit.verify(caseId)).ok).toBe(true);
  });

  it('hands the court a signed reference it verifies offline; one altered byte, a swapped file or an unknown key fail', async () => {
    const token = ((await signIn(institutionId, apiKey)).body as { token: string }).token;
    const { reference } = await api.ok<{ reference: string }>(
      'GET',
      `/institution/cases/${caseId}/reference`,
      token,
    );
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const checked = await verifyReference(reference, jwks);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const notice = checked.reference.items.find((i) => i.kind === 'document')!;
    expect(notice.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(checked.reference.chain.events.length).toBeGreaterThan(5);
    // The case's session is there with its times; the referral is the delegated report.
    expect(checked.reference.sessions.map((s) => s.id)).toHaveLength(1);
    expect(checked.reference.referrals.map((r) => r.kind)).toEqual(['delegated_report']);

    // The link gives the file; its hash is the item's.
    const link = await fetch(`${t.url}${notice.file!.url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(link.status).toBe(200);
    expectSandboxedFile(link.headers, 'file by a reference link');
    const pdf = Buffer.from(await link.arrayBuffer());
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(notice.sha256);
    // Without the institution's token the link is refused; an expired link too.
    expect((await fetch(`${t.url}${notice.file!.url}`)).status).toBe(401);
    const expired = new InstitutionFileTokens(TEST_SECRET).issue(
      { sub: institutionId, caseId, item: 'document', id: notice.id },
      1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const late = await fetch(`${t.url}/api/institution/files/${expired}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(late.status).toBe(401);
    expect(JSON.stringify(await late.json())).toContain('expired');

    // Offline, with the files: the CLI's check.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reference-'));
    try {
      writeFileSync(path.join(dir, 'reference.jws'), reference);
      writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify(jwks));
      writeFileSync(path.join(dir, 'notice.pdf'), pdf);
      const args = (files: string[], jwksFile = 'jwks.json', ref = 'reference.jws') => [
        path.join(dir, ref),
        '--jwks',
        path.join(dir, jwksFile),
        ...files.map((f) => path.join(dir, f)),
      ];
      expect((await verifyReferenceFiles(args(['notice.pdf']))).exitCode).toBe(0);
      // The built CLI, as a court would run it.
      const cli = spawnSync(
        process.execPath,
        ['dist/server/cli/verify-reference.js', ...args(['notice.pdf'])],
        { encoding: 'utf8' },
      );
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout).toContain('verified');

      // A swapped file: one byte changed.
      const swapped = Buffer.from(pdf);
      swapped[swapped.length - 10] = (swapped[swapped.length - 10]! + 1) % 256;
      writeFileSync(path.join(dir, 'swapped.pdf'), swapped);
      const bad = await verifyReferenceFiles(args(['swapped.pdf']));
      expect(bad.exitCode).toBe(1);
      expect(bad.lines.join()).toContain('not in the reference');

      // One byte of the reference altered (in the payload): the signature fails.
      const [h, p, sig] = reference.split('.');
      const bytes = Buffer.from(p!, 'base64url');
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = bytes[middle]! ^ 1;
      writeFileSync(path.join(dir, 'altered.jws'), [h, bytes.toString('base64url'), sig].join('.'));
      const altered = await verifyReferenceFiles(args([], 'jwks.json', 'altered.jws'));
      expect(altered.exitCode).toBe(1);
      expect(altered.lines.join()).toContain('signature');

      // Signed by a key the verifier does not hold.
      const stranger = await ServiceKeys.open(path.join(dir, 'other-keys'));
      writeFileSync(path.join(dir, 'other.json'), JSON.stringify(stranger.jwks()));
      const unknown = await verifyReferenceFiles(args([], 'other.json'));
      expect(unknown.exitCode).toBe(1);
      expect(unknown.lines.join()).toMatch(/signature/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates the signing key: new signatures carry the new key, earlier references still verify', async () => {
    const token = ((await signIn(institutionId, apiKey)).body as { token: string }).token;
    const before = (
      await api.ok<{ reference: string }>('GET', `/institution/cases/${caseId}/reference`, token)
    ).reference;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rotate-'));
    try {
      const first = await ServiceKeys.open(path.join(dataDir, 'keys'));
      const oldKid = first.activeKid;
      const rotated = await rotateKey(dataDir);
      expect(rotated.exitCode).toBe(0);
      const reopened = await ServiceKeys.open(path.join(dataDir, 'keys'));
      expect(reopened.activeKid).toBe(rotated.kid);
      expect(reopened.activeKid).not.toBe(oldKid);
      expect(reopened.jwks().keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid]);
      const signed = await reopened.sign({ hello: 1 }, 'test+jws');
      expect(JSON.parse(Buffer.from(signed.split('.')[0]!, 'base64url').toString()).kid).toBe(
        rotated.kid,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // The running service's reference still verifies against its published keys.
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    expect((await verifyReference(before, jwks)).ok).toBe(true);
  });

  it('refuses a revoked credential at once, token and key alike', async () => {
    const token = ((await signIn(institutionId, apiKey)).body as { token: string }).token;
    await api.ok('POST', `/institutions/${institutionId}/revoke`, clerk);
    const read = await api.call('GET', '/institution/cases', token);
    expect(read.status).toBe(401);
    expect(JSON.stringify(read.body)).toContain('revoked');
    expect((await signIn(institutionId, apiKey)).status).toBe(401);
    // A forged token (signed with another secret) is refused too.
    const forged = `${token.split('.').slice(0, 2).join('.')}.AAAA`;
    expect((await api.call('GET', '/institution/cases', forged)).status).toBe(401);
  });
});

describe('webhook deliveries to an institution', () => {
  async function referredCase(t: TestServer, webhookUrl: string) {
    const api = apiClient(t.url);
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const made = await caseInSession(t.server.cases, staff);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { institution } = await api.ok<{ institution: { id: string } }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'arbitration', name: '某区劳动人事争议仲裁委员会', webhookUrl },
    );
    const { webhookDelivery } = await api.ok<{ webhookDelivery: string }>(
      'POST',
      `/cases/${made.case.id}/referrals`,
      clerk,
      { institutionId: institution.id, kind: 'delegated_report' },
    );
    return { api, clerk, caseId: made.case.id, institutionId: institution.id, webhookDelivery };
  }

  it('retries a failing receiver and delivers exactly once, signed, with the receipt kept', async () => {
    const hook = await webhookReceiver(2);
    const t = await startTestServer({
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    });
    try {
      const w = await referredCase(t, hook.url);
      await until(() => hook.accepted.size === 1);
      await new Promise((r) => setTimeout(r, 800));
      expect(hook.attempts).toHaveLength(3);
      expect(new Set(hook.attempts.map((a) => a.key))).toEqual(new Set([w.webhookDelivery]));
      expect(hook.accepted.size).toBe(1);
      // The signature holds the body's hash, under the service key.
      const last = hook.attempts[2]!;
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
      const signed = (
        await verifyJws<{ sha256: string; deliveryId: string }>(last.signature, jwks, {
          typ: 'mediation-webhook+jws',
        })
      ).payload;
      expect(signed.sha256).toBe(createHash('sha256').update(last.body).digest('hex'));
      expect(signed.deliveryId).toBe(w.webhookDelivery);
      // The body carries the signed reference, which verifies offline.
      const { reference } = JSON.parse(last.body.toString('utf8')) as { reference: string };
      expect((await verifyReference(reference, jwks)).ok).toBe(true);
      const { deliveries } = await w.api.ok<{ deliveries: Record<string, unknown>[] }>(
        'GET',
        `/institutions/${w.institutionId}/webhooks`,
        w.clerk,
      );
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3 });
      expect(String(deliveries[0]!['receipt'])).toContain('R-1');
      const audit = new SqlAuditLog(t.server.database);
      expect(
        (await audit.list(w.caseId)).filter((e) => e.action === 'institution.webhook-delivered'),
      ).toHaveLength(1);
    } finally {
      await t.close();
      await hook.close();
    }
  });

  it('keeps retrying across a restart without losing or repeating the delivery, and dead-letters a receiver that never accepts', async () => {
    const hook = await webhookReceiver(1);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'webhook-restart-'));
    try {
      const first = await startTestServer({
        DATA_DIR: dataDir,
        WEBHOOK_RETRY_BASE_MS: '1500',
        WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
      });
      const w = await referredCase(first, hook.url);
      await until(() => hook.attempts.length === 1);
      await first.close();
      expect(hook.accepted.size).toBe(0);
      const second = await startTestServer({
        DATA_DIR: dataDir,
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
      });
      try {
        await until(() => hook.accepted.size === 1);
        await new Promise((r) => setTimeout(r, 800));
        expect(hook.attempts.map((a) => a.key)).toEqual([w.webhookDelivery, w.webhookDelivery]);
        expect(hook.accepted.size).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await hook.close();
    }

    const never = await webhookReceiver(1_000);
    const t = await startTestServer({
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    });
    try {
      const w = await referredCase(t, never.url);
      await until(async () => {
        const { deliveries } = await w.api.ok<{ deliveries: { status: string }[] }>(
          'GET',
          `/institutions/${w.institutionId}/webhooks`,
          w.clerk,
        );
        return deliveries[0]?.status === 'dead';
      });
      const { deliveries } = await w.api.ok<{ deliveries: Record<string, unknown>[] }>(
        'GET',
        `/institutions/${w.institutionId}/webhooks`,
        w.clerk,
      );
      expect(deliveries[0]).toMatchObject({ status: 'dead', attempts: 3 });
      expect(String(deliveries[0]!['lastError'])).toContain('HTTP 500');
      await new Promise((r) => setTimeout(r, 300));
      expect(never.attempts).toHaveLength(3);
      // The clerk queues the dead letter again: attempted anew under the same idempotency key.
      const retryPath = `/institutions/${w.institutionId}/webhooks/${w.webhookDelivery}/retry`;
      const retried = await w.api.ok<{ delivery: { status: string; attempts: number } }>(
        'POST',
        retryPath,
        w.clerk,
      );
      expect(retried.delivery).toMatchObject({ status: 'pending', attempts: 0 });
      await until(() => never.attempts.length >= 4);
      expect(new Set(never.attempts.map((a) => a.key))).toEqual(new Set([w.webhookDelivery]));
      // Nobody but a clerk of the organisation re-queues; an unknown delivery is missing.
      expect((await w.api.call('POST', retryPath)).status).toBe(401);
      expect(
        (
          await w.api.call(
            'POST',
            `/institutions/${w.institutionId}/webhooks/00000000-0000-0000-0000-000000000000/retry`,
            w.clerk,
          )
        ).status,
      ).toBe(404);
    } finally {
      await t.close();
      await never.close();
    }
  });
});
