/**
 * Issuing documents: a document rendered from its template (templates.ts,
 * noticeTemplates.ts, recusalTemplates.ts) into a PDF, fixed by its SHA-256
 * in the blob store, and served on its recipients (service.ts). Also the
 * 回避申请书 / 回避决定书 beside CaseService's recusal records, the notices
 * the case engine produced, and reading a document or its PDF.
 */
import { withLease } from '../jobs/JobLeases.js';
import type { Reason } from '../../signaling/index.js';
import type { z } from 'zod';
import type { Actor } from '../cases/access.js';
import type { CaseNotice, CasePerson, MediationCase, RecusalRequest } from '../cases/model.js';
import type { recusalDecisionSchema, recusalRequestSchema } from '../cases/schemas.js';
import { fail, NotFoundError } from '../errors.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import {
  SYSTEM_ACTOR,
  agreementTerms,
  agreementTermsOf,
  clientPayload,
  json,
  requireStaff,
  type DocumentContext,
} from './context.js';
import type { CaseDocument, DeliveryView } from './model.js';
import { noticeDocument } from './noticeTemplates.js';
import { paperSignings } from './paperSigning.js';
import { recusalDecisionLayout, recusalRequestLayout } from './recusalTemplates.js';
import type { IssueDocumentInput } from './schemas.js';
import type { Dispatch, ServiceOfDocuments } from './service.js';
import { renderTemplate, type AgreementTerms, type TemplateExtras } from './templates.js';
import { deliveryView, documentView, type DocumentView } from './views.js';

export class DocumentIssuing {
  readonly #ctx: DocumentContext;
  readonly #service: ServiceOfDocuments;
  #noticePass: Promise<unknown> = Promise.resolve();

  constructor(ctx: DocumentContext, service: ServiceOfDocuments) {
    this.#ctx = ctx;
    this.#service = service;
  }

  // ---- reading ---------------------------------------------------------------

  /** Staff: every document and delivery of the case. A person: their inbox. */
  async list(
    actor: Actor,
    caseId: string,
  ): Promise<{ documents: DocumentView[]; deliveries: DeliveryView[] }> {
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const documents = await this.#ctx.docs.listDocuments(caseId);
    const deliveries = await this.#ctx.docs.listDeliveries(caseId);
    const visibleDeliveries =
      actor.kind === 'person' ? deliveries.filter((d) => d.recipientId === actor.id) : deliveries;
    const visibleDocs: CaseDocument[] = [];
    for (const d of documents) if (await this.#ctx.canRead(actor, d, people)) visibleDocs.push(d);
    return {
      documents: await Promise.all(
        visibleDocs.map((d) => documentView(this.#ctx, d, documents, c)),
      ),
      deliveries: await Promise.all(visibleDeliveries.map((d) => deliveryView(this.#ctx, d))),
    };
  }

  async document(actor: Actor, caseId: string, documentId: string): Promise<DocumentView> {
    const { c, doc } = await this.#ctx.readable(actor, caseId, documentId);
    return documentView(this.#ctx, doc, await this.#ctx.docs.listDocuments(caseId), c);
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
    const { doc } = await this.#ctx.readable(actor, caseId, documentId);
    const bytes = await this.#ctx.readBlob(doc.blobKey, doc.sha256);
    await this.#ctx.audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'document.viewed',
      target: doc.id,
      payload: { documentId: doc.id, sha256: doc.sha256, ...clientPayload(client) },
    });
    if (actor.kind === 'person') {
      for (const d of await this.#ctx.docs.listDeliveries(caseId)) {
        if (d.documentId === doc.id && d.recipientId === actor.id)
          await this.#service.step(
            actor,
            d,
            'read',
            { ...client, channel: 'in_app' },
            null,
            'tolerant',
          );
      }
    }
    return { document: doc, bytes };
  }

  /** An agreement's terms as issued (server-internal: metadata only, no read of the file). */
  async agreementTerms(documentId: string): Promise<AgreementTerms | undefined> {
    const doc = await this.#ctx.docs.getDocument(documentId);
    return doc?.kind === 'mediation_agreement' ? agreementTermsOf(doc) : undefined;
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
    const request = await this.#ctx.caseService.requestRecusal(actor, caseId, input);
    const { c, people } = await this.#ctx.caseFor(SYSTEM_ACTOR, caseId);
    const requester = people.find((p) => p.id === request.requestedBy);
    if (!requester) throw new NotFoundError('Person');
    const mediator = await this.#ctx.cases.getStaff(request.mediatorId);
    const at = this.#ctx.now().toISOString();
    const layout = recusalRequestLayout(
      await this.#ctx.templateCase(c, people, at),
      request,
      requester,
      mediator?.displayName ?? request.mediatorId,
    );
    const doc = await this.#ctx.write(actor, c, 'recusal_request', layout, at, {
      personId: requester.id,
      recusalRequestId: request.id,
    });
    const stored = { ...request, requestDocumentId: doc.id };
    await this.#ctx.cases.transaction(async () => {
      await this.#ctx.insertDocument(actor, doc, null);
      await this.#ctx.cases.updateRecusalRequest(stored);
    });
    return { request: stored, document: await documentView(this.#ctx, doc, [doc], c) };
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
    const staff = requireStaff(actor, 'decide a recusal request');
    const request = await this.#ctx.caseService.decideRecusal(staff, caseId, requestId, input);
    const { c, people } = await this.#ctx.caseFor(SYSTEM_ACTOR, caseId);
    const mediator = await this.#ctx.cases.getStaff(request.mediatorId);
    const at = this.#ctx.now().toISOString();
    const layout = recusalDecisionLayout(
      await this.#ctx.templateCase(c, people, at),
      request,
      people.find((p) => p.id === request.requestedBy),
      mediator?.displayName ?? request.mediatorId,
      staff.name,
    );
    const doc = await this.#ctx.write(staff, c, 'recusal_decision', layout, at, {
      recusalRequestId: request.id,
      decision: request.status,
    });
    const recipients = people.filter((p) => p.kind === 'applicant' || p.kind === 'respondent');
    const stored = { ...request, decisionDocumentId: doc.id };
    const dispatches: Dispatch[] = [];
    const deliveries = await this.#ctx.cases.transaction(async () => {
      await this.#ctx.insertDocument(staff, doc, null);
      await this.#ctx.cases.updateRecusalRequest(stored);
      return this.#service.createDeliveries(staff, doc, recipients, at, dispatches);
    });
    for (const n of dispatches) await this.#service.dispatch(c, doc, n.delivery, n.channels);
    return {
      request: stored,
      document: await documentView(this.#ctx, doc, await this.#ctx.docs.listDocuments(caseId), c),
      deliveries: await Promise.all(deliveries.map((d) => deliveryView(this.#ctx, d))),
    };
  }
  // ---- issuing and serving ---------------------------------------------------

  async issue(
    actor: Actor,
    caseId: string,
    input: IssueDocumentInput,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const staff = requireStaff(actor, 'issue documents');
    this.#checkIssuable(c, input);
    const recipients = input.recipients.map((id) => {
      const p = people.find((x) => x.id === id);
      if (!p) throw fail('UNKNOWN_RECIPIENT').withIssues([`recipients: ${id} is not in this case`]);
      if (p.kind === 'observer')
        throw fail('OBSERVER_NOT_RECIPIENT').withIssues([`recipients: ${id} is an observer`]);
      return p;
    });
    if (new Set(input.recipients).size !== input.recipients.length)
      throw fail('RECIPIENT_TWICE').withIssues(['recipients: duplicates']);
    if (input.kind === 'mediation_agreement')
      for (const t of input.fields.perPerson ?? [])
        if (!people.some((p) => p.id === t.personId && p.kind === 'applicant'))
          throw fail('CLAIMS_NOT_APPLICANT', { personId: t.personId });
    const previous = input.replaces ? await this.#ctx.docs.getDocument(input.replaces) : undefined;
    if (input.replaces && (!previous || previous.caseId !== caseId))
      throw fail('REPLACED_NOT_IN_CASE').withIssues([`replaces: ${input.replaces} not found`]);
    if (previous && previous.kind !== input.kind)
      throw fail('VERSION_KIND_MISMATCH').withIssues([
        `replaces: a ${previous.kind}, not a ${input.kind}`,
      ]);
    if (previous && (await this.#ctx.docs.getSeal(previous.id))) throw fail('SEALED_NOT_REISSUED');

    const at = this.#ctx.now().toISOString();
    const extras = await this.#extras(c, input);
    const layout = renderTemplate(input, await this.#ctx.templateCase(c, people, at), extras);
    const doc = await this.#ctx.write(
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
    const deliveries = await this.#ctx.cases.transaction(async () => {
      // A concurrent reissue may have taken the version meanwhile.
      if (previous) {
        const latest = await this.#ctx.docs.latestVersion(previous.seriesId);
        if (latest && latest.version >= doc.version) throw fail('NEWER_VERSION_ISSUED');
      }
      await this.#ctx.insertDocument(staff, doc, previous ?? null);
      return this.#service.createDeliveries(staff, doc, recipients, at, notices);
    });

    for (const n of notices) await this.#service.dispatch(c, doc, n.delivery, n.channels);
    return {
      document: await documentView(this.#ctx, doc, await this.#ctx.docs.listDocuments(caseId), c),
      deliveries: await Promise.all(deliveries.map((d) => deliveryView(this.#ctx, d))),
    };
  }

  // ---- notices the case engine produced ----------------------------------------

  /**
   * Renders every notice not yet served (whoever produced it) as a document
   * and serves it on every applicant and respondent, and on each agent with
   * an e-service consent of its own: electronically where consented, marked
   * for offline service otherwise. Idempotent: the notice records its
   * document in the transaction that writes the document and its deliveries
   * (the first statement: a concurrent server's transaction waits for that
   * row and then finds the notice served), and passes run one at a time.
   * Every process on the database runs these passes: a notice is claimed
   * (JobLeases) before it is rendered, so one process renders it, and one
   * that dies mid-render leaves it to another when the lease runs out.
   */
  serveNotices(): Promise<{ served: number }> {
    const pass = this.#noticePass.then(() => this.#serveNotices());
    this.#noticePass = pass.catch(() => undefined);
    return pass;
  }

  async #serveNotices(): Promise<{ served: number }> {
    let served = 0;
    for (const notice of await this.#ctx.cases.listUnservedNotices()) {
      try {
        const result = await withLease(this.#ctx.jobs, `notice:${notice.id}`, () =>
          this.#serveNotice(notice),
        );
        if (result.ran && result.value) served += 1;
      } catch (error) {
        // One notice that cannot be rendered must not hold up the others; the next pass retries it.
        this.#ctx.logger.error(
          { err: error, noticeId: notice.id, caseId: notice.caseId },
          'notice not served',
        );
      }
    }
    return { served };
  }

  async #serveNotice(notice: CaseNotice): Promise<boolean> {
    const c = await this.#ctx.cases.getCase(notice.caseId);
    if (!c) return false;
    const people = await this.#ctx.cases.listPeople(c.id);
    const recipients: CasePerson[] = [];
    for (const p of people) {
      if (p.kind === 'applicant' || p.kind === 'respondent') recipients.push(p);
      else if (p.kind === 'agent' && (await this.#ctx.docs.currentConsent(c.id, p.id))?.electronic)
        recipients.push(p);
    }
    const at = this.#ctx.now().toISOString();
    const rendered = noticeDocument(notice, await this.#ctx.templateCase(c, people, at));
    const written = await this.#ctx.write(SYSTEM_ACTOR, c, rendered.kind, rendered.layout, at, {
      noticeId: notice.id,
      noticeKind: notice.kind,
      notice: json(notice.data),
    });
    const doc: CaseDocument = { ...written, title: rendered.title };
    const dispatches: Dispatch[] = [];
    const deliveries = await this.#ctx.cases.transaction(async () => {
      // First: the notice's row is this transaction's until it ends, and a notice
      // served meanwhile (a process that outlived its lease) is not served again.
      if (!(await this.#ctx.cases.setNoticeDocument(notice.id, doc.id))) return undefined;
      await this.#ctx.insertDocument(SYSTEM_ACTOR, doc, null);
      const created = await this.#service.createDeliveries(
        SYSTEM_ACTOR,
        doc,
        recipients,
        at,
        dispatches,
      );
      await this.#ctx.audit.append({
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
      await this.#ctx.blobs.remove(doc.blobKey).catch(() => undefined);
      return false;
    }
    for (const d of dispatches) await this.#service.dispatch(c, doc, d.delivery, d.channels);
    return true;
  }
  #checkIssuable(c: MediationCase, input: IssueDocumentInput): void {
    const refuse = (reason: Reason): never => {
      throw fail(reason);
    };
    switch (input.kind) {
      case 'acceptance_notice':
        if (c.decision?.kind !== 'accepted') refuse('CASE_NOT_ACCEPTED');
        return;
      case 'refusal_notice':
        if (c.decision?.kind !== 'refused') refuse('CASE_NOT_REFUSED');
        return;
      case 'mediation_agreement':
        if (!['in_mediation', 'settled'].includes(c.status) || c.outcome?.effectiveAt)
          refuse('AGREEMENT_NOT_ISSUABLE');
        return;
      case 'termination_record':
        if (c.status !== 'terminated' && !input.fields.ground)
          refuse('TERMINATION_GROUND_REQUIRED');
        return;
      case 'application_form':
        if (c.intakeMode !== 'written') refuse('ORAL_NEEDS_RECORD');
        return;
      case 'oral_application_record':
        if (c.intakeMode !== 'oral') refuse('WRITTEN_NO_RECORD');
        return;
      case 'judicial_confirmation_application':
      case 'arbitration_review_application':
        if (!c.outcome?.effectiveAt) refuse('AGREEMENT_NOT_EFFECTIVE');
        return;
      default:
        return;
    }
  }

  async #extras(c: MediationCase, input: IssueDocumentInput): Promise<TemplateExtras> {
    if (input.kind === 'evidence_receipt') {
      const receipt = this.#ctx.evidenceReceipt
        ? await this.#ctx.evidenceReceipt(c.id, input.fields.evidenceId)
        : undefined;
      if (!receipt)
        throw fail('UNKNOWN_EVIDENCE').withIssues(['fields.evidenceId: not in this case']);
      return { evidence: receipt };
    }
    if (
      input.kind === 'judicial_confirmation_application' ||
      input.kind === 'arbitration_review_application'
    ) {
      const docs = await this.#ctx.docs.listDocuments(c.id);
      // Effective agreements: sealed online, or signed on paper (recorded in the chain).
      const paperSigned = new Set(
        paperSignings(await this.#ctx.audit.list(c.id)).map((r) => r.documentId),
      );
      const sealed: CaseDocument[] = [];
      for (const d of docs)
        if (
          d.kind === 'mediation_agreement' &&
          (paperSigned.has(d.id) || (await this.#ctx.docs.getSeal(d.id)))
        )
          sealed.push(d);
      const agreement = input.fields.agreementId
        ? sealed.find((d) => d.id === input.fields.agreementId)
        : sealed.at(-1);
      if (!agreement)
        throw fail('NO_AGREEMENT_TO_ATTACH').withIssues([
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
      const session = await this.#ctx.cases.getSession(input.fields.sessionId);
      if (!session || session.caseId !== c.id)
        throw fail('UNKNOWN_SESSION').withIssues(['fields.sessionId: not in this case']);
    }
    return {};
  }
}
