/**
 * Part of the composition root (with server/MediationServer.ts): the document service, the
 * live in-app path of served documents, the outbox and its gateways (./channels.ts). Notices carry
 * each recipient's own case link (server/auth/CaseLinks.ts): e-mail the full one, SMS a short one.
 */
import type { AuditLog } from '../audit/AuditLog.js';
import type { InvitationTokens } from '../auth/tokenKinds.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { LimiterFactory } from '../cluster/state.js';
import { consume } from '../applications/limits.js';
import { CaseLinks } from '../auth/CaseLinks.js';
import type { Config } from '../config.js';
import { SqlChannelSends } from '../db/SqlChannelSends.js';
import { SqlDocumentRepository } from '../db/SqlDocumentRepository.js';
import { SqlShortLinks } from '../db/SqlShortLinks.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import { DocumentService } from '../documents/DocumentService.js';
import { OutboxChannel } from '../documents/NotificationChannel.js';
import type { PdfRenderer } from '../documents/PdfRenderer.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import type { EvidenceItem } from '../evidence/model.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import { RoomDeliveryChannel } from '../socket/rooms.js';
import { composeChannels } from './channels.js';

export function composeDocuments(p: {
  database: SqlClient;
  jobs: JobClaims;
  repository: CaseRepository;
  cases: CaseService;
  audit: AuditLog;
  blobs: BlobStore;
  renderer: PdfRenderer;
  keys: ServiceKeys;
  evidence: EvidenceService;
  evidenceItem: (itemId: string) => Promise<EvidenceItem | undefined>;
  invitationTokens: InvitationTokens;
  limiter: LimiterFactory;
  config: Config;
  logger: Logger;
  publicUrl: () => string;
}) {
  const documentRepository = new SqlDocumentRepository(p.database);
  // Served documents go to the recipient's Socket.IO room, on whichever node their socket is.
  const documentDelivery = new RoomDeliveryChannel();
  const outbox = new OutboxChannel(documentRepository, p.logger, undefined, (work) =>
    p.database.transaction(work),
  );
  const shortLinkLimit = p.limiter({ keyPrefix: 'short-link', points: 30, duration: 600 });
  const links = new CaseLinks({
    cases: p.repository,
    tokens: p.invitationTokens,
    shortLinks: new SqlShortLinks(p.database),
    publicUrl: p.publicUrl,
  });
  const documents = new DocumentService({
    jobs: p.jobs,
    documents: documentRepository,
    cases: p.repository,
    caseService: p.cases,
    audit: p.audit,
    blobs: p.blobs,
    renderer: p.renderer,
    keys: p.keys,
    notifications: outbox,
    delivery: documentDelivery,
    evidenceReceipt: (caseId, itemId) =>
      p.evidence
        .receipt({ kind: 'system', id: 'system', role: 'system' }, caseId, itemId)
        .catch(() => undefined),
    evidenceItem: async (caseId, itemId) => {
      const item = await p.evidenceItem(itemId);
      return item?.caseId === caseId ? item : undefined;
    },
    publicUrl: p.publicUrl,
    channelSends: new SqlChannelSends(p.database),
    smsTemplates: p.config.smsTemplates,
    limiter: p.limiter,
    personalLink: (caseId, personId, form) =>
      form === 'short' ? links.short(caseId, personId) : links.personal(caseId, personId),
    logger: p.logger,
  });
  return {
    documentRepository,
    documentDelivery,
    outbox,
    documents,
    links,
    /** `/s/<code>`: at most 30 opens per source in 10 minutes (a code is 57 bits; guessing needs far more). */
    openShortLink: async (code: string, source: string) => {
      await consume(shortLinkLimit, source);
      return links.open(code);
    },
    channels: composeChannels(p, outbox, documents),
  };
}
