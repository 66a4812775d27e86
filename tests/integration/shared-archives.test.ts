/**
 * A joint application bundle made on node A of two (one PostgreSQL database,
 * one S3-compatible store, shared signing keys): stored as an object, not in
 * either node's data directory; delivered to the court's webhook by whichever
 * node's dispatcher claims the attempt (each reads the bundle from the store);
 * downloaded by the court through node B with the same SHA-256, and verified
 * against the keys node B publishes (issue 19).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyBundle } from '../../server/references/bundle.js';
import type { Jwks } from '../../server/signing/jws.js';
import { apiClient, pngBytes, sha256sum, twoPagePdf, type Api } from '../support/evidenceHttp.js';
import { freshDatabase } from '../support/postgres.js';
import { startObjectStore, type TestObjectStore } from '../support/s3.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase, type SettledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

describe('archives on any node: a bundle made on one node, delivered and served by the other', () => {
  let s3: TestObjectStore;
  let hook: Receiver;
  let a: TestServer;
  let b: TestServer;
  let api: Api;
  let w: SettledCase;
  let court: { id: string; apiKey: string };

  beforeAll(async () => {
    s3 = await startObjectStore();
    // The court's receiver refuses the first attempt: the retry is any node's.
    hook = await webhookReceiver(1);
    const env = {
      ...s3.env,
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'shared-archives'),
      SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
      MEDIASOUP_NUM_WORKERS: '1',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1',
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
    api = apiClient(a.url);
    w = await settledCase(a, api);
    const registered = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind: 'court', name: '上海市某区人民法院', webhookUrl: hook.url },
    );
    court = { id: registered.institution.id, apiKey: registered.apiKey };
    const uploads = [
      api.upload(w.caseId, w.tokens.applicant, pngBytes(), '身份证.png', {
        title: '申请人身份证',
        purpose: '证明申请人身份',
        category: 'identity',
      }),
      api.upload(w.caseId, w.tokens.respondent, twoPagePdf('授权委托书'), '授权委托书.pdf', {
        title: '法定代表人授权委托书',
        purpose: '证明委托权限',
        category: 'authorisation',
      }),
    ];
    for (const r of await Promise.all(uploads)) expect(r.status).toBe(201);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await hook?.close();
    await s3?.close();
  });

  it('stores the bundle in the object store, and node B serves and verifies what node A made', async () => {
    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [w.applicant.id, w.respondent.id],
    });
    const referred = await api.ok<{ bundle: { id: string; sha256: string } }>(
      'POST',
      `/cases/${w.caseId}/referrals`,
      w.mediator,
      { institutionId: court.id, kind: 'judicial_confirmation' },
    );
    const bundle = referred.bundle;

    // The bundle is an object of its own area; no node wrote it to its data directory.
    const objects = await s3.list('bundles/');
    expect(objects).toHaveLength(1);
    for (const node of [a, b]) expect(existsSync(path.join(node.dataDir, 'bundles'))).toBe(false);

    // Delivered after one refusal, by whichever node claimed the retry: the same bytes.
    await until(() => hook.accepted.size === 1);
    expect(hook.attempts).toHaveLength(2);
    expect(sha256sum([...hook.accepted.values()][0]!)).toBe(bundle.sha256);

    // The court reads it through node B and verifies it against node B's published keys.
    const apiB = apiClient(b.url);
    const { token } = await apiB.ok<{ token: string }>('POST', '/institution/token', undefined, {
      institutionId: court.id,
      apiKey: court.apiKey,
    });
    const res = await fetch(`${b.url}/api/institution/cases/${w.caseId}/bundles/${bundle.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256sum(bytes)).toBe(bundle.sha256);
    expect(objects[0]!.size).toBe(bytes.length);
    const jwks = (await (await fetch(`${b.url}/.well-known/jwks.json`)).json()) as Jwks;
    const checked = await verifyBundle(bytes, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
  });
});
