/**
 * The payment-order application pack (支付令申请材料): whether the case
 * qualifies and the courts it may go to; the worker (or its agent with special
 * authority) produces and sends it from its page, staff from the console on
 * the worker's request; both download what was sent.
 */
import { institutionApi } from '../../../signaling/http/institutions.js';
import type { PaymentOrderService } from '../../references/PaymentOrderService.js';
import { sendZip } from './institutionRoutes.js';
import { route, type RouteSpec } from './routes.js';

export function paymentOrderRoutes(d: { paymentOrders: PaymentOrderService }): RouteSpec[] {
  return [
    route(institutionApi.paymentOrder, async ({ actor, params }) =>
      d.paymentOrders.status(actor, params.caseId),
    ),
    route(institutionApi.producePaymentOrder, async ({ actor, params, body }) => ({
      pack: await d.paymentOrders.produce(actor, params.caseId, body),
    })),
    route(institutionApi.paymentOrderFile, async ({ actor, params, res }) => {
      sendZip(res, await d.paymentOrders.file(actor, params.caseId, params.packId));
      return undefined;
    }),
  ];
}
