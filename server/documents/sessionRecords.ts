/**
 * Session records (调解笔录). The case's mediator writes the record of a session during or
 * after it (a draft, saved as often as wanted; each save's hash in the audit chain); once the
 * session has ended the mediator issues it: the draft and what the service knows of the
 * session (sessionFacts.ts) are rendered into a document of the case — its SHA-256 in the
 * chain like every document — and served on the attendees for review. Each attendee present
 * (party or agent) and the mediator signs it with the agreement's signing flow (signing.ts);
 * the mediator records an attendee's refusal to sign instead. When every signer has signed or
 * refused, `session_record.completed` fixes the record's hash with its signatures.
 *
 * A correction is a new version (the earlier one, and its signatures, stay in the file).
 * Caucus content is never part of a record: only when a caucus ran and with whom.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../audit/AuditChain.js';
import type { Actor } from '../cases/access.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import {
  sessionRecordContentSchema,
  type SessionFacts,
  type SessionRecordContent,
} from '../../signaling/http/sessionRecords.js';
import { json, type DocumentContext } from './context.js';
import type { CaseDocument, DeliveryView } from './model.js';
import type { Dispatch, ServiceOfDocuments } from './service.js';
import { sessionFacts } from './sessionFacts.js';
import { sessionRecordLayout } from './sessionRecordTemplate.js';
import { recordSigners } from './signingRules.js';
import { deliveryView, documentView, type DocumentView } from './views.js';

/**
 * After a signature or a refusal (inside its transaction): when every signer and the mediator
 * has signed or refused, the completion goes into the chain once.
 */
export async function completeIfSigned(
  ctx: DocumentContext,
  c: MediationCase,
  doc: CaseDocument,
): Promise<void> {
  const signatures = (await ctx.docs.listSignatures(doc.id)).filter(
    (s) => s.documentSha256 === doc.sha256,
  );
  const refusals = await ctx.docs.listRefusals(doc.id);
  const signed = new Set(signatures.map((s) => s.signerId));
  const mediatorSigned = signatures.some((s) => s.signsFor === 'mediator');
  const open = recordSigners(doc).filter(
    (id) => !signed.has(id) && !refusals.some((r) => r.personId === id),
  );
  if (open.length > 0 || !mediatorSigned) return;
  const events = await ctx.audit.list(c.id);
  if (events.some((e) => e.action === 'session_record.completed' && e.target === doc.id)) return;
  await ctx.audit.append({
    caseId: c.id,
    actorId: 'system',
    actorRole: 'system',
    action: 'session_record.completed',
    target: doc.id,
    payload: json({
      documentId: doc.id,
      sessionId: doc.fields['sessionId'],
      sha256: doc.sha256,
      signatures: signatures.map((s) => ({ signatureId: s.id, signerId: s.signerId })),
      refusals: refusals.map((r) => ({ personId: r.personId, reason: r.reason })),
    }),
  });
}

export class SessionRecords {
  readonly #ctx: DocumentContext;
  readonly #service: ServiceOfDocuments;

  constructor(ctx: DocumentContext, service: ServiceOfDocuments) {
    this.#ctx = ctx;
    this.#service = service;
  }

  async read(
    actor: Actor,
    caseId: string,
    sessionId: string,
  ): Promise<{
    facts: SessionFacts;
    draft: { content: SessionRecordContent; savedAt: string; savedBy: string } | null;
    documents: DocumentView[];
  }> {
    const { c, session } = await this.#session(actor, caseId, sessionId);
    const facts = sessionFacts(session, await this.#ctx.audit.list(caseId));
    const saved = await this.#ctx.docs.recordDraft(sessionId);
    const parsed = saved ? sessionRecordContentSchema.safeParse(saved.content) : undefined;
    const all = await this.#ctx.docs.listDocuments(caseId);
    const issued = all.filter(
      (d) => d.kind === 'session_record' && d.fields['sessionId'] === sessionId,
    );
    return {
      facts,
      draft:
        saved && parsed?.success
          ? { content: parsed.data, savedAt: saved.savedAt, savedBy: saved.savedBy }
          : null,
      documents: await Promise.all(issued.map((d) => documentView(this.#ctx, d, all, c))),
    };
  }

  /** The mediator saves the draft (during or after the session). */
  async save(
    actor: Actor,
    caseId: string,
    sessionId: string,
    content: SessionRecordContent,
  ): Promise<Awaited<ReturnType<SessionRecords['read']>>> {
    const { c, people } = await this.#session(actor, caseId, sessionId);
    const mediator = this.#mediator(actor, c);
    checkPeople(content, people);
    const at = this.#ctx.now().toISOString();
    await this.#ctx.cases.transaction(async () => {
      await this.#ctx.docs.saveRecordDraft({
        sessionId,
        caseId,
        content,
        savedAt: at,
        savedBy: mediator.id,
      });
      await this.#ctx.audit.append({
        caseId,
        actorId: mediator.id,
        actorRole: mediator.role,
        action: 'session_record.saved',
        target: sessionId,
        payload: {
          sessionId,
          sha256: createHash('sha256').update(canonicalJson(content)).digest('hex'),
        },
      });
    });
    return this.read(actor, caseId, sessionId);
  }

  /** The mediator issues the saved record once the session ended: rendered, served on the attendees. */
  async issue(
    actor: Actor,
    caseId: string,
    sessionId: string,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    const { c, people, session } = await this.#session(actor, caseId, sessionId);
    const mediator = this.#mediator(actor, c);
    if (session.status !== 'ended') throw fail('SESSION_RECORD_SESSION_NOT_ENDED');
    const saved = await this.#ctx.docs.recordDraft(sessionId);
    const parsed = saved ? sessionRecordContentSchema.safeParse(saved.content) : undefined;
    if (!parsed?.success) throw fail('SESSION_RECORD_NO_DRAFT');
    const content = parsed.data;
    checkPeople(content, people);
    const facts = sessionFacts(session, await this.#ctx.audit.list(caseId));
    const attendees = content.attendance
      .filter((a) => a.present)
      .map((a) => people.find((p) => p.id === a.personId)!)
      .filter((p) => p.kind !== 'observer');
    const all = await this.#ctx.docs.listDocuments(caseId);
    const previous = all
      .filter((d) => d.kind === 'session_record' && d.fields['sessionId'] === sessionId)
      .at(-1);
    const at = this.#ctx.now().toISOString();
    const layout = sessionRecordLayout(await this.#ctx.templateCase(c, people, at), facts, content);
    const doc = await this.#ctx.write(
      mediator,
      c,
      'session_record',
      layout,
      at,
      {
        sessionId,
        content: json(content),
        facts: json(facts),
        signers: attendees.map((p) => p.id),
      },
      previous,
    );
    const dispatches: Dispatch[] = [];
    const deliveries = await this.#ctx.cases.transaction(async () => {
      if (previous) {
        const latest = await this.#ctx.docs.latestVersion(previous.seriesId);
        if (latest && latest.version >= doc.version) throw fail('NEWER_VERSION_ISSUED');
      }
      await this.#ctx.insertDocument(mediator, doc, previous ?? null);
      return this.#service.createDeliveries(mediator, doc, attendees, at, dispatches);
    });
    for (const d of dispatches) await this.#service.dispatch(c, doc, d.delivery, d.channels);
    return {
      document: await documentView(this.#ctx, doc, await this.#ctx.docs.listDocuments(caseId), c),
      deliveries: await Promise.all(deliveries.map((d) => deliveryView(this.#ctx, d))),
    };
  }

  /** The mediator records that an attendee refused to sign the latest version, with the reason. */
  async refusal(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { personId: string; reason: string },
  ): Promise<DocumentView> {
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const mediator = this.#mediator(actor, c);
    const doc = await this.#ctx.docs.getDocument(documentId);
    if (!doc || doc.caseId !== caseId || doc.kind !== 'session_record')
      throw new NotFoundError('Document');
    const latest = await this.#ctx.docs.latestVersion(doc.seriesId);
    if (latest && latest.version !== doc.version)
      throw fail('VERSION_REPLACED', {
        version: String(doc.version),
        latest: String(latest.version),
      });
    const person = people.find((p) => p.id === input.personId);
    if (!person || !recordSigners(doc).includes(person.id))
      throw fail('SESSION_RECORD_NOT_SIGNER', { personId: input.personId });
    const at = this.#ctx.now().toISOString();
    await this.#ctx.cases.transaction(async () => {
      const signed = (await this.#ctx.docs.listSignatures(doc.id)).some(
        (s) => s.signerId === person.id && s.documentSha256 === doc.sha256,
      );
      if (signed) throw fail('SESSION_RECORD_ALREADY_SIGNED');
      const added = await this.#ctx.docs.insertRefusal({
        id: randomUUID(),
        documentId: doc.id,
        personId: person.id,
        personName: person.name,
        reason: input.reason,
        recordedBy: mediator.id,
        recordedAt: at,
      });
      if (!added) return;
      await this.#ctx.audit.append({
        caseId,
        actorId: mediator.id,
        actorRole: mediator.role,
        action: 'session_record.signing-refused',
        target: doc.id,
        payload: {
          documentId: doc.id,
          sha256: doc.sha256,
          personId: person.id,
          reason: input.reason,
        },
      });
      await completeIfSigned(this.#ctx, c, doc);
    });
    return documentView(this.#ctx, doc, await this.#ctx.docs.listDocuments(caseId), c);
  }

  async #session(actor: Actor, caseId: string, sessionId: string) {
    if (actor.kind !== 'staff') throw fail('STAFF_ONLY_ACTION', { action: 'read session records' });
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const session = await this.#ctx.cases.getSession(sessionId);
    if (!session || session.caseId !== caseId) throw new NotFoundError('Session');
    return { c, people, session };
  }

  #mediator(actor: Actor, c: MediationCase): Extract<Actor, { kind: 'staff' }> {
    if (actor.kind !== 'staff' || actor.role !== 'mediator' || c.mediatorId !== actor.id)
      throw fail('SESSION_RECORD_MEDIATOR_ONLY');
    return actor;
  }
}

/** Everyone the record names is a person of the case; statements come from parties and agents. */
function checkPeople(content: SessionRecordContent, people: readonly CasePerson[]): void {
  for (const id of [
    ...content.attendance.map((a) => a.personId),
    ...content.statements.map((s) => s.personId),
  ]) {
    if (!people.some((p) => p.id === id))
      throw fail('SESSION_RECORD_UNKNOWN_PERSON', { personId: id });
  }
}
