/**
 * The joint application bundle for judicial confirmation or arbitration
 * review: one ZIP holding the application, the effective (sealed)
 * agreement, the parties' identity and authorisation documents from the
 * evidence, the electronic service certificates, the signed case reference
 * and a manifest signed with the service key naming every file by SHA-256
 * (and, where the case's audit chain fixed that hash, the event that did).
 *
 * A payment-order pack (kind payment_order, PaymentOrderService) has the same
 * shape: the 支付令申请书 (its hash fixed by the event that rendered it) in place of the
 * joint application. A paper-signed agreement goes in as the issued agreement and
 * the scan of the signed paper (an evidence item, fixed at upload).
 *
 * Verification is offline and strict: the archive must be exactly what the
 * service writes for its entries (zip.ts), the manifest's signature must
 * hold, every file must match the manifest and nothing may be unlisted, the
 * reference must verify, and each file the chain fixed must match the hash
 * its event recorded. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type StoredAuditEvent } from '../audit/AuditChain.js';
import { verifyJws, type Jwks } from '../signing/jws.js';
import { verifyReference, type CaseReference } from './reference.js';
import { CONCESSIONS_STATEMENT, type LateReferral } from './referralRules.js';
import { readZip, writeZipParts, ZipFormatError, type ZipEntry, type ZipInput } from './zip.js';

export const BUNDLE_TYPE = 'mediation-application-bundle+jws';
export const MANIFEST_JWS = 'manifest.jws';
export const MANIFEST_JSON = 'manifest.json';
export const REFERENCE_PATH = 'reference.jws';

export type BundleRole =
  | 'application'
  | 'agreement'
  /** The scan of an agreement signed on paper. */
  | 'signed_agreement'
  /** 支付令申请书: the worker's application to a court for a payment order. */
  | 'payment_order_application'
  | 'identity'
  | 'authorisation'
  | 'certificate'
  /** 调解笔录, completed: every attendee signed or refused, and the mediator signed. */
  | 'session_record'
  | 'reference'
  | 'readme';

export interface BundleFile {
  path: string;
  role: BundleRole;
  title: string;
  sha256: string;
  size: number;
  /** What the file is in the case: a document, the sealed agreement, an evidence item, a delivery. */
  source: {
    kind:
      | 'document'
      | 'sealed-agreement'
      | 'evidence'
      | 'delivery'
      | 'bundle'
      /** A payment-order application rendered for the pack (id: the pack's). */
      | 'payment-order-application';
    id: string;
  };
  /** The audit event that fixed this hash, when the chain fixed it. */
  fixedBy: { seq: number; eventHash: string } | null;
}

export interface BundleManifest {
  type: 'mediation-application-bundle';
  /** 2 carries the statement on concessions (required); 1 predates it and verifies without it. */
  version: 1 | 2;
  bundleId: string;
  createdAt: string;
  /** payment_order: the worker's application pack for a payment order (支付令), to a court. */
  kind: 'judicial_confirmation' | 'arbitration_review' | 'payment_order';
  case: { id: string; caseNumber: string; disputeType: string; effectiveAt: string };
  institution: { id: string; name: string; kind: string };
  /** `late` when sent after the statutory window closed, with the reason staff recorded. */
  referral: { id: string; referredAt: string; late: LateReferral | null };
  /** The statutory statement on concessions (CONCESSIONS_STATEMENT): signed, and checked. */
  concessions: string;
  files: BundleFile[];
  /** Left out on purpose (confidential caucus material without both parties' agreement). */
  excluded: { kind: string; id: string; reason: string }[];
  /** Whether both parties agreed that confidential caucus material may be submitted. */
  disclosureAgreed: boolean;
}

/** The manifest as people read it inside the archive (the signed copy is manifest.jws). */
export function manifestText(manifest: BundleManifest): string {
  // Keys in canonical order, as signed, so the copy is a function of the signed payload.
  return `${JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2)}\n`;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The length of bytes given whole or as the buffers they are made of. */
export function byteLength(bytes: Buffer | readonly Buffer[]): number {
  return Buffer.isBuffer(bytes) ? bytes.length : bytes.reduce((n, b) => n + b.length, 0);
}

/** Lays out the archive: signed manifest, its readable copy, then the files in manifest order. */
export async function assembleBundle(
  manifest: BundleManifest,
  files: ReadonlyMap<string, Buffer>,
  sign: (manifest: BundleManifest) => Promise<string>,
): Promise<Buffer> {
  return Buffer.concat(await assembleBundleParts(manifest, files, sign));
}

/**
 * assembleBundle's archive as the buffers it is made of; a file may be given as the buffers
 * it was read in, and no file's bytes are copied.
 */
export async function assembleBundleParts(
  manifest: BundleManifest,
  files: ReadonlyMap<string, Buffer | readonly Buffer[]>,
  sign: (manifest: BundleManifest) => Promise<string>,
): Promise<Buffer[]> {
  const entries: ZipInput[] = [
    { path: MANIFEST_JWS, bytes: Buffer.from(await sign(manifest), 'utf8') },
    { path: MANIFEST_JSON, bytes: Buffer.from(manifestText(manifest), 'utf8') },
  ];
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    // The caller hashed these very buffers for the manifest; a size check catches a mix-up.
    if (!bytes || byteLength(bytes) !== f.size) {
      throw new Error(`assembleBundle: ${f.path} does not match its manifest entry`);
    }
    entries.push({ path: f.path, bytes });
  }
  return writeZipParts(entries);
}

/** Which audit event fixes the hash of each kind of source, and where its payload says so. */
const FIXED_BY: Partial<
  Record<BundleFile['source']['kind'], { action: string; id: string; sha256: string }>
> = {
  document: { action: 'document.issued', id: 'documentId', sha256: 'sha256' },
  'sealed-agreement': { action: 'agreement.sealed', id: 'documentId', sha256: 'sealedSha256' },
  evidence: { action: 'evidence.received', id: 'id', sha256: 'sha256' },
  delivery: { action: 'delivery.certificate', id: 'deliveryId', sha256: 'certificateSha256' },
  'payment-order-application': {
    action: 'paymentOrder.applicationRendered',
    id: 'packId',
    sha256: 'sha256',
  },
};

/** The hash `event` fixed for `source`, if it is the kind of event that fixes one for it. */
function fixedHash(event: StoredAuditEvent, source: BundleFile['source']): string | undefined {
  const rule = FIXED_BY[source.kind];
  if (!rule || event.action !== rule.action || event.withheld) return undefined;
  const p = JSON.parse(event.payload) as Record<string, unknown>;
  const sha256 = p[rule.sha256];
  return p[rule.id] === source.id && typeof sha256 === 'string' ? sha256 : undefined;
}

/** The latest event of `events` that fixed `sha256` for `source` (null when none did). */
export function fixingEvent(
  events: readonly StoredAuditEvent[],
  source: BundleFile['source'],
  sha256: string,
): BundleFile['fixedBy'] {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (fixedHash(e, source) === sha256) return { seq: e.seq, eventHash: e.hash };
  }
  return null;
}

export type BundleCheck =
  { ok: true; manifest: BundleManifest; reference: CaseReference } | { ok: false; reason: string };

export async function verifyBundle(zip: Buffer, jwks: Jwks): Promise<BundleCheck> {
  let entries: ZipEntry[];
  try {
    entries = readZip(zip);
  } catch (error) {
    if (error instanceof ZipFormatError) return { ok: false, reason: `archive: ${error.message}` };
    throw error;
  }
  const byPath = new Map(entries.map((e) => [e.path, e.bytes]));
  const signed = byPath.get(MANIFEST_JWS);
  if (!signed) return { ok: false, reason: `archive: no ${MANIFEST_JWS}` };
  let manifest: BundleManifest;
  try {
    ({ payload: manifest } = await verifyJws<BundleManifest>(signed.toString('utf8'), jwks, {
      typ: BUNDLE_TYPE,
    }));
  } catch (error) {
    return { ok: false, reason: `manifest signature: ${(error as Error).message}` };
  }
  if (byPath.get(MANIFEST_JSON)?.toString('utf8') !== manifestText(manifest)) {
    return { ok: false, reason: `${MANIFEST_JSON} differs from the signed manifest` };
  }
  if (manifest.version !== 1 && manifest.concessions !== CONCESSIONS_STATEMENT) {
    return { ok: false, reason: 'the statement on concessions is missing or altered' };
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const e of entries) {
    if (e.path !== MANIFEST_JWS && e.path !== MANIFEST_JSON && !listed.has(e.path)) {
      return { ok: false, reason: `${e.path} is not in the manifest` };
    }
  }
  for (const f of manifest.files) {
    const bytes = byPath.get(f.path);
    if (!bytes) return { ok: false, reason: `${f.path} is missing from the archive` };
    if (bytes.length !== f.size || sha256Of(bytes) !== f.sha256) {
      return { ok: false, reason: `${f.path}: SHA-256 differs from the manifest (altered)` };
    }
  }
  const refFile = manifest.files.find((f) => f.role === 'reference');
  const refBytes = refFile ? byPath.get(refFile.path) : undefined;
  if (!refBytes) return { ok: false, reason: 'the bundle holds no case reference' };
  const fixedFiles = manifest.files.filter(
    (f) => f.source.kind === 'document' || f.source.kind === 'sealed-agreement',
  );
  const ref = await verifyReference(
    refBytes.toString('utf8'),
    jwks,
    fixedFiles.map((f) => ({ name: f.path, bytes: byPath.get(f.path)! })),
  );
  if (!ref.ok) return { ok: false, reason: `reference: ${ref.reason}` };
  const reference = ref.reference;
  if (
    reference.case.id !== manifest.case.id ||
    reference.institution.id !== manifest.institution.id
  ) {
    return { ok: false, reason: 'the reference is for another case or institution' };
  }
  const bySeq = new Map(reference.chain.events.map((e) => [e.seq, e]));
  for (const f of manifest.files) {
    if (!f.fixedBy) {
      if (FIXED_BY[f.source.kind]) {
        return { ok: false, reason: `${f.path}: names no audit event although the chain fixes it` };
      }
      continue;
    }
    const event = bySeq.get(f.fixedBy.seq);
    if (!event || event.hash !== f.fixedBy.eventHash) {
      return { ok: false, reason: `${f.path}: its event ${f.fixedBy.seq} is not in the chain` };
    }
    if (fixedHash(event, f.source) !== f.sha256) {
      return { ok: false, reason: `${f.path}: event ${f.fixedBy.seq} does not fix this hash` };
    }
  }
  return { ok: true, manifest, reference };
}
