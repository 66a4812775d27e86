/**
 * The document service (文书送达): documents issued from templates and fixed
 * by their SHA-256, served on the chosen recipients under the consent each
 * gave (送达地址确认书), every step of every delivery recorded as an
 * immutable row and an audit-chain event, the electronic service certificate
 * (电子送达凭证), and the online signing and sealing of the mediation
 * agreement, which makes it effective. Knows nothing of HTTP or Socket.IO:
 * live delivery goes through the DeliveryChannel port, messages through the
 * NotificationChannel port.
 *
 * This class is what the rest of the server sees; it only composes its
 * parts, each a seam of its own (see README.md):
 *
 * - issuing.ts  — issue, recusal documents, notices the case engine
 *                 produced, reading a document and its PDF;
 * - service.ts  — deliveries and their steps, dispatch;
 * - certificates.ts — the service certificate, rendered once per step and kept;
 * - consent.ts  — consent to electronic service;
 * - signing.ts  — signing codes and signatures;
 * - sealing.ts  — the seal, a paper signing, the agreement's effect;
 * - context.ts, views.ts — what the parts share, what readers see.
 *
 * It stays a facade (rather than callers using the parts directly) so routes,
 * sockets and the reference services keep one dependency. Construction does
 * no I/O.
 */
import { processLocalClaims, type JobClaims } from '../jobs/JobLeases.js';
import type { z } from 'zod';
import type { Actor } from '../cases/access.js';
import type { MediationCase, RecusalRequest } from '../cases/model.js';
import type { recusalDecisionSchema, recusalRequestSchema } from '../cases/schemas.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import { untrustedWorkers } from '../untrusted/UntrustedWorkers.js';
import { ServiceCertificates } from './certificates.js';
import { ServiceConsents } from './consent.js';
import { DocumentContext, type DocumentDeps, type PersonActor } from './context.js';
import type { ServedNotice } from './DeliveryChannel.js';
import { DocumentIssuing } from './issuing.js';
import type {
  AgreementSeal,
  AgreementSignature,
  CaseDocument,
  DeliveryEvent,
  DeliveryView,
  ServiceChannel,
  ServiceConsent,
} from './model.js';
import type { IssueDocumentInput, PaperSigningInput, ServiceConsentInput } from './schemas.js';
import { AgreementSealing } from './sealing.js';
import { ServiceOfDocuments, type StepClient } from './service.js';
import type { DeliveryAction } from './serviceStateMachine.js';
import { SessionRecords } from './sessionRecords.js';
import { AgreementSigning } from './signing.js';
import type { AgreementTerms } from './templates.js';
import type { SessionRecordContent } from '../../signaling/http/sessionRecords.js';
import type { CaseMessage } from './consent.js';
import type { DocumentView } from './views.js';

export { SIGNING_CODE_ATTEMPTS, SIGNING_CODE_TTL_MS } from './signing.js';
export type { StepClient } from './service.js';
export type { AgreementStatus, DocumentView } from './views.js';
export type { DeliveryEvent };

export type DocumentServiceOptions = Omit<DocumentDeps, 'now' | 'untrusted' | 'jobs'> & {
  now?: () => Date;
  /** Claims shared with the other processes on the database (default: this process alone). */
  jobs?: JobClaims;
  /** Where signature images are decoded (default: the process's shared pool). */
  untrusted?: DocumentDeps['untrusted'];
};

export class DocumentService {
  readonly #issuing: DocumentIssuing;
  readonly #service: ServiceOfDocuments;
  readonly #certificates: ServiceCertificates;
  readonly #consents: ServiceConsents;
  readonly #signing: AgreementSigning;
  readonly #sealing: AgreementSealing;
  readonly #records: SessionRecords;

  constructor(o: DocumentServiceOptions) {
    const ctx = new DocumentContext({
      ...o,
      logger: o.logger.child({ component: 'documents' }),
      now: o.now ?? (() => new Date()),
      untrusted: o.untrusted ?? untrustedWorkers,
      jobs: o.jobs ?? processLocalClaims(),
    });
    this.#service = new ServiceOfDocuments(ctx);
    this.#certificates = new ServiceCertificates(ctx, this.#service);
    this.#issuing = new DocumentIssuing(ctx, this.#service);
    this.#consents = new ServiceConsents(ctx);
    this.#signing = new AgreementSigning(ctx);
    this.#sealing = new AgreementSealing(ctx, this.#signing);
    this.#records = new SessionRecords(ctx, this.#service);
  }

  // ---- reading (issuing.ts, sealing.ts) ---------------------------------------

  /** Staff: every document and delivery of the case. A person: their inbox. */
  list(
    actor: Actor,
    caseId: string,
  ): Promise<{ documents: DocumentView[]; deliveries: DeliveryView[] }> {
    return this.#issuing.list(actor, caseId);
  }

  document(actor: Actor, caseId: string, documentId: string): Promise<DocumentView> {
    return this.#issuing.document(actor, caseId, documentId);
  }

  /** The issued PDF, checked against its hash; a recipient opening it has read it. */
  pdf(
    actor: Actor,
    caseId: string,
    documentId: string,
    client: ClientInfo,
  ): Promise<{ document: CaseDocument; bytes: Buffer }> {
    return this.#issuing.pdf(actor, caseId, documentId, client);
  }

  /** An agreement's terms as issued (server-internal: metadata only, no read of the file). */
  agreementTerms(documentId: string): Promise<AgreementTerms | undefined> {
    return this.#issuing.agreementTerms(documentId);
  }

  sealedPdf(
    actor: Actor,
    caseId: string,
    documentId: string,
    client: ClientInfo,
  ): Promise<{ seal: AgreementSeal; bytes: Buffer }> {
    return this.#sealing.sealedPdf(actor, caseId, documentId, client);
  }

  sealInfo(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<Omit<AgreementSeal, 'blobKey'>> {
    return this.#sealing.sealInfo(actor, caseId, documentId);
  }

  // ---- session records (sessionRecords.ts) ------------------------------------

  /** A session's record: what the service knows, the mediator's draft, the issued versions. */
  sessionRecord(
    actor: Actor,
    caseId: string,
    sessionId: string,
  ): ReturnType<SessionRecords['read']> {
    return this.#records.read(actor, caseId, sessionId);
  }

  saveSessionRecord(
    actor: Actor,
    caseId: string,
    sessionId: string,
    content: SessionRecordContent,
  ): ReturnType<SessionRecords['save']> {
    return this.#records.save(actor, caseId, sessionId, content);
  }

  issueSessionRecord(
    actor: Actor,
    caseId: string,
    sessionId: string,
  ): ReturnType<SessionRecords['issue']> {
    return this.#records.issue(actor, caseId, sessionId);
  }

  /** The mediator records that an attendee refused to sign a session record. */
  signingRefusal(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { personId: string; reason: string },
  ): Promise<DocumentView> {
    return this.#records.refusal(actor, caseId, documentId, input);
  }

  // ---- issuing (issuing.ts) ---------------------------------------------------

  issue(
    actor: Actor,
    caseId: string,
    input: IssueDocumentInput,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    return this.#issuing.issue(actor, caseId, input);
  }

  /** 回避申请: recorded by CaseService, its 回避申请书 rendered into the case file. */
  requestRecusal(
    actor: Actor,
    caseId: string,
    input: z.output<typeof recusalRequestSchema>,
  ): Promise<{ request: RecusalRequest; document: DocumentView }> {
    return this.#issuing.requestRecusal(actor, caseId, input);
  }

  /** The organisation decides (CaseService); its 回避决定书 is served on every party. */
  decideRecusal(
    actor: Actor,
    caseId: string,
    requestId: string,
    input: z.output<typeof recusalDecisionSchema>,
  ): Promise<{ request: RecusalRequest; document: DocumentView; deliveries: DeliveryView[] }> {
    return this.#issuing.decideRecusal(actor, caseId, requestId, input);
  }

  /** Renders and serves every notice not yet served (see DocumentIssuing.serveNotices). */
  serveNotices(): Promise<{ served: number }> {
    return this.#issuing.serveNotices();
  }

  // ---- consent (consent.ts) ---------------------------------------------------

  /** 送达地址确认书: records the consent in force and produces its PDF. */
  consent(
    actor: Actor,
    caseId: string,
    input: ServiceConsentInput,
    client: ClientInfo,
  ): Promise<{ consent: ServiceConsent; document: DocumentView }> {
    return this.#consents.consent(actor, caseId, input, client);
  }

  consents(actor: Actor, caseId: string): Promise<ServiceConsent[]> {
    return this.#consents.consents(actor, caseId);
  }

  // ---- service of documents (service.ts) ---------------------------------------

  /** A recipient's step on their delivery (see ServiceOfDocuments.recipientStep). */
  recipientStep(
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
    return this.#service.recipientStep(actor, caseId, deliveryId, action, detail, client);
  }

  /** Staff record a failed electronic delivery, or a proof of offline service. */
  staffStep(
    actor: Actor,
    caseId: string,
    deliveryId: string,
    action: Extract<DeliveryAction, 'fail' | 'offlineProof'>,
    detail: Record<string, unknown>,
    client: ClientInfo,
  ): Promise<DeliveryView> {
    return this.#service.staffStep(actor, caseId, deliveryId, action, detail, client);
  }

  /** The socket layer's "delivered" moment: the recipient's client acknowledged the pushed notice. */
  onDelivered(
    deliveryId: string,
    client: { caseId: string; personId: string } & ClientInfo,
  ): Promise<DeliveryView> {
    return this.#service.onDelivered(deliveryId, client);
  }

  /** E-mail and SMS sent about the case, with what the gateways reported (staff only). */
  messages(actor: Actor, caseId: string): Promise<CaseMessage[]> {
    return this.#consents.messages(actor, caseId);
  }

  /** A gateway's report on an e-mail or SMS notice of a delivery (server/channels/). */
  channelOutcome(
    deliveryId: string,
    channel: 'email' | 'sms',
    outcome: 'delivered' | 'failed',
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.#service.channelOutcome(deliveryId, channel, outcome, detail);
  }

  /** Notices dispatched to a person and not yet delivered: pushed at their next connection. */
  pendingFor(caseId: string, personId: string): Promise<ServedNotice[]> {
    return this.#service.pendingFor(caseId, personId);
  }

  /** The actor a case's person is, for the socket layer (undefined for people the case does not know). */
  personActor(caseId: string, personId: string): Promise<PersonActor | undefined> {
    return this.#service.personActor(caseId, personId);
  }

  /** 电子送达凭证 for one delivery as of its latest step: rendered once for that step, then kept. */
  certificate(
    actor: Actor,
    caseId: string,
    deliveryId: string,
  ): Promise<{ bytes: Buffer; sha256: string; delivery: DeliveryView }> {
    return this.#certificates.certificate(actor, caseId, deliveryId);
  }

  // ---- signing and sealing (signing.ts, sealing.ts) ----------------------------

  /** Sends a one-time code to the signer, who re-confirms their identity with it. */
  signingCode(
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
    return this.#signing.signingCode(actor, caseId, documentId, input);
  }

  /** Signs the agreement with the code: binds signer, role, time and the agreement's hash. */
  sign(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { code: string; signatureImage?: Buffer | undefined },
    client: ClientInfo,
  ): Promise<AgreementSignature> {
    return this.#signing.sign(actor, caseId, documentId, input, client);
  }

  /** Applies the organisation's seal once every required signature exists; the agreement takes effect. */
  seal(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ seal: Omit<AgreementSeal, 'blobKey'>; case: MediationCase }> {
    return this.#sealing.seal(actor, caseId, documentId);
  }

  /** Records a signing on paper (see AgreementSealing.recordPaperSigning). */
  recordPaperSigning(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: PaperSigningInput,
  ): Promise<MediationCase> {
    return this.#sealing.recordPaperSigning(actor, caseId, documentId, input);
  }
}
