/**
 * The document service (文书送达): documents issued from templates and fixed
 * by their SHA-256, served on the chosen recipients under the consent each
 * gave (送达地址确认书), every step of every delivery recorded as an
 * immutable row and an audit-chain event, the electronic service certificate
 * (电子送达凭证), and the online signing and sealing of the mediation
 * agreement, which makes it effective. Knows nothing of HTTP or Socket.IO:
 * live delivery goes through the DeliveryChannel port, messages through the
 * NotificationChannel port.
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuditLog } from '../audit/AuditLog.js';
import { caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { CaseNotice, CasePerson, MediationCase, RecusalRequest } from '../cases/model.js';
import { isExtendedPeriod, shanghaiDate } from '../cases/deadlines.js';
import { latestPaperSigning, paperSignings } from './paperSigning.js';
import { noticeDocument } from './noticeTemplates.js';
import type { recusalDecisionSchema, recusalRequestSchema } from '../cases/schemas.js';
import type { z } from 'zod';
import { recusalDecisionLayout, recusalRequestLayout } from './recusalTemplates.js';
import {
  AppError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import type { EvidenceItem, EvidenceReceipt } from '../evidence/model.js';
import type { Logger } from '../logger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import { canonicalSignature } from '../untrusted/signatureImage.js';
import { untrustedWorkers, type UntrustedWorkers } from '../untrusted/UntrustedWorkers.js';
import type { DeliveryChannel, ServedNotice } from './DeliveryChannel.js';
import type { DocumentRepository } from './DocumentRepository.js';
import {
  DOCUMENT_KIND_LABELS,
  SERVICE_CHANNEL_LABELS,
  type AgreementSeal,
  type AgreementSignature,
  type CaseDocument,
  type Delivery,
  type DeliveryEvent,
  type DeliveryView,
  type DocumentKind,
  type ServiceAddress,
  type ServiceChannel,
  type ServiceConsent,
  type SignerRole,
  type SigningCode,
} from './model.js';
import type { NotificationChannel } from './NotificationChannel.js';
import type { DocumentLayout, PdfRenderer } from './PdfRenderer.js';
import type { IssueDocumentInput, PaperSigningInput, ServiceConsentInput } from './schemas.js';
import {
  missingSigners,
  partyBound,
  requiredSigners,
  type RequiredSigner,
} from './signingRules.js';
import {
  DELIVERY_EVENT_LABELS,
  SERVICE_BASIS_LABELS,
  replay,
  servedAt,
  transition,
  type DeliveryAction,
} from './serviceStateMachine.js';
import {
  certificateLayout,
  consentLayout,
  maskAddress,
  personRole,
  renderTemplate,
  sealedAgreementLayout,
  type AgreementTerms,
  type TemplateCase,
  type TemplateExtras,
} from './templates.js';

export const SIGNING_CODE_TTL_MS = 10 * 60 * 1000;
export const SIGNING_CODE_ATTEMPTS = 5;
const MAX_PDF_BYTES = 20 * 1024 * 1024;
const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', role: 'system' };

/** A document as its readers see it (no storage key). */
export interface DocumentView {
  id: string;
  caseId: string;
  seriesId: string;
  version: number;
  kind: DocumentKind;
  title: string;
  sha256: string;
  size: number;
  issuedAt: string;
  issuedBy: string;
  /** A later version of the same document exists. */
  superseded: boolean;
  signing: AgreementStatus | null;
}

export interface AgreementStatus {
  /** Every party on its own (co-parties each sign) and the mediator. */
  required: (RequiredSigner & { signed: boolean })[];
  signatures: Omit<AgreementSignature, 'image' | 'ip' | 'userAgent' | 'codeId'>[];
  sealed: Omit<AgreementSeal, 'blobKey'> | null;
  /** The recorded paper signing that made it effective instead of a seal. */
  paperSigned: { recordedAt: string; evidenceId: string } | null;
  effective: boolean;
}

/** What a recipient's client tells about itself when it acknowledges a step. */
export interface StepClient extends ClientInfo {
  channel?: string;
}

export interface DocumentServiceOptions {
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
  logger: Logger;
  now?: () => Date;
  /** Where signature images are decoded (default: the process's shared pool). */
  untrusted?: UntrustedWorkers;
}

type PersonActor = Extract<Actor, { kind: 'person' }>;
/** A delivery to push once its transaction committed, with the addresses to notify. */
interface Dispatch {
  delivery: Delivery;
  channels: readonly ServiceAddress[];
}
type StaffActor = Extract<Actor, { kind: 'staff' }>;

const SIGNS_FOR_LABELS: Record<AgreementSignature['signsFor'], string> = {
  applicant: '申请人',
  respondent: '被申请人',
  mediator: '调解员',
};

export class DocumentService {
  readonly #docs: DocumentRepository;
  readonly #cases: CaseRepository;
  readonly #caseService: CaseService;
  readonly #audit: AuditLog;
  readonly #blobs: BlobStore;
  readonly #renderer: PdfRenderer;
  readonly #keys: ServiceKeys;
  readonly #notifications: NotificationChannel;
  readonly #delivery: DeliveryChannel;
  readonly #evidenceReceipt: DocumentServiceOptions['evidenceReceipt'];
  readonly #evidenceItem: DocumentServiceOptions['evidenceItem'];
  readonly #publicUrl: () => string;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #untrusted: UntrustedWorkers;
  #noticePass: Promise<unknown> = Promise.resolve();

  constructor(o: DocumentServiceOptions) {
    this.#docs = o.documents;
    this.#cases = o.cases;
    this.#caseService = o.caseService;
    this.#audit = o.audit;
    this.#blobs = o.blobs;
    this.#renderer = o.renderer;
    this.#keys = o.keys;
    this.#notifications = o.notifications;
    this.#delivery = o.delivery;
    this.#evidenceReceipt = o.evidenceReceipt;
    this.#evidenceItem = o.evidenceItem;
    this.#publicUrl = o.publicUrl;
    this.#logger = o.logger.child({ component: 'documents' });
    this.#now = o.now ?? (() => new Date());
    this.#untrusted = o.untrusted ?? untrustedWorkers;
  }

  // ---- reading ---------------------------------------------------------------

  /** Staff: every document and delivery of the case. A person: their inbox. */
  async list(
    actor: Actor,
    caseId: string,
  ): Promise<{ documents: DocumentView[]; deliveries: DeliveryView[] }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const documents = await this.#docs.listDocuments(caseId);
    const deliveries = await this.#docs.listDeliveries(caseId);
    const visibleDeliveries =
      actor.kind === 'person' ? deliveries.filter((d) => d.recipientId === actor.id) : deliveries;
    const visibleDocs: CaseDocument[] = [];
    for (const d of documents) if (await this.#canRead(actor, d, people)) visibleDocs.push(d);
    return {
      documents: await Promise.all(visibleDocs.map((d) => this.#documentView(d, documents, c))),
      deliveries: await Promise.all(visibleDeliveries.map((d) => this.#deliveryView(d))),
    };
  }

  async document(actor: Actor, caseId: string, documentId: string): Promise<DocumentView> {
    const { c, doc } = await this.#readable(actor, caseId, documentId);
    return this.#documentView(doc, await this.#docs.listDocuments(caseId), c);
  }

  /**
   * The issued PDF, its bytes checked against the hash fixed at issue. A
   * recipient opening it has read it: their delivery records the step.
   */
  async pdf(
    actor: Actor,
    caseId: string,
    documentId: string,
    client: ClientInfo,
  ): Promise<{ document: CaseDocument; bytes: Buffer }> {
    const { doc } = await this.#readable(actor, caseId, documentId);
    const bytes = await this.#readBlob(doc.blobKey, doc.sha256);
    await this.#audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.viewed',
      target: doc.id,
      payload: { documentId: doc.id, sha256: doc.sha256, ...clientPayload(client) },
    });
    if (actor.kind === 'person') {
      for (const d of await this.#docs.listDeliveries(caseId)) {
        if (d.documentId === doc.id && d.recipientId === actor.id)
          await this.#step(actor, d, 'read', { ...client, channel: 'in_app' }, null, 'tolerant');
      }
    }
    return { document: doc, bytes };
  }

  /** An agreement's terms as issued (server-internal: metadata only, no read of the file). */
  async agreementTerms(documentId: string): Promise<AgreementTerms | undefined> {
    const doc = await this.#docs.getDocument(documentId);
    return doc?.kind === 'mediation_agreement' ? agreementTermsOf(doc) : undefined;
  }

  async sealedPdf(
    actor: Actor,
    caseId: string,
    documentId: string,
    client: ClientInfo,
  ): Promise<{ seal: AgreementSeal; bytes: Buffer }> {
    await this.#readable(actor, caseId, documentId);
    const seal = await this.#docs.getSeal(documentId);
    if (!seal) throw new NotFoundError('Sealed agreement');
    const bytes = await this.#readBlob(seal.blobKey, seal.sha256);
    await this.#audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'agreement.sealedViewed',
      target: documentId,
      payload: { documentId, sha256: seal.sha256, ...clientPayload(client) },
    });
    return { seal, bytes };
  }

  // ---- recusal (回避) ------------------------------------------------------------

  /**
   * A party or agent asks for the mediator's recusal: the request is recorded
   * (CaseService) and its 回避申请书 rendered into the case file.
   */
  async requestRecusal(
    actor: Actor,
    caseId: string,
    input: z.output<typeof recusalRequestSchema>,
  ): Promise<{ request: RecusalRequest; document: DocumentView }> {
    const request = await this.#caseService.requestRecusal(actor, caseId, input);
    const { c, people } = await this.#caseFor(SYSTEM_ACTOR, caseId);
    const requester = people.find((p) => p.id === request.requestedBy);
    if (!requester) throw new NotFoundError('Person');
    const mediator = await this.#cases.getStaff(request.mediatorId);
    const at = this.#now().toISOString();
    const layout = recusalRequestLayout(
      await this.#templateCase(c, people, at),
      request,
      requester,
      mediator?.displayName ?? request.mediatorId,
    );
    const doc = await this.#write(actor, c, 'recusal_request', layout, at, {
      personId: requester.id,
      recusalRequestId: request.id,
    });
    const stored = { ...request, requestDocumentId: doc.id };
    await this.#cases.transaction(async () => {
      await this.#insertDocument(actor, doc, null);
      await this.#cases.updateRecusalRequest(stored);
    });
    return { request: stored, document: await this.#documentView(doc, [doc], c) };
  }

  /**
   * The organisation decides with reasons (CaseService); its 回避决定书 goes
   * into the case file and is served on every party like any issued document.
   */
  async decideRecusal(
    actor: Actor,
    caseId: string,
    requestId: string,
    input: z.output<typeof recusalDecisionSchema>,
  ): Promise<{ request: RecusalRequest; document: DocumentView; deliveries: DeliveryView[] }> {
    const staff = requireStaff(actor, '决定回避申请 / decide a recusal request');
    const request = await this.#caseService.decideRecusal(staff, caseId, requestId, input);
    const { c, people } = await this.#caseFor(SYSTEM_ACTOR, caseId);
    const mediator = await this.#cases.getStaff(request.mediatorId);
    const at = this.#now().toISOString();
    const layout = recusalDecisionLayout(
      await this.#templateCase(c, people, at),
      request,
      people.find((p) => p.id === request.requestedBy),
      mediator?.displayName ?? request.mediatorId,
      staff.name,
    );
    const doc = await this.#write(staff, c, 'recusal_decision', layout, at, {
      recusalRequestId: request.id,
      decision: request.status,
    });
    const recipients = people.filter((p) => p.kind === 'applicant' || p.kind === 'respondent');
    const stored = { ...request, decisionDocumentId: doc.id };
    const dispatches: Dispatch[] = [];
    const deliveries = await this.#cases.transaction(async () => {
      await this.#insertDocument(staff, doc, null);
      await this.#cases.updateRecusalRequest(stored);
      return this.#createDeliveries(staff, doc, recipients, at, dispatches);
    });
    for (const n of dispatches) await this.#dispatch(c, doc, n.delivery, n.channels);
    return {
      request: stored,
      document: await this.#documentView(doc, await this.#docs.listDocuments(caseId), c),
      deliveries: await Promise.all(deliveries.map((d) => this.#deliveryView(d))),
    };
  }

  // ---- consent ---------------------------------------------------------------

  /** 送达地址确认书: records the consent in force and produces its PDF. */
  async consent(
    actor: Actor,
    caseId: string,
    input: ServiceConsentInput,
    client: ClientInfo,
  ): Promise<{ consent: ServiceConsent; document: DocumentView }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    let person: CasePerson | undefined;
    if (actor.kind === 'person') {
      if (input.personId !== undefined && input.personId !== actor.id)
        throw new ForbiddenError('只能确认本人的送达地址 / You may confirm only your own address');
      person = people.find((p) => p.id === actor.id);
    } else if (actor.kind === 'staff') {
      if (input.personId === undefined)
        throw new ValidationError('Name the person whose paper form is recorded', [
          'personId: required when staff record a consent',
        ]);
      person = people.find((p) => p.id === input.personId);
    }
    if (!person) throw new NotFoundError('Person');
    if (person.kind === 'observer')
      throw new ForbiddenError('旁听人员不是受送达人 / An observer is not served documents');
    const at = this.#now().toISOString();
    const addresses: ServiceAddress[] = input.consentToElectronicService
      ? input.addresses.map((a) =>
          a.channel === 'in_app' ? { channel: 'in_app', value: person.id } : a,
        )
      : [];
    const t = await this.#templateCase(c, people, at);
    const layout = consentLayout(t, person, {
      consentToElectronicService: input.consentToElectronicService,
      addresses,
      scope: input.scope,
      postalAddress: input.postalAddress ?? null,
      givenAt: at,
      recordedBy: actor.kind === 'staff' ? actor.name : null,
    });
    const doc = await this.#write(actor, c, 'service_consent', layout, at, {
      personId: person.id,
    });
    const consent: ServiceConsent = {
      id: randomUUID(),
      caseId,
      personId: person.id,
      electronic: input.consentToElectronicService,
      addresses,
      scope: input.scope,
      effectAcknowledged: input.effectAcknowledged,
      postalAddress: input.postalAddress ?? null,
      givenBy: actor.id,
      givenByRole: actor.role,
      givenAt: at,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      documentId: doc.id,
    };
    await this.#cases.transaction(async () => {
      await this.#insertDocument(actor, doc, null);
      await this.#docs.insertConsent(consent);
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'service.consent',
        target: person.id,
        payload: json({
          consentId: consent.id,
          personId: person.id,
          electronic: consent.electronic,
          channels: addresses.map((a) => a.channel),
          scope: consent.scope,
          documentId: doc.id,
          sha256: doc.sha256,
          ...clientPayload(client),
        }),
      });
    });
    return { consent, document: await this.#documentView(doc, [doc], c) };
  }

  async consents(actor: Actor, caseId: string): Promise<ServiceConsent[]> {
    await this.#caseFor(actor, caseId);
    const all = await this.#docs.listConsents(caseId);
    return actor.kind === 'person' ? all.filter((x) => x.personId === actor.id) : all;
  }

  // ---- issuing and serving ---------------------------------------------------

  async issue(
    actor: Actor,
    caseId: string,
    input: IssueDocumentInput,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const staff = requireStaff(actor, '签发文书 / issue documents');
    this.#checkIssuable(c, input);
    const recipients = input.recipients.map((id) => {
      const p = people.find((x) => x.id === id);
      if (!p)
        throw new ValidationError('Unknown recipient', [`recipients: ${id} is not in this case`]);
      if (p.kind === 'observer')
        throw new ValidationError('旁听人员不是受送达人 / An observer cannot be served', [
          `recipients: ${id} is an observer`,
        ]);
      return p;
    });
    if (new Set(input.recipients).size !== input.recipients.length)
      throw new ValidationError('Each recipient once', ['recipients: duplicates']);
    const previous = input.replaces ? await this.#docs.getDocument(input.replaces) : undefined;
    if (input.replaces && (!previous || previous.caseId !== caseId))
      throw new ValidationError('The document to replace is not in this case', [
        `replaces: ${input.replaces} not found`,
      ]);
    if (previous && previous.kind !== input.kind)
      throw new ValidationError('A new version must be of the same kind', [
        `replaces: a ${previous.kind}, not a ${input.kind}`,
      ]);
    if (previous && (await this.#docs.getSeal(previous.id)))
      throw new InvalidStateError(
        '已盖章生效的协议不能重新出具 / A sealed agreement cannot be reissued',
      );

    const at = this.#now().toISOString();
    const extras = await this.#extras(c, input);
    const layout = renderTemplate(input, await this.#templateCase(c, people, at), extras);
    const doc = await this.#write(
      staff,
      c,
      input.kind,
      layout,
      at,
      {
        input: json(input.fields),
        ...(input.kind === 'mediation_agreement' ? { terms: agreementTerms(input.fields) } : {}),
        ...(extras.agreement ? { agreementId: extras.agreement.documentId } : {}),
      },
      previous,
    );

    const notices: Dispatch[] = [];
    const deliveries = await this.#cases.transaction(async () => {
      // A concurrent reissue may have taken the version meanwhile.
      if (previous) {
        const latest = await this.#docs.latestVersion(previous.seriesId);
        if (latest && latest.version >= doc.version)
          throw new InvalidStateError('此文书已有更新版本 / A newer version was issued meanwhile');
      }
      await this.#insertDocument(staff, doc, previous ?? null);
      return this.#createDeliveries(staff, doc, recipients, at, notices);
    });

    for (const n of notices) await this.#dispatch(c, doc, n.delivery, n.channels);
    return {
      document: await this.#documentView(doc, await this.#docs.listDocuments(caseId), c),
      deliveries: await Promise.all(deliveries.map((d) => this.#deliveryView(d))),
    };
  }

  /**
   * One delivery per recipient inside the caller's transaction: dispatched to
   * the consented address, or marked for offline service without consent.
   * `dispatches` collects what to push once the transaction commits.
   */
  async #createDeliveries(
    actor: Actor,
    doc: CaseDocument,
    recipients: readonly CasePerson[],
    at: string,
    dispatches: Dispatch[],
  ): Promise<Delivery[]> {
    const created: Delivery[] = [];
    for (const p of recipients) {
      const consent = await this.#docs.currentConsent(doc.caseId, p.id);
      const address = consent && covers(consent, doc.kind) ? preferred(consent) : undefined;
      const delivery: Delivery = {
        id: randomUUID(),
        caseId: doc.caseId,
        documentId: doc.id,
        documentSha256: doc.sha256,
        recipientId: p.id,
        recipientName: p.name,
        channel: address?.channel ?? null,
        address: address?.value ?? null,
        consentId: address ? consent!.id : null,
        createdAt: at,
        createdBy: actor.id,
      };
      await this.#docs.insertDelivery(delivery);
      await this.#applyStep(
        actor,
        delivery,
        address ? 'dispatch' : 'markOffline',
        { ip: null, userAgent: null, channel: address?.channel ?? 'offline' },
        address ? null : { reason: 'no_consent' },
        'strict',
      );
      if (address) dispatches.push({ delivery, channels: consent!.addresses });
      created.push(delivery);
    }
    return created;
  }

  // ---- notices the case engine produced ----------------------------------------

  /**
   * Renders every notice not yet served (whoever produced it) as a document
   * and serves it on every applicant and respondent, and on each agent with
   * an e-service consent of its own: electronically where consented, marked
   * for offline service otherwise. Idempotent: the notice records its
   * document in the transaction that writes the document and its deliveries,
   * and passes run one at a time.
   */
  serveNotices(): Promise<{ served: number }> {
    const pass = this.#noticePass.then(() => this.#serveNotices());
    this.#noticePass = pass.catch(() => undefined);
    return pass;
  }

  async #serveNotices(): Promise<{ served: number }> {
    let served = 0;
    for (const notice of await this.#cases.listUnservedNotices()) {
      try {
        if (await this.#serveNotice(notice)) served += 1;
      } catch (error) {
        // One notice that cannot be rendered must not hold up the others; the next pass retries it.
        this.#logger.error(
          { err: error, noticeId: notice.id, caseId: notice.caseId },
          'notice not served',
        );
      }
    }
    return { served };
  }

  async #serveNotice(notice: CaseNotice): Promise<boolean> {
    const c = await this.#cases.getCase(notice.caseId);
    if (!c) return false;
    const people = await this.#cases.listPeople(c.id);
    const recipients: CasePerson[] = [];
    for (const p of people) {
      if (p.kind === 'applicant' || p.kind === 'respondent') recipients.push(p);
      else if (p.kind === 'agent' && (await this.#docs.currentConsent(c.id, p.id))?.electronic)
        recipients.push(p);
    }
    const at = this.#now().toISOString();
    const rendered = noticeDocument(notice, await this.#templateCase(c, people, at));
    const written = await this.#write(SYSTEM_ACTOR, c, rendered.kind, rendered.layout, at, {
      noticeId: notice.id,
      noticeKind: notice.kind,
      notice: json(notice.data),
    });
    const doc: CaseDocument = { ...written, title: rendered.title };
    const dispatches: Dispatch[] = [];
    const deliveries = await this.#cases.transaction(async () => {
      const current = await this.#cases.getNotice(notice.id);
      if (!current || current.documentId !== null) return undefined;
      await this.#insertDocument(SYSTEM_ACTOR, doc, null);
      const created = await this.#createDeliveries(SYSTEM_ACTOR, doc, recipients, at, dispatches);
      await this.#cases.setNoticeDocument(notice.id, doc.id);
      await this.#audit.append({
        caseId: c.id,
        actorId: SYSTEM_ACTOR.id,
        actorRole: SYSTEM_ACTOR.role,
        action: 'notice.served',
        target: notice.id,
        payload: json({
          noticeId: notice.id,
          kind: notice.kind,
          documentId: doc.id,
          sha256: doc.sha256,
          deliveries: created.map((d) => ({
            deliveryId: d.id,
            recipientId: d.recipientId,
            channel: d.channel ?? 'offline',
          })),
        }),
      });
      return created;
    });
    if (!deliveries) {
      // Served meanwhile (another process): the rendered file is not part of any record.
      await this.#blobs.remove(doc.blobKey).catch(() => undefined);
      return false;
    }
    for (const d of dispatches) await this.#dispatch(c, doc, d.delivery, d.channels);
    return true;
  }

  /**
   * A recipient's step on their delivery: delivered (client receipt), read,
   * acknowledge, challenge, paper copy. Repeats are harmless.
   */
  async recipientStep(
    actor: Actor,
    caseId: string,
    deliveryId: string,
    action: Extract<
      DeliveryAction,
      'deliver' | 'read' | 'acknowledge' | 'challenge' | 'requestPaperCopy'
    >,
    detail: Record<string, unknown> | null,
    client: StepClient,
  ): Promise<DeliveryView> {
    const { delivery } = await this.#deliveryFor(actor, caseId, deliveryId);
    if (actor.kind !== 'person' || actor.id !== delivery.recipientId)
      throw new ForbiddenError('只有受送达人本人可以操作 / Only the recipient may do this');
    await this.#step(
      actor,
      delivery,
      action,
      { ...client, channel: client.channel ?? 'in_app' },
      detail,
      'strict',
    );
    return this.#deliveryView(delivery);
  }

  /** Staff record a failed electronic delivery, or a proof of offline service. */
  async staffStep(
    actor: Actor,
    caseId: string,
    deliveryId: string,
    action: Extract<DeliveryAction, 'fail' | 'offlineProof'>,
    detail: Record<string, unknown>,
    client: ClientInfo,
  ): Promise<DeliveryView> {
    const { delivery } = await this.#deliveryFor(actor, caseId, deliveryId);
    requireStaff(
      actor,
      action === 'fail'
        ? '记录送达失败 / record a failure'
        : '记录线下送达 / record offline service',
    );
    if (
      action === 'offlineProof' &&
      typeof detail['evidenceId'] === 'string' &&
      this.#evidenceReceipt
    ) {
      const item = await this.#evidenceReceipt(caseId, detail['evidenceId']);
      if (!item)
        throw new ValidationError('Unknown evidence item', [`evidenceId: not in this case`]);
      detail = { ...detail, evidenceSha256: item.sha256 };
    }
    await this.#step(
      actor,
      delivery,
      action,
      { ...client, channel: action === 'fail' ? delivery.channel : 'offline' },
      detail,
      'strict',
    );
    return this.#deliveryView(delivery);
  }

  /** The socket layer's "delivered" moment: the recipient's client acknowledged the pushed notice. */
  async onDelivered(
    deliveryId: string,
    client: { caseId: string; personId: string } & ClientInfo,
  ): Promise<DeliveryView> {
    const actor = await this.personActor(client.caseId, client.personId);
    if (!actor) throw new NotFoundError('Delivery');
    return this.recipientStep(actor, client.caseId, deliveryId, 'deliver', null, {
      ...client,
      channel: 'in_app',
    });
  }

  /** Notices dispatched to a person and not yet delivered: pushed at their next connection. */
  async pendingFor(caseId: string, personId: string): Promise<ServedNotice[]> {
    const out: ServedNotice[] = [];
    for (const d of await this.#docs.listDeliveries(caseId)) {
      if (d.recipientId !== personId) continue;
      const view = await this.#deliveryView(d);
      if (view.state !== 'dispatched') continue;
      const doc = await this.#docs.getDocument(d.documentId);
      if (doc) out.push(noticeOf(d, doc));
    }
    return out;
  }

  /** The actor a case's person is, for the socket layer (undefined for people the case does not know). */
  async personActor(caseId: string, personId: string): Promise<PersonActor | undefined> {
    const person = (await this.#cases.listPeople(caseId)).find((p) => p.id === personId);
    if (!person) return undefined;
    return {
      kind: 'person',
      id: person.id,
      role: person.kind === 'agent' ? 'agent' : person.kind === 'observer' ? 'observer' : 'party',
      caseId,
      invitationId: '',
      name: person.name,
    };
  }

  /** 电子送达凭证 for one delivery, as of now. */
  async certificate(
    actor: Actor,
    caseId: string,
    deliveryId: string,
  ): Promise<{ bytes: Buffer; sha256: string; delivery: DeliveryView }> {
    const { c, people, delivery } = await this.#deliveryFor(actor, caseId, deliveryId);
    if (actor.kind === 'person' && actor.id !== delivery.recipientId)
      throw new NotFoundError('Delivery');
    const view = await this.#deliveryView(delivery);
    const doc = await this.#docs.getDocument(delivery.documentId);
    if (!doc) throw new NotFoundError('Document');
    const consent = delivery.consentId
      ? (await this.#docs.listConsents(caseId)).find((x) => x.id === delivery.consentId)
      : undefined;
    const recipient = people.find((p) => p.id === delivery.recipientId);
    const names = new Map<string, string>(people.map((p) => [p.id, p.name]));
    const generatedAt = this.#now().toISOString();
    const challenge = view.events.find((e) => e.kind === 'challenged');
    const layout = certificateLayout({
      caseNumber: c.caseNumber,
      organisation: (await this.#cases.getOrganisation(c.organisationId))?.name ?? c.organisationId,
      document: {
        title: doc.title,
        kind: doc.kind,
        version: doc.version,
        sha256: doc.sha256,
        issuedAt: doc.issuedAt,
      },
      recipient: {
        name: delivery.recipientName,
        role: recipient ? personRole(recipient) : '受送达人',
      },
      address: delivery.channel
        ? `${SERVICE_CHANNEL_LABELS[delivery.channel]}${
            delivery.channel === 'in_app'
              ? ''
              : `：${maskAddress({ channel: delivery.channel, value: delivery.address ?? '' })}`
          }`
        : '线下送达',
      consent: { given: consent !== undefined, at: consent?.givenAt ?? null },
      events: await Promise.all(
        view.events.map(async (e) => ({
          label: DELIVERY_EVENT_LABELS[e.kind],
          at: e.at,
          channel: channelLabel(e.channel),
          implied: e.implied,
          by:
            names.get(e.actorId) ??
            (await this.#cases.getStaff(e.actorId))?.displayName ??
            e.actorId,
        })),
      ),
      served: view.served
        ? { at: view.served.at, basis: SERVICE_BASIS_LABELS[view.served.basis] }
        : null,
      challenge: challenge ? String(challenge.detail?.['reason'] ?? '有异议') : null,
      paperCopy: view.paperCopyRequested,
      generatedAt,
      deliveryId: delivery.id,
    });
    const bytes = await this.#renderer.render(layout, new Date(generatedAt));
    const sha256 = sha(bytes);
    await this.#audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'delivery.certificate',
      target: delivery.id,
      payload: { deliveryId: delivery.id, documentSha256: doc.sha256, certificateSha256: sha256 },
    });
    return { bytes, sha256, delivery: view };
  }

  // ---- signing ---------------------------------------------------------------

  /** Sends a one-time code to the signer, who re-confirms their identity with it. */
  async signingCode(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { channel?: ServiceChannel | undefined },
  ): Promise<{
    channel: ServiceChannel;
    destination: string;
    expiresAt: string;
    attempts: number;
  }> {
    const { c, people, doc } = await this.#agreementFor(actor, caseId, documentId);
    const signer = signerOf(actor, c, people);
    const { channel, address } = await this.#codeDestination(actor, caseId, people, input.channel);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomUUID();
    const at = this.#now();
    const row: SigningCode = {
      id: randomUUID(),
      documentId: doc.id,
      signerId: actor.id,
      codeHash: hashCode(salt, code),
      salt,
      channel,
      destination: address,
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + SIGNING_CODE_TTL_MS).toISOString(),
      attempts: 0,
      usedAt: null,
    };
    await this.#cases.transaction(async () => {
      await this.#docs.insertSigningCode(row);
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'agreement.signingCode',
        target: doc.id,
        payload: {
          documentId: doc.id,
          signsFor: signer.signsFor,
          channel,
          expiresAt: row.expiresAt,
        },
      });
    });
    await this.#notifications.send({
      caseId,
      personId: actor.kind === 'person' ? actor.id : null,
      channel,
      address,
      purpose: 'signing_code',
      subject: `${DOCUMENT_KIND_LABELS.mediation_agreement}签署验证码`,
      body: `您正在签署${c.caseNumber}号案件的调解协议书（第 ${doc.version} 版），验证码 ${code}，10 分钟内有效。请勿告诉他人。`,
    });
    const destination =
      channel === 'in_app'
        ? SERVICE_CHANNEL_LABELS.in_app
        : maskAddress({ channel, value: address });
    // In-app, the signing screen is the channel: the code is shown there, to the signed-in signer.
    return {
      channel,
      destination,
      expiresAt: row.expiresAt,
      attempts: SIGNING_CODE_ATTEMPTS,
      ...(channel === 'in_app' ? { code } : {}),
    };
  }

  /** Signs the agreement with the code: binds signer, role, time and the agreement's hash. */
  async sign(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { code: string; signatureImage?: Buffer | undefined },
    client: ClientInfo,
  ): Promise<AgreementSignature> {
    // Only the service's own re-encoding is stored, hashed and later drawn into the sealed PDF.
    const image = input.signatureImage
      ? (await canonicalSignature(input.signatureImage, this.#untrusted)).png
      : null;
    const outcome = await this.#cases.transaction(async () => {
      const { c, people, doc } = await this.#agreementFor(actor, caseId, documentId);
      const signer = signerOf(actor, c, people);
      const existing = (await this.#docs.listSignatures(doc.id)).find(
        (s) => s.signerId === actor.id,
      );
      if (existing) return { kind: 'signed' as const, signature: existing };
      const code = await this.#docs.latestSigningCode(doc.id, actor.id);
      const now = this.#now();
      if (!code || code.usedAt !== null)
        return {
          kind: 'refused' as const,
          error: new InvalidStateError('请先获取验证码 / Request a signing code first'),
        };
      if (Date.parse(code.expiresAt) <= now.getTime())
        return {
          kind: 'refused' as const,
          error: new InvalidStateError(
            '验证码已过期，请重新获取 / The code has expired; request a new one',
          ),
        };
      if (code.attempts >= SIGNING_CODE_ATTEMPTS)
        return {
          kind: 'refused' as const,
          error: new InvalidStateError(
            '验证码错误次数过多，请重新获取 / Too many wrong codes; request a new one',
          ),
        };
      if (!sameHash(code.codeHash, hashCode(code.salt, input.code))) {
        await this.#docs.recordCodeAttempt(code.id, null);
        const left = SIGNING_CODE_ATTEMPTS - code.attempts - 1;
        return {
          kind: 'refused' as const,
          error: new ValidationError(
            `验证码不正确，还可尝试 ${left} 次 / Wrong code; ${left} attempts left`,
            ['code: does not match'],
          ),
        };
      }
      const at = now.toISOString();
      await this.#docs.recordCodeAttempt(code.id, at);
      const signature: AgreementSignature = {
        id: randomUUID(),
        documentId: doc.id,
        documentSha256: doc.sha256,
        signerId: actor.id,
        signerKind: actor.kind === 'staff' ? 'staff' : 'person',
        signerRole: signer.role,
        signsFor: signer.signsFor,
        signerName: signer.name,
        signedAt: at,
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        image,
        imageSha256: image ? sha(image) : null,
        codeId: code.id,
      };
      await this.#docs.insertSignature(signature);
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'agreement.signed',
        target: doc.id,
        payload: json({
          documentId: doc.id,
          version: doc.version,
          sha256: doc.sha256,
          signatureId: signature.id,
          signerRole: signature.signerRole,
          signsFor: signature.signsFor,
          signedAt: at,
          imageSha256: signature.imageSha256,
          // The bytes the signer's browser sent, before re-encoding.
          submittedImageSha256: input.signatureImage ? sha(input.signatureImage) : null,
          ...clientPayload(client),
        }),
      });
      return { kind: 'signed' as const, signature };
    });
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome.signature;
  }

  /**
   * Applies the organisation's seal once every required signature exists:
   * the final PDF with the signatures, a JWS by the service key over the
   * agreement's hash and the signatures, the hash into the audit chain, and
   * then the case's agreement takes effect, which starts its countdowns.
   */
  async seal(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ seal: Omit<AgreementSeal, 'blobKey'>; case: MediationCase }> {
    const staff = requireStaff(actor, '加盖印章 / apply the seal');
    const { c, people, doc } = await this.#agreementFor(staff, caseId, documentId, {
      sealing: true,
    });
    let seal = await this.#docs.getSeal(doc.id);
    if (!seal) {
      const signatures = (await this.#docs.listSignatures(doc.id)).filter(
        (s) => s.documentSha256 === doc.sha256,
      );
      const missing = missingSigners(people, c.mediatorId, '调解员', signatures);
      if (missing.length > 0) throw missingError(missing, '不能盖章 / cannot seal');
      const sealedAt = this.#now().toISOString();
      const organisation =
        (await this.#cases.getOrganisation(c.organisationId))?.name ?? c.organisationId;
      const layout = sealedAgreementLayout(storedLayout(doc), {
        organisation,
        agreementSha256: doc.sha256,
        version: doc.version,
        signatures,
        labels: SIGNS_FOR_LABELS,
        sealedAt,
      });
      const bytes = await this.#renderer.render(layout, new Date(sealedAt));
      const blob = await this.#blobs.write(Readable.from([bytes]), { maxBytes: MAX_PDF_BYTES });
      const jws = await this.#keys.sign(
        {
          caseId,
          caseNumber: c.caseNumber,
          documentId: doc.id,
          version: doc.version,
          sha256: doc.sha256,
          sealedPdfSha256: blob.sha256,
          signatures: signatures.map((s) => ({
            signatureId: s.id,
            signerId: s.signerId,
            signerName: s.signerName,
            signerRole: s.signerRole,
            signsFor: s.signsFor,
            signedAt: s.signedAt,
            documentSha256: s.documentSha256,
            imageSha256: s.imageSha256,
          })),
          sealedAt,
          sealedBy: staff.id,
        },
        'sealed-agreement+jws',
      );
      const row: AgreementSeal = {
        documentId: doc.id,
        caseId,
        blobKey: blob.key,
        sha256: blob.sha256,
        size: blob.size,
        jws,
        kid: this.#keys.activeKid,
        sealedAt,
        sealedBy: staff.id,
        sealerRole: staff.role,
      };
      try {
        await this.#cases.transaction(async () => {
          if (await this.#docs.getSeal(doc.id))
            throw new InvalidStateError('The agreement was sealed meanwhile');
          await this.#docs.insertSeal(row);
          await this.#audit.append({
            caseId,
            actorId: staff.id,
            actorRole: staff.role,
            action: 'agreement.sealed',
            target: doc.id,
            payload: {
              documentId: doc.id,
              version: doc.version,
              sha256: doc.sha256,
              sealedSha256: blob.sha256,
              jwsSha256: sha(Buffer.from(jws)),
              kid: row.kid,
              signatures: signatures.map((s) => s.id),
              sealedAt,
            },
          });
        });
      } catch (error) {
        await this.#blobs.remove(blob.key);
        throw error;
      }
      seal = row;
      this.#logger.info({ caseId, documentId: doc.id, sha256: blob.sha256 }, 'agreement sealed');
    }
    // Effective only now; a repeat after a crash between the two steps finishes the job.
    const updated = await this.#takeEffect(staff, c, doc, seal.sealedAt, 'seal');
    const { blobKey: _key, ...view } = seal;
    return { seal: view, case: updated };
  }

  /**
   * Records a signing on paper (纸质签署): the case's mediator files the scan
   * of the signed agreement (category signed_agreement), attests each
   * party's signatory and date and gives their own signature's date. Every
   * applicant and respondent must be covered (in person or by an agent with
   * special authority). The agreement takes effect at the time of this
   * record — never a time typed in, never in the future — and online
   * signing of it ends.
   */
  async recordPaperSigning(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: PaperSigningInput,
  ): Promise<MediationCase> {
    const staff = requireStaff(actor, '登记纸质签署 / record a paper signing');
    const { c, people, doc } = await this.#agreementFor(staff, caseId, documentId);
    if (staff.role !== 'mediator' || c.mediatorId !== staff.id)
      throw new ForbiddenError(
        "只有本案调解员可以登记纸质签署 / Only the case's mediator records a paper signing",
      );
    if (await this.#docs.getSeal(doc.id))
      throw new InvalidStateError('协议已盖章生效 / The agreement is sealed already');
    const scan = await this.#evidenceItem?.(caseId, input.evidenceId);
    if (!scan || scan.category !== 'signed_agreement' || scan.uploaderSide !== 'organisation')
      throw new ValidationError(
        '请先由本组织上传已签署调解协议书的扫描件 / File the scan of the signed agreement first (category signed_agreement, uploaded by the organisation)',
        ['evidenceId: not a signed agreement filed by the organisation in this case'],
      );
    const now = this.#now();
    const today = shanghaiDate(now);
    const issuedOn = shanghaiDate(new Date(doc.issuedAt));
    const dateIssues = [
      ...input.signatories.map((s, i) => ({ on: s.signedOn, at: `signatories.${i}.signedOn` })),
      { on: input.mediatorSignedOn, at: 'mediatorSignedOn' },
    ]
      .filter((d) => d.on > today || d.on < issuedOn)
      .map((d) => `${d.at}: not between the agreement's issue (${issuedOn}) and today (${today})`);
    if (dateIssues.length > 0)
      throw new ValidationError(
        '签署日期不能早于协议出具日，也不能晚于今天 / A signing date must lie between the issue of the agreement and today',
        dateIssues,
      );
    const facts = input.signatories.map((s) => {
      const party = people.find((p) => p.id === s.partyId);
      if (!party || (party.kind !== 'applicant' && party.kind !== 'respondent'))
        throw new ValidationError('Not a party of the case', [`partyId: ${s.partyId}`]);
      return { signerId: s.signerId ?? s.partyId, signsFor: party.kind, signedOn: s.signedOn };
    });
    const unauthorised = facts.filter((f) => partyBound(f, people) === null);
    if (unauthorised.length > 0)
      throw new ForbiddenError(
        '代理人未获签署调解协议的特别授权 / The signer is neither the party nor its agent with special authority to sign',
      );
    const missing = missingSigners(people, c.mediatorId, '调解员', [
      ...facts,
      { signerId: staff.id, signsFor: 'mediator' },
    ]);
    if (missing.length > 0)
      throw missingError(missing, '不能登记纸质签署 / cannot record the paper signing');
    const at = now.toISOString();
    await this.#audit.append({
      caseId,
      actorId: staff.id,
      actorRole: staff.role,
      action: 'agreement.paperSigned',
      target: doc.id,
      payload: json({
        documentId: doc.id,
        version: doc.version,
        sha256: doc.sha256,
        scan: { evidenceId: scan.id, sha256: scan.sha256 },
        signatories: facts.map((f) => ({
          partyId: partyBound(f, people),
          signerId: f.signerId,
          signsFor: f.signsFor,
          signedOn: f.signedOn,
        })),
        mediator: { id: staff.id, name: staff.name, signedOn: input.mediatorSignedOn },
        attestation: input.attestation,
        recordedAt: at,
      }),
    });
    this.#logger.info({ caseId, documentId: doc.id }, 'paper signing recorded');
    return this.#takeEffect(staff, c, doc, at, 'paper_signing');
  }

  async sealInfo(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<Omit<AgreementSeal, 'blobKey'>> {
    await this.#readable(actor, caseId, documentId);
    const seal = await this.#docs.getSeal(documentId);
    if (!seal) throw new NotFoundError('Seal');
    const { blobKey: _key, ...view } = seal;
    return view;
  }

  // ---- internals -------------------------------------------------------------

  async #takeEffect(
    staff: StaffActor,
    c: MediationCase,
    doc: CaseDocument,
    effectiveAt: string,
    basis: 'seal' | 'paper_signing',
  ): Promise<MediationCase> {
    const current = (await this.#cases.getCase(c.id)) ?? c;
    if (current.outcome?.effectiveAt) return current;
    // CaseService lets the mediator record outcomes; a sealing clerk acts through the system.
    const by = staff.role === 'mediator' ? staff : SYSTEM_ACTOR;
    const effect = { basis, documentId: doc.id, effectiveAt } as const;
    if (current.status === 'settled' && current.outcome?.kind === 'agreement')
      return this.#caseService.agreementTookEffect(by, c.id, effect);
    const terms = agreementTermsOf(doc);
    return this.#caseService.recordAgreement(
      by,
      c.id,
      {
        terms: terms.items.map((t, i) => `${i + 1}. ${t}`).join('\n'),
        performanceDeadline: terms.performanceDeadline,
        performanceMethod: terms.performanceMethod ?? undefined,
      },
      effect,
    );
  }

  /**
   * Records a step if the state machine allows it (a duplicate records
   * nothing). 'tolerant' swallows refusals (a PDF view that cannot count as
   * a read); 'strict' reports them.
   */
  async #step(
    actor: Actor,
    delivery: Delivery,
    action: DeliveryAction,
    client: { ip: string | null; userAgent: string | null; channel?: string | null },
    detail: Record<string, unknown> | null,
    mode: 'strict' | 'tolerant',
  ): Promise<void> {
    await this.#cases.transaction(() =>
      this.#applyStep(actor, delivery, action, client, detail, mode),
    );
  }

  /** `#step` inside the caller's transaction. */
  async #applyStep(
    actor: Actor,
    delivery: Delivery,
    action: DeliveryAction,
    client: { ip: string | null; userAgent: string | null; channel?: string | null },
    detail: Record<string, unknown> | null,
    mode: 'strict' | 'tolerant',
  ): Promise<void> {
    {
      const events = await this.#docs.listEvents(delivery.id);
      const result = transition(replay(events), action, { consented: delivery.consentId !== null });
      if (result.kind === 'duplicate') return;
      if (result.kind === 'refused') {
        if (mode === 'tolerant') return;
        throw new InvalidStateError(result.message);
      }
      const at = this.#now().toISOString();
      for (const e of result.events) {
        const row = await this.#docs.appendEvent({
          deliveryId: delivery.id,
          kind: e.kind,
          at,
          actorId: actor.id,
          actorRole: actor.role,
          channel: client.channel ?? null,
          ip: client.ip,
          userAgent: client.userAgent?.slice(0, 300) ?? null,
          documentSha256: delivery.documentSha256,
          implied: e.implied,
          detail: e.implied ? null : detail,
        });
        await this.#audit.append({
          caseId: delivery.caseId,
          actorId: actor.id,
          actorRole: actor.role,
          action: `delivery.${e.kind}`,
          target: delivery.id,
          payload: json({
            deliveryId: delivery.id,
            documentId: delivery.documentId,
            sha256: delivery.documentSha256,
            recipientId: delivery.recipientId,
            seq: row.seq,
            channel: row.channel,
            ip: row.ip,
            userAgent: row.userAgent,
            implied: e.implied,
            detail: row.detail,
          }),
        });
      }
    }
  }

  /** Pushes a dispatched delivery live, and queues e-mail/SMS notices for the consented addresses. */
  async #dispatch(
    c: MediationCase,
    doc: CaseDocument,
    delivery: Delivery,
    addresses: readonly ServiceAddress[],
  ): Promise<void> {
    const live = this.#delivery.deliver(
      { caseId: c.id, personId: delivery.recipientId },
      noticeOf(delivery, doc),
    );
    this.#logger.info(
      { caseId: c.id, deliveryId: delivery.id, live },
      'document dispatched to its recipient',
    );
    for (const a of addresses) {
      if (a.channel === 'in_app') continue;
      await this.#notifications.send({
        caseId: c.id,
        personId: delivery.recipientId,
        channel: a.channel,
        address: a.value,
        purpose: 'document_served',
        subject: `【${c.caseNumber}】${doc.title}`,
        body: `${delivery.recipientName}：${c.caseNumber}号案件的${doc.title}已向您送达，请登录在线调解平台查看并签收。文书 SHA-256：${doc.sha256}`,
      });
    }
  }

  async #write(
    actor: Actor,
    c: MediationCase,
    kind: DocumentKind,
    layout: DocumentLayout,
    at: string,
    fields: Record<string, unknown>,
    previous?: CaseDocument,
  ): Promise<CaseDocument> {
    const bytes = await this.#renderer.render(layout, new Date(at));
    const blob = await this.#blobs.write(Readable.from([bytes]), { maxBytes: MAX_PDF_BYTES });
    if (blob.sha256 !== sha(bytes)) throw new Error('The stored PDF differs from the rendered one');
    return {
      id: randomUUID(),
      caseId: c.id,
      seriesId: previous?.seriesId ?? randomUUID(),
      version: previous
        ? ((await this.#docs.latestVersion(previous.seriesId))?.version ?? 0) + 1
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

  async #insertDocument(
    actor: Actor,
    doc: CaseDocument,
    previous: CaseDocument | null,
  ): Promise<void> {
    await this.#docs.insertDocument(doc);
    await this.#audit.append({
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

  #checkIssuable(c: MediationCase, input: IssueDocumentInput): void {
    const refuse = (zh: string, en: string): never => {
      throw new InvalidStateError(`${zh} / ${en}`);
    };
    switch (input.kind) {
      case 'acceptance_notice':
        if (c.decision?.kind !== 'accepted')
          refuse('案件尚未受理', 'The case has not been accepted');
        return;
      case 'refusal_notice':
        if (c.decision?.kind !== 'refused')
          refuse('案件未被决定不予受理', 'The case was not refused');
        return;
      case 'mediation_agreement':
        if (!['in_mediation', 'settled'].includes(c.status) || c.outcome?.effectiveAt)
          refuse('案件不在可以出具调解协议的状态', 'An agreement cannot be issued in this state');
        return;
      case 'termination_record':
        if (c.status !== 'terminated' && !input.fields.ground)
          refuse('案件未终止调解，须写明终止事由', 'Give the ground: the case is not terminated');
        return;
      case 'application_form':
        if (c.intakeMode !== 'written')
          refuse(
            '口头申请应出具口头申请笔录',
            'An oral application has an oral application record',
          );
        return;
      case 'oral_application_record':
        if (c.intakeMode !== 'oral')
          refuse(
            '书面申请没有口头申请笔录',
            'A written application has no oral application record',
          );
        return;
      case 'judicial_confirmation_application':
      case 'arbitration_review_application':
        if (!c.outcome?.effectiveAt)
          refuse('调解协议尚未生效', 'The agreement is not effective yet');
        return;
      default:
        return;
    }
  }

  async #extras(c: MediationCase, input: IssueDocumentInput): Promise<TemplateExtras> {
    if (input.kind === 'evidence_receipt') {
      const receipt = this.#evidenceReceipt
        ? await this.#evidenceReceipt(c.id, input.fields.evidenceId)
        : undefined;
      if (!receipt)
        throw new ValidationError('Unknown evidence item', ['fields.evidenceId: not in this case']);
      return { evidence: receipt };
    }
    if (
      input.kind === 'judicial_confirmation_application' ||
      input.kind === 'arbitration_review_application'
    ) {
      const docs = await this.#docs.listDocuments(c.id);
      // Effective agreements: sealed online, or signed on paper (recorded in the chain).
      const paperSigned = new Set(
        paperSignings(await this.#audit.list(c.id)).map((r) => r.documentId),
      );
      const sealed: CaseDocument[] = [];
      for (const d of docs)
        if (
          d.kind === 'mediation_agreement' &&
          (paperSigned.has(d.id) || (await this.#docs.getSeal(d.id)))
        )
          sealed.push(d);
      const agreement = input.fields.agreementId
        ? sealed.find((d) => d.id === input.fields.agreementId)
        : sealed.at(-1);
      if (!agreement)
        throw new ValidationError('No sealed or paper-signed agreement to attach', [
          'fields.agreementId: none sealed or signed on paper',
        ]);
      return {
        agreement: {
          terms: agreementTermsOf(agreement),
          documentId: agreement.id,
          version: agreement.version,
          sha256: agreement.sha256,
        },
      };
    }
    if (input.kind === 'session_notice') {
      const session = await this.#cases.getSession(input.fields.sessionId);
      if (!session || session.caseId !== c.id)
        throw new ValidationError('Unknown session', ['fields.sessionId: not in this case']);
    }
    return {};
  }

  async #templateCase(
    c: MediationCase,
    people: readonly CasePerson[],
    issuedAt: string,
  ): Promise<TemplateCase> {
    const mediator = c.mediatorId ? await this.#cases.getStaff(c.mediatorId) : undefined;
    const registrar = await this.#cases.getStaff(c.registeredBy);
    const periods = (await this.#cases.listDeadlines(c.id)).filter(
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
      organisation: (await this.#cases.getOrganisation(c.organisationId))?.name ?? c.organisationId,
      mediator: mediator?.displayName ?? null,
      sessions: await this.#cases.listSessions(c.id),
      publicUrl: this.#publicUrl(),
      issuedAt,
    };
  }

  async #codeDestination(
    actor: Actor,
    caseId: string,
    people: readonly CasePerson[],
    wanted: ServiceChannel | undefined,
  ): Promise<{ channel: ServiceChannel; address: string }> {
    if (actor.kind !== 'person') return { channel: 'in_app', address: actor.id };
    const consent = await this.#docs.currentConsent(caseId, actor.id);
    const person = people.find((p) => p.id === actor.id);
    const options: ServiceAddress[] = [...(consent?.addresses ?? [])];
    if (person?.phone && !options.some((o) => o.channel === 'sms'))
      options.push({ channel: 'sms', value: person.phone });
    if (!options.some((o) => o.channel === 'in_app'))
      options.push({ channel: 'in_app', value: actor.id });
    const order: ServiceChannel[] = wanted ? [wanted] : ['sms', 'email', 'in_app'];
    for (const channel of order) {
      const found = options.find((o) => o.channel === channel);
      if (found) return { channel, address: found.value };
    }
    throw new ValidationError('No address on that channel', [
      `channel: no ${wanted ?? ''} address is known for you`,
    ]);
  }

  async #documentView(
    doc: CaseDocument,
    all: readonly CaseDocument[],
    c: MediationCase,
  ): Promise<DocumentView> {
    const latest = all
      .filter((d) => d.seriesId === doc.seriesId)
      .reduce((max, d) => Math.max(max, d.version), doc.version);
    return {
      id: doc.id,
      caseId: doc.caseId,
      seriesId: doc.seriesId,
      version: doc.version,
      kind: doc.kind,
      title: doc.title,
      sha256: doc.sha256,
      size: doc.size,
      issuedAt: doc.issuedAt,
      issuedBy: doc.issuedBy,
      superseded: latest > doc.version,
      signing: doc.kind === 'mediation_agreement' ? await this.#agreementStatus(doc, c) : null,
    };
  }

  async #agreementStatus(doc: CaseDocument, c: MediationCase): Promise<AgreementStatus> {
    const signatures = (await this.#docs.listSignatures(doc.id)).filter(
      (s) => s.documentSha256 === doc.sha256,
    );
    const seal = await this.#docs.getSeal(doc.id);
    const people = await this.#cases.listPeople(c.id);
    const missing = missingSigners(people, c.mediatorId, '调解员', signatures);
    // Only an effective case can have a paper signing: views of agreements still being
    // signed (polled by the console) do not read the chain.
    const paper =
      seal || !c.outcome?.effectiveAt
        ? undefined
        : latestPaperSigning(await this.#audit.list(c.id), doc.id);
    const paperSigned = paper ? { recordedAt: paper.at, evidenceId: paper.evidenceId } : null;
    return {
      required: requiredSigners(people, '调解员').map((r) => ({
        ...r,
        signed: !missing.some((m) => m.signsFor === r.signsFor && m.partyId === r.partyId),
      })),
      signatures: signatures.map(
        ({ image: _i, ip: _ip, userAgent: _ua, codeId: _c, ...rest }) => rest,
      ),
      sealed: seal ? (({ blobKey: _k, ...rest }) => rest)(seal) : null,
      paperSigned,
      effective: (seal !== undefined || paperSigned !== null) && Boolean(c.outcome?.effectiveAt),
    };
  }

  async #deliveryView(d: Delivery): Promise<DeliveryView> {
    const events = await this.#docs.listEvents(d.id);
    const snapshot = replay(events);
    return {
      ...d,
      state: snapshot.state,
      status: snapshot.challenged ? 'challenged' : snapshot.state,
      challenged: snapshot.challenged,
      paperCopyRequested: snapshot.paperCopyRequested,
      served: servedAt(
        events.map((e) => ({
          kind: e.kind,
          at: e.at,
          servedOn: typeof e.detail?.['servedOn'] === 'string' ? e.detail['servedOn'] : null,
        })),
        d.consentId !== null,
      ),
      events,
    };
  }

  #caseFor(actor: Actor, caseId: string): Promise<{ c: MediationCase; people: CasePerson[] }> {
    return caseInScope(this.#cases, actor, caseId);
  }

  /** A document the actor may read; one they may not is reported as not found. */
  async #readable(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const doc = await this.#docs.getDocument(documentId);
    if (!doc || doc.caseId !== caseId || !(await this.#canRead(actor, doc, people)))
      throw new NotFoundError('Document');
    return { c, people, doc };
  }

  /** Staff read everything; a person what was served on them or on the party they represent, and their own consent forms. */
  async #canRead(actor: Actor, doc: CaseDocument, people: readonly CasePerson[]): Promise<boolean> {
    if (actor.kind !== 'person') return true;
    if (doc.kind === 'service_consent') return doc.fields['personId'] === actor.id;
    // A 回避申请书 is the requester's own filing; the decision reaches the parties by service.
    if (doc.kind === 'recusal_request' && doc.fields['personId'] === actor.id) return true;
    const me = people.find((p) => p.id === actor.id);
    const readers = new Set([actor.id]);
    if (me?.kind === 'agent' && me.representsId) readers.add(me.representsId);
    const deliveries = await this.#docs.listDeliveries(doc.caseId);
    return deliveries.some((d) => d.documentId === doc.id && readers.has(d.recipientId));
  }

  async #deliveryFor(
    actor: Actor,
    caseId: string,
    deliveryId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; delivery: Delivery }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const delivery = await this.#docs.getDelivery(deliveryId);
    if (
      !delivery ||
      delivery.caseId !== caseId ||
      (actor.kind === 'person' && delivery.recipientId !== actor.id)
    )
      throw new NotFoundError('Delivery');
    return { c, people, delivery };
  }

  /** The latest version of an agreement, not yet sealed (unless sealing, which is idempotent). */
  async #agreementFor(
    actor: Actor,
    caseId: string,
    documentId: string,
    options: { sealing?: boolean } = {},
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people, doc } = await this.#readableForSigning(actor, caseId, documentId);
    if (doc.kind !== 'mediation_agreement')
      throw new ValidationError('Only the mediation agreement is signed', [
        `documentId: a ${doc.kind}`,
      ]);
    const latest = await this.#docs.latestVersion(doc.seriesId);
    if (latest && latest.version !== doc.version)
      throw new InvalidStateError(
        `此版本已被第 ${latest.version} 版取代 / Version ${doc.version} was replaced by version ${latest.version}`,
      );
    const sealed = await this.#docs.getSeal(doc.id);
    if (sealed && !options.sealing)
      throw new InvalidStateError('协议已盖章生效，不能再签署 / The agreement is sealed already');
    if (!sealed && c.outcome?.effectiveAt)
      throw new InvalidStateError(
        "案件的调解协议已生效 / The case's agreement is effective already",
      );
    if (!sealed && !['in_mediation', 'settled'].includes(c.status))
      throw new InvalidStateError(
        '案件不在可以签署协议的状态 / The case cannot take an agreement now',
      );
    return { c, people, doc };
  }

  /** Signers may act on the agreement even if it was served on their party rather than on them. */
  async #readableForSigning(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const doc = await this.#docs.getDocument(documentId);
    if (!doc || doc.caseId !== caseId) throw new NotFoundError('Document');
    if (actor.kind === 'person' && doc.kind !== 'mediation_agreement') {
      if (!(await this.#canRead(actor, doc, people))) throw new NotFoundError('Document');
    }
    return { c, people, doc };
  }

  async #readBlob(key: string, expected: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.#blobs.read(key)) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (sha(bytes) !== expected) {
      this.#logger.error({ key, expected }, 'stored document does not match its hash');
      throw new AppError('INTERNAL', 'The stored document does not match its hash');
    }
    return bytes;
  }
}

function requireStaff(actor: Actor, what: string): StaffActor {
  if (actor.kind !== 'staff')
    throw new ForbiddenError(
      `只有调解员或书记员可以${what.split(' / ')[0]} / Only staff may ${what.split(' / ')[1] ?? what}`,
    );
  return actor;
}

/** Who the actor signs as, or Forbidden. */
function signerOf(
  actor: Actor,
  c: MediationCase,
  people: readonly CasePerson[],
): { role: SignerRole; signsFor: AgreementSignature['signsFor']; name: string } {
  if (actor.kind === 'staff') {
    if (actor.role === 'mediator' && c.mediatorId === actor.id)
      return { role: 'mediator', signsFor: 'mediator', name: actor.name };
    throw new ForbiddenError(
      "只有本案调解员可以作为调解员签署 / Only the case's mediator signs as mediator",
    );
  }
  if (actor.kind !== 'person') throw new ForbiddenError('No signer');
  const me = people.find((p) => p.id === actor.id);
  if (me?.kind === 'applicant' || me?.kind === 'respondent')
    return { role: me.kind, signsFor: me.kind, name: me.name };
  if (me?.kind === 'agent') {
    const party = people.find((p) => p.id === me.representsId);
    // Settling for a party needs a special authorisation (特别授权) that covers signing.
    if (
      (party?.kind === 'applicant' || party?.kind === 'respondent') &&
      me.powerOfAttorney?.maySign === true &&
      me.powerOfAttorney.scope === 'special'
    )
      return { role: 'agent', signsFor: party.kind, name: me.name };
    throw new ForbiddenError(
      "代理人未获签署调解协议的特别授权 / The agent's power of attorney does not cover signing",
    );
  }
  throw new ForbiddenError('您不是本协议的签署人 / You are not a signer of this agreement');
}

function missingError(missing: readonly RequiredSigner[], what: string): InvalidStateError {
  const zh = missing.map((m) => `${SIGNS_FOR_LABELS[m.signsFor]}${m.name}`).join('、');
  const en = missing.map((m) => `${m.signsFor} ${m.name}`).join(', ');
  const [zhWhat, enWhat] = what.split(' / ');
  return new InvalidStateError(
    `尚缺${zh}的签名，${zhWhat} / Not every required signer has signed (${en}); ${enWhat}`,
  );
}

function covers(consent: ServiceConsent, kind: DocumentKind): boolean {
  return (
    consent.electronic &&
    consent.addresses.length > 0 &&
    (consent.scope === 'all' || consent.scope.includes(kind))
  );
}

/** In-app first (the live channel), then e-mail, then SMS. */
function preferred(consent: ServiceConsent): ServiceAddress | undefined {
  for (const channel of ['in_app', 'email', 'sms'] as const) {
    const found = consent.addresses.find((a) => a.channel === channel);
    if (found) return found;
  }
  return undefined;
}

function noticeOf(d: Delivery, doc: CaseDocument): ServedNotice {
  return {
    deliveryId: d.id,
    documentId: doc.id,
    title: doc.title,
    kind: doc.kind,
    sha256: doc.sha256,
    issuedAt: doc.issuedAt,
  };
}

function agreementTerms(fields: {
  items: string[];
  amount?: number | undefined;
  performanceDeadline?: string | undefined;
  performanceMethod?: string | undefined;
}): AgreementTerms {
  return {
    items: fields.items,
    amount: fields.amount ?? null,
    performanceDeadline: fields.performanceDeadline ?? null,
    performanceMethod: fields.performanceMethod ?? null,
  };
}

function agreementTermsOf(doc: CaseDocument): AgreementTerms {
  const t = doc.fields['terms'] as Partial<AgreementTerms> | undefined;
  return {
    items: Array.isArray(t?.items) ? t.items.map(String) : [],
    amount: typeof t?.amount === 'number' ? t.amount : null,
    performanceDeadline: typeof t?.performanceDeadline === 'string' ? t.performanceDeadline : null,
    performanceMethod: typeof t?.performanceMethod === 'string' ? t.performanceMethod : null,
  };
}

/** The layout a document was rendered from, as stored with it. */
function storedLayout(doc: CaseDocument): DocumentLayout {
  const layout = doc.fields['layout'] as DocumentLayout | undefined;
  if (!layout || !Array.isArray(layout.blocks))
    throw new InvalidStateError('The agreement has no stored layout');
  return layout;
}

function channelLabel(channel: string | null): string {
  if (channel === 'offline') return '线下';
  if (channel === 'in_app' || channel === 'email' || channel === 'sms')
    return SERVICE_CHANNEL_LABELS[channel];
  return channel ?? '—';
}

function clientPayload(client: ClientInfo): { ip: string | null; userAgent: string | null } {
  return { ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null };
}

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Drops undefined values so the audit chain's canonical JSON accepts the payload. */
function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export type { DeliveryEvent };
