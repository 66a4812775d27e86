/**
 * What the parts of the document service share: the stores, ports and clock
 * they are given (DocumentContext), reading a case and a document under the
 * actor's scope, writing a rendered PDF into the blob store and the document
 * row with its audit event, and the small helpers several parts use. No I/O
 * happens at construction.
 *
 * The parts: issuing.ts (issue, recusal documents, notices the case engine
 * produced, reading PDFs), service.ts (delivery steps, dispatch, the service
 * certificate), consent.ts (送达地址确认书), signing.ts (signing codes and
 * signatures), sealing.ts (seal, paper signing, the agreement's effect);
 * views.ts renders what readers see; DocumentService.ts composes them.
 */
import type { LimiterFactory } from '../cluster/state.js';
import type { ChannelSendRepository } from '../channels/ChannelSendRepository.js';
import type { SmsTemplates } from './smsTemplates.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuditLog } from '../audit/AuditLog.js';
import { caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import { isExtendedPeriod } from '../cases/deadlines.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import type { EvidenceItem, EvidenceReceipt } from '../evidence/model.js';
import type { Logger } from '../logger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { UntrustedWorkers } from '../untrusted/UntrustedWorkers.js';
import type { DeliveryChannel, ServedNotice } from './DeliveryChannel.js';
import type { DocumentRepository } from './DocumentRepository.js';
import {
  DOCUMENT_KIND_LABELS,
  type CaseDocument,
  type Delivery,
  type DocumentKind,
} from './model.js';
import type { NotificationChannel } from './NotificationChannel.js';
import type { DocumentLayout, PdfRenderer } from './PdfRenderer.js';
import type { AgreementTerms, TemplateCase } from './templates.js';

export const MAX_PDF_BYTES = 20 * 1024 * 1024;
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', role: 'system' };

export type PersonActor = Extract<Actor, { kind: 'person' }>;
export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/** The stores, ports and clock every part works with. */
export interface DocumentDeps {
  documents: DocumentRepository;
  cases: CaseRepository;
  caseService: CaseService;
  audit: AuditLog;
  blobs: BlobStore;
  renderer: PdfRenderer;
  keys: ServiceKeys;
  notifications: NotificationChannel;
  delivery: DeliveryChannel;
  /** The evidence receipt for an evidence receipt document. */
  evidenceReceipt?: (caseId: string, itemId: string) => Promise<EvidenceReceipt | undefined>;
  /** An evidence item of the case (the scan of a paper-signed agreement). */
  evidenceItem?: (caseId: string, itemId: string) => Promise<EvidenceItem | undefined>;
  publicUrl: () => string;
  /**
   * The recipient's own case link (their newest live invitation): in full for e-mail, short
   * for SMS.
   */
  personalLink?: (
    caseId: string,
    personId: string,
    form: 'full' | 'short',
  ) => Promise<string | null>;
  /** What the gateways sent and heard of each message (server/channels/). */
  channelSends?: ChannelSendRepository;
  /** The SMS wording registered with the carrier (smsTemplates.ts); the built-in one without. */
  smsTemplates?: SmsTemplates;
  /** Shared rate limits (one-time codes per address and per case). */
  limiter?: LimiterFactory;
  logger: Logger;
  now: () => Date;
  /** Where signature images are decoded. */
  untrusted: UntrustedWorkers;
  /** Notices being served are claimed here, so one process serves each. */
  jobs: JobClaims;
}

export class DocumentContext {
  readonly docs: DocumentRepository;
  readonly cases: CaseRepository;
  readonly caseService: CaseService;
  readonly audit: AuditLog;
  readonly blobs: BlobStore;
  readonly renderer: PdfRenderer;
  readonly keys: ServiceKeys;
  readonly notifications: NotificationChannel;
  readonly delivery: DeliveryChannel;
  readonly evidenceReceipt: DocumentDeps['evidenceReceipt'];
  readonly evidenceItem: DocumentDeps['evidenceItem'];
  readonly publicUrl: () => string;
  readonly personalLink: DocumentDeps['personalLink'];
  readonly channelSends: DocumentDeps['channelSends'];
  readonly smsTemplates: DocumentDeps['smsTemplates'];
  readonly limiter: DocumentDeps['limiter'];
  readonly logger: Logger;
  readonly now: () => Date;
  readonly untrusted: UntrustedWorkers;
  readonly jobs: JobClaims;

  constructor(d: DocumentDeps) {
    this.docs = d.documents;
    this.cases = d.cases;
    this.caseService = d.caseService;
    this.audit = d.audit;
    this.blobs = d.blobs;
    this.renderer = d.renderer;
    this.keys = d.keys;
    this.notifications = d.notifications;
    this.delivery = d.delivery;
    this.evidenceReceipt = d.evidenceReceipt;
    this.evidenceItem = d.evidenceItem;
    this.publicUrl = d.publicUrl;
    this.personalLink = d.personalLink;
    this.channelSends = d.channelSends;
    this.smsTemplates = d.smsTemplates;
    this.limiter = d.limiter;
    this.logger = d.logger;
    this.now = d.now;
    this.untrusted = d.untrusted;
    this.jobs = d.jobs;
  }

  caseFor(actor: Actor, caseId: string): Promise<{ c: MediationCase; people: CasePerson[] }> {
    return caseInScope(this.cases, actor, caseId);
  }

  /** A document the actor may read; one they may not is reported as not found. */
  async readable(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people } = await this.caseFor(actor, caseId);
    const doc = await this.docs.getDocument(documentId);
    if (!doc || doc.caseId !== caseId || !(await this.canRead(actor, doc, people)))
      throw new NotFoundError('Document');
    return { c, people, doc };
  }

  /** Staff read everything; a person what was served on them or on the party they represent, and their own consent forms. */
  async canRead(actor: Actor, doc: CaseDocument, people: readonly CasePerson[]): Promise<boolean> {
    if (actor.kind !== 'person') return true;
    if (doc.kind === 'service_consent') return doc.fields['personId'] === actor.id;
    // A 回避申请书 is the requester's own filing; the decision reaches the parties by service.
    if (doc.kind === 'recusal_request' && doc.fields['personId'] === actor.id) return true;
    const me = people.find((p) => p.id === actor.id);
    const readers = new Set([actor.id]);
    if (me?.kind === 'agent' && me.representsId) readers.add(me.representsId);
    const deliveries = await this.docs.listDeliveries(doc.caseId);
    return deliveries.some((d) => d.documentId === doc.id && readers.has(d.recipientId));
  }

  async readBlob(key: string, expected: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.blobs.read(key)) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (sha(bytes) !== expected) {
      this.logger.error({ key, expected }, 'stored document does not match its hash');
      throw fail('STORED_DOCUMENT_CORRUPT');
    }
    return bytes;
  }

  /** Renders the layout, stores the PDF and returns the document row (not yet inserted). */
  async write(
    actor: Actor,
    c: MediationCase,
    kind: DocumentKind,
    layout: DocumentLayout,
    at: string,
    fields: Record<string, unknown>,
    previous?: CaseDocument,
  ): Promise<CaseDocument> {
    const bytes = await this.renderer.render(layout, new Date(at));
    const blob = await this.blobs.write(Readable.from([bytes]), { maxBytes: MAX_PDF_BYTES });
    if (blob.sha256 !== sha(bytes)) throw new Error('The stored PDF differs from the rendered one');
    return {
      id: randomUUID(),
      caseId: c.id,
      seriesId: previous?.seriesId ?? randomUUID(),
      version: previous
        ? ((await this.docs.latestVersion(previous.seriesId))?.version ?? 0) + 1
        : 1,
      kind,
      title: DOCUMENT_KIND_LABELS[kind],
      blobKey: blob.key,
      sha256: blob.sha256,
      size: blob.size,
      fields: { ...fields, layout: json(layout) },
      issuedAt: at,
      issuedBy: actor.id,
      issuerRole: actor.role,
    };
  }

  /** Inserts the document row with its `document.issued` event (inside the caller's transaction). */
  async insertDocument(
    actor: Actor,
    doc: CaseDocument,
    previous: CaseDocument | null,
  ): Promise<void> {
    await this.docs.insertDocument(doc);
    await this.audit.append({
      caseId: doc.caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.issued',
      target: doc.id,
      payload: {
        documentId: doc.id,
        seriesId: doc.seriesId,
        version: doc.version,
        kind: doc.kind,
        sha256: doc.sha256,
        size: doc.size,
        replaces: previous?.id ?? null,
      },
    });
  }

  /** What every template is given about the case. */
  async templateCase(
    c: MediationCase,
    people: readonly CasePerson[],
    issuedAt: string,
  ): Promise<TemplateCase> {
    const mediator = c.mediatorId ? await this.cases.getStaff(c.mediatorId) : undefined;
    const registrar = await this.cases.getStaff(c.registeredBy);
    const periods = (await this.cases.listDeadlines(c.id)).filter(
      (d) => d.kind === 'mediation_period',
    );
    const statutory = periods.find((d) => !isExtendedPeriod(d));
    const extended = periods.filter(isExtendedPeriod).find((d) => d.dueOn === c.mediationDueOn);
    return {
      registeredBy: registrar?.displayName ?? null,
      mediationPeriod: {
        statutoryDueOn: statutory?.dueOn ?? c.mediationDueOn,
        extendedTo: extended ? extended.dueOn : null,
      },
      case: c,
      people,
      organisation: (await this.cases.getOrganisation(c.organisationId))?.name ?? c.organisationId,
      mediator: mediator?.displayName ?? null,
      sessions: await this.cases.listSessions(c.id),
      publicUrl: this.publicUrl(),
      issuedAt,
    };
  }
}

/** The staff member doing `action` (English, for the developer sentence); refused for anyone else. */
export function requireStaff(actor: Actor, action: string): StaffActor {
  if (actor.kind !== 'staff') throw fail('STAFF_ONLY_ACTION', { action });
  return actor;
}

export function noticeOf(d: Delivery, doc: CaseDocument): ServedNotice {
  return {
    deliveryId: d.id,
    documentId: doc.id,
    title: doc.title,
    kind: doc.kind,
    sha256: doc.sha256,
    issuedAt: doc.issuedAt,
  };
}

export function agreementTerms(fields: {
  items: string[];
  amount?: number | undefined;
  performanceDeadline?: string | undefined;
  performanceMethod?: string | undefined;
  perPerson?:
    | { personId: string; items: string[]; amount?: number; performanceDeadline?: string }[]
    | undefined;
}): AgreementTerms {
  return {
    items: fields.items,
    amount: fields.amount ?? null,
    performanceDeadline: fields.performanceDeadline ?? null,
    performanceMethod: fields.performanceMethod ?? null,
    perPerson: (fields.perPerson ?? []).map((t) => ({
      personId: t.personId,
      items: t.items,
      amount: t.amount === undefined ? null : Math.round(t.amount * 100) / 100,
      performanceDeadline: t.performanceDeadline ?? null,
    })),
  };
}

export function agreementTermsOf(doc: CaseDocument): AgreementTerms {
  const t = doc.fields['terms'] as Partial<AgreementTerms> | undefined;
  return {
    items: Array.isArray(t?.items) ? t.items.map(String) : [],
    amount: typeof t?.amount === 'number' ? t.amount : null,
    performanceDeadline: typeof t?.performanceDeadline === 'string' ? t.performanceDeadline : null,
    performanceMethod: typeof t?.performanceMethod === 'string' ? t.performanceMethod : null,
    // Documents issued before per-person terms existed have none.
    perPerson: Array.isArray(t?.perPerson) ? t.perPerson : [],
  };
}

/**
 * The agreement's performance deadline: the one it gives for all, else the latest of the
 * per-person deadlines (the case is performed when every person's part is).
 */
export function overallDeadline(terms: AgreementTerms): string | null {
  if (terms.performanceDeadline) return terms.performanceDeadline;
  const dates = terms.perPerson
    .map((t) => t.performanceDeadline)
    .filter((d): d is string => d !== null)
    .sort();
  return dates.at(-1) ?? null;
}

/** The layout a document was rendered from, as stored with it. */
export function storedLayout(doc: CaseDocument): DocumentLayout {
  const layout = doc.fields['layout'] as DocumentLayout | undefined;
  if (!layout || !Array.isArray(layout.blocks)) throw fail('AGREEMENT_NO_LAYOUT');
  return layout;
}

export function clientPayload(client: ClientInfo): { ip: string | null; userAgent: string | null } {
  return { ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null };
}

export function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Drops undefined values so the audit chain's canonical JSON accepts the payload. */
export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
