/**
 * Cases handed over by courts and arbitration commissions: the institution submits, lists,
 * follows and withdraws its referrals with its own access token, and adds its materials to the
 * case once accepted (streamed, typed and hashed as any evidence upload); staff see the organisation's
 * incoming referrals and a clerk accepts or declines each (server/institutions/InboundReferrals.ts).
 */
import type { InstitutionTokens } from '../../auth/tokenKinds.js';
import type { Actor } from '../../cases/access.js';
import type { EvidenceService } from '../../evidence/EvidenceService.js';
import type { InboundReferrals } from '../../institutions/InboundReferrals.js';
import type { InstitutionService } from '../../institutions/InstitutionService.js';
import { inboundReferralApi } from '../../../signaling/http/inboundReferrals.js';
import { clientOf, itemView, receiveUpload, type UploadTimeouts } from './evidenceRoutes.js';
import { institutionOfRequest } from './institutionRoutes.js';
import { route, type RouteSpec } from './routes.js';

export interface InboundReferralRouteDeps {
  referrals: InboundReferrals;
  institutions: InstitutionService;
  tokens: InstitutionTokens;
  evidence: EvidenceService;
  uploads: UploadTimeouts;
}

/** Materials are recorded by the system on the institution's behalf (it is no case actor). */
const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

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
    route(inboundReferralApi.material, async ({ req, res, params }) => {
      const institution = await institutionOfRequest(req, d);
      const caseId = await d.referrals.handedOverCase(institution, params.caseId);
      const { maxBytes } = await d.evidence.allowance(SYSTEM, caseId);
      const { file, fields } = await receiveUpload(req, res, d.evidence, maxBytes, d.uploads);
      const { item, receipt } = await d.evidence.record(
        SYSTEM,
        caseId,
        file,
        fields,
        clientOf(req),
        {
          id: institution.id,
          role: institution.institutionKind,
        },
      );
      return { item: itemView(item), receipt };
    }),
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
