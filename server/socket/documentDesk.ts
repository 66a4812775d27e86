/**
 * The document service as the socket layer's desk: a party's or agent's
 * inbox of served documents (pushed live through the recipient's room, see
 * rooms.ts) and their own steps on each delivery.
 */
import type { DeliverySummary } from '../../signaling/index.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { DeliveryView } from '../documents/model.js';
import { NotFoundError } from '../errors.js';
import type { DocumentDesk, Recipient } from './desks.js';

function summary(
  v: DeliveryView,
  doc: { title: string; kind: string; issuedAt: string } | undefined,
): DeliverySummary {
  return {
    deliveryId: v.id,
    documentId: v.documentId,
    sha256: v.documentSha256,
    title: doc?.title ?? '',
    kind: doc?.kind ?? '',
    issuedAt: doc?.issuedAt ?? v.createdAt,
    status: v.status,
    servedAt: v.served?.at ?? null,
    paperCopyRequested: v.paperCopyRequested,
  };
}

export function documentDesk(documents: DocumentService): DocumentDesk {
  const actorOf = async (r: Recipient) => {
    const actor = await documents.personActor(r.caseId, r.personId);
    if (!actor) throw new NotFoundError('Person');
    return actor;
  };
  const documentOf = async (r: Recipient, documentId: string) =>
    documents.document(await actorOf(r), r.caseId, documentId);
  return {
    pending: async (r) => documents.pendingFor(r.caseId, r.personId),
    async list(r) {
      const { documents: docs, deliveries } = await documents.list(await actorOf(r), r.caseId);
      return deliveries.map((v) =>
        summary(
          v,
          docs.find((d) => d.id === v.documentId),
        ),
      );
    },
    async step(r, deliveryId, action, detail, client) {
      const view = await documents.recipientStep(
        await actorOf(r),
        r.caseId,
        deliveryId,
        action,
        detail,
        { ...client, channel: 'in_app' },
      );
      return summary(view, await documentOf(r, view.documentId));
    },
  };
}
