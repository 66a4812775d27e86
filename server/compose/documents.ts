/**
 * Part of the composition root (with server/MediationServer.ts): the document service, the
 * live in-app path of served documents, the outbox, and — when a relay is configured — e-mail
 * through it with delivery reports (server/channels/). Notices carry each recipient's own case
 * link: a token of their newest live invitation.
 */
import type { AuditLog } from '../audit/AuditLog.js';
import type { InvitationTokens } from '../auth/tokenKinds.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { LimiterFactory } from '../cluster/state.js';
import { DsnReceiver } from '../channels/DsnReceiver.js';
import { EmailDispatcher } from '../channels/EmailDispatcher.js';
import { SmtpMailer } from '../channels/SmtpMailer.js';
import type { Config } from '../config.js';
import { SqlChannelSends } from '../db/SqlChannelSends.js';
import { SqlDocumentRepository } from '../db/SqlDocumentRepository.js';
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

/** The gateways' background work, started once the server listens. */
export interface Channels {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Where delivery reports are received, when configured (tests hand reports to it). */
  reportsPort(): number | undefined;
}

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
  const outbox = new OutboxChannel(documentRepository, p.logger);
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
    limiter: p.limiter,
    personalLink: async (caseId, personId) => {
      const person = await p.repository.getPerson(personId);
      const now = Date.now();
      const live = (await p.repository.listInvitations(caseId))
        .filter((i) => i.personId === personId && !i.revokedAt && Date.parse(i.expiresAt) > now)
        .at(-1);
      if (!person || !live) return null;
      const role =
        person.kind === 'observer' ? 'observer' : person.kind === 'agent' ? 'agent' : 'party';
      const ttl = Math.floor((Date.parse(live.expiresAt) - now) / 1000);
      const token = p.invitationTokens.issue(
        { sub: person.id, caseId, role, name: person.name },
        ttl,
        live.id,
      );
      return `${p.publicUrl()}/join#invite=${token}`;
    },
    logger: p.logger,
  });
  return {
    documentRepository,
    documentDelivery,
    outbox,
    documents,
    channels: composeChannels(p, outbox, documents),
  };
}

function composeChannels(
  p: { database: SqlClient; audit: AuditLog; config: Config; logger: Logger },
  outbox: OutboxChannel,
  documents: DocumentService,
): Channels {
  const mail = p.config.mail;
  if (!mail) return { start: async () => {}, stop: async () => {}, reportsPort: () => undefined };
  const email = new EmailDispatcher({
    sends: new SqlChannelSends(p.database),
    mailer: new SmtpMailer(mail.smtp),
    audit: p.audit,
    logger: p.logger,
    onOutcome: (o) => documents.channelOutcome(o.deliveryId, 'email', o.outcome, o.detail),
  });
  outbox.useGateway(email);
  const receiver = mail.reports
    ? new DsnReceiver({
        ...mail.reports,
        logger: p.logger,
        onReport: (report, raw) => email.report(report, raw),
      })
    : undefined;
  let port: number | undefined;
  return {
    async start() {
      if (receiver) port = (await receiver.listen()).port;
      email.start();
    },
    async stop() {
      await receiver?.close();
      await email.stop();
    },
    reportsPort: () => port,
  };
}
