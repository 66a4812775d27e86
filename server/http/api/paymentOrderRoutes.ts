/**
 * The payment-order application pack (支付令申请材料): whether the case
 * qualifies and the courts it may go to; the worker (or its agent with special
 * authority) produces and sends it from its page, staff from the console on
 * the worker's request; both download what was sent.
 */
import {
  paymentOrderSchema,
  type PaymentOrderService,
} from '../../references/PaymentOrderService.js';
import { sendZip } from './institutionRoutes.js';
import { route, type RouteSpec } from './routes.js';

export function paymentOrderRoutes(d: { paymentOrders: PaymentOrderService }): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/cases/:caseId/payment-order',
      summary:
        'Whether the worker may apply for a payment order (劳动争议调解仲裁法第十六条), the registered courts, and the packs sent (staff, applicant side)',
      tag: 'institutions',
      auth: 'any',
      handler: async ({ actor, params }) => d.paymentOrders.status(actor, params['caseId']!),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/payment-order',
      summary:
        'Produce the payment-order application pack and send it to a registered court (the applicant or its agent with special authority; staff with requestedBy)',
      tag: 'institutions',
      auth: 'any',
      body: paymentOrderSchema,
      status: 201,
      handler: async ({ actor, params, body }) => ({
        pack: await d.paymentOrders.produce(actor, params['caseId']!, body),
      }),
    }),
    route({
      method: 'get',
      path: '/cases/:caseId/payment-order/:packId/file',
      summary: 'A payment-order pack as sent (ZIP; X-Content-SHA256)',
      tag: 'institutions',
      auth: 'any',
      handler: async ({ actor, params, res }) => {
        sendZip(res, await d.paymentOrders.file(actor, params['caseId']!, params['packId']!));
        return undefined;
      },
    }),
  ];
}
