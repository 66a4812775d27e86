/**
 * Joint application bundles, end to end through the API on a case settled
 * the way users settle one: the court receives the bundle on its webhook
 * exactly once (signed, idempotent, retried), the delivery and its receipt
 * are recorded, the court downloads the same bytes and verifies them offline
 * with the built CLI, and one altered byte fails. A joint application is
 * refused until its documents exist; confidential caucus material stays
 * out unless both parties agree; nobody reads a bundle that is not theirs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MANIFEST_TYPE } from '../../recordings/manifest.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import { PdfRenderer } from '../../server/documents/PdfRenderer.js';
import { verifyReference } from '../../server/references/reference.js';
import { verifyReferenceFiles } from '../../server/cli/verify-reference.js';
import { verifyBundle } from '../../server/references/bundle.js';
import { readZip, writeZip } from '../../server/references/zip.js';
import { verifyJws, type Jwks } from '../../server/signing/jws.js';
import {
  apiClient,
  errorBody,
  errorMessage,
  errorReason,
  pngBytes,
  sha256sum,
  twoPagePdf,
  type Api,
} from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase, type SettledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';
import { expectSandboxedFile } from '../support/untrustedInputs.js';

interface BundleView {
  id: string;
  sha256: string;
  size: number;
  fileCount: number;
  referralId: string;
  delivery: { id: string; status: string; attempts: number; receipt: string | null } | null;
}

describe('joint application bundles', () => {
  let t: TestServer;
  let api: Api;
  let hook: Receiver;
  let w: SettledCase;
  let jwks: Jwks;
  let court: { id: string; apiKey: string };
  let identitySha: string;
  let ordinaryId: string;
  const idCard = pngBytes();
  let bundle: BundleView;

  const courtToken = async (c: { id: string; apiKey: string }) =>
    (
      await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
        institutionId: c.id,
        apiKey: c.apiKey,
      })
    ).token;

  const download = async (url: string, token: string) => {
    const res = await fetch(`${t.url}/api${url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status === 200) expectSandboxedFile(res.headers, url);
    return {
      status: res.status,
      sha256: res.headers.get('x-content-sha256'),
      type: res.headers.get('content-type'),
      bytes: Buffer.from(await res.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    hook = await webhookReceiver(1);
    t = await startTestServer({
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    });
    api = apiClient(t.url);
    w = await settledCase(t, api);
    jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const registered = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind: 'court', name: '上海市某区人民法院', webhookUrl: hook.url },
    );
    court = { id: registered.institution.id, apiKey: registered.apiKey };
    // The applicant's identity card, the respondent's authorisation, and ordinary evidence.
    const id = await api.upload(w.caseId, w.tokens.applicant, idCard, '身份证.png', {
      title: '申请人身份证',
      purpose: '证明申请人身份',
      category: 'identity',
    });
    expect(id.status).toBe(201);
    identitySha = (id.body as { item: { sha256: string } }).item.sha256;
    const auth = await api.upload(
      w.caseId,
      w.tokens.respondent,
      twoPagePdf('授权委托书'),
      '授权委托书.pdf',
      { title: '法定代表人授权委托书', purpose: '证明委托权限', category: 'authorisation' },
    );
    expect(auth.status).toBe(201);
    const ordinary = await api.upload(w.caseId, w.tokens.applicant, twoPagePdf(), '工资条.pdf', {
      title: '工资条',
    });
    expect(ordinary.status).toBe(201);
    ordinaryId = (ordinary.body as { item: { id: string } }).item.id;
  });
  afterAll(async () => {
    await t.close();
    await hook.close();
  });

  it('refuses a joint application until the application is issued, and records nothing', async () => {
    const r = await api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
      institutionId: court.id,
      kind: 'judicial_confirmation',
    });
    expect(r.status).toBe(409);
    expect(errorReason(r)).toBe('JUDICIAL_APPLICATION_NOT_ISSUED');
    const listed = await api.ok<{ referrals: unknown[]; bundles: unknown[] }>(
      'GET',
      `/cases/${w.caseId}/referrals`,
      w.clerk,
    );
    expect(listed).toEqual({ referrals: [], bundles: [] });
    expect(hook.attempts).toHaveLength(0);
  });

  it('delivers the bundle to the court once, signed; keeps the receipt; the court verifies it offline', async () => {
    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [w.applicant.id, w.respondent.id],
    });
    // A party cannot refer the case.
    expect(
      (
        await api.call('POST', `/cases/${w.caseId}/referrals`, w.tokens.applicant, {
          institutionId: court.id,
          kind: 'judicial_confirmation',
        })
      ).status,
    ).toBe(403);
    const referred = await api.call('POST', `/cases/${w.caseId}/referrals`, w.mediator, {
      institutionId: court.id,
      kind: 'judicial_confirmation',
    });
    expect(referred.status).toBe(201);
    bundle = (referred.body as { bundle: BundleView }).bundle;
    expect(bundle.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The receiver fails once, then accepts: two attempts, one key, one accepted body.
    await until(() => hook.accepted.size === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.attempts).toHaveLength(2);
    expect(new Set(hook.attempts.map((a) => a.key))).toEqual(new Set([bundle.delivery!.id]));
    const body = hook.accepted.get(bundle.delivery!.id)!;
    expect(hook.attempts[1]).toMatchObject({
      contentType: 'application/zip',
      event: 'bundle.exported',
    });
    expect(sha256sum(body)).toBe(bundle.sha256);
    const signed = (
      await verifyJws<{ sha256: string; deliveryId: string }>(hook.attempts[1]!.signature, jwks, {
        typ: 'mediation-webhook+jws',
      })
    ).payload;
    expect(signed).toMatchObject({ sha256: bundle.sha256, deliveryId: bundle.delivery!.id });

    // What the court received verifies whole and holds what a joint application needs.
    const checked = await verifyBundle(body, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    const roles = checked.manifest.files.map((f) => f.role);
    expect(roles.filter((r) => r === 'application')).toHaveLength(1);
    expect(roles.filter((r) => r === 'agreement')).toHaveLength(1);
    expect(roles.filter((r) => r === 'identity')).toHaveLength(1);
    expect(roles.filter((r) => r === 'authorisation')).toHaveLength(1);
    // Both parties were served the agreement and the application: four certificates.
    expect(roles.filter((r) => r === 'certificate')).toHaveLength(4);
    expect(roles).toContain('reference');
    // Each certificate's hash is fixed in the chain by its rendering, and the reference lists it.
    const certificates = checked.manifest.files.filter((f) => f.role === 'certificate');
    expect(certificates.every((f) => f.fixedBy !== null)).toBe(true);
    expect(
      checked.reference.items
        .filter((i) => i.kind === 'certificate')
        .map((i) => i.sha256)
        .sort(),
    ).toEqual(certificates.map((f) => f.sha256).sort());
    expect(checked.manifest.files.map((f) => f.title).join()).not.toContain('工资条');
    const identity = checked.manifest.files.find((f) => f.role === 'identity')!;
    expect(identity.sha256).toBe(identitySha);
    expect(identity.fixedBy).not.toBeNull();
    const files = new Map(readZip(body).map((e) => [e.path, e.bytes]));
    expect(files.get(identity.path)!.equals(idCard)).toBe(true);
    expect(
      files
        .get(checked.manifest.files.find((f) => f.role === 'agreement')!.path)!
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(checked.manifest).toMatchObject({
      kind: 'judicial_confirmation',
      institution: { id: court.id },
      disclosureAgreed: false,
    });

    // The clerk sees the delivery with the court's receipt; the chain records export and delivery.
    const listed = await api.ok<{ referrals: { kind: string }[]; bundles: BundleView[] }>(
      'GET',
      `/cases/${w.caseId}/referrals`,
      w.clerk,
    );
    expect(listed.referrals.map((r) => r.kind)).toEqual(['judicial_confirmation']);
    expect(listed.bundles[0]!.delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(listed.bundles[0]!.delivery!.receipt).toContain('R-1');
    const events = await new SqlAuditLog(t.server.database).list(w.caseId);
    const exported = events.find((e) => e.action === 'bundle.exported')!;
    expect(JSON.parse(exported.payload)).toMatchObject({ sha256: bundle.sha256 });
    const delivered = events.find((e) => e.action === 'institution.webhook-delivered')!;
    expect(JSON.parse(delivered.payload)).toMatchObject({
      sha256: bundle.sha256,
      event: 'bundle.exported',
      attempts: 2,
    });
    // The judicial confirmation window is met by the application.
    const deadlines = await new SqlCaseRepository(t.server.database).listDeadlines(w.caseId);
    expect(deadlines.find((d) => d.kind === 'judicial_confirmation')?.status).toBe('met');

    // The court downloads the same bytes through its API, an audited access.
    const token = await courtToken(court);
    const own = await api.ok<{ bundles: { id: string }[] }>(
      'GET',
      `/institution/cases/${w.caseId}/bundles`,
      token,
    );
    expect(own.bundles.map((b) => b.id)).toEqual([bundle.id]);
    const got = await download(`/institution/cases/${w.caseId}/bundles/${bundle.id}`, token);
    expect(got).toMatchObject({ status: 200, type: 'application/zip', sha256: bundle.sha256 });
    expect(got.bytes.equals(body)).toBe(true);
    const accessed = (await new SqlAuditLog(t.server.database).list(w.caseId)).filter(
      (e) => e.action === 'institution.accessed' && e.target === `bundle/${bundle.id}`,
    );
    expect(accessed).toHaveLength(1);

    // Offline, with the built CLI; then one byte altered anywhere fails.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      const zipFile = path.join(dir, 'bundle.zip');
      const jwksFile = path.join(dir, 'jwks.json');
      writeFileSync(zipFile, got.bytes);
      writeFileSync(jwksFile, JSON.stringify(jwks));
      const cli = spawnSync(
        process.execPath,
        ['dist/server/cli/verify-reference.js', zipFile, '--jwks', jwksFile],
        { encoding: 'utf8' },
      );
      expect(cli.status, cli.stdout + cli.stderr).toBe(0);
      expect(cli.stdout).toContain('verified: judicial_confirmation bundle');
      const step = Math.floor(got.bytes.length / 40);
      for (let i = 0; i < got.bytes.length; i += step) {
        const altered = Buffer.from(got.bytes);
        altered[i] = altered[i]! ^ 0x20;
        writeFileSync(zipFile, altered);
        const r = await verifyReferenceFiles([zipFile, '--jwks', jwksFile]);
        expect(r.exitCode, `byte ${i}: ${r.lines.join()}`).toBe(1);
      }
      // A certificate swapped for another PDF, the archive rebuilt cleanly: still refused.
      const swapped = readZip(got.bytes).map((e) =>
        e.path.startsWith('05-certificates/') ? { ...e, bytes: twoPagePdf('伪造') } : e,
      );
      writeFileSync(zipFile, writeZip(swapped));
      const r = await verifyReferenceFiles([zipFile, '--jwks', jwksFile]);
      expect(r.exitCode).toBe(1);
      expect(r.lines.join()).toContain('SHA-256 differs from the manifest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets nobody else read the bundle', async () => {
    // Another court of the organisation, not referred: the case reads as missing.
    const other = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind: 'court', name: '上海市另一区人民法院' },
    );
    const otherToken = await courtToken({ id: other.institution.id, apiKey: other.apiKey });
    expect(
      (await download(`/institution/cases/${w.caseId}/bundles/${bundle.id}`, otherToken)).status,
    ).toBe(404);
    expect(
      (await api.call('GET', `/institution/cases/${w.caseId}/bundles`, otherToken)).status,
    ).toBe(404);
    // Staff of the case download it; a party or no token cannot; a court token is not staff.
    const staffPath = `/cases/${w.caseId}/bundles/${bundle.id}/file`;
    const staff = await download(staffPath, w.mediator);
    expect(staff).toMatchObject({ status: 200, sha256: bundle.sha256 });
    expect((await download(staffPath, w.tokens.applicant)).status).toBe(403);
    expect((await download(staffPath, await courtToken(court))).status).toBe(401);
    expect((await fetch(`${t.url}/api${staffPath}`)).status).toBe(401);
    // A party cannot list referrals either.
    expect((await api.call('GET', `/cases/${w.caseId}/referrals`, w.tokens.applicant)).status).toBe(
      403,
    );
  });

  it('leaves confidential caucus material out unless both parties agree, and withholds its events', async () => {
    // A finished recording of a session whose caucus the mediator chose to record (its
    // record, signed manifest and manifest event stored as the recording service leaves them).
    const recordingId = '5d3c1c1e-0000-4000-8000-000000000001';
    const manifest = await t.server.keys.sign(
      { recordingId, caseId: w.caseId, tracks: [], gaps: [] },
      MANIFEST_TYPE,
    );
    const manifestSha = sha256sum(Buffer.from(manifest));
    const directory = t.server.recordings.directoryOf(recordingId);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, 'manifest.jws'), manifest);
    const { sessions } = await api.ok<{ sessions: { id: string }[] }>(
      'GET',
      `/cases/${w.caseId}`,
      w.clerk,
    );
    await new SqlRecordingRepository(t.server.database).insert({
      id: recordingId,
      caseId: w.caseId,
      sessionId: sessions[0]!.id,
      status: 'complete',
      startedAt: '2026-03-10T02:00:00.000Z',
      startedBy: w.staff.mediator.id,
      stoppedAt: '2026-03-10T03:00:00.000Z',
      stopReason: 'stopped',
      privatePhases: [
        {
          from: '2026-03-10T02:20:00.000Z',
          to: '2026-03-10T02:30:00.000Z',
          participantIds: [w.respondent.id],
          recorded: true,
        },
      ],
      compositeStatus: 'complete',
      compositeProgress: 1,
      composite: null,
      manifestSha256: manifestSha,
      manifestKid: null,
      completedAt: '2026-03-10T03:01:00.000Z',
    });
    await new SqlAuditLog(t.server.database).append({
      caseId: w.caseId,
      actorId: 'system',
      actorRole: 'system',
      action: 'recording.manifest-signed',
      target: recordingId,
      payload: { manifestSha256: manifestSha, composite: 'b'.repeat(64), gaps: 0 },
    });
    const courtReference = async () => {
      const { reference } = await api.ok<{ reference: string }>(
        'GET',
        `/institution/cases/${w.caseId}/reference`,
        await courtToken(court),
      );
      const r = await verifyReference(reference, jwks);
      if (!r.ok) throw new Error(r.reason);
      return r.reference;
    };
    const closedRef = await courtReference();
    expect(closedRef.excluded).toContainEqual(
      expect.objectContaining({ kind: 'recording', id: recordingId }),
    );
    expect(closedRef.items.some((i) => i.id === recordingId)).toBe(false);
    expect(
      closedRef.chain.events.filter((e) => e.target === recordingId).every((e) => e.withheld),
    ).toBe(true);

    // A document shown in a caucus, kept confidential by the mediator.
    const secret = await api.upload(w.caseId, w.tokens.respondent, pngBytes(), '保密.png', {
      title: '背靠背出示的营业执照',
      purpose: '仅供调解员参考',
      category: 'identity',
    });
    const secretId = (secret.body as { item: { id: string } }).item.id;
    await api.ok('POST', `/cases/${w.caseId}/evidence/${secretId}/visibility`, w.mediator, {
      confidential: true,
    });
    const reexport = async () =>
      (
        await api.ok<{ bundle: BundleView }>(
          'POST',
          `/cases/${w.caseId}/referrals/${bundle.referralId}/bundle`,
          w.mediator,
        )
      ).bundle;
    const bytesOf = async (b: BundleView) =>
      (await download(`/cases/${w.caseId}/bundles/${b.id}/file`, w.clerk)).bytes;

    const closed = await bytesOf(await reexport());
    const first = await verifyBundle(closed, jwks);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.manifest.excluded.map((x) => x.id)).toContain(secretId);
    expect(first.manifest.files.some((f) => f.source.id === secretId)).toBe(false);
    // Its events are in the chain (which verifies) but say nothing: not even its title.
    const held = first.reference.chain.events.filter((e) => e.target === secretId);
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(held.every((e) => e.withheld && e.payload === '')).toBe(true);
    expect(first.reference.disclosure).toMatchObject({ agreed: false });
    expect(closed.includes(Buffer.from('背靠背出示的营业执照'))).toBe(false);

    // Staff cannot agree for the parties; one side alone is not enough.
    const byStaff = await api.call('POST', `/cases/${w.caseId}/disclosure`, w.mediator, {
      agree: true,
    });
    expect(byStaff.status).toBe(403);
    const malformed = await api.call('POST', `/cases/${w.caseId}/disclosure`, w.tokens.applicant, {
      agree: 'yes',
    });
    expect(malformed.status).toBe(400);
    const one = await api.ok<{ agreed: boolean; sides: Record<string, boolean> }>(
      'POST',
      `/cases/${w.caseId}/disclosure`,
      w.tokens.applicant,
      { agree: true },
    );
    expect(one).toMatchObject({ agreed: false, sides: { applicant: true, respondent: false } });
    const both = await api.ok<{ agreed: boolean }>(
      'POST',
      `/cases/${w.caseId}/disclosure`,
      w.tokens.respondent,
      { agree: true },
    );
    expect(both.agreed).toBe(true);
    const openRef = await courtReference();
    expect(openRef.excluded.some((x) => x.id === recordingId)).toBe(false);
    expect(openRef.items.filter((i) => i.id === recordingId).map((i) => i.kind)).toEqual([
      'recording-manifest',
      'recording-composite',
    ]);
    const open = await bytesOf(await reexport());
    const second = await verifyBundle(open, jwks);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.manifest.disclosureAgreed).toBe(true);
    expect(second.manifest.files.some((f) => f.source.id === secretId)).toBe(true);
    expect(second.reference.chain.events.some((e) => e.withheld)).toBe(false);

    // Withdrawn by one side: closed again.
    await api.ok('POST', `/cases/${w.caseId}/disclosure`, w.tokens.respondent, { agree: false });
    const state = await api.ok<{ agreed: boolean }>(
      'GET',
      `/cases/${w.caseId}/disclosure`,
      w.clerk,
    );
    expect(state.agreed).toBe(false);
    const third = await verifyBundle(await bytesOf(await reexport()), jwks);
    expect(third.ok && third.manifest.files.some((f) => f.source.id === secretId)).toBe(false);
  });

  it('lets staff or the submitting side correct a category, which the next bundle follows', async () => {
    const path = `/cases/${w.caseId}/evidence/${ordinaryId}/category`;
    // The other side does not even see an unshared item; once shared, it still may not change it.
    expect(
      (await api.call('POST', path, w.tokens.respondent, { category: 'identity' })).status,
    ).toBe(404);
    await api.ok(
      'POST',
      `/cases/${w.caseId}/evidence/${ordinaryId}/visibility`,
      w.tokens.applicant,
      {
        shared: true,
      },
    );
    const other = await api.call('POST', path, w.tokens.respondent, { category: 'identity' });
    expect(other.status).toBe(403);
    expect(errorReason(other)).toBe('SUBMITTER_OR_STAFF_CATEGORISES');
    expect((await api.call('POST', path, w.clerk, { category: 'passport' })).status).toBe(400);
    expect((await api.call('POST', path, undefined, { category: 'identity' })).status).toBe(401);
    // The clerk files the payslip as an authorisation by mistake… and the next bundle carries it.
    const changed = await api.ok<{ category: string; sha256: string }>('POST', path, w.clerk, {
      category: 'authorisation',
    });
    expect(changed.category).toBe('authorisation');
    const { bundle: next } = await api.ok<{ bundle: BundleView }>(
      'POST',
      `/cases/${w.caseId}/referrals/${bundle.referralId}/bundle`,
      w.mediator,
    );
    const bytes = (await download(`/cases/${w.caseId}/bundles/${next.id}/file`, w.clerk)).bytes;
    const checked = await verifyBundle(bytes, jwks);
    expect(checked.ok && checked.manifest.files.some((f) => f.source.id === ordinaryId)).toBe(true);
    // The applicant, who submitted it, puts it back; each change is in the chain.
    await api.ok('POST', path, w.tokens.applicant, { category: 'evidence' });
    const changes = (await new SqlAuditLog(t.server.database).list(w.caseId))
      .filter((e) => e.action === 'evidence.categorised' && e.target === ordinaryId)
      .map((e) => JSON.parse(e.payload) as { from: string; to: string });
    expect(changes).toEqual([
      { itemId: ordinaryId, from: 'evidence', to: 'authorisation' },
      { itemId: ordinaryId, from: 'authorisation', to: 'evidence' },
    ]);
  });
});

describe('a bundle over the size limit', () => {
  it('is refused before the referral is recorded, naming the sizes and what to check', async () => {
    const t = await startTestServer({ BUNDLE_MAX_BYTES: '200000' });
    try {
      const api = apiClient(t.url);
      const w = await settledCase(t, api);
      await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
        kind: 'judicial_confirmation_application',
        recipients: [w.applicant.id],
      });
      const scan = Buffer.concat([pngBytes(), Buffer.alloc(300_000, 7)]);
      const up = await api.upload(w.caseId, w.tokens.applicant, scan, '身份证.png', {
        title: '身份证（高清扫描）',
        purpose: '证明身份',
        category: 'identity',
      });
      expect(up.status).toBe(201);
      const { institution } = await api.ok<{ institution: { id: string } }>(
        'POST',
        '/institutions',
        w.clerk,
        { kind: 'court', name: '某区人民法院' },
      );
      const r = await api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
        institutionId: institution.id,
        kind: 'judicial_confirmation',
      });
      expect(r.status).toBe(409);
      expect(errorBody(r)).toMatchObject({ reason: 'BUNDLE_TOO_LARGE', params: { limitMb: 1 } });
      expect(errorMessage(r)).toMatch(/over the 1 MB limit/);
      expect(await api.ok('GET', `/cases/${w.caseId}/referrals`, w.clerk)).toEqual({
        referrals: [],
        bundles: [],
      });
    } finally {
      await t.close();
    }
  });
});

describe('service certificates in bundles', () => {
  it('are rendered once per delivery step and kept: exports and downloads carry the same bytes; an altered copy is refused', async () => {
    const t = await startTestServer();
    const renders = vi.spyOn(PdfRenderer.prototype, 'render');
    try {
      const api = apiClient(t.url);
      const w = await settledCase(t, api);
      await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
        kind: 'judicial_confirmation_application',
        recipients: [w.applicant.id, w.respondent.id],
      });
      const { institution } = await api.ok<{ institution: { id: string } }>(
        'POST',
        '/institutions',
        w.clerk,
        { kind: 'court', name: '某区人民法院' },
      );
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
      const certificatesOf = async (id: string): Promise<Map<string, string>> => {
        const res = await fetch(`${t.url}/api/cases/${w.caseId}/bundles/${id}/file`, {
          headers: { authorization: `Bearer ${w.clerk}` },
        });
        const zip = Buffer.from(await res.arrayBuffer());
        const checked = await verifyBundle(zip, jwks);
        expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
        const files = new Map(readZip(zip).map((e) => [e.path, e.bytes]));
        const listed = checked.ok ? checked.manifest.files : [];
        return new Map(
          listed
            .filter((f) => f.role === 'certificate')
            .map((f) => [f.source.id, sha256sum(files.get(f.path)!)]),
        );
      };
      const certificate = (deliveryId: string) =>
        fetch(`${t.url}/api/cases/${w.caseId}/deliveries/${deliveryId}/certificate`, {
          headers: { authorization: `Bearer ${w.clerk}` },
        });

      const first = await api.ok<{ bundle: BundleView }>(
        'POST',
        `/cases/${w.caseId}/referrals`,
        w.mediator,
        { institutionId: institution.id, kind: 'judicial_confirmation' },
      );
      const before = await certificatesOf(first.bundle.id);
      expect(before.size).toBe(4);
      // The second export renders nothing: every certificate is the kept copy, byte for byte.
      renders.mockClear();
      const second = await api.ok<{ bundle: BundleView }>(
        'POST',
        `/cases/${w.caseId}/referrals/${first.bundle.referralId}/bundle`,
        w.mediator,
      );
      expect(renders).not.toHaveBeenCalled();
      expect(second.bundle.id).not.toBe(first.bundle.id);
      expect(await certificatesOf(second.bundle.id)).toEqual(before);
      // A download is the same copy, twice.
      const [deliveryId, sha] = [...before][0]!;
      for (let i = 0; i < 2; i++) {
        const res = await certificate(deliveryId);
        expect(res.status).toBe(200);
        expect(sha256sum(Buffer.from(await res.arrayBuffer()))).toBe(sha);
        expect(res.headers.get('x-content-sha256')).toBe(sha);
      }
      expect(renders).not.toHaveBeenCalled();
      // The chain says which certificate each serving gave and whether it was rendered.
      const served = (await new SqlAuditLog(t.server.database).list(w.caseId))
        .filter((e) => e.action === 'delivery.certificate' && e.target === deliveryId)
        .map((e) => JSON.parse(e.payload) as { certificateSha256: string; rendered: boolean });
      expect(served.map((p) => p.certificateSha256)).toEqual(served.map(() => sha));
      expect(served.filter((p) => p.rendered)).toHaveLength(1);

      // A later step of one delivery: its certificate, and only its, is rendered anew.
      const { deliveries } = await api.ok<{
        deliveries: { id: string; recipientId: string }[];
      }>('GET', `/cases/${w.caseId}/documents`, w.clerk);
      const mine = deliveries.find((d) => before.has(d.id) && d.recipientId === w.applicant.id)!;
      await api.ok(
        'POST',
        `/cases/${w.caseId}/deliveries/${mine.id}/paper-copy`,
        w.tokens.applicant,
        {},
      );
      const third = await api.ok<{ bundle: BundleView }>(
        'POST',
        `/cases/${w.caseId}/referrals/${first.bundle.referralId}/bundle`,
        w.mediator,
      );
      expect(renders).toHaveBeenCalledTimes(1);
      const after = await certificatesOf(third.bundle.id);
      expect(after.get(mine.id)).not.toBe(before.get(mine.id));
      expect([...after].filter(([id]) => id !== mine.id)).toEqual(
        [...before].filter(([id]) => id !== mine.id),
      );

      // A kept copy altered in the store is refused, not rendered again in its place.
      const kept = await t.server.database.get<{ blob_key: string }>(
        'SELECT blob_key FROM delivery_certificates WHERE delivery_id = ? ORDER BY through_seq DESC',
        [deliveryId],
      );
      const file = path.join(t.dataDir, 'documents', kept!.blob_key);
      const altered = readFileSync(file);
      altered.writeUInt8(altered.readUInt8(altered.length - 10) ^ 0xff, altered.length - 10);
      writeFileSync(file, altered);
      renders.mockClear();
      const refused = await api.call(
        'GET',
        `/cases/${w.caseId}/deliveries/${deliveryId}/certificate`,
        w.clerk,
      );
      expect(refused.status).toBe(500);
      expect(errorReason(refused)).toBe('STORED_DOCUMENT_CORRUPT');
      const exported = await api.call(
        'POST',
        `/cases/${w.caseId}/referrals/${first.bundle.referralId}/bundle`,
        w.mediator,
      );
      expect(errorReason(exported)).toBe('STORED_DOCUMENT_CORRUPT');
      expect(renders).not.toHaveBeenCalled();
    } finally {
      renders.mockRestore();
      await t.close();
    }
  });
});
