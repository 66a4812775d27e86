/**
 * The payment-order pack (支付令申请材料, 劳动争议调解仲裁法第十六条) through the
 * API: refused (409 with its code) when the case does not qualify — claims
 * outside the four kinds, deadline not passed, no effective agreement — or
 * when sent to an arbitration commission, and refused to the respondent
 * side and to staff who name no worker's request; produced by the worker,
 * delivered to the court's webhook with the bytes it stored, verified
 * offline by the CLI. A paper-signed agreement goes into the
 * judicial-confirmation bundle and the pack with the scan of the signed paper,
 * verifiable the same way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReferenceFiles } from '../../server/cli/verify-reference.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { verifyBundle } from '../../server/references/bundle.js';
import { readZip } from '../../server/references/zip.js';
import type { Jwks } from '../../server/signing/jws.js';
import { registrationInput } from '../support/cases.js';
import {
  apiClient,
  errorBody,
  errorCode,
  errorReason,
  sha256sum,
  type Api,
} from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

interface Pack {
  id: string;
  sha256: string;
  size: number;
  fileCount: number;
  delivery: { id: string; status: string } | null;
}

/** A performance deadline long past, and one years ahead. */
const PASSED = '2026-01-30';
const AHEAD = '2030-06-28';

describe('payment-order pack (支付令)', () => {
  let t: TestServer;
  let api: Api;
  let hook: Receiver;
  let jwks: Jwks;
  let court: string;
  let courtKey: string;
  let commission: string;

  beforeAll(async () => {
    hook = await webhookReceiver(0);
    t = await startTestServer({
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    });
    api = apiClient(t.url);
    jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  /** A settled case (each in an organisation of its own) and its court and arbitration commission. */
  const settled = async (options: Parameters<typeof settledCase>[2]) => {
    const w = await settledCase(t, api, options);
    const register = async (kind: string, name: string) =>
      await api.ok<{ institution: { id: string }; apiKey: string }>(
        'POST',
        '/institutions',
        w.clerk,
        {
          kind,
          name,
          webhookUrl: hook.url,
        },
      );
    const registered = await register('court', '上海市某区人民法院');
    court = registered.institution.id;
    courtKey = registered.apiKey;
    commission = (await register('arbitration', '某区劳动人事争议仲裁委员会')).institution.id;
    return w;
  };

  it('is refused with PAYMENT_ORDER_NOT_ELIGIBLE for other claims, a deadline not passed, or no effective agreement', async () => {
    const other = await settled({ claimTypes: ['other'], performanceDeadline: PASSED });
    const ahead = await settled({ performanceDeadline: AHEAD });
    const registered = await api.ok<{ id: string }>(
      'POST',
      '/cases',
      ahead.clerk,
      registrationInput(),
    );
    for (const [caseId, token, reason] of [
      [other.caseId, other.tokens.applicant, 'claim_type'],
      [ahead.caseId, ahead.tokens.applicant, 'deadline_not_passed'],
    ] as const) {
      const status = await api.ok<{ eligible: boolean; reasons: string[] }>(
        'GET',
        `/cases/${caseId}/payment-order`,
        token,
      );
      expect(status).toMatchObject({ eligible: false, reasons: [reason] });
      const r = await api.call('POST', `/cases/${caseId}/payment-order`, token, {
        institutionId: court,
      });
      expect(r.status).toBe(409);
      expect(errorCode(r)).toBe('PAYMENT_ORDER_NOT_ELIGIBLE');
      // What is unmet travels as the same codes the status lists; the client renders them.
      expect(errorBody(r)).toMatchObject({
        reason: 'PAYMENT_ORDER_NOT_ELIGIBLE',
        params: { unmet: [reason] },
      });
    }
    const r = await api.call('POST', `/cases/${registered.id}/payment-order`, ahead.clerk, {
      institutionId: court,
      requestedBy: ahead.applicant.id,
    });
    // Another case, the same organisation: the clerk names no person of that case.
    expect(r.status).toBe(400);
    const { people } = await api.ok<{ people: { id: string; kind: string }[] }>(
      'GET',
      `/cases/${registered.id}`,
      ahead.clerk,
    );
    const worker = people.find((p) => p.kind === 'applicant')!.id;
    const notEffective = await api.call(
      'POST',
      `/cases/${registered.id}/payment-order`,
      ahead.clerk,
      { institutionId: court, requestedBy: worker },
    );
    expect(notEffective.status).toBe(409);
    expect(errorCode(notEffective)).toBe('PAYMENT_ORDER_NOT_ELIGIBLE');
    expect(errorBody(notEffective)).toMatchObject({
      params: { unmet: ['agreement_not_effective'] },
    });
    expect(hook.attempts).toHaveLength(0);
  });

  it('goes to a court only, and only on the worker’s side; the court receives the bytes that verify offline', async () => {
    const w = await settled({ performanceDeadline: PASSED });
    const path_ = `/cases/${w.caseId}/payment-order`;
    const status = await api.ok<{
      eligible: boolean;
      performanceDueOn: string;
      courts: { id: string }[];
      mayProduce: boolean;
    }>('GET', path_, w.tokens.applicant);
    expect(status).toMatchObject({ eligible: true, performanceDueOn: PASSED, mayProduce: true });
    expect(status.courts.map((c) => c.id)).toEqual([court]);

    const toCommission = await api.call('POST', path_, w.tokens.applicant, {
      institutionId: commission,
    });
    expect(toCommission.status).toBe(409);
    expect(errorCode(toCommission)).toBe('WRONG_INSTITUTION_KIND');
    expect(errorReason(toCommission)).toBe('PAYMENT_ORDER_COURT_ONLY');
    // The employer does not apply for a payment order against itself, nor see the worker's.
    const byRespondent = await api.call('POST', path_, w.tokens.respondent, {
      institutionId: court,
    });
    expect(byRespondent.status).toBe(403);
    expect(errorReason(byRespondent)).toBe('PAYMENT_ORDER_APPLICANT_ONLY');
    expect((await api.call('GET', path_, w.tokens.respondent)).status).toBe(404);
    // Staff act only on a named request of the worker.
    const unnamed = await api.call('POST', path_, w.clerk, { institutionId: court });
    expect(unnamed.status).toBe(400);
    expect(errorReason(unnamed)).toBe('PAYMENT_ORDER_REQUESTER_REQUIRED');
    const forRespondent = await api.call('POST', path_, w.clerk, {
      institutionId: court,
      requestedBy: w.respondent.id,
    });
    expect(forRespondent.status).toBe(400);
    expect(hook.attempts).toHaveLength(0);

    const made = await api.call('POST', path_, w.tokens.applicant, { institutionId: court });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const pack = (made.body as { pack: Pack }).pack;
    await until(() => pack.delivery !== null && hook.accepted.has(pack.delivery.id));
    const body = hook.accepted.get(pack.delivery!.id)!;
    expect(sha256sum(body)).toBe(pack.sha256);
    expect(hook.attempts.at(-1)).toMatchObject({
      contentType: 'application/zip',
      event: 'payment_order.exported',
    });
    // The stored pack, downloaded by the worker and by the court, is the same bytes.
    const res = await fetch(`${t.url}/api${path_}/${pack.id}/file`, {
      headers: { authorization: `Bearer ${w.tokens.applicant}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    const { token } = await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
      institutionId: court,
      apiKey: courtKey,
    });
    const pulled = await fetch(
      `${t.url}/api/institution/cases/${w.caseId}/payment-orders/${pack.id}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(pulled.status).toBe(200);
    // The court's case list shows the case it received only a pack for.
    const listed = await fetch(`${t.url}/api/institution/cases`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { cases } = (await listed.json()) as {
      cases: {
        caseId: string;
        referrals: unknown[];
        paymentOrders: { id: string; sha256: string }[];
      }[];
    };
    expect(cases.find((c) => c.caseId === w.caseId)?.paymentOrders).toEqual([
      expect.objectContaining({ id: pack.id, sha256: pack.sha256 }),
    ]);
    expect(pulled.headers.get('x-content-sha256')).toBe(pack.sha256);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(body)).toBe(true);

    const checked = await verifyBundle(body, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    expect(checked.manifest).toMatchObject({
      kind: 'payment_order',
      institution: { id: court, kind: 'court' },
    });
    const roles = checked.manifest.files.map((f) => f.role);
    expect(roles.filter((r) => r === 'payment_order_application')).toHaveLength(1);
    expect(roles.filter((r) => r === 'agreement')).toHaveLength(1);
    // The agreement was served on both parties: two certificates.
    expect(roles.filter((r) => r === 'certificate')).toHaveLength(2);
    expect(roles).toContain('reference');
    const application = checked.manifest.files.find((f) => f.role === 'payment_order_application')!;
    expect(application.fixedBy).not.toBeNull();
    const files = new Map(readZip(body).map((e) => [e.path, e.bytes]));
    expect(files.get(application.path)!.subarray(0, 5).toString()).toBe('%PDF-');

    const events = await new SqlAuditLog(t.server.database).list(w.caseId);
    expect(JSON.parse(events.find((e) => e.action === 'paymentOrder.sent')!.payload)).toMatchObject(
      { sha256: pack.sha256, requestedBy: w.applicant.id },
    );
    await verifyOffline(body, 'verified: payment_order bundle');
  });

  it('sends one pack per court, however often or from however many tabs the worker presses send', async () => {
    const w = await settled({ performanceDeadline: PASSED });
    const path_ = `/cases/${w.caseId}/payment-order`;
    const send = () => api.call('POST', path_, w.tokens.applicant, { institutionId: court });
    const [a, b] = await Promise.all([send(), send()]);
    const again = await send();
    const ids = [a, b, again].map((r) => (r.body as { pack: Pack }).pack.id);
    expect([a.status, b.status, again.status]).toEqual([201, 201, 201]);
    expect(new Set(ids).size).toBe(1);
    const status = await api.ok<{ packs: Pack[] }>('GET', path_, w.tokens.applicant);
    expect(status.packs.map((p) => p.id)).toEqual([ids[0]]);
  });

  it('bundles a paper-signed agreement with the scan of the signed paper, for judicial confirmation and for the payment order', async () => {
    const w = await settled({ performanceDeadline: PASSED, paper: true });
    // The agreement reads as effective by its paper signing (no seal, no online signing left).
    const { documents } = await api.ok<{
      documents: { id: string; signing: Record<string, unknown> | null }[];
    }>('GET', `/cases/${w.caseId}/documents`, w.clerk);
    expect(documents.find((d) => d.id === w.agreementId)!.signing).toMatchObject({
      sealed: null,
      effective: true,
      paperSigned: { evidenceId: w.scan!.id },
    });
    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [w.applicant.id, w.respondent.id],
    });
    const referred = await api.call('POST', `/cases/${w.caseId}/referrals`, w.mediator, {
      institutionId: court,
      kind: 'judicial_confirmation',
    });
    expect(referred.status, JSON.stringify(referred.body)).toBe(201);
    const bundle = (referred.body as { bundle: Pack }).bundle;
    const made = await api.call('POST', `/cases/${w.caseId}/payment-order`, w.mediator, {
      institutionId: court,
      requestedBy: w.applicant.id,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const pack = (made.body as { pack: Pack }).pack;
    await until(
      () => hook.accepted.has(bundle.delivery!.id) && hook.accepted.has(pack.delivery!.id),
    );
    for (const [zip, kind] of [
      [hook.accepted.get(bundle.delivery!.id)!, 'judicial_confirmation'],
      [hook.accepted.get(pack.delivery!.id)!, 'payment_order'],
    ] as const) {
      const checked = await verifyBundle(zip, jwks);
      expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
      if (!checked.ok) return;
      // The joint-application bundle sends the scan as the agreement itself; the pack adds it
      // to the issued agreement (role signed_agreement). Either way it is the filed scan.
      const scan = checked.manifest.files.find(
        (f) => f.source.kind === 'evidence' && f.source.id === w.scan!.id,
      );
      expect(scan?.role).toBe(kind === 'payment_order' ? 'signed_agreement' : 'agreement');
      expect(scan).toMatchObject({
        sha256: w.scan!.sha256,
        source: { kind: 'evidence', id: w.scan!.id },
      });
      expect(scan!.fixedBy).not.toBeNull();
      const bytes = readZip(zip).find((e) => e.path === scan!.path)!.bytes;
      expect(sha256sum(bytes)).toBe(w.scan!.sha256);
      expect(checked.manifest.files.filter((f) => f.role === 'agreement')).toHaveLength(1);
      await verifyOffline(zip, `verified: ${kind} bundle`);
    }
  });

  /** The built verify CLI passes it; its code fails one altered byte. */
  async function verifyOffline(zip: Buffer, expected: string): Promise<void> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'payment-order-'));
    try {
      const zipFile = path.join(dir, 'pack.zip');
      const jwksFile = path.join(dir, 'jwks.json');
      writeFileSync(zipFile, zip);
      writeFileSync(jwksFile, JSON.stringify(jwks));
      const ok = await verifyReferenceFiles([zipFile, '--jwks', jwksFile]);
      expect(ok.exitCode, ok.lines.join('\n')).toBe(0);
      expect(ok.lines.join('\n')).toContain(expected);
      const cli = spawnSync(
        process.execPath,
        ['dist/server/cli/verify-reference.js', zipFile, '--jwks', jwksFile],
        { encoding: 'utf8' },
      );
      expect(cli.status, cli.stdout + cli.stderr).toBe(0);
      const altered = Buffer.from(zip);
      const at = Math.floor(zip.length / 2);
      altered[at] = altered[at]! ^ 0x20;
      writeFileSync(zipFile, altered);
      expect((await verifyReferenceFiles([zipFile, '--jwks', jwksFile])).exitCode).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
