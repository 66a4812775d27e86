/**
 * The HTTP contract of the mediation network (issue 21): the organisations within the caller's
 * reach as a tree, and a clerk's new organisation under their own or one below it.
 */
import { z } from 'zod';
import { caseParams } from './cases.js';
import { mediationCaseView } from './caseViews.js';
import { endpoint } from './endpoint.js';
import { ORGANISATION_KINDS } from './vocabulary.js';

export const createOrganisationSchema = z
  .object({
    name: z.string().trim().min(2, { message: '名称至少 2 个字 / at least 2 characters' }).max(100),
    kind: z.enum(ORGANISATION_KINDS),
    /** Where it stands: the clerk's own organisation or one below it. */
    parentId: z.string().min(1).max(200),
  })
  .strict();

export const transferCaseSchema = z
  .object({
    /** An organisation of the same network (GET /organisations lists the clerk's part of it). */
    organisationId: z.string().min(1).max(200),
    reason: z
      .string()
      .trim()
      .min(10, { message: '移交理由至少 10 个字 / reasons of at least 10 characters' })
      .max(1000),
  })
  .strict();

export const organisationView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  parentId: z.string().nullable(),
  createdAt: z.string(),
  /** Active staff accounts. */
  staff: z.number(),
  /** Cases registered, accepted or in mediation. */
  openCases: z.number(),
});

export const organisationApi = {
  network: endpoint({
    method: 'get',
    path: '/organisations',
    summary:
      "The caller's organisation and every organisation below it (parents before children), with active staff and open cases",
    tag: 'organisations',
    auth: 'staff',
    response: z.object({ organisations: z.array(organisationView) }),
  }),
  create: endpoint({
    method: 'post',
    path: '/organisations',
    summary:
      'A clerk adds an organisation under their own or one below it: a sub-district/town organisation under a centre, an enterprise committee or union/trade organisation under either',
    tag: 'organisations',
    auth: 'staff',
    body: createOrganisationSchema,
    status: 201,
    response: organisationView,
  }),
  transfer: endpoint({
    method: 'post',
    path: '/cases/:caseId/transfer',
    summary:
      "A clerk moves a case, before mediation has begun, to another organisation of the network with reasons: it takes that organisation's next case number, loses its mediator, and the parties are told by SMS",
    tag: 'organisations',
    auth: 'staff',
    params: caseParams,
    body: transferCaseSchema,
    response: z.object({
      case: mediationCaseView,
      from: z.object({ id: z.string(), name: z.string() }),
      to: z.object({ id: z.string(), name: z.string() }),
      previousNumber: z.string(),
    }),
  }),
};
