/**
 * What a joint application's bundle holds and where: the plan that
 * `BundleService.prerequisites` checks and returns, the files laid out from it
 * in order (paths and titles decided here only, for the export and for a
 * party's preview alike), and the effective agreement's files, shared with the
 * payment-order pack. Pure apart from reading the agreement's bytes.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor } from '../cases/access.js';
import type { MediationCase } from '../cases/model.js';
import type { DocumentService, DocumentView } from '../documents/DocumentService.js';
import type { DeliveryView } from '../documents/model.js';
import { fail } from '../errors.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import { EVIDENCE_CATEGORY_LABELS, type EvidenceItem } from '../evidence/model.js';
import { REFERENCE_PATH, sha256Of, type BundleFile, type BundleManifest } from './bundle.js';
import type { DisclosureState } from './DisclosureConsents.js';
import { CONCESSIONS_STATEMENT, type JointApplicationKind } from './referralRules.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };
const NO_CLIENT = { ip: null, userAgent: null };

/** What a joint application's bundle will hold, as `prerequisites` found it. */
export interface Plan {
  c: MediationCase;
  application: DocumentView;
  agreement: DocumentView;
  /** When the agreement took effect by a recorded paper signing: the scan filed, which is sent. */
  scan: EvidenceItem | null;
  deliveries: DeliveryView[];
  /** Identity and authorisation documents going in. */
  evidence: EvidenceItem[];
  /** The completed session records (latest version of each session's). */
  records: DocumentView[];
  /** …and those left out, with the reason. */
  excluded: BundleManifest['excluded'];
  disclosure: DisclosureState;
}

/**
 * One file of a bundle as laid out from its plan. `expected` is the hash and
 * size fixed when the file was written (the bundle's read must match it);
 * null for what is rendered at sending (service certificates, the reference).
 */
export interface LaidOutFile extends Omit<BundleFile, 'sha256' | 'size' | 'fixedBy'> {
  expected: { sha256: string; size: number } | null;
}

/** What a party sees before a referral: the bundle's files as `export` will lay them out. */
export interface ReferralPreview {
  caseId: string;
  kind: JointApplicationKind;
  /** The institution kind the application goes to. */
  institutionKind: 'court' | 'arbitration';
  files: {
    path: string;
    role: BundleFile['role'];
    title: string;
    /** Null for what is rendered at the moment of sending (certificates, the signed reference). */
    sha256: string | null;
    size: number | null;
  }[];
  excluded: BundleManifest['excluded'];
  disclosureAgreed: boolean;
  concessions: string;
}

/** A name usable inside the archive and on any file system. */
export function fileName(text: string): string {
  return (
    text
      .split('')
      .map((ch) => (ch.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
      .join('')
      .trim()
      .slice(0, 80) || 'file'
  );
}

function extensionOf(item: EvidenceItem): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(item.filename)?.[1];
  return ext ? `.${ext.toLowerCase()}` : '';
}

const README = `调解案件联合申请材料包 / Joint application bundle

本材料包由调解平台生成并以服务密钥签名。manifest.jws 为签名的清单，manifest.json 为其可读副本；
reference.jws 为本案的签名引用（会议、录音录像清单、审计链）。任何一个字节被改动，校验都会失败。
离线校验：npm run verify-reference -- <本文件.zip> --jwks jwks.json
（jwks.json 取自平台的 /.well-known/jwks.json）

Made and signed by the mediation service. manifest.jws is the signed manifest, manifest.json its
readable copy; reference.jws is the signed case reference (sessions, recording manifests, audit
chain). Changing any byte makes verification fail. Verify offline with
npm run verify-reference -- <this.zip> --jwks jwks.json (keys from /.well-known/jwks.json).

${CONCESSIONS_STATEMENT}
`;
export const README_BYTES = Buffer.from(README, 'utf8');

/**
 * The bundle's files in order, from its plan: what `export` packs and what
 * a party's preview shows. Paths and titles are decided here only.
 */
export function layoutBundle(plan: Plan, bundleId: string): LaidOutFile[] {
  const { application, agreement, scan, evidence, deliveries, records } = plan;
  const own = { kind: 'bundle', id: bundleId } as const;
  const files: LaidOutFile[] = [
    {
      path: 'README.txt',
      role: 'readme',
      title: '说明 / Read me',
      source: own,
      expected: { sha256: sha256Of(README_BYTES), size: README_BYTES.length },
    },
    {
      path: `01-application/${fileName(application.title)}.pdf`,
      role: 'application',
      title: application.title,
      source: { kind: 'document', id: application.id },
      expected: { sha256: application.sha256, size: application.size },
    },
    scan
      ? {
          path: `02-agreement/${fileName(agreement.title)}（纸质签署）${extensionOf(scan)}`,
          role: 'agreement',
          title: `${agreement.title}（纸质签署扫描件 / signed on paper, scan）`,
          source: { kind: 'evidence', id: scan.id },
          expected: { sha256: scan.sha256, size: scan.size },
        }
      : {
          path: `02-agreement/${fileName(agreement.title)}（已生效）.pdf`,
          role: 'agreement',
          title: `${agreement.title}（已盖章生效 / sealed, effective）`,
          source: { kind: 'sealed-agreement', id: agreement.id },
          expected: {
            sha256: agreement.signing!.sealed!.sha256,
            size: agreement.signing!.sealed!.size,
          },
        },
  ];
  for (const [i, item] of evidence.entries()) {
    const folder = item.category === 'identity' ? '03-identity' : '04-authorisation';
    files.push({
      path: `${folder}/${String(i + 1).padStart(2, '0')}-${fileName(item.title)}${extensionOf(item)}`,
      role: item.category === 'identity' ? 'identity' : 'authorisation',
      title: `${EVIDENCE_CATEGORY_LABELS[item.category]}：${item.title}`,
      source: { kind: 'evidence', id: item.id },
      expected: { sha256: item.sha256, size: item.size },
    });
  }
  for (const [i, d] of deliveries.entries()) {
    files.push({
      path: `05-certificates/${String(i + 1).padStart(2, '0')}-电子送达凭证-${fileName(d.recipientName)}.pdf`,
      role: 'certificate',
      title: `电子送达凭证 / service certificate: ${d.recipientName}`,
      source: { kind: 'delivery', id: d.id },
      expected: null,
    });
  }
  for (const [i, r] of records.entries()) {
    files.push({
      path: `06-session-records/${String(i + 1).padStart(2, '0')}-${fileName(r.title)}.pdf`,
      role: 'session_record',
      title: `${r.title}（第 ${r.version} 版，已签名 / signed）`,
      source: { kind: 'document', id: r.id },
      expected: { sha256: r.sha256, size: r.size },
    });
  }
  files.push({
    path: REFERENCE_PATH,
    role: 'reference',
    title: '案件签名引用 / signed case reference',
    source: own,
    expected: null,
  });
  return files;
}

/** Both lists, each withheld thing once. */
export function mergeExcluded(
  a: BundleManifest['excluded'],
  b: BundleManifest['excluded'],
): BundleManifest['excluded'] {
  const out = [...a];
  for (const x of b) if (!out.some((y) => y.kind === x.kind && y.id === x.id)) out.push(x);
  return out;
}

export async function collect(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await collectHashed(stream)).chunks);
}

/**
 * A stream's bytes as the chunks they were read in (not joined: a bundle writes them where
 * they lie) and their SHA-256, each chunk hashed while the next one is read.
 */
export async function collectHashed(
  stream: Readable,
): Promise<{ chunks: Buffer[]; sha256: string }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  return { chunks, sha256: hash.digest('hex') };
}

/**
 * The effective agreement's files under 02-agreement: the sealed PDF; or, for a
 * paper signing, the issued agreement and the scan of the signed paper (its hash
 * fixed in the chain at upload).
 */
export async function agreementFiles(
  documents: DocumentService,
  evidence: EvidenceService,
  caseId: string,
  agreement: DocumentView,
  scan: EvidenceItem | null,
): Promise<{ file: Omit<BundleFile, 'sha256' | 'size' | 'fixedBy'>; bytes: Buffer }[]> {
  if (!scan) {
    const sealed = await documents.sealedPdf(SYSTEM, caseId, agreement.id, NO_CLIENT);
    return [
      {
        file: {
          path: `02-agreement/${fileName(agreement.title)}（已生效）.pdf`,
          role: 'agreement',
          title: `${agreement.title}（已盖章生效 / sealed, effective）`,
          source: { kind: 'sealed-agreement', id: agreement.id },
        },
        bytes: sealed.bytes,
      },
    ];
  }
  const issued = await documents.pdf(SYSTEM, caseId, agreement.id, NO_CLIENT);
  const opened = await evidence.open(SYSTEM, caseId, scan.id, {
    range: () => undefined,
    download: true,
    client: NO_CLIENT,
  });
  if (opened.range === 'invalid') throw fail('SIGNED_SCAN_UNREADABLE');
  return [
    {
      file: {
        path: `02-agreement/${fileName(agreement.title)}.pdf`,
        role: 'agreement',
        title: `${agreement.title}（纸质签署生效 / effective by paper signing）`,
        source: { kind: 'document', id: agreement.id },
      },
      bytes: issued.bytes,
    },
    {
      file: {
        path: `02-agreement/已签署调解协议书扫描件-${fileName(scan.title)}${extensionOf(scan)}`,
        role: 'signed_agreement',
        title: `已签署调解协议书扫描件 / scan of the signed paper: ${scan.title}`,
        source: { kind: 'evidence', id: scan.id },
      },
      bytes: await collect(opened.stream),
    },
  ];
}
