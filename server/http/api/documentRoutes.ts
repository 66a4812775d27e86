/**
 * Document service routes: service-address consent, issuing from templates,
 * the PDFs with their hash, each recipient's steps on a delivery, staff's
 * offline proofs, the electronic service certificate, and the signing and
 * sealing of the mediation agreement. Recipients authenticate with their
 * invitation token; the live socket path calls the same service.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { SignInGuard } from '../../auth/SignInGuard.js';
import type { DocumentService } from '../../documents/DocumentService.js';
import {
  challengeSchema,
  failSchema,
  issueDocumentSchema,
  offlineProofSchema,
  paperCopySchema,
  paperSigningSchema,
  serviceConsentSchema,
  signingCodeSchema,
  signSchema,
} from '../../documents/schemas.js';
import { ValidationError } from '../../errors.js';
import type { ClientInfo } from '../../evidence/EvidenceService.js';
import { fileHeaders } from './fileResponse.js';
import { route, type RouteSpec } from './routes.js';

export interface DocumentRouteDeps {
  documents: DocumentService;
  /** Signing codes are credentials: limited per source and per signer, with backoff. */
  signIn: SignInGuard;
}

function clientOf(req: Request): ClientInfo {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

export function sendPdf(res: Response, bytes: Buffer, sha256: string, filename: string): undefined {
  fileHeaders(res, { mediaType: 'application/pdf', show: 'inline', name: filename, sha256 });
  res.setHeader('Content-Length', String(bytes.length));
  res.status(200).end(bytes);
  return undefined;
}

const empty = z.object({}).strict().default({});

export function documentRoutes(d: DocumentRouteDeps): RouteSpec[] {
  const s = d.documents;
  const base = '/cases/:caseId';
  const delivery = `${base}/deliveries/:deliveryId`;
  const agreement = `${base}/documents/:documentId`;

  return [
    route({
      method: 'get',
      path: `${base}/documents`,
      summary:
        'Documents and deliveries: everything for staff; for a party or agent, their own inbox (what was served on them)',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params }) => s.list(actor, params['caseId']!),
    }),
    route({
      method: 'post',
      path: `${base}/documents`,
      summary:
        'Issue a document from a template (rendered to PDF, SHA-256 fixed) and serve it on the chosen recipients; `replaces` makes it the next version',
      tag: 'documents',
      auth: 'staff',
      status: 201,
      body: issueDocumentSchema,
      handler: async ({ actor, params, body }) => s.issue(actor, params['caseId']!, body),
    }),
    route({
      method: 'get',
      path: `${agreement}`,
      summary: 'One document (with the signing state for an agreement)',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params }) =>
        s.document(actor, params['caseId']!, params['documentId']!),
    }),
    route({
      method: 'get',
      path: `${agreement}/pdf`,
      summary:
        'The PDF as issued; `X-Content-SHA256` carries its fixed hash. A recipient opening it is recorded as having read it',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params, req, res }) => {
        const { document, bytes } = await s.pdf(
          actor,
          params['caseId']!,
          params['documentId']!,
          clientOf(req),
        );
        return sendPdf(res, bytes, document.sha256, `${document.title}-v${document.version}.pdf`);
      },
    }),
    route({
      method: 'post',
      path: `${base}/service-consent`,
      summary:
        '送达地址确认书: confirm service addresses (in-app, e-mail, SMS) and consent to electronic service; staff record a paper form with `personId`',
      tag: 'documents',
      auth: 'any',
      status: 201,
      body: serviceConsentSchema,
      handler: async ({ actor, params, body, req }) =>
        s.consent(actor, params['caseId']!, body, clientOf(req)),
    }),
    route({
      method: 'get',
      path: `${base}/service-consents`,
      summary: 'The consents on record (a person sees their own)',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params }) => ({
        consents: await s.consents(actor, params['caseId']!),
      }),
    }),
    ...(
      [
        ['delivered', 'deliver', 'The recipient’s client confirms the document reached it (送达)'],
        ['read', 'read', 'The recipient opened the document (阅读)'],
        ['acknowledge', 'acknowledge', 'The recipient acknowledges receipt (签收); idempotent'],
      ] as const
    ).map(([name, action, summary]) =>
      route({
        method: 'post',
        path: `${delivery}/${name}`,
        summary,
        tag: 'documents',
        auth: 'any',
        body: empty,
        handler: async ({ actor, params, req }) =>
          s.recipientStep(
            actor,
            params['caseId']!,
            params['deliveryId']!,
            action,
            null,
            clientOf(req),
          ),
      }),
    ),
    route({
      method: 'post',
      path: `${delivery}/challenge`,
      summary: 'The recipient challenges the delivery record (提出异议), with a reason',
      tag: 'documents',
      auth: 'any',
      body: challengeSchema,
      handler: async ({ actor, params, body, req }) =>
        s.recipientStep(
          actor,
          params['caseId']!,
          params['deliveryId']!,
          'challenge',
          { reason: body.reason },
          clientOf(req),
        ),
    }),
    route({
      method: 'post',
      path: `${delivery}/paper-copy`,
      summary: 'The recipient asks for a paper copy (申请纸质文书)',
      tag: 'documents',
      auth: 'any',
      body: paperCopySchema,
      handler: async ({ actor, params, body, req }) =>
        s.recipientStep(
          actor,
          params['caseId']!,
          params['deliveryId']!,
          'requestPaperCopy',
          body.postalAddress ? { postalAddress: body.postalAddress } : null,
          clientOf(req),
        ),
    }),
    route({
      method: 'post',
      path: `${delivery}/failed`,
      summary: 'Staff record that an electronic delivery failed',
      tag: 'documents',
      auth: 'staff',
      body: failSchema,
      handler: async ({ actor, params, body, req }) =>
        s.staffStep(
          actor,
          params['caseId']!,
          params['deliveryId']!,
          'fail',
          { reason: body.reason },
          clientOf(req),
        ),
    }),
    route({
      method: 'post',
      path: `${delivery}/offline-proof`,
      summary:
        'Staff attach a proof of offline service (method, description, date served, optionally an evidence item)',
      tag: 'documents',
      auth: 'staff',
      body: offlineProofSchema,
      handler: async ({ actor, params, body, req }) =>
        s.staffStep(
          actor,
          params['caseId']!,
          params['deliveryId']!,
          'offlineProof',
          { ...body },
          clientOf(req),
        ),
    }),
    route({
      method: 'get',
      path: `${delivery}/certificate`,
      summary:
        '电子送达凭证 (PDF): the document’s hash, the recipient, the address and every step’s time; for staff and the recipient',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params, res }) => {
        const {
          bytes,
          sha256,
          delivery: v,
        } = await s.certificate(actor, params['caseId']!, params['deliveryId']!);
        return sendPdf(res, bytes, sha256, `电子送达凭证-${v.id}.pdf`);
      },
    }),
    route({
      method: 'post',
      path: `${agreement}/signing-code`,
      summary:
        'Send the signer a one-time 6-digit code (10 minutes, 5 attempts) through the notification channel; returns where it went, masked',
      tag: 'documents',
      auth: 'any',
      body: signingCodeSchema,
      handler: async ({ actor, params, body }) =>
        s.signingCode(actor, params['caseId']!, params['documentId']!, body),
    }),
    route({
      method: 'post',
      path: `${agreement}/sign`,
      summary:
        'Sign the agreement with the code (a party, its specially authorised agent, or the mediator); optional drawn signature as a PNG data URL ≤ 200 KB',
      tag: 'documents',
      auth: 'any',
      status: 201,
      body: signSchema,
      handler: async ({ actor, params, body, req }) => {
        const signature = await d.signIn.guarded(
          'signing',
          req.ip ?? 'unknown',
          actor?.id ?? 'anonymous',
          () => s.sign(actor, params['caseId']!, params['documentId']!, body, clientOf(req)),
          (e) => e instanceof ValidationError && (e.issues ?? []).includes('code: does not match'),
        );
        const { image: _image, codeId: _code, ...view } = signature;
        return view;
      },
    }),
    route({
      method: 'post',
      path: `${agreement}/seal`,
      summary:
        'Apply the organisation’s seal once every party and the mediator signed: the sealed PDF, a JWS by the service key, and the agreement takes effect (countdowns start)',
      tag: 'documents',
      auth: 'staff',
      body: empty,
      handler: async ({ actor, params }) => s.seal(actor, params['caseId']!, params['documentId']!),
    }),
    route({
      method: 'post',
      path: `${agreement}/paper-signing`,
      summary:
        'Record a signing on paper by the case’s mediator: the scan (evidence category signed_agreement), each party’s signatory and date, the mediator’s signature; the agreement takes effect now',
      tag: 'documents',
      auth: 'staff',
      body: paperSigningSchema,
      handler: async ({ actor, params, body }) =>
        s.recordPaperSigning(actor, params['caseId']!, params['documentId']!, body),
    }),
    route({
      method: 'get',
      path: `${agreement}/seal`,
      summary: 'The seal record: sealed PDF hash, time, and the JWS (typ sealed-agreement+jws)',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params }) =>
        s.sealInfo(actor, params['caseId']!, params['documentId']!),
    }),
    route({
      method: 'get',
      path: `${agreement}/sealed-pdf`,
      summary: 'The sealed agreement PDF with the signatures and the seal',
      tag: 'documents',
      auth: 'any',
      handler: async ({ actor, params, req, res }) => {
        const { seal, bytes } = await s.sealedPdf(
          actor,
          params['caseId']!,
          params['documentId']!,
          clientOf(req),
        );
        return sendPdf(res, bytes, seal.sha256, `调解协议书-已盖章-${seal.documentId}.pdf`);
      },
    }),
  ];
}
