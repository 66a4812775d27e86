/**
 * The HTTP contract of documents: service-address consent, issuing from
 * templates, the PDFs, each recipient's steps on a delivery, staff's offline
 * proofs, the service certificate, and the signing and sealing of the
 * mediation agreement.
 */
import { z } from 'zod';
import { caseParams } from './cases.js';
import { mediationCaseView } from './caseViews.js';
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
} from './documentRequests.js';
import {
  deliveryView,
  documentView,
  sealView,
  serviceConsentView,
  signatureView,
  signingCodeReply,
  caseMessageView,
  demoMessageView,
} from './documentViews.js';
import { endpoint, pathId, raw } from './endpoint.js';

const documentParams = z.object({ caseId: pathId, documentId: pathId }).strict();
const deliveryParams = z.object({ caseId: pathId, deliveryId: pathId }).strict();
/** A step with nothing to say: an empty JSON object, or no body at all. */
export const emptyBody = z.object({}).strict().default({});

export const documentApi = {
  list: endpoint({
    method: 'get',
    path: '/cases/:caseId/documents',
    summary:
      'Documents and deliveries: everything for staff; for a party or agent, their own inbox (what was served on them)',
    tag: 'documents',
    auth: 'any',
    params: caseParams,
    response: z.object({ documents: z.array(documentView), deliveries: z.array(deliveryView) }),
  }),
  issue: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents',
    summary:
      'Issue a document from a template (rendered to PDF, SHA-256 fixed) and serve it on the chosen recipients; `replaces` makes it the next version',
    tag: 'documents',
    auth: 'staff',
    status: 201,
    body: issueDocumentSchema,
    params: caseParams,
    response: z.object({ document: documentView, deliveries: z.array(deliveryView) }),
  }),
  document: endpoint({
    method: 'get',
    path: '/cases/:caseId/documents/:documentId',
    summary: 'One document (with the signing state for an agreement)',
    tag: 'documents',
    auth: 'any',
    params: documentParams,
    response: documentView,
  }),
  pdf: endpoint({
    method: 'get',
    path: '/cases/:caseId/documents/:documentId/pdf',
    summary:
      'The PDF as issued; `X-Content-SHA256` carries its fixed hash. A recipient opening it is recorded as having read it',
    tag: 'documents',
    auth: 'any',
    params: documentParams,
    response: raw('application/pdf'),
  }),
  consent: endpoint({
    method: 'post',
    path: '/cases/:caseId/service-consent',
    summary:
      '送达地址确认书: confirm service addresses (in-app, e-mail, SMS) and consent to electronic service; staff record a paper form with `personId`',
    tag: 'documents',
    auth: 'any',
    status: 201,
    body: serviceConsentSchema,
    params: caseParams,
    response: z.object({ consent: serviceConsentView, document: documentView }),
  }),
  consents: endpoint({
    method: 'get',
    path: '/cases/:caseId/service-consents',
    summary: 'The consents on record (a person sees their own)',
    tag: 'documents',
    auth: 'any',
    params: caseParams,
    response: z.object({ consents: z.array(serviceConsentView) }),
  }),
  messages: endpoint({
    method: 'get',
    path: '/cases/:caseId/messages',
    summary:
      'E-mail and SMS sent about the case (staff): address, purpose, and what the gateway and the mail system reported, a bounce with its reason; never the text',
    tag: 'documents',
    auth: 'staff',
    params: caseParams,
    response: z.object({ messages: z.array(caseMessageView) }),
  }),
  demoMessages: endpoint({
    method: 'get',
    path: '/demo/messages',
    summary:
      'The demo only (DEMO_CHANNELS): the e-mail and SMS its loopback relay and SMSC received, newest first, with their text; 404 elsewhere',
    tag: 'documents',
    auth: 'staff',
    response: z.object({ messages: z.array(demoMessageView) }),
  }),
  delivered: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/delivered',
    summary: 'The recipient’s client confirms the document reached it (送达)',
    tag: 'documents',
    auth: 'any',
    params: deliveryParams,
    body: emptyBody,
    response: deliveryView,
  }),
  read: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/read',
    summary: 'The recipient opened the document (阅读)',
    tag: 'documents',
    auth: 'any',
    params: deliveryParams,
    body: emptyBody,
    response: deliveryView,
  }),
  acknowledge: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/acknowledge',
    summary: 'The recipient acknowledges receipt (签收); idempotent',
    tag: 'documents',
    auth: 'any',
    params: deliveryParams,
    body: emptyBody,
    response: deliveryView,
  }),
  challenge: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/challenge',
    summary: 'The recipient challenges the delivery record (提出异议), with a reason',
    tag: 'documents',
    auth: 'any',
    body: challengeSchema,
    params: deliveryParams,
    response: deliveryView,
  }),
  paperCopy: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/paper-copy',
    summary: 'The recipient asks for a paper copy (申请纸质文书)',
    tag: 'documents',
    auth: 'any',
    body: paperCopySchema,
    params: deliveryParams,
    response: deliveryView,
  }),
  fail: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/failed',
    summary: 'Staff record that an electronic delivery failed',
    tag: 'documents',
    auth: 'staff',
    body: failSchema,
    params: deliveryParams,
    response: deliveryView,
  }),
  offlineProof: endpoint({
    method: 'post',
    path: '/cases/:caseId/deliveries/:deliveryId/offline-proof',
    summary:
      'Staff attach a proof of offline service (method, description, date served, optionally an evidence item)',
    tag: 'documents',
    auth: 'staff',
    body: offlineProofSchema,
    params: deliveryParams,
    response: deliveryView,
  }),
  certificate: endpoint({
    method: 'get',
    path: '/cases/:caseId/deliveries/:deliveryId/certificate',
    summary:
      '电子送达凭证 (PDF): the document’s hash, the recipient, the address and every step’s time; for staff and the recipient',
    tag: 'documents',
    auth: 'any',
    params: deliveryParams,
    response: raw('application/pdf'),
  }),
  signingCode: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents/:documentId/signing-code',
    summary:
      'Send the signer a one-time 6-digit code (10 minutes, 5 attempts) through the notification channel; returns where it went, masked',
    tag: 'documents',
    auth: 'any',
    body: signingCodeSchema,
    params: documentParams,
    response: signingCodeReply,
  }),
  sign: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents/:documentId/sign',
    summary:
      'Sign the agreement with the code (a party, its specially authorised agent, or the mediator); optional drawn signature as a PNG data URL ≤ 200 KB',
    tag: 'documents',
    auth: 'any',
    status: 201,
    body: signSchema,
    params: documentParams,
    response: signatureView.extend({ ip: z.string().nullable(), userAgent: z.string().nullable() }),
  }),
  seal: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents/:documentId/seal',
    summary:
      'Apply the organisation’s seal once every party and the mediator signed: the sealed PDF, a JWS by the service key, and the agreement takes effect (countdowns start)',
    tag: 'documents',
    auth: 'staff',
    body: emptyBody,
    params: documentParams,
    response: z.object({ seal: sealView, case: mediationCaseView }),
  }),
  paperSigning: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents/:documentId/paper-signing',
    summary:
      'Record a signing on paper by the case’s mediator: the scan (evidence category signed_agreement), each party’s signatory and date, the mediator’s signature; the agreement takes effect now',
    tag: 'documents',
    auth: 'staff',
    body: paperSigningSchema,
    params: documentParams,
    response: mediationCaseView,
  }),
  sealInfo: endpoint({
    method: 'get',
    path: '/cases/:caseId/documents/:documentId/seal',
    summary: 'The seal record: sealed PDF hash, time, and the JWS (typ sealed-agreement+jws)',
    tag: 'documents',
    auth: 'any',
    params: documentParams,
    response: sealView,
  }),
  sealedPdf: endpoint({
    method: 'get',
    path: '/cases/:caseId/documents/:documentId/sealed-pdf',
    summary: 'The sealed agreement PDF with the signatures and the seal',
    tag: 'documents',
    auth: 'any',
    params: documentParams,
    response: raw('application/pdf'),
  }),
} as const;
