/**
 * Cases handed over by courts and arbitration commissions: the institution submits, lists,
 * follows and withdraws its referrals with its own access token; staff see the organisation's
 * incoming referrals and a clerk accepts or declines each (server/institutions/InboundReferrals.ts).
 */
import type { InstitutionTokens } from '../../auth/tokenKinds.js';
import type { InboundReferrals } from '../../institutions/InboundReferrals.js';
import type { InstitutionService } from '../../institutions/InstitutionService.js';
import { inboundReferralApi } from '../../../signaling/http/inboundReferrals.js';
import { institutionOfRequest } from './institutionRoutes.js';
import { route, type RouteSpec } from './routes.js';

export interface InboundReferralRouteDeps {
  referrals: InboundReferrals;
  institutions: InstitutionService;
  tokens: InstitutionTokens;
}

export function inboundReferralRoutes(d: InboundReferralRouteDeps): RouteSpec[] {
  return [
    route(inboundReferralApi.submit, async ({ req, body }) =>
      d.referrals.submit(await institutionOfRequest(req, d), body),
    ),
    route(inboundReferralApi.mine, async ({ req }) => ({
      referrals: await d.referrals.mine(await institutionOfRequest(req, d)),
    })),
    route(inboundReferralApi.progress, async ({ req, params }) =>
      d.referrals.progress(await institutionOfRequest(req, d), params.referralId, req.ip ?? null),
    ),
    route(inboundReferralApi.withdraw, async ({ req, params, body }) => ({
      referral: await d.referrals.withdraw(
        await institutionOfRequest(req, d),
        params.referralId,
        body.reason,
      ),
    })),
    route(inboundReferralApi.incoming, async ({ actor }) => ({
      referrals: await d.referrals.incoming(actor),
    })),
    route(inboundReferralApi.accept, async ({ actor, params }) =>
      d.referrals.accept(actor, params.referralId),
    ),
    route(inboundReferralApi.decline, async ({ actor, params, body }) => ({
      referral: await d.referrals.decline(actor, params.referralId, body.reason),
    })),
  ];
}
