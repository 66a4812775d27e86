/**
 * The electronic service certificate (电子送达凭证) of a delivery: what its
 * steps up to the latest one say. It is rendered once for that step (font
 * subsetting makes a rendering cost about 120 ms) and kept: the PDF in the
 * documents' blob store (files or the object store every node reads), its row
 * with the SHA-256 in delivery_certificates. Every later request — a
 * download, an institution's, a bundle or payment-order export — serves the
 * kept copy after checking its hash, until a later step is recorded; so a
 * certificate fetched twice is the same bytes, as a court expects. A kept copy
 * whose bytes no longer match is refused with an error in the log, never
 * rendered anew in its place: its hash is in the audit chain and in what was
 * sent already. Two first requests at once both render; the first row kept
 * stands, and the other request removes its copy and serves that one.
 */
import { Readable } from 'node:stream';
import type { Actor } from '../cases/access.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import { MAX_PDF_BYTES, sha, SYSTEM_ACTOR, type DocumentContext } from './context.js';
import type { KeptCertificate } from './DocumentRepository.js';
import { SERVICE_CHANNEL_LABELS, type CaseDocument, type DeliveryView } from './model.js';
import type { DocumentLayout } from './PdfRenderer.js';
import { DELIVERY_EVENT_LABELS, SERVICE_BASIS_LABELS } from './serviceStateMachine.js';
import type { ServiceOfDocuments } from './service.js';
import { certificateLayout, maskAddress, personRole } from './templates.js';
import { deliveryView } from './views.js';

interface Served {
  bytes: Buffer;
  kept: KeptCertificate;
  rendered: boolean;
}

export class ServiceCertificates {
  readonly #ctx: DocumentContext;
  readonly #service: ServiceOfDocuments;

  constructor(ctx: DocumentContext, service: ServiceOfDocuments) {
    this.#ctx = ctx;
    this.#service = service;
  }

  /** 电子送达凭证 for one delivery as of its latest step: the kept copy, or rendered and kept. */
  async certificate(
    actor: Actor,
    caseId: string,
    deliveryId: string,
  ): Promise<{ bytes: Buffer; sha256: string; delivery: DeliveryView }> {
    const ctx = this.#ctx;
    const { c, people, delivery } = await this.#service.deliveryFor(actor, caseId, deliveryId);
    const view = await deliveryView(ctx, delivery);
    const doc = await ctx.docs.getDocument(delivery.documentId);
    if (!doc) throw new NotFoundError('Document');
    const throughSeq = view.events.at(-1)?.seq ?? 0;
    const found = await ctx.docs.keptCertificate(delivery.id, throughSeq);
    const served: Served = found
      ? { bytes: await this.#read(found), kept: found, rendered: false }
      : await this.#render(c, people, doc, view, throughSeq);
    await ctx.audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'delivery.certificate',
      target: delivery.id,
      payload: {
        deliveryId: delivery.id,
        documentSha256: doc.sha256,
        certificateSha256: served.kept.sha256,
        throughSeq,
        generatedAt: served.kept.generatedAt,
        rendered: served.rendered,
      },
    });
    return { bytes: served.bytes, sha256: served.kept.sha256, delivery: view };
  }

  /** Renders the certificate of the steps up to `throughSeq` and keeps it (or the one kept first). */
  async #render(
    c: MediationCase,
    people: readonly CasePerson[],
    doc: CaseDocument,
    view: DeliveryView,
    throughSeq: number,
  ): Promise<Served> {
    const ctx = this.#ctx;
    const generatedAt = ctx.now().toISOString();
    const layout = await this.#layout(c, people, doc, view, generatedAt);
    const bytes = await ctx.renderer.render(layout, new Date(generatedAt));
    const blob = await ctx.blobs.write(Readable.from([bytes]), { maxBytes: MAX_PDF_BYTES });
    if (blob.sha256 !== sha(bytes))
      throw new Error('The stored certificate differs from the rendered one');
    const kept: KeptCertificate = {
      deliveryId: view.id,
      throughSeq,
      caseId: c.id,
      blobKey: blob.key,
      sha256: blob.sha256,
      size: blob.size,
      generatedAt,
    };
    if (await ctx.docs.keepCertificate(kept)) return { bytes, kept, rendered: true };
    // Another request kept its rendering of the same steps first: that one is the certificate.
    await ctx.blobs.remove(blob.key).catch((error: unknown) => {
      ctx.logger.warn(
        { err: error, key: blob.key },
        'could not remove a certificate copy not kept',
      );
    });
    const first = await ctx.docs.keptCertificate(view.id, throughSeq);
    if (!first)
      throw new Error(`No certificate kept for delivery ${view.id} at step ${throughSeq}`);
    return { bytes: await this.#read(first), kept: first, rendered: false };
  }

  /** The kept copy's bytes, refused (and logged) when missing or no longer matching its hash. */
  async #read(kept: KeptCertificate): Promise<Buffer> {
    let bytes: Buffer | undefined;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of this.#ctx.blobs.read(kept.blobKey)) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    } catch {
      bytes = undefined;
    }
    const found = bytes ? sha(bytes) : null;
    if (!bytes || found !== kept.sha256) {
      this.#ctx.logger.error(
        {
          deliveryId: kept.deliveryId,
          throughSeq: kept.throughSeq,
          key: kept.blobKey,
          expected: kept.sha256,
          found,
        },
        'kept service certificate is missing or does not match its hash: refused, not rendered again (restore the blob from a backup)',
      );
      throw fail('STORED_DOCUMENT_CORRUPT');
    }
    return bytes;
  }

  async #layout(
    c: MediationCase,
    people: readonly CasePerson[],
    doc: CaseDocument,
    view: DeliveryView,
    generatedAt: string,
  ): Promise<DocumentLayout> {
    const ctx = this.#ctx;
    const delivery = view;
    const consent = delivery.consentId
      ? (await ctx.docs.listConsents(c.id)).find((x) => x.id === delivery.consentId)
      : undefined;
    const recipient = people.find((p) => p.id === delivery.recipientId);
    const names = new Map<string, string>(people.map((p) => [p.id, p.name]));
    const challenge = view.events.find((e) => e.kind === 'challenged');
    return certificateLayout({
      caseNumber: c.caseNumber,
      organisation: (await ctx.cases.getOrganisation(c.organisationId))?.name ?? c.organisationId,
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
          receipt: receiptText(e.channel, e.detail),
          by:
            e.actorId === SYSTEM_ACTOR.id
              ? '系统'
              : (names.get(e.actorId) ??
                (await ctx.cases.getStaff(e.actorId))?.displayName ??
                e.actorId),
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
  }
}

/**
 * What a gateway said of a step, for the certificate: the address (masked), the status and the
 * provider's message id of a mail system's report; a fallback and why.
 */
function receiptText(channel: string | null, detail: Record<string, unknown> | null): string {
  if (!detail) return '—';
  const parts: string[] = [];
  const address = typeof detail['address'] === 'string' ? detail['address'] : null;
  if (address && (channel === 'email' || channel === 'sms'))
    parts.push(maskAddress({ channel, value: address }));
  if (typeof detail['status'] === 'string')
    parts.push(
      `状态 ${detail['status']}${typeof detail['diagnostic'] === 'string' ? `（${detail['diagnostic']}）` : ''}`,
    );
  const id = detail['messageId'] ?? detail['queueId'];
  if (typeof id === 'string') parts.push(`回执编号 ${id}`);
  if (channel === 'sms' && typeof detail['providerId'] === 'string')
    parts.push(`运营商编号 ${detail['providerId']}`);
  if (typeof detail['fallbackFrom'] === 'string')
    parts.push(`${channelLabel(detail['fallbackFrom'])}送达失败，改由本渠道送达`);
  if (typeof detail['reason'] === 'string' && detail['reason'].endsWith('_failed'))
    parts.push('电子送达失败，转线下送达');
  return parts.length > 0 ? parts.join('；') : '—';
}

function channelLabel(channel: string | null): string {
  if (channel === 'offline') return '线下';
  if (channel === 'in_app' || channel === 'email' || channel === 'sms')
    return SERVICE_CHANNEL_LABELS[channel];
  return channel ?? '—';
}
