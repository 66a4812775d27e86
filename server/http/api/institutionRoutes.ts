/**
 * Courts and arbitration commissions: clerks register them and refer cases
 * (a joint application also exports its bundle and delivers it to the
 * institution's webhook); an institution signs in with its API key for a
 * one-hour access token (its own audience) and reads what concerns the cases
 * referred to it — signed references, their files, service certificates,
 * bundles — each read written to the case's audit chain. Parties say whether
 * confidential caucus material may be submitted.
 */
import { pipeline } from 'node:stream';
import type { Request, Response } from 'express';
import { INSTITUTION_TOKEN_TTL_SECONDS, type InstitutionTokens } from '../../auth/tokenKinds.js';
import type { SignInGuard } from '../../auth/SignInGuard.js';
import type { DocumentService } from '../../documents/DocumentService.js';
import { NotFoundError, fail } from '../../errors.js';
import {
  type InstitutionActor,
  type InstitutionService,
} from '../../institutions/InstitutionService.js';
import type { WebhookDispatcher } from '../../institutions/WebhookDispatcher.js';
import type { BundleService } from '../../references/BundleService.js';
import type { PaymentOrderService } from '../../references/PaymentOrderService.js';
import type { DisclosureConsents } from '../../references/DisclosureConsents.js';
import type { ReferenceService } from '../../references/ReferenceService.js';
import { sendPdf } from './documentRoutes.js';
import { fileHeaders } from './fileResponse.js';
import { institutionApi } from '../../../signaling/http/institutions.js';
import { route, type RouteSpec } from './routes.js';

export interface InstitutionRouteDeps {
  institutions: InstitutionService;
  tokens: InstitutionTokens;
  documents: DocumentService;
  references: ReferenceService;
  webhooks: WebhookDispatcher;
  bundles: BundleService;
  paymentOrders: PaymentOrderService;
  disclosure: DisclosureConsents;
  signIn: SignInGuard;
}

/**
 * The institution behind a request's bearer token (its routes are `auth: none` for people),
 * its account still active.
 */
export async function institutionOfRequest(
  req: Request,
  d: { tokens: InstitutionTokens; institutions: InstitutionService },
): Promise<InstitutionActor> {
  const match = /^Bearer ([A-Za-z0-9._~-]+)$/.exec(req.headers.authorization ?? '');
  if (!match) throw fail('INSTITUTION_TOKEN_REQUIRED');
  const claims = d.tokens.verifyOrFail(match[1], {
    expired: 'INSTITUTION_TOKEN_EXPIRED',
    invalid: 'INSTITUTION_TOKEN_INVALID',
  });
  return d.institutions.actorFor(claims);
}

export function institutionRoutes(d: InstitutionRouteDeps): RouteSpec[] {
  const institutionOf = (req: Request): Promise<InstitutionActor> => institutionOfRequest(req, d);

  return [
    route(institutionApi.register, async ({ actor, body }) => d.institutions.register(actor, body)),
    route(institutionApi.list, async ({ actor }) => ({
      institutions: await d.institutions.list(actor),
    })),
    route(institutionApi.revoke, async ({ actor, params }) => ({
      institution: await d.institutions.revoke(actor, params.institutionId),
    })),
    route(institutionApi.refer, async ({ actor, params, body, req }) => {
      const caseId = params.caseId;
      // A joint application needs its documents first: refused before anything is recorded.
      const joint = body.kind !== 'delegated_report' ? body.kind : null;
      const plan = joint ? await d.bundles.prerequisites(actor, caseId, joint) : undefined;
      const referral = await d.institutions.refer(actor, caseId, body);
      if (plan) {
        // The bundle (which holds the reference) goes to the webhook.
        const bundle = await d.bundles.export(actor, referral, plan);
        return { referral, webhookDelivery: bundle.delivery?.id ?? null, bundle };
      }
      // The institution's webhook gets the signed reference (retried until accepted).
      const institution = await d.institutions.institutionActor(body.institutionId);
      let webhookDelivery: string | null = null;
      if (institution && (await d.institutions.webhookUrl(institution.id))) {
        const reference = await d.references.reference(institution, caseId, req.ip ?? null, {
          pushed: true,
        });
        webhookDelivery = await d.webhooks.enqueue({
          institutionId: institution.id,
          caseId,
          event: 'case.referred',
          body: { caseId, referral, reference },
        });
      }
      return { referral, webhookDelivery, bundle: null };
    }),
    route(institutionApi.referrals, async ({ actor, params }) => ({
      referrals: await d.institutions.caseReferrals(actor, params.caseId),
      bundles: await d.bundles.list(actor, params.caseId),
    })),
    route(institutionApi.exportBundle, async ({ actor, params }) => {
      const caseId = params.caseId;
      await d.institutions.caseReferrals(actor, caseId);
      const referral = await d.institutions.referral(caseId, params.referralId);
      if (!referral) throw new NotFoundError('Referral');
      return { bundle: await d.bundles.export(actor, referral) };
    }),
    route(institutionApi.bundleFile, async ({ actor, params, res }) => {
      const file = await d.bundles.file(actor, params.caseId, params.bundleId);
      sendZip(res, file);
      return undefined;
    }),
    route(institutionApi.referralPreview, async ({ actor, params, query }) =>
      d.bundles.preview(actor, params.caseId, query.kind),
    ),
    route(institutionApi.disclosure, async ({ actor, params }) =>
      d.disclosure.state(actor, params.caseId),
    ),
    route(institutionApi.recordDisclosure, async ({ actor, params, body }) =>
      d.disclosure.record(actor, params.caseId, body),
    ),
    route(institutionApi.retryWebhook, async ({ actor, params }) => {
      const institution = await d.institutions.ofOrganisation(actor, params.institutionId);
      const delivery = await d.webhooks.retry(institution.id, params.deliveryId);
      if (!delivery) throw new NotFoundError('Delivery');
      return { delivery };
    }),
    route(institutionApi.webhooks, async ({ actor, params }) => {
      const institution = await d.institutions.ofOrganisation(actor, params.institutionId);
      return { deliveries: await d.webhooks.list(institution.id) };
    }),
    route(institutionApi.token, async ({ body, req }) => {
      // Throttled per source and per institution (with backoff) before the key is hashed.
      const institution = await d.signIn.guarded(
        'institution',
        req.ip ?? 'unknown',
        body.institutionId,
        () => d.institutions.authenticate(body.institutionId, body.apiKey),
      );
      const token = d.tokens.issue(
        {
          sub: institution.id,
          org: institution.organisationId,
          kind: institution.kind,
          name: institution.name,
        },
        INSTITUTION_TOKEN_TTL_SECONDS,
      );
      return {
        token,
        expiresAt: new Date(Date.now() + INSTITUTION_TOKEN_TTL_SECONDS * 1000).toISOString(),
      };
    }),
    route(institutionApi.referredCases, async ({ req }) => ({
      cases: await d.institutions.referredCases(await institutionOf(req)),
    })),
    route(institutionApi.certificate, async ({ req, res, params }) => {
      const institution = await institutionOf(req);
      const caseId = params.caseId;
      const deliveryId = params.deliveryId;
      await d.institutions.access(institution, caseId, {
        item: `certificate/${deliveryId}`,
        ip: req.ip ?? null,
      });
      // A draft agreement's service never leaves the organisation.
      if ((await d.references.draftDeliveryIds(caseId)).has(deliveryId)) {
        throw new NotFoundError('Delivery');
      }
      const { bytes, sha256, delivery } = await d.documents.certificate(
        { kind: 'system', id: 'system', role: 'system' },
        caseId,
        deliveryId,
      );
      return sendPdf(res, bytes, sha256, `电子送达凭证-${delivery.id}.pdf`);
    }),
    route(institutionApi.reference, async ({ req, params }) => ({
      reference: await d.references.reference(
        await institutionOf(req),
        params.caseId,
        req.ip ?? null,
      ),
    })),
    route(institutionApi.bundles, async ({ req, params }) => ({
      bundles: (await d.bundles.forInstitution(await institutionOf(req), params.caseId)).map(
        ({ delivery: _delivery, ...b }) => b,
      ),
    })),
    route(institutionApi.bundle, async ({ req, res, params }) => {
      const file = await d.bundles.institutionFile(
        await institutionOf(req),
        params.caseId,
        params.bundleId,
        req.ip ?? null,
      );
      sendZip(res, file);
      return undefined;
    }),
    route(institutionApi.paymentOrderPack, async ({ req, res, params }) => {
      const file = await d.paymentOrders.institutionFile(
        await institutionOf(req),
        params.caseId,
        params.packId,
        req.ip ?? null,
      );
      sendZip(res, file);
      return undefined;
    }),
    route(institutionApi.file, async ({ req, res, params }) => {
      const file = await d.references.file(await institutionOf(req), params.token, req.ip ?? null);
      fileHeaders(res, { ...file, show: 'attachment' });
      if (file.bytes) {
        res.status(200).end(file.bytes);
      } else if (file.open) {
        // A client that hangs up mid-file closes the file too.
        pipeline(file.open(), res, () => undefined);
      }
      return undefined;
    }),
  ];
}

export function sendZip(
  res: Response,
  file: { bytes: Buffer; view: { sha256: string }; name: string },
) {
  fileHeaders(res, {
    mediaType: 'application/zip',
    show: 'attachment',
    name: file.name,
    sha256: file.view.sha256,
  });
  res.status(200).end(file.bytes);
}
