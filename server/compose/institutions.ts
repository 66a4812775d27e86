/**
 * Part of the composition root (with server/MediationServer.ts): courts and arbitration
 * commissions as API clients, the deliveries to their webhooks and the cases they hand over.
 * The audit log given must be the one every case service writes through: the referrals bind
 * to it to hear of the case events their institutions follow.
 */
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { Config } from '../config.js';
import { SqlInboundReferralRepository } from '../db/SqlInboundReferralRepository.js';
import { SqlInstitutionRepository } from '../db/SqlInstitutionRepository.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import { SqlWebhookDeliveryRepository } from '../db/SqlWebhookDeliveryRepository.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import type { UploadTimeouts } from '../http/api/evidenceRoutes.js';
import { inboundReferralRoutes } from '../http/api/inboundReferralRoutes.js';
import { institutionRoutes, type InstitutionRouteDeps } from '../http/api/institutionRoutes.js';
import { paymentOrderRoutes } from '../http/api/paymentOrderRoutes.js';
import type { RouteSpec } from '../http/api/routes.js';
import { InboundReferrals, type ReferralAwareAuditLog } from '../institutions/InboundReferrals.js';
import { InstitutionService } from '../institutions/InstitutionService.js';
import { WebhookDispatcher } from '../institutions/WebhookDispatcher.js';
import type { WebhookLookup, WebhookPolicy } from '../institutions/webhookTarget.js';
import type { Logger } from '../logger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { ArchiveStore } from '../storage/archives.js';

export interface InstitutionParts {
  institutions: InstitutionService;
  webhooks: WebhookDispatcher;
  referrals: InboundReferrals;
}

export function composeInstitutions(p: {
  database: SqlClient;
  caseRecords: CaseRepository;
  cases: CaseService;
  audit: ReferralAwareAuditLog;
  archives: ArchiveStore;
  keys: ServiceKeys;
  logger: Logger;
  config: Config;
  webhookLookup: WebhookLookup | undefined;
}): InstitutionParts {
  const policy: WebhookPolicy = {
    httpAllowlist: p.config.webhooks.httpAllowlist,
    ...(p.webhookLookup ? { lookup: p.webhookLookup } : {}),
  };
  const institutions = new InstitutionService({
    repository: new SqlInstitutionRepository(p.database),
    cases: p.caseRecords,
    audit: p.audit,
    webhookPolicy: policy,
  });
  const webhooks = new WebhookDispatcher({
    archives: p.archives,
    policy,
    repository: new SqlWebhookDeliveryRepository(p.database),
    audit: p.audit,
    keys: p.keys,
    logger: p.logger,
    retryBaseMs: p.config.webhooks.retryBaseMs,
    maxAttempts: p.config.webhooks.maxAttempts,
    leaseMs: p.config.jobs.leaseMs,
  });
  const referrals = new InboundReferrals({
    repository: new SqlInboundReferralRepository(p.database),
    institutions,
    cases: p.cases,
    caseRecords: p.caseRecords,
    webhooks,
  });
  p.audit.bind(referrals);
  return { institutions, webhooks, referrals };
}

/** The routes institutions call and those of their cases: referrals, references, payment orders. */
export function institutionApiRoutes(
  parts: InstitutionParts,
  more: Omit<InstitutionRouteDeps, 'institutions' | 'webhooks'> & {
    evidence: EvidenceService;
    uploads: UploadTimeouts;
  },
): RouteSpec[] {
  const { evidence, uploads, ...rest } = more;
  return [
    ...inboundReferralRoutes({
      referrals: parts.referrals,
      institutions: parts.institutions,
      tokens: more.tokens,
      evidence,
      uploads,
    }),
    ...institutionRoutes({ ...rest, institutions: parts.institutions, webhooks: parts.webhooks }),
    ...paymentOrderRoutes({ paymentOrders: more.paymentOrders }),
  ];
}
