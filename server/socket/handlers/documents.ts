/**
 * A party's or agent's inbox of served documents on their connection: the
 * live push of documents served (and of those not yet delivered, at each
 * connection), the list of deliveries and the recipient's own steps.
 */
import { fail } from '../../errors.js';
import {
  clientInfo,
  type GatewayTools,
  type Handlers,
  type RequestContext,
  type SignalingSocket,
} from '../context.js';
import type { DocumentDesk, GatewayDesks, Recipient } from '../desks.js';
import { recipientRoom } from '../rooms.js';

/** Parties and agents receive served documents live, and the undelivered ones now. */
export function attachInbox(
  desks: GatewayDesks,
  socket: SignalingSocket,
  ctx: RequestContext,
): void {
  const desk = desks.documents;
  if (!desk || (ctx.claims.role !== 'party' && ctx.claims.role !== 'agent')) return;
  const recipient = { caseId: ctx.claims.caseId, personId: ctx.claims.sub };
  // Documents served from now on reach this connection through its room, from any node.
  void socket.join(recipientRoom(recipient));
  void desk
    .pending(recipient)
    .then((pending) => {
      for (const notice of pending) socket.emit('document:served', notice);
    })
    .catch((error: unknown) => ctx.logger.error({ err: error }, 'pending documents not pushed'));
}

export function documentHandlers(tools: GatewayTools) {
  const inbox = (ctx: RequestContext): { desk: DocumentDesk; recipient: Recipient } => {
    const desk = tools.desks.documents;
    if (!desk) throw fail('FEATURE_UNAVAILABLE', { feature: 'Documents' });
    if (ctx.claims.role !== 'party' && ctx.claims.role !== 'agent') throw fail('RECIPIENTS_ONLY');
    return { desk, recipient: { caseId: ctx.claims.caseId, personId: ctx.claims.sub } };
  };
  /** The recipient's step on one delivery, with what the step records besides. */
  const step =
    <R extends { deliveryId: string }>(
      action: Parameters<DocumentDesk['step']>[2],
      detail: (request: R) => Record<string, unknown> | null = () => null,
    ) =>
    async (ctx: RequestContext, r: R) => {
      const { desk, recipient } = inbox(ctx);
      const client = clientInfo(ctx.socket);
      return { delivery: await desk.step(recipient, r.deliveryId, action, detail(r), client) };
    };
  return {
    'document:list': async (ctx) => {
      const { desk, recipient } = inbox(ctx);
      return { deliveries: await desk.list(recipient) };
    },
    'document:received': step('deliver'),
    'document:read': step('read'),
    'document:acknowledge': step('acknowledge'),
    'document:challenge': step('challenge', (r) => ({ reason: r.reason })),
    'document:paperCopy': step('requestPaperCopy', (r) =>
      r.postalAddress ? { postalAddress: r.postalAddress } : null,
    ),
  } satisfies Partial<Handlers>;
}
