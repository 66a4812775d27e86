/**
 * Online applications: the public page's challenge, codes, draft, attachments, submission and
 * status (the applicant's link token as a Bearer token), and the clerk's intake queue
 * (server/applications/OnlineApplications.ts).
 */
import type { Request } from 'express';
import type {
  ApplicantCredential,
  OnlineApplications,
} from '../../applications/OnlineApplications.js';
import type { EvidenceService } from '../../evidence/EvidenceService.js';
import { applicationApi } from '../../../signaling/http/applications.js';
import { receiveUpload, type UploadTimeouts } from './evidenceRoutes.js';
import { route, type RouteSpec } from './routes.js';

export interface ApplicationRouteDeps {
  applications: OnlineApplications;
  evidence: EvidenceService;
  uploads: UploadTimeouts;
}

/** The page's device id (a random id it keeps): one of the keys the code limits count by. */
function deviceOf(req: Request): string {
  const id = req.get('x-device-id') ?? '';
  return /^[A-Za-z0-9-]{8,64}$/.test(id) ? id : 'no-device-id';
}

function sourceOf(req: Request): string {
  return req.ip ?? 'unknown';
}

function bearer(req: Request): string | undefined {
  return /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(req.headers.authorization ?? '')?.[1];
}

export function applicationRoutes(d: ApplicationRouteDeps): RouteSpec[] {
  const a = d.applications;
  const applicant = (req: Request): Promise<ApplicantCredential> => a.applicantOf(bearer(req));
  return [
    route(applicationApi.organisations, async () => ({ organisations: await a.organisations() })),
    route(applicationApi.challenge, async () => a.challenge()),
    route(applicationApi.requestCode, async ({ req, body }) =>
      a.requestCode(body, deviceOf(req), sourceOf(req)),
    ),
    route(applicationApi.checkCode, async ({ req, params, body }) =>
      a.checkCode(params.verificationId, body.code, sourceOf(req)),
    ),
    route(applicationApi.mine, async ({ req }) => ({
      application: await a.mine(await applicant(req)),
    })),
    route(applicationApi.attach, async ({ req, res }) => {
      const who = await applicant(req);
      const maxBytes = await a.attachAllowance(who);
      const { file, fields } = await receiveUpload(req, res, d.evidence, maxBytes, d.uploads);
      return { receipt: await a.attach(who, file, fields['title']) };
    }),
    route(applicationApi.submit, async ({ req, body }) => ({
      application: await a.submit(await applicant(req), body),
    })),
    route(applicationApi.withdraw, async ({ req, body }) => ({
      application: await a.withdraw(await applicant(req), body.reason),
    })),
    route(applicationApi.requestLink, async ({ req, body }) => {
      await a.requestLink(body, sourceOf(req));
      return { accepted: true as const };
    }),
    route(applicationApi.queue, async ({ actor }) => ({ applications: await a.queue(actor) })),
    route(applicationApi.accept, async ({ actor, params }) =>
      a.accept(actor, params.applicationId),
    ),
    route(applicationApi.decline, async ({ actor, params, body }) => ({
      application: await a.decline(actor, params.applicationId, body.reason),
    })),
  ];
}
