/**
 * Part of the composition root (with server/MediationServer.ts): online applications, their
 * proof of work and limits, and how an accepted one reaches the parties (case links signed as
 * invitations, the applicant's e-service consent recorded as its own online act).
 */
import { OnlineApplications } from '../applications/OnlineApplications.js';
import { ProofOfWork } from '../applications/proofOfWork.js';
import type { CaseLinks } from '../auth/CaseLinks.js';
import type { Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import type { LimiterFactory } from '../cluster/state.js';
import type { Config } from '../config.js';
import type { SqlApplicationRepository } from '../db/SqlApplicationRepository.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import { applicationRoutes } from '../http/api/applicationRoutes.js';
import type { RouteSpec } from '../http/api/routes.js';

export function composeApplications(p: {
  repository: SqlApplicationRepository;
  cases: CaseService;
  caseRecords: CaseRepository;
  evidence: EvidenceService;
  documents: DocumentService;
  notifications: NotificationChannel;
  links: CaseLinks;
  limiter: LimiterFactory;
  config: Config;
  publicUrl: () => string;
}): { applications: OnlineApplications; routes: RouteSpec[] } {
  const applications = new OnlineApplications({
    repository: p.repository,
    cases: p.cases,
    caseRecords: p.caseRecords,
    evidence: p.evidence,
    notifications: p.notifications,
    pow: new ProofOfWork(p.config.auth.jwtSecret, p.config.applications.powBits),
    limiter: p.limiter,
    ports: {
      publicUrl: p.publicUrl,
      invitationLink: async (person, invitation) =>
        (await p.links.short(person.caseId, person.id, invitation)) ?? `${p.publicUrl()}/join`,
      recordConsent: async (person, invitation, caseId, client) => {
        const actor: Actor = {
          kind: 'person',
          id: person.id,
          role: 'party',
          caseId,
          invitationId: invitation.id,
          name: person.name,
        };
        await p.documents.consent(
          actor,
          caseId,
          {
            consentToElectronicService: true,
            addresses: [{ channel: 'sms', value: person.phone ?? '' }, { channel: 'in_app' }],
            scope: 'all',
            effectAcknowledged: true,
          },
          client,
        );
      },
    },
  });
  return {
    applications,
    routes: applicationRoutes({
      applications,
      evidence: p.evidence,
      uploads: p.config.uploads,
    }),
  };
}
