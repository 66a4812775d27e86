/**
 * bench:bundle — how fast a joint application bundle is exported, and how
 * fast a court verifies it, against the floor of any archive export.
 *
 * Service: the real MediationServer in-process; a case settled through the
 * API (agreement signed and sealed, the application issued), with
 * identity/authorisation evidence uploaded (`--items` × `--item-mib` MiB);
 * each round re-exports the bundle (POST /api/cases/:id/referrals/:rid/bundle:
 * reads every file with its hash checked, takes the service certificates —
 * rendered once per delivery step and kept, so a re-export reads them with
 * their hashes checked — signs the reference and the manifest, writes the
 * ZIP durably, appends the audit event). Baseline, in the same run and
 * alternating: the same payload bytes read from the data directory,
 * SHA-256'd, concatenated and written to one file with fsync — what any
 * export of those files must at least do.
 * The court's side: verifyBundle on the exported bytes vs one SHA-256 pass
 * over them.
 *
 *   npm run bench:bundle                   # -- --items 8 --item-mib 4 --rounds 5
 *   npx vite-node bench/bundle.ts --smoke  # 2 × 0.5 MiB, 1 round: completes, prints ratio=
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { verifyBundle } from '../server/references/bundle.js';
import type { Jwks } from '../server/signing/jws.js';
import { apiClient } from '../tests/support/evidenceHttp.js';
import { settledCase } from '../tests/support/settledCase.js';
import {
  environment,
  errorText,
  flag,
  median,
  out,
  round3,
  startBenchService,
  table,
  resultFile,
} from './common.js';

const RESULT_FILE = resultFile('bundle');
const MiB = 2 ** 20;

const params = {
  items: flag('items', 8, { integer: true, smoke: 2 }),
  itemMiB: flag('item-mib', 4, { smoke: 0.5 }),
  rounds: flag('rounds', 5, { integer: true, smoke: 1 }),
};

/** A PNG header (so the upload is accepted as an image) and incompressible bytes. */
function scan(bytes: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
    randomBytes(bytes),
  ]);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else if (!entry.name.startsWith('.')) out.push(p);
  }
  return out;
}

/** The baseline: read, hash, concatenate and write with fsync the same payload files. */
async function baselineExport(sources: string[], target: string): Promise<number> {
  const started = performance.now();
  const parts: Buffer[] = [];
  for (const s of sources) {
    const bytes = await readFile(s);
    createHash('sha256').update(bytes).digest('hex');
    parts.push(bytes);
  }
  const all = Buffer.concat(parts);
  createHash('sha256').update(all).digest('hex');
  const handle = await open(target, 'w');
  try {
    await handle.writeFile(all);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return performance.now() - started;
}

async function main(): Promise<number> {
  const service = await startBenchService(
    { EVIDENCE_MAX_BYTES: String(Math.ceil((params.itemMiB + 1) * MiB)) },
    'mediation-bench-bundle-',
  );
  try {
    const api = apiClient(service.url);
    const dataDir = service.server.config.dataDir;
    out(`settling a case and uploading ${params.items} × ${params.itemMiB} MiB …`);
    const w = await settledCase(service, api);
    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [w.applicant.id, w.respondent.id],
    });
    for (let i = 0; i < params.items; i++) {
      const r = await api.upload(
        w.caseId,
        i % 2 ? w.tokens.respondent : w.tokens.applicant,
        scan(Math.round(params.itemMiB * MiB)),
        `scan-${i}.png`,
        {
          title: `扫描件 ${i + 1}`,
          purpose: '身份与授权',
          category: i % 2 ? 'authorisation' : 'identity',
        },
      );
      if (r.status !== 201) throw new Error(`upload ${i}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const { institution } = await api.ok<{ institution: { id: string } }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind: 'court', name: '上海市某区人民法院' },
    );
    const first = await api.ok<{ bundle: { referralId: string } }>(
      'POST',
      `/cases/${w.caseId}/referrals`,
      w.mediator,
      { institutionId: institution.id, kind: 'judicial_confirmation' },
    );
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as Jwks;
    // The baseline's sources: the payload files the bundle carries (evidence and documents).
    const sources = [
      ...(await filesUnder(path.join(dataDir, 'evidence'))),
      ...(await filesUnder(path.join(dataDir, 'documents'))),
    ];
    const payloadBytes = (await Promise.all(sources.map((s) => stat(s)))).reduce(
      (n, s) => n + s.size,
      0,
    );
    const baselineTarget = path.join(dataDir, 'baseline-export.bin');

    // What the export spends on the service certificates (one per delivery): rendered once by
    // the referral's first export above, then served from the kept copies.
    const { deliveries } = await api.ok<{ deliveries: { id: string }[] }>(
      'GET',
      `/cases/${w.caseId}/documents`,
      w.clerk,
    );
    const certificateMs: number[] = [];
    const exportMs: number[] = [];
    const baselineMs: number[] = [];
    const verifyMs: number[] = [];
    const hashMs: number[] = [];
    let bundleBytes = 0;
    for (let round = 0; round <= params.rounds; round++) {
      const c0 = performance.now();
      for (const d of deliveries) {
        const r = await fetch(
          `${service.url}/api/cases/${w.caseId}/deliveries/${d.id}/certificate`,
          {
            headers: { authorization: `Bearer ${w.clerk}` },
          },
        );
        if (r.status !== 200) throw new Error(`certificate: ${r.status}`);
        await r.arrayBuffer();
      }
      const c1 = performance.now() - c0;
      const b0 = await baselineExport(sources, baselineTarget);
      await rm(baselineTarget);
      const s0 = performance.now();
      const { bundle } = await api.ok<{ bundle: { id: string; size: number } }>(
        'POST',
        `/cases/${w.caseId}/referrals/${first.bundle.referralId}/bundle`,
        w.mediator,
      );
      const s1 = performance.now() - s0;
      const res = await fetch(`${service.url}/api/cases/${w.caseId}/bundles/${bundle.id}/file`, {
        headers: { authorization: `Bearer ${w.clerk}` },
      });
      const zip = Buffer.from(await res.arrayBuffer());
      const v0 = performance.now();
      const checked = await verifyBundle(zip, jwks);
      const v1 = performance.now() - v0;
      if (!checked.ok) throw new Error(`the exported bundle does not verify: ${checked.reason}`);
      const h0 = performance.now();
      createHash('sha256').update(zip).digest('hex');
      const h1 = performance.now() - h0;
      bundleBytes = zip.length;
      if (round === 0) continue; // warm-up
      baselineMs.push(b0);
      certificateMs.push(c1);
      exportMs.push(s1);
      verifyMs.push(v1);
      hashMs.push(h1);
    }
    const mbps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);
    const exportMbps = mbps(bundleBytes, median(exportMs));
    const baselineMbps = mbps(payloadBytes, median(baselineMs));
    const verifyMbps = mbps(bundleBytes, median(verifyMs));
    const hashMbps = mbps(bundleBytes, median(hashMs));
    const ratio = exportMbps / baselineMbps;
    out();
    table([
      ['', 'median ms', 'MiB', 'MiB/s'],
      [
        'service: export bundle',
        median(exportMs).toFixed(1),
        (bundleBytes / MiB).toFixed(1),
        exportMbps.toFixed(1),
      ],
      [
        'baseline: read+hash+write+fsync',
        median(baselineMs).toFixed(1),
        (payloadBytes / MiB).toFixed(1),
        baselineMbps.toFixed(1),
      ],
      [
        'court: verifyBundle',
        median(verifyMs).toFixed(1),
        (bundleBytes / MiB).toFixed(1),
        verifyMbps.toFixed(1),
      ],
      [
        'baseline: one SHA-256 pass',
        median(hashMs).toFixed(1),
        (bundleBytes / MiB).toFixed(1),
        hashMbps.toFixed(1),
      ],
    ]);
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(
      RESULT_FILE,
      `${JSON.stringify(
        {
          benchmark: 'bundle',
          date: new Date().toISOString(),
          machine: environment(),
          params: { ...params, warmUpRounds: 1, order: 'baseline then service, each round' },
          service: {
            description:
              'POST /api/cases/:id/referrals/:rid/bundle (files read and hash-checked, certificates read from their kept copies, reference and manifest signed, ZIP written durably, audit event)',
            medianMs: round3(median(exportMs)),
            bundleBytes,
            mibPerSecond: round3(exportMbps),
            runsMs: exportMs.map(round3),
            certificates: deliveries.length,
            certificatesMedianMs: round3(median(certificateMs)),
          },
          baseline: {
            description:
              'the same evidence and document files read, SHA-256 each and all, concatenated, written to one file and fsynced',
            medianMs: round3(median(baselineMs)),
            payloadBytes,
            mibPerSecond: round3(baselineMbps),
            runsMs: baselineMs.map(round3),
          },
          verify: {
            description: 'verifyBundle (strict archive rebuild, CRC, signatures, hashes, chain)',
            medianMs: round3(median(verifyMs)),
            mibPerSecond: round3(verifyMbps),
            sha256PassMibPerSecond: round3(hashMbps),
            ratio: round3(verifyMbps / hashMbps),
          },
          ratio: round3(ratio),
          ratioDefinition: 'service export MiB/s / baseline read+hash+write+fsync MiB/s',
        },
        null,
        2,
      )}\n`,
    );
    out();
    out(
      `of the export: ${deliveries.length} service certificates served (kept copies) in ${median(certificateMs).toFixed(1)} ms (median, fetched alone)`,
    );
    out(`verify: ${verifyMbps.toFixed(1)} MiB/s vs one SHA-256 pass ${hashMbps.toFixed(1)} MiB/s`);
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
    out(`ratio=${ratio.toFixed(2)} (bundle export MiB/s / read+hash+write+fsync MiB/s)`);
    return 0;
  } finally {
    await service.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:bundle failed: ${errorText(error)}\n`);
    process.exitCode = 1;
  },
);
