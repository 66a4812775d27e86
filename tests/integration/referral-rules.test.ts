/**
 * What may leave the organisation in a referral, through the API on a case
 * whose agreement went through two drafts before the version signed and
 * sealed: a joint application goes only to the institution that decides it;
 * after its window it goes only with a recorded reason; the drafts never go
 * (bundle, reference, webhook bodies, court downloads); the statement on
 * concessions goes with everything and is verified; and each party sees
 * beforehand exactly the files the bundle then carries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INSTITUTION_FILE_TTL_SECONDS,
  InstitutionFileTokens,
} from '../../server/auth/tokenKinds.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { verifyReferenceFiles } from '../../server/cli/verify-reference.js';
import { verifyBundle, type BundleManifest } from '../../server/references/bundle.js';
import { verifyReference, type CaseReference } from '../../server/references/reference.js';
import { CONCESSIONS_STATEMENT } from '../../server/references/referralRules.js';
import { readZip } from '../../server/references/zip.js';
import type { Jwks } from '../../server/signing/jws.js';
import {
  apiClient,
  errorBody,
  errorMessage,
  errorReason,
  pngBytes,
  type Api,
} from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';
import { settledCase, type SettledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

interface BundleView {
  id: string;
  sha256: string;
  referralId: string;
  delivery: { id: string } | null;
}

interface Preview {
  kind: string;
  institutionKind: string;
  files: {
    path: string;
    role: string;
    title: string;
    sha256: string | null;
    size: number | null;
  }[];
  excluded: { kind: string; id: string; reason: string }[];
  concessions: string;
}

const errorCode = (r: { body: unknown }) =>
  (r.body as { error?: { code?: string } } | undefined)?.error?.code;

describe('referral rules: institution kind, late applications, drafts, concessions, party preview', () => {
  let t: TestServer;
  let api: Api;
  let hook: Receiver;
  let w: SettledCase;
  let other: SettledCase;
  let jwks: Jwks;
  let court: { id: string; apiKey: string };
  let commission: { id: string; apiKey: string };
  /** The deliveries that served the drafts (their certificates stay in the organisation). */
  let draftDeliveryIds: string[];

  const register = async (kind: 'court' | 'arbitration', name: string) => {
    const r = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind, name, webhookUrl: hook.url },
    );
    return { id: r.institution.id, apiKey: r.apiKey };
  };
  const institutionToken = async (c: { id: string; apiKey: string }) =>
    (
      await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
        institutionId: c.id,
        apiKey: c.apiKey,
      })
    ).token;
  const bundleBytes = async (caseId: string, bundleId: string) => {
    const res = await fetch(`${t.url}/api/cases/${caseId}/bundles/${bundleId}/file`, {
      headers: { authorization: `Bearer ${w.clerk}` },
    });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };
  const preview = (token: string | undefined, kind: string, caseId = w.caseId) =>
    api.call('GET', `/cases/${caseId}/referral-preview?kind=${kind}`, token);
  const referrals = () =>
    api.ok<{ referrals: { kind: string; late: unknown }[] }>(
      'GET',
      `/cases/${w.caseId}/referrals`,
      w.clerk,
    );

  beforeAll(async () => {
    hook = await webhookReceiver(0);
    t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    api = apiClient(t.url);
    w = await settledCase(t, api, { drafts: 2 });
    other = await settledCase(t, api);
    jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    court = await register('court', '上海市某区人民法院');
    commission = await register('arbitration', '上海市某区劳动人事争议仲裁委员会');
    for (const kind of ['judicial_confirmation_application', 'arbitration_review_application']) {
      await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
        kind,
        recipients: [w.applicant.id, w.respondent.id],
      });
    }
    expect(
      (
        await api.upload(w.caseId, w.tokens.applicant, pngBytes(), '身份证.png', {
          title: '申请人身份证',
          purpose: '证明申请人身份',
          category: 'identity',
        })
      ).status,
    ).toBe(201);
    const { deliveries } = await api.ok<{ deliveries: { id: string; documentId: string }[] }>(
      'GET',
      `/cases/${w.caseId}/documents`,
      w.clerk,
    );
    draftDeliveryIds = deliveries.filter((d) => w.draftIds.includes(d.documentId)).map((d) => d.id);
    expect(w.draftIds).toHaveLength(2);
    expect(draftDeliveryIds).toHaveLength(4);
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  it('refuses a joint application to the wrong kind of institution, both ways, recording nothing', async () => {
    const toCommission = await api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
      institutionId: commission.id,
      kind: 'judicial_confirmation',
    });
    expect(toCommission.status).toBe(409);
    expect(errorCode(toCommission)).toBe('REFERRAL_KIND_MISMATCH');
    expect(errorReason(toCommission)).toBe('JUDICIAL_CONFIRMATION_COURT_ONLY');
    expect(errorMessage(toCommission)).toMatch(/^A joint application for judicial confirmation/);
    const toCourt = await api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
      institutionId: court.id,
      kind: 'arbitration_review',
    });
    expect(toCourt.status).toBe(409);
    expect(errorCode(toCourt)).toBe('REFERRAL_KIND_MISMATCH');
    expect(errorReason(toCourt)).toBe('ARBITRATION_REVIEW_COMMISSION_ONLY');
    expect((await referrals()).referrals).toEqual([]);
    expect(hook.attempts).toHaveLength(0);
  });

  it('shows each party beforehand exactly the files the bundle carries, drafts withheld, with the statement', async () => {
    // Only the case's own parties (and staff): another case's party is refused, a dead link too.
    expect((await preview(other.tokens.applicant, 'judicial_confirmation')).status).toBe(403);
    expect((await preview(undefined, 'judicial_confirmation')).status).toBe(401);
    expect((await preview(w.tokens.applicant, 'something_else')).status).toBe(400);
    const seen = await preview(w.tokens.respondent, 'judicial_confirmation');
    expect(seen.status).toBe(200);
    const before = seen.body as Preview;
    expect(before).toMatchObject({
      kind: 'judicial_confirmation',
      institutionKind: 'court',
      concessions: CONCESSIONS_STATEMENT,
    });
    expect(before.excluded.filter((x) => x.kind === 'document').map((x) => x.id)).toEqual(
      w.draftIds,
    );
    expect(
      before.excluded
        .filter((x) => x.kind === 'delivery')
        .map((x) => x.id)
        .sort(),
    ).toEqual([...draftDeliveryIds].sort());
    expect(before.excluded.every((x) => x.reason.includes('草稿'))).toBe(true);
    // The applicant sees the very same list.
    expect((await preview(w.tokens.applicant, 'judicial_confirmation')).body).toEqual(before);

    const referred = await api.call('POST', `/cases/${w.caseId}/referrals`, w.mediator, {
      institutionId: court.id,
      kind: 'judicial_confirmation',
    });
    expect(referred.status).toBe(201);
    const bundle = (referred.body as { bundle: BundleView }).bundle;
    const zip = await bundleBytes(w.caseId, bundle.id);
    const checked = await verifyBundle(zip, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    const m = checked.manifest;
    // Same paths, titles and roles in the same order; the same hash and size for every file
    // written before the referral; the rest (rendered at sending) announced as such.
    expect(before.files.map((f) => [f.path, f.title, f.role])).toEqual(
      m.files.map((f) => [f.path, f.title, f.role]),
    );
    for (const [i, f] of before.files.entries()) {
      if (f.role === 'certificate' || f.role === 'reference') {
        expect(f.sha256).toBeNull();
      } else {
        expect([f.path, f.sha256, f.size]).toEqual([
          m.files[i]!.path,
          m.files[i]!.sha256,
          m.files[i]!.size,
        ]);
      }
    }
    expect(before.excluded).toEqual(m.excluded);

    // A party link revoked is dead: even its own case's preview is no longer shown.
    expect((await preview(other.tokens.applicant, 'arbitration_review', other.caseId)).status).toBe(
      409,
    );
    const { invitations } = await api.ok<{ invitations: { id: string; personId: string }[] }>(
      'GET',
      `/cases/${other.caseId}`,
      other.clerk,
    );
    const invitation = invitations.find((i) => i.personId === other.applicant.id)!;
    await api.ok('POST', `/cases/${other.caseId}/invitations/${invitation.id}/revoke`, other.clerk);
    expect((await preview(other.tokens.applicant, 'arbitration_review', other.caseId)).status).toBe(
      401,
    );
  });

  it('never lets an agreement draft leave: bundle, reference, webhook bodies, court downloads', async () => {
    const { bundles } = await api.ok<{ bundles: BundleView[] }>(
      'GET',
      `/cases/${w.caseId}/referrals`,
      w.clerk,
    );
    const zip = await bundleBytes(w.caseId, bundles[0]!.id);
    const checked = await verifyBundle(zip, jwks);
    if (!checked.ok) throw new Error(checked.reason);
    const drafts = new Set([...w.draftIds, ...draftDeliveryIds]);
    const leaks = (m: BundleManifest | CaseReference) =>
      ('files' in m ? m.files.map((f) => f.source.id) : m.items.map((i) => i.id)).filter((id) =>
        drafts.has(id),
      );
    expect(leaks(checked.manifest)).toEqual([]);
    expect(leaks(checked.reference)).toEqual([]);
    // The agreement carried is the sealed one; the certificates only of what took effect.
    expect(checked.manifest.files.find((f) => f.role === 'agreement')!.source).toEqual({
      kind: 'sealed-agreement',
      id: w.agreementId,
    });
    expect(checked.manifest.files.filter((f) => f.role === 'certificate')).toHaveLength(6);
    // Nothing in the archive names a draft (not even inside the reference's items).
    for (const e of readZip(zip)) {
      if (e.path === 'reference.jws' || e.path.startsWith('manifest')) continue;
      for (const id of w.draftIds) expect(e.bytes.includes(Buffer.from(id))).toBe(false);
    }

    // The bundle the court's webhook received.
    await until(() => hook.accepted.size === 1);
    const pushed = await verifyBundle([...hook.accepted.values()][0]!, jwks);
    expect(pushed.ok && leaks(pushed.manifest)).toEqual([]);

    // The court's own reference: no draft item, no link to one; the drafts named as left out.
    const courtToken = await institutionToken(court);
    const { reference } = await api.ok<{ reference: string }>(
      'GET',
      `/institution/cases/${w.caseId}/reference`,
      courtToken,
    );
    const ref = await verifyReference(reference, jwks);
    if (!ref.ok) throw new Error(ref.reason);
    expect(leaks(ref.reference)).toEqual([]);
    expect(ref.reference.excluded.filter((x) => x.kind === 'document').map((x) => x.id)).toEqual(
      w.draftIds,
    );
    // A file link to a draft (as one issued before it was superseded) opens nothing.
    const staleLink = new InstitutionFileTokens(TEST_SECRET).issue(
      { sub: court.id, caseId: w.caseId, item: 'document', id: w.draftIds[0]! },
      INSTITUTION_FILE_TTL_SECONDS,
    );
    const stale = await fetch(`${t.url}/api/institution/files/${staleLink}`, {
      headers: { authorization: `Bearer ${courtToken}` },
    });
    expect(stale.status).toBe(404);
    // The certificate of a draft's service is not served to the court; one of the agreement is.
    const certificate = (deliveryId: string) =>
      fetch(`${t.url}/api/institution/cases/${w.caseId}/deliveries/${deliveryId}/certificate`, {
        headers: { authorization: `Bearer ${courtToken}` },
      });
    for (const id of draftDeliveryIds) expect((await certificate(id)).status).toBe(404);
    const { deliveries } = await api.ok<{ deliveries: { id: string; documentId: string }[] }>(
      'GET',
      `/cases/${w.caseId}/documents`,
      w.clerk,
    );
    const effective = deliveries.find((d) => d.documentId === w.agreementId)!;
    expect((await certificate(effective.id)).status).toBe(200);

    // A delegated report's webhook body carries the reference: no draft in it either.
    const report = await api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
      institutionId: commission.id,
      kind: 'delegated_report',
    });
    expect(report.status).toBe(201);
    await until(() => hook.accepted.size === 2);
    const body = [...hook.accepted.values()][1]!.toString('utf8');
    const pushedRef = await verifyReference(
      (JSON.parse(body) as { reference: string }).reference,
      jwks,
    );
    if (!pushedRef.ok) throw new Error(pushedRef.reason);
    expect(leaks(pushedRef.reference)).toEqual([]);
    expect(pushedRef.reference.concessions).toBe(CONCESSIONS_STATEMENT);
  });

  it('sends the scan of an agreement signed on paper, never its draft', async () => {
    const paper = await settledCase(t, api, { drafts: 1, effect: 'paper' });
    await api.ok('POST', `/cases/${paper.caseId}/documents`, paper.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [paper.applicant.id, paper.respondent.id],
    });
    const before = (await preview(paper.tokens.applicant, 'judicial_confirmation', paper.caseId))
      .body as Preview;
    // Its own organisation's court.
    const paperCourt = await api.ok<{ institution: { id: string } }>(
      'POST',
      '/institutions',
      paper.clerk,
      { kind: 'court', name: '上海市另一区人民法院' },
    );
    const { bundle } = await api.ok<{ bundle: BundleView }>(
      'POST',
      `/cases/${paper.caseId}/referrals`,
      paper.clerk,
      { institutionId: paperCourt.institution.id, kind: 'judicial_confirmation' },
    );
    const res = await fetch(`${t.url}/api/cases/${paper.caseId}/bundles/${bundle.id}/file`, {
      headers: { authorization: `Bearer ${paper.clerk}` },
    });
    const zip = Buffer.from(await res.arrayBuffer());
    const checked = await verifyBundle(zip, jwks);
    if (!checked.ok) throw new Error(checked.reason);
    const agreement = checked.manifest.files.find((f) => f.role === 'agreement')!;
    expect(agreement.source).toEqual({ kind: 'evidence', id: paper.scan!.id });
    expect(agreement.fixedBy).not.toBeNull();
    const files = new Map(readZip(zip).map((e) => [e.path, e.bytes]));
    expect(files.get(agreement.path)!.equals(paper.scan!.bytes)).toBe(true);
    const sent = [
      ...checked.manifest.files.map((f) => f.source.id),
      ...checked.reference.items.map((i) => i.id),
    ];
    expect(sent).not.toContain(paper.draftIds[0]);
    expect(checked.manifest.excluded.map((x) => x.id)).toContain(paper.draftIds[0]);
    expect(before.files.map((f) => [f.path, f.sha256 ?? f.role])).toEqual(
      checked.manifest.files.map((f) => [
        f.path,
        f.role === 'certificate' || f.role === 'reference' ? f.role : f.sha256,
      ]),
    );
  });

  it('carries the statement on concessions in bundle, reference and README, and the verifier shows it', async () => {
    const { bundles } = await api.ok<{ bundles: BundleView[] }>(
      'GET',
      `/cases/${w.caseId}/referrals`,
      w.clerk,
    );
    const zip = await bundleBytes(w.caseId, bundles[0]!.id);
    const checked = await verifyBundle(zip, jwks);
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.manifest.concessions).toBe(CONCESSIONS_STATEMENT);
    expect(checked.reference.concessions).toBe(CONCESSIONS_STATEMENT);
    const readme = readZip(zip).find((e) => e.path === 'README.txt')!;
    expect(readme.bytes.toString('utf8')).toContain(CONCESSIONS_STATEMENT);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'concessions-'));
    try {
      writeFileSync(path.join(dir, 'bundle.zip'), zip);
      writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify(jwks));
      const r = await verifyReferenceFiles([
        path.join(dir, 'bundle.zip'),
        '--jwks',
        path.join(dir, 'jwks.json'),
      ]);
      expect(r.exitCode, r.lines.join('\n')).toBe(0);
      expect(r.lines.join('\n')).toContain(`妥协事实声明 / concessions: ${CONCESSIONS_STATEMENT}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a joint application after its window with the legal reason, and sends it with a recorded reason', async () => {
    // The agreement took effect long enough ago that the 15-day window closed yesterday.
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    await t.server.database.run(
      `UPDATE deadlines SET due_on = ?, status = 'overdue' WHERE case_id = ? AND kind = ?`,
      [yesterday, w.caseId, 'arbitration_review'],
    );
    const refer = (lateReason?: string) =>
      api.call('POST', `/cases/${w.caseId}/referrals`, w.clerk, {
        institutionId: commission.id,
        kind: 'arbitration_review',
        ...(lateReason === undefined ? {} : { lateReason }),
      });
    const refused = await refer();
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('REFERRAL_LATE');
    // The console renders the reason with the legal basis (tests/unit/error-reasons.test.ts).
    expect(errorBody(refused)).toMatchObject({
      reason: 'ARBITRATION_REVIEW_LATE',
      params: { dueOn: yesterday },
    });
    expect(errorMessage(refused)).toContain(`closed on ${yesterday}`);
    expect((await refer('太晚了')).status).toBe(400);
    expect((await referrals()).referrals.map((r) => r.kind)).not.toContain('arbitration_review');

    const reason = '双方当事人在期限内已向仲裁委员会提交纸质申请，现补充电子材料';
    const sent = await refer(reason);
    expect(sent.status).toBe(201);
    const late = { windowClosedOn: yesterday, reason };
    const { referral, bundle } = sent.body as { referral: { late: unknown }; bundle: BundleView };
    expect(referral.late).toEqual(late);
    expect(
      (await referrals()).referrals.find((r) => r.kind === 'arbitration_review')!.late,
    ).toEqual(late);
    const events = await new SqlAuditLog(t.server.database).list(w.caseId);
    const referredEvent = events.filter((e) => e.action === 'case.referred').at(-1)!;
    expect(JSON.parse(referredEvent.payload)).toMatchObject({ kind: 'arbitration_review', late });
    const checked = await verifyBundle(await bundleBytes(w.caseId, bundle.id), jwks);
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.manifest.referral.late).toEqual(late);
    expect(checked.reference.referrals.find((r) => r.kind === 'arbitration_review')!.late).toEqual(
      late,
    );
  });
});
