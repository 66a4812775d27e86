/**
 * Service of documents (送达): one delivery per recipient, dispatched to the
 * consented address or marked for offline service; every step of a delivery
 * (dispatched, delivered, read, acknowledged, challenged, paper copy,
 * failure, offline proof) checked by serviceStateMachine.ts and recorded as
 * an immutable row plus an audit-chain event; the live push and the e-mail /
 * SMS notices. The electronic service certificate (电子送达凭证) is certificates.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../cases/access.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import {
  json,
  noticeOf,
  requireStaff,
  SYSTEM_ACTOR,
  type DocumentContext,
  type PersonActor,
} from './context.js';
import type { ServedNotice } from './DeliveryChannel.js';
import {
  type CaseDocument,
  type Delivery,
  type DeliveryView,
  type DocumentKind,
  type ServiceAddress,
  type ServiceConsent,
} from './model.js';
import { replay, transition, type DeliveryAction } from './serviceStateMachine.js';
import { deliveryView } from './views.js';
import { noticeSms } from './smsTemplates.js';

/** What a recipient's client tells about itself when it acknowledges a step. */
export interface StepClient extends ClientInfo {
  channel?: string;
}

/** A delivery to push once its transaction committed, with the addresses to notify. */
export interface Dispatch {
  delivery: Delivery;
  channels: readonly ServiceAddress[];
}

type StepInfo = { ip: string | null; userAgent: string | null; channel?: string | null };

export class ServiceOfDocuments {
  readonly #ctx: DocumentContext;

  constructor(ctx: DocumentContext) {
    this.#ctx = ctx;
  }

  /**
   * One delivery per recipient inside the caller's transaction: dispatched to
   * the consented address, or marked for offline service without consent.
   * `dispatches` collects what to push once the transaction commits.
   */
  async createDeliveries(
    actor: Actor,
    doc: CaseDocument,
    recipients: readonly CasePerson[],
    at: string,
    dispatches: Dispatch[],
  ): Promise<Delivery[]> {
    const created: Delivery[] = [];
    for (const p of recipients) {
      const consent = await this.#ctx.docs.currentConsent(doc.caseId, p.id);
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
      await this.#ctx.docs.insertDelivery(delivery);
      await this.applyStep(
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
    const { delivery } = await this.deliveryFor(actor, caseId, deliveryId);
    if (actor.kind !== 'person' || actor.id !== delivery.recipientId) throw fail('RECIPIENT_ONLY');
    await this.step(
      actor,
      delivery,
      action,
      { ...client, channel: client.channel ?? 'in_app' },
      detail,
      'strict',
    );
    return deliveryView(this.#ctx, delivery);
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
    const { delivery } = await this.deliveryFor(actor, caseId, deliveryId);
    requireStaff(actor, action === 'fail' ? 'record a failure' : 'record offline service');
    if (
      action === 'offlineProof' &&
      typeof detail['evidenceId'] === 'string' &&
      this.#ctx.evidenceReceipt
    ) {
      const item = await this.#ctx.evidenceReceipt(caseId, detail['evidenceId']);
      if (!item) throw fail('UNKNOWN_EVIDENCE').withIssues([`evidenceId: not in this case`]);
      detail = { ...detail, evidenceSha256: item.sha256 };
    }
    await this.step(
      actor,
      delivery,
      action,
      { ...client, channel: action === 'fail' ? delivery.channel : 'offline' },
      detail,
      'strict',
    );
    return deliveryView(this.#ctx, delivery);
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
    for (const d of await this.#ctx.docs.listDeliveries(caseId)) {
      if (d.recipientId !== personId) continue;
      const view = await deliveryView(this.#ctx, d);
      if (view.state !== 'dispatched') continue;
      const doc = await this.#ctx.docs.getDocument(d.documentId);
      if (doc) out.push(noticeOf(d, doc));
    }
    return out;
  }

  /** The actor a case's person is, for the socket layer (undefined for people the case does not know). */
  async personActor(caseId: string, personId: string): Promise<PersonActor | undefined> {
    const person = (await this.#ctx.cases.listPeople(caseId)).find((p) => p.id === personId);
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

  /**
   * Records a step if the state machine allows it (a duplicate records
   * nothing). 'tolerant' swallows refusals (a PDF view that cannot count as
   * a read); 'strict' reports them.
   */
  async step(
    actor: Actor,
    delivery: Delivery,
    action: DeliveryAction,
    client: StepInfo,
    detail: Record<string, unknown> | null,
    mode: 'strict' | 'tolerant',
  ): Promise<void> {
    await this.#ctx.cases.transaction(() =>
      this.applyStep(actor, delivery, action, client, detail, mode),
    );
  }

  /** `step` inside the caller's transaction. */
  async applyStep(
    actor: Actor,
    delivery: Delivery,
    action: DeliveryAction,
    client: StepInfo,
    detail: Record<string, unknown> | null,
    mode: 'strict' | 'tolerant',
  ): Promise<void> {
    const events = await this.#ctx.docs.listEvents(delivery.id);
    const result = transition(replay(events), action, { consented: delivery.consentId !== null });
    if (result.kind === 'duplicate') return;
    if (result.kind === 'refused') {
      if (mode === 'tolerant') return;
      throw result.reason === 'NO_CONSENT'
        ? fail('DELIVERY_NO_CONSENT')
        : fail('DELIVERY_STEP_REFUSED', { action, state: result.state });
    }
    const at = this.#ctx.now().toISOString();
    for (const e of result.events) {
      const row = await this.#ctx.docs.appendEvent({
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
      await this.#ctx.audit.append({
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

  /** Pushes a dispatched delivery live, and queues e-mail/SMS notices for the consented addresses. */
  async dispatch(
    c: MediationCase,
    doc: CaseDocument,
    delivery: Delivery,
    addresses: readonly ServiceAddress[],
  ): Promise<void> {
    this.#ctx.delivery.deliver(
      { caseId: c.id, personId: delivery.recipientId },
      noticeOf(delivery, doc),
    );
    this.#ctx.logger.info(
      { caseId: c.id, deliveryId: delivery.id },
      'document dispatched to its recipient',
    );
    for (const a of addresses) {
      if (a.channel === 'in_app') continue;
      const form = a.channel === 'sms' ? 'short' : 'full';
      const link = (await this.#ctx.personalLink?.(c.id, delivery.recipientId, form)) ?? null;
      await this.#notify(c, doc, delivery, a, link);
    }
  }

  /**
   * The e-mail or SMS notice of a served document: its title, the case number, the recipient's
   * own link and the document's SHA-256, never its content.
   */
  async #notify(
    c: MediationCase,
    doc: CaseDocument,
    delivery: Delivery,
    a: ServiceAddress,
    link: string | null,
  ): Promise<void> {
    const open = link ? `请打开您的案件链接查看并签收：${link}` : '请登录在线调解平台查看并签收。';
    await this.#ctx.notifications.send({
      caseId: c.id,
      personId: delivery.recipientId,
      channel: a.channel,
      address: a.value,
      purpose: 'document_served',
      deliveryId: delivery.id,
      subject: `【${c.caseNumber}】${doc.title}`,
      body:
        a.channel === 'email'
          ? `${delivery.recipientName}：\n\n${c.caseNumber} 号案件的《${doc.title}》已向您电子送达。\n${open}\n\n文书 SHA-256：${doc.sha256}\n（用于核对您看到的文书与送达的文书一致；本邮件不含文书内容。）\n`
          : noticeSms(
              {
                name: delivery.recipientName,
                caseNumber: c.caseNumber,
                title: doc.title,
                link,
                sha256: doc.sha256,
              },
              this.#ctx.smsTemplates?.notice,
            ),
    });
  }

  /**
   * What a gateway reported of a notice of this delivery: the recipient's mail system accepted
   * it (`delivered`: service is complete), or it failed for good. A failure fails the delivery
   * only when that channel was the delivery's own; it then stands on the next consented channel
   * (e-mail → SMS, whose notice went out with the e-mail), else goes to offline service
   * (DOMAIN.md: a failed electronic service falls back).
   */
  async channelOutcome(
    deliveryId: string,
    channel: 'email' | 'sms',
    outcome: 'delivered' | 'failed',
    detail: Record<string, unknown>,
  ): Promise<void> {
    const delivery = await this.#ctx.docs.getDelivery(deliveryId);
    if (!delivery) return;
    const info = { ip: null, userAgent: null, channel };
    if (outcome === 'delivered') {
      await this.step(SYSTEM_ACTOR, delivery, 'deliver', info, detail, 'tolerant');
      return;
    }
    if (delivery.channel !== channel) return;
    const before = (await this.#ctx.docs.listEvents(delivery.id)).length;
    await this.step(SYSTEM_ACTOR, delivery, 'fail', info, detail, 'tolerant');
    // A repeated report, or a delivery that went on meanwhile: no second fallback.
    if ((await this.#ctx.docs.listEvents(delivery.id)).length === before) return;
    const consent = await this.#ctx.docs.currentConsent(delivery.caseId, delivery.recipientId);
    const next =
      channel === 'email' ? consent?.addresses.find((a) => a.channel === 'sms') : undefined;
    if (next && consent?.electronic) {
      // The SMS notice went with the e-mail when the document was served (every consented
      // address is told): the delivery now stands on it.
      await this.step(
        SYSTEM_ACTOR,
        delivery,
        'dispatch',
        { ...info, channel: 'sms' },
        { fallbackFrom: channel, address: next.value },
        'tolerant',
      );
      return;
    }
    await this.step(
      SYSTEM_ACTOR,
      delivery,
      'markOffline',
      { ...info, channel: 'offline' },
      { reason: `${channel}_failed` },
      'tolerant',
    );
  }

  /** A delivery of the case the actor may see (a person: their own); else not found. */
  async deliveryFor(
    actor: Actor,
    caseId: string,
    deliveryId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; delivery: Delivery }> {
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const delivery = await this.#ctx.docs.getDelivery(deliveryId);
    if (
      !delivery ||
      delivery.caseId !== caseId ||
      (actor.kind === 'person' && delivery.recipientId !== actor.id)
    )
      throw new NotFoundError('Delivery');
    return { c, people, delivery };
  }
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
