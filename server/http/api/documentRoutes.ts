/**
 * Document service routes: service-address consent, issuing from templates,
 * the PDFs with their hash, each recipient's steps on a delivery, staff's
 * offline proofs, the electronic service certificate, and the signing and
 * sealing of the mediation agreement. Recipients authenticate with their
 * invitation token; the live socket path calls the same service.
 */
import type { Request, Response } from 'express';
import type { SignInGuard } from '../../auth/SignInGuard.js';
import type { DocumentService } from '../../documents/DocumentService.js';
import { documentApi } from '../../../signaling/http/documents.js';
import { sessionRecordApi } from '../../../signaling/http/sessionRecords.js';
import type { LoopbackMessage } from '../../channels/LoopbackChannels.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { ClientInfo } from '../../evidence/EvidenceService.js';
import { fileHeaders } from './fileResponse.js';
import { route, type RouteSpec } from './routes.js';

export interface DocumentRouteDeps {
  documents: DocumentService;
  /** Signing codes are credentials: limited per source and per signer, with backoff. */
  signIn: SignInGuard;
  /** What the demo's loopback relay and SMSC received; undefined outside the demo. */
  demoMessages?: () => LoopbackMessage[] | undefined;
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

export function documentRoutes(d: DocumentRouteDeps): RouteSpec[] {
  const s = d.documents;

  return [
    route(documentApi.list, async ({ actor, params }) => s.list(actor, params.caseId)),
    route(documentApi.issue, async ({ actor, params, body }) =>
      s.issue(actor, params.caseId, body),
    ),
    route(documentApi.document, async ({ actor, params }) =>
      s.document(actor, params.caseId, params.documentId),
    ),
    route(documentApi.pdf, async ({ actor, params, req, res }) => {
      const { document, bytes } = await s.pdf(
        actor,
        params.caseId,
        params.documentId,
        clientOf(req),
      );
      return sendPdf(res, bytes, document.sha256, `${document.title}-v${document.version}.pdf`);
    }),
    route(documentApi.consent, async ({ actor, params, body, req }) =>
      s.consent(actor, params.caseId, body, clientOf(req)),
    ),
    route(documentApi.consents, async ({ actor, params }) => ({
      consents: await s.consents(actor, params.caseId),
    })),
    route(documentApi.demoMessages, async () => {
      const messages = d.demoMessages?.();
      if (!messages) throw new NotFoundError('Page');
      return { messages };
    }),
    route(documentApi.messages, async ({ actor, params }) => ({
      messages: await s.messages(actor, params.caseId),
    })),
    ...(
      [
        [documentApi.delivered, 'deliver'],
        [documentApi.read, 'read'],
        [documentApi.acknowledge, 'acknowledge'],
      ] as const
    ).map(([entry, action]) =>
      route(entry, async ({ actor, params, req }) =>
        s.recipientStep(actor, params.caseId, params.deliveryId, action, null, clientOf(req)),
      ),
    ),
    route(documentApi.challenge, async ({ actor, params, body, req }) =>
      s.recipientStep(
        actor,
        params.caseId,
        params.deliveryId,
        'challenge',
        { reason: body.reason },
        clientOf(req),
      ),
    ),
    route(documentApi.paperCopy, async ({ actor, params, body, req }) =>
      s.recipientStep(
        actor,
        params.caseId,
        params.deliveryId,
        'requestPaperCopy',
        body.postalAddress ? { postalAddress: body.postalAddress } : null,
        clientOf(req),
      ),
    ),
    route(documentApi.fail, async ({ actor, params, body, req }) =>
      s.staffStep(
        actor,
        params.caseId,
        params.deliveryId,
        'fail',
        { reason: body.reason },
        clientOf(req),
      ),
    ),
    route(documentApi.offlineProof, async ({ actor, params, body, req }) =>
      s.staffStep(
        actor,
        params.caseId,
        params.deliveryId,
        'offlineProof',
        { ...body },
        clientOf(req),
      ),
    ),
    route(documentApi.certificate, async ({ actor, params, res }) => {
      const {
        bytes,
        sha256,
        delivery: v,
      } = await s.certificate(actor, params.caseId, params.deliveryId);
      return sendPdf(res, bytes, sha256, `电子送达凭证-${v.id}.pdf`);
    }),
    route(documentApi.signingCode, async ({ actor, params, body }) =>
      s.signingCode(actor, params.caseId, params.documentId, body),
    ),
    route(documentApi.sign, async ({ actor, params, body, req }) => {
      const signature = await d.signIn.guarded(
        'signing',
        req.ip ?? 'unknown',
        actor?.id ?? 'anonymous',
        () => s.sign(actor, params.caseId, params.documentId, body, clientOf(req)),
        (e) => e instanceof AppError && e.reason === 'SIGNING_CODE_WRONG',
      );
      const { image: _image, codeId: _code, ...view } = signature;
      return view;
    }),
    route(documentApi.seal, async ({ actor, params }) =>
      s.seal(actor, params.caseId, params.documentId),
    ),
    route(documentApi.paperSigning, async ({ actor, params, body }) =>
      s.recordPaperSigning(actor, params.caseId, params.documentId, body),
    ),
    route(documentApi.sealInfo, async ({ actor, params }) =>
      s.sealInfo(actor, params.caseId, params.documentId),
    ),
    route(documentApi.sealedPdf, async ({ actor, params, req, res }) => {
      const { seal, bytes } = await s.sealedPdf(
        actor,
        params.caseId,
        params.documentId,
        clientOf(req),
      );
      return sendPdf(res, bytes, seal.sha256, `调解协议书-已盖章-${seal.documentId}.pdf`);
    }),
    // Session records (调解笔录): the signing itself is documentApi's signing code and sign.
    route(sessionRecordApi.read, async ({ actor, params }) =>
      s.sessionRecord(actor, params.caseId, params.sessionId),
    ),
    route(sessionRecordApi.save, async ({ actor, params, body }) =>
      s.saveSessionRecord(actor, params.caseId, params.sessionId, body),
    ),
    route(sessionRecordApi.issue, async ({ actor, params }) =>
      s.issueSessionRecord(actor, params.caseId, params.sessionId),
    ),
    route(sessionRecordApi.refusal, async ({ actor, params, body }) => ({
      document: await s.signingRefusal(actor, params.caseId, params.documentId, body),
    })),
  ];
}
