/** The HTTP contract of evidence: upload, listing, receipts, view links and content, sharing. */
import { z } from 'zod';
import { caseParams } from './cases.js';
import { endpoint, pathId, raw } from './endpoint.js';
import { EVIDENCE_CATEGORIES } from './vocabulary.js';

const itemParams = z.object({ caseId: pathId, itemId: pathId }).strict();

export const EVIDENCE_SIDES = ['applicant', 'respondent', 'organisation'] as const;

/** An item as its readers see it (no storage key, uploader address or agent). */
export const evidenceItemView = z.object({
  id: z.string(),
  caseId: z.string(),
  title: z.string(),
  /** What the item is meant to prove (证明目的). */
  purpose: z.string(),
  originalOrCopy: z.enum(['original', 'copy']),
  category: z.enum(EVIDENCE_CATEGORIES),
  filename: z.string(),
  typeId: z.string(),
  mediaType: z.string(),
  size: z.number(),
  pages: z.number().nullable(),
  /** PDF only: active content found at upload (scripts, actions, …); null before the check existed. */
  activeContent: z.array(z.string()).nullable(),
  sha256: z.string(),
  uploadedBy: z.string(),
  uploaderRole: z.string(),
  uploaderSide: z.enum(EVIDENCE_SIDES),
  receivedAt: z.string(),
  shared: z.boolean(),
  confidential: z.boolean(),
  integrity: z.enum(['ok', 'missing']),
  /** The type's broad kind and its label (Chinese). */
  kind: z.enum(['image', 'pdf', 'audio', 'video', 'document', 'text']),
  label: z.string(),
});

/** What the evidence receipt (证据收据) states. */
export const evidenceReceiptView = z.object({
  itemId: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  title: z.string(),
  purpose: z.string(),
  originalOrCopy: z.enum(['original', 'copy']),
  filename: z.string(),
  typeLabel: z.string(),
  mediaType: z.string(),
  size: z.number(),
  pages: z.number().nullable(),
  activeContent: z.array(z.string()).nullable(),
  receivedAt: z.string(),
  receivedBy: z.string(),
  submittedBy: z.object({ id: z.string(), name: z.string(), role: z.string() }),
  sha256: z.string(),
});

/** A short-lived link for elements that cannot send the bearer token. */
export const viewLinkReply = z.object({ url: z.string(), expiresAt: z.string() });

export const evidenceApi = {
  list: endpoint({
    method: 'get',
    path: '/cases/:caseId/evidence',
    summary: 'Evidence of the case the caller may see',
    tag: 'evidence',
    auth: 'any',
    params: caseParams,
    response: z.object({ items: z.array(evidenceItemView) }),
  }),
  submit: endpoint({
    method: 'post',
    path: '/cases/:caseId/evidence',
    summary:
      'Submit an item of evidence (multipart/form-data); returns the item and its receipt with the SHA-256',
    tag: 'evidence',
    auth: 'any',
    status: 201,
    multipart: {
      title: { type: 'string', description: 'Title (证据名称), up to 200 characters' },
      purpose: {
        type: 'string',
        description: 'What it is meant to prove (证明目的), up to 2000 characters',
      },
      originalOrCopy: { type: 'string', description: '"original" (原件) or "copy" (复印件)' },
      category: {
        type: 'string',
        description:
          '"evidence" (证据材料, the default), "identity" (身份证明) or "authorisation" (授权委托书); identity and authorisation documents go into joint application bundles',
      },
      file: {
        type: 'binary',
        description:
          'PDF, JPEG, PNG, WebP, HEIC, MP3, M4A, WAV, OGG, MP4, WebM, DOCX, XLSX or plain text; send it after the other fields',
      },
    },
    params: caseParams,
    response: z.object({ item: evidenceItemView, receipt: evidenceReceiptView }),
  }),
  receipt: endpoint({
    method: 'get',
    path: '/cases/:caseId/evidence/:itemId/receipt',
    summary:
      'The evidence receipt (证据收据) data: item, size, pages, active PDF content, original or copy, time, receiver, SHA-256',
    tag: 'evidence',
    auth: 'any',
    params: itemParams,
    response: evidenceReceiptView,
  }),
  viewLink: endpoint({
    method: 'post',
    path: '/cases/:caseId/evidence/:itemId/view-link',
    summary: 'A link to view the item in the browser, valid 15 minutes, for the caller only',
    tag: 'evidence',
    auth: 'any',
    params: itemParams,
    response: viewLinkReply,
  }),
  content: endpoint({
    method: 'get',
    path: '/cases/:caseId/evidence/:itemId/content',
    summary:
      'The bytes (Range supported); `download=1` for an attachment; `access=` a view-link token instead of a bearer token',
    tag: 'evidence',
    auth: 'optional',
    query: z
      .object({
        download: z.enum(['0', '1']).optional(),
        access: z.string().max(4096).optional(),
      })
      .strict(),
    params: itemParams,
    response: raw('application/octet-stream'),
  }),
  visibility: endpoint({
    method: 'post',
    path: '/cases/:caseId/evidence/:itemId/visibility',
    summary: 'Share an item with every party, or (mediator) keep it confidential to a caucus',
    tag: 'evidence',
    auth: 'any',
    body: z
      .object({ shared: z.boolean().optional(), confidential: z.boolean().optional() })
      .strict()
      .refine(
        (b) => b.shared !== undefined || b.confidential !== undefined,
        'set shared or confidential',
      ),
    params: itemParams,
    response: evidenceItemView,
  }),
  category: endpoint({
    method: 'post',
    path: '/cases/:caseId/evidence/:itemId/category',
    summary:
      'Correct what an item is for the case file: evidence, identity document or authorisation (staff, or the side that submitted it)',
    tag: 'evidence',
    auth: 'any',
    body: z.object({ category: z.enum(EVIDENCE_CATEGORIES) }).strict(),
    params: itemParams,
    response: evidenceItemView,
  }),
} as const;
