/**
 * Joint application bundles (see bundle.ts for the format and its offline
 * check): built when a case is referred for judicial confirmation or
 * arbitration review, written durably under DATA_DIR/bundles, fixed in the
 * case's audit chain by its SHA-256, and delivered to the institution's
 * webhook as application/zip (signed, idempotent, retried — see
 * WebhookDispatcher), whose receipt is then kept. Staff and the institution
 * download it; every institution download is an audited access.
 *
 * What goes in and where is `bundleLayout.ts`; storing and reading a signed
 * archive is `bundleStore.ts` (shared with the payment-order pack).
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.js';
import { authorize, authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { DocumentService } from '../documents/DocumentService.js';
import { fail, NotFoundError } from '../errors.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import type { EvidenceItem } from '../evidence/model.js';
import type {
  InstitutionActor,
  InstitutionService,
  Referral,
} from '../institutions/InstitutionService.js';
import type { WebhookDispatcher } from '../institutions/WebhookDispatcher.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import {
  byteLength,
  fixingEvent,
  sha256Of,
  type BundleFile,
  type BundleManifest,
} from './bundle.js';
import type { BundleRecord, BundleRepository } from './BundleRepository.js';
import {
  README_BYTES,
  collectHashed,
  layoutBundle,
  mergeExcluded,
  type Plan,
  type ReferralPreview,
} from './bundleLayout.js';
import {
  readStoredBundle,
  storeSignedBundle,
  webhookDeliveryView,
  type WebhookDeliveryView,
} from './bundleStore.js';
import type { ArchiveStore } from '../storage/archives.js';
import type { DisclosureConsents } from './DisclosureConsents.js';
import { effectiveAgreement } from './effectiveAgreement.js';
import type { ReferenceService } from './ReferenceService.js';
import {
  CONCESSIONS_STATEMENT,
  DECIDED_BY,
  DRAFT_REASON,
  agreementDrafts,
  type JointApplicationKind,
} from './referralRules.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };
const NO_CLIENT = { ip: null, userAgent: null };

export type { JointApplicationKind };

const APPLICATION_DOCUMENT = {
  judicial_confirmation: 'judicial_confirmation_application',
  arbitration_review: 'arbitration_review_application',
} as const;

export interface BundleView {
  id: string;
  caseId: string;
  institutionId: string;
  referralId: string;
  kind: JointApplicationKind;
  sha256: string;
  size: number;
  fileCount: number;
  createdAt: string;
  delivery: WebhookDeliveryView | null;
}

export class BundleService {
  readonly #repository: BundleRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #documents: DocumentService;
  readonly #evidence: EvidenceService;
  readonly #references: ReferenceService;
  readonly #disclosure: DisclosureConsents;
  readonly #institutions: InstitutionService;
  readonly #webhooks: WebhookDispatcher;
  readonly #keys: ServiceKeys;
  readonly #archives: ArchiveStore;
  readonly #maxBytes: number;
  readonly #now: () => Date;

  constructor(o: {
    repository: BundleRepository;
    cases: CaseRepository;
    audit: AuditLog;
    documents: DocumentService;
    evidence: EvidenceService;
    references: ReferenceService;
    disclosure: DisclosureConsents;
    institutions: InstitutionService;
    webhooks: WebhookDispatcher;
    keys: ServiceKeys;
    /** Where the signed archives are stored (files or the object store). */
    archives: ArchiveStore;
    /** The largest payload a bundle may carry. */
    maxBytes: number;
    now?: () => Date;
  }) {
    this.#repository = o.repository;
    this.#cases = o.cases;
    this.#audit = o.audit;
    this.#documents = o.documents;
    this.#evidence = o.evidence;
    this.#references = o.references;
    this.#disclosure = o.disclosure;
    this.#institutions = o.institutions;
    this.#webhooks = o.webhooks;
    this.#keys = o.keys;
    this.#archives = o.archives;
    this.#maxBytes = o.maxBytes;
    this.#now = o.now ?? (() => new Date());
  }

  /**
   * What a joint application needs, checked before the referral is recorded:
   * an effective agreement, sealed, the application document issued, and a
   * payload within the bundle limit. The plan it returns is what `export` packs.
   */
  async prerequisites(actor: Actor, caseId: string, kind: JointApplicationKind): Promise<Plan> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.view', c);
    if (!c.outcome?.effectiveAt) {
      throw fail('REFERRAL_AGREEMENT_NOT_EFFECTIVE');
    }
    const listed = await this.#documents.list(SYSTEM, caseId);
    const { documents } = listed;
    // Agreement drafts that never took effect, and their service, stay in the organisation.
    const events = await this.#audit.list(caseId);
    const drafts = agreementDrafts(events);
    const deliveries = listed.deliveries.filter((d) => !drafts.has(d.documentId));
    // The effective agreement: sealed online, or signed on paper (then its scan is what goes).
    const items = await this.#evidence.list(SYSTEM, caseId);
    const effective = await effectiveAgreement(documents, events, async () => items);
    if (!effective) {
      throw fail('REFERRAL_NO_EFFECTIVE_AGREEMENT');
    }
    const { agreement, scan } = effective;
    const application = documents.find(
      (d) => d.kind === APPLICATION_DOCUMENT[kind] && !d.superseded,
    );
    if (!application) {
      throw fail(
        kind === 'judicial_confirmation'
          ? 'JUDICIAL_APPLICATION_NOT_ISSUED'
          : 'ARBITRATION_APPLICATION_NOT_ISSUED',
      );
    }
    // Identity and authorisation documents (confidential ones only with both parties'
    // agreement) ride along: the bundle is built in memory.
    const disclosure = await this.#disclosure.current(caseId);
    const evidence: EvidenceItem[] = [];
    const excluded: BundleManifest['excluded'] = [];
    for (const id of drafts) excluded.push({ kind: 'document', id, reason: DRAFT_REASON });
    for (const d of listed.deliveries) {
      if (drafts.has(d.documentId))
        excluded.push({ kind: 'delivery', id: d.id, reason: DRAFT_REASON });
    }
    for (const item of items) {
      if (item.category !== 'identity' && item.category !== 'authorisation') continue;
      if (item.confidential && !disclosure.agreed) {
        excluded.push({
          kind: 'evidence',
          id: item.id,
          reason: '背靠背中提交的保密材料 / confidential caucus material',
        });
      } else if (item.integrity !== 'ok') {
        excluded.push({ kind: 'evidence', id: item.id, reason: 'file missing from the store' });
      } else {
        evidence.push(item);
      }
    }
    // Completed session records go; caucus content is never in a record, so nothing to withhold.
    const records = documents.filter(
      (d) => d.kind === 'session_record' && !d.superseded && d.signing?.complete,
    );
    const payload =
      records.reduce((n, r) => n + r.size, 0) +
      application.size +
      (scan?.size ?? agreement.signing?.sealed?.size ?? agreement.size) +
      evidence.reduce((n, i) => n + i.size, 0);
    if (payload > this.#maxBytes) {
      const mb = (n: number) => Math.ceil(n / 2 ** 20);
      throw fail('BUNDLE_TOO_LARGE', { sizeMb: mb(payload), limitMb: mb(this.#maxBytes) });
    }
    return {
      c,
      application,
      agreement,
      scan,
      deliveries,
      evidence,
      records,
      excluded,
      disclosure,
    };
  }

  /**
   * A party's view, before a referral, of exactly what the bundle of `kind`
   * would send now: the same plan and layout `export` uses, with the hashes
   * fixed when each file was written; what is withheld and why; the
   * statement on concessions. Reads nothing but metadata: no custody event.
   */
  async preview(
    actor: Actor,
    caseId: string,
    kind: JointApplicationKind,
  ): Promise<ReferralPreview> {
    if (actor.kind === 'person' && actor.role === 'observer') {
      throw fail('REFERRAL_PREVIEW_OBSERVER');
    }
    if (actor.kind === 'person' && actor.caseId !== caseId) {
      throw fail('REFERRAL_PREVIEW_OWN_CASE');
    }
    const plan = await this.prerequisites(actor, caseId, kind);
    const files = layoutBundle(plan, 'preview').map((f) => ({
      path: f.path,
      role: f.role,
      title: f.title,
      sha256: f.expected?.sha256 ?? null,
      size: f.expected?.size ?? null,
    }));
    return {
      caseId,
      kind,
      institutionKind: DECIDED_BY[kind],
      files,
      excluded: mergeExcluded(plan.excluded, await this.#references.withheld(caseId)),
      disclosureAgreed: plan.disclosure.agreed,
      concessions: CONCESSIONS_STATEMENT,
    };
  }

  /**
   * Builds, stores and (when the institution has a webhook) delivers the
   * bundle of a referral; `plan` is `prerequisites`' answer when the caller
   * already has it.
   */
  async export(actor: Actor, referral: Referral, plan?: Plan): Promise<BundleView> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    if (referral.kind === 'delegated_report') {
      throw fail('DELEGATED_REPORT_NO_BUNDLE');
    }
    const kind = referral.kind;
    const caseId = referral.caseId;
    const institution = await this.#institutions.institutionActor(referral.institutionId);
    if (!institution) throw new NotFoundError('Institution');
    const planned = plan ?? (await this.prerequisites(actor, caseId, kind));
    const { c, application, agreement, scan, deliveries, evidence, excluded, disclosure, records } =
      planned;
    const bundleId = randomUUID();
    const layout = layoutBundle(planned, bundleId);

    // Read and render everything first: the reads and renderings are audit events, and
    // the chain as it then stands says which event fixed each file's hash.
    // Evidence as the chunks it was read in: the archive is written from them, not from a copy.
    const bytesOf = new Map<string, Buffer | readonly Buffer[]>();
    // What was hashed as it was read (the large files) is not hashed again.
    const hashOf = new Map<string, string>();
    for (const d of [application, ...records]) {
      const read = await this.#documents.pdf(SYSTEM, caseId, d.id, NO_CLIENT);
      bytesOf.set(`document:${d.id}`, read.bytes);
    }
    if (!scan) {
      const sealed = await this.#documents.sealedPdf(SYSTEM, caseId, agreement.id, NO_CLIENT);
      bytesOf.set(`sealed-agreement:${agreement.id}`, sealed.bytes);
    }
    for (const item of scan ? [scan, ...evidence] : evidence) {
      const opened = await this.#evidence.open(SYSTEM, caseId, item.id, {
        range: () => undefined,
        download: true,
        client: NO_CLIENT,
      });
      if (opened.range === 'invalid') throw fail('EVIDENCE_FILE_UNREADABLE');
      const read = await collectHashed(opened.stream);
      bytesOf.set(`evidence:${item.id}`, read.chunks);
      hashOf.set(`evidence:${item.id}`, read.sha256);
    }
    // Service certificates of every delivery, as of now; each rendering is its own event.
    for (const d of deliveries) {
      bytesOf.set(
        `delivery:${d.id}`,
        (await this.#documents.certificate(SYSTEM, caseId, d.id)).bytes,
      );
    }
    const events = await this.#audit.list(caseId);

    const files = new Map<string, Buffer | readonly Buffer[]>();
    const listed: BundleFile[] = [];
    let reference: Awaited<ReturnType<ReferenceService['signed']>>['reference'] | undefined;
    for (const f of layout) {
      let bytes: Buffer | readonly Buffer[];
      if (f.role === 'readme') bytes = README_BYTES;
      else if (f.role === 'reference') {
        // The signed case reference last: its chain holds every read above.
        const signed = await this.#references.signed(institution, caseId, null, { pushed: true });
        reference = signed.reference;
        bytes = Buffer.from(signed.jws, 'utf8');
      } else bytes = bytesOf.get(`${f.source.kind}:${f.source.id}`)!;
      const sha256 =
        hashOf.get(`${f.source.kind}:${f.source.id}`) ??
        sha256Of(Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes));
      const size = byteLength(bytes);
      // What the preview showed is what goes: a file that changed since it was written stops here.
      if (f.expected && (f.expected.sha256 !== sha256 || f.expected.size !== size)) {
        throw fail('BUNDLE_FILE_CHANGED', { path: f.path });
      }
      files.set(f.path, bytes);
      const { expected: _expected, ...entry } = f;
      listed.push({
        ...entry,
        sha256,
        size,
        fixedBy: fixingEvent(events, f.source, sha256),
      });
    }

    const createdAt = this.#now().toISOString();
    const manifest: BundleManifest = {
      type: 'mediation-application-bundle',
      version: 2,
      bundleId,
      createdAt,
      kind,
      case: {
        id: c.id,
        caseNumber: c.caseNumber,
        disputeType: c.disputeType,
        effectiveAt: c.outcome!.effectiveAt!,
      },
      institution: {
        id: institution.id,
        name: institution.name,
        kind: institution.institutionKind,
      },
      referral: { id: referral.id, referredAt: referral.referredAt, late: referral.late },
      concessions: CONCESSIONS_STATEMENT,
      files: listed,
      excluded: mergeExcluded(excluded, reference!.excluded),
      disclosureAgreed: disclosure.agreed,
    };
    const stored = await storeSignedBundle(
      this.#keys,
      this.#archives,
      'bundles',
      caseId,
      bundleId,
      manifest,
      files,
    );
    const { file, sha256 } = stored;

    let deliveryId: string | null = null;
    await this.#repository.transaction(async () => {
      if (await this.#institutions.webhookUrl(institution.id)) {
        deliveryId = await this.#webhooks.enqueueFile({
          institutionId: institution.id,
          caseId,
          event: 'bundle.exported',
          path: file,
          sha256,
          contentType: 'application/zip',
        });
      }
      await this.#repository.insert({
        id: bundleId,
        caseId,
        institutionId: institution.id,
        referralId: referral.id,
        kind,
        path: file,
        sha256,
        size: stored.size,
        fileCount: listed.length,
        webhookDeliveryId: deliveryId,
        createdAt,
        createdBy: staff.id,
      });
      await this.#audit.append({
        caseId,
        actorId: staff.id,
        actorRole: staff.role,
        action: 'bundle.exported',
        target: bundleId,
        payload: {
          bundleId,
          kind,
          institution: institution.name,
          sha256,
          size: stored.size,
          files: listed.map((f) => ({ path: f.path, sha256: f.sha256 })),
          disclosureAgreed: disclosure.agreed,
          ...(referral.late ? { late: referral.late } : {}),
          webhookDelivery: deliveryId,
        },
      });
    });
    return this.#view((await this.#repository.get(bundleId))!);
  }

  /** Staff: the case's bundles with their delivery state. */
  async list(actor: Actor, caseId: string): Promise<BundleView[]> {
    await this.#authorizeStaff(actor, caseId);
    return Promise.all((await this.#repository.listByCase(caseId)).map((r) => this.#view(r)));
  }

  /** Staff of the case (clerk, or its mediator) may read its bundles. */
  async #authorizeStaff(actor: Actor, caseId: string): Promise<void> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.view', c);
    authorizeStaff(actor, ['clerk', 'mediator']);
  }

  /** Staff download (read as the case's staff may). */
  async file(
    actor: Actor,
    caseId: string,
    bundleId: string,
  ): Promise<{ bytes: Buffer; view: BundleView; name: string }> {
    await this.#authorizeStaff(actor, caseId);
    return this.#read(caseId, bundleId);
  }

  /** The institution's bundles of a case referred to it. */
  async forInstitution(institution: InstitutionActor, caseId: string): Promise<BundleView[]> {
    await this.#institutions.access(institution, caseId, { item: 'bundles', ip: null });
    return Promise.all(
      (await this.#repository.listByCase(caseId))
        .filter((r) => r.institutionId === institution.id)
        .map((r) => this.#view(r)),
    );
  }

  async institutionFile(
    institution: InstitutionActor,
    caseId: string,
    bundleId: string,
    ip: string | null,
  ): Promise<{ bytes: Buffer; view: BundleView; name: string }> {
    const row = await this.#repository.get(bundleId);
    if (!row || row.caseId !== caseId || row.institutionId !== institution.id) {
      throw new NotFoundError('Bundle');
    }
    await this.#institutions.access(institution, caseId, { item: `bundle/${bundleId}`, ip });
    return this.#read(caseId, bundleId);
  }

  async #read(
    caseId: string,
    bundleId: string,
  ): Promise<{ bytes: Buffer; view: BundleView; name: string }> {
    const row = await this.#repository.get(bundleId);
    if (!row || row.caseId !== caseId) throw new NotFoundError('Bundle');
    const bytes = await readStoredBundle(this.#archives, row.path, row.sha256);
    const c = await this.#cases.getCase(caseId);
    return {
      bytes,
      view: await this.#view(row),
      name: `${c?.caseNumber ?? caseId}-${row.kind === 'judicial_confirmation' ? '司法确认' : '仲裁审查'}-${bundleId.slice(0, 8)}.zip`,
    };
  }

  async #view(r: BundleRecord): Promise<BundleView> {
    const d = r.webhookDeliveryId ? await this.#webhooks.get(r.webhookDeliveryId) : undefined;
    return {
      id: r.id,
      caseId: r.caseId,
      institutionId: r.institutionId,
      referralId: r.referralId,
      kind: r.kind,
      sha256: r.sha256,
      size: r.size,
      fileCount: r.fileCount,
      createdAt: r.createdAt,
      delivery: webhookDeliveryView(d),
    };
  }
}
