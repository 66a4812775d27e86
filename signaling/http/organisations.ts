/**
 * The HTTP contract of the mediation network (issue 21): the organisations within the caller's
 * reach as a tree, and a clerk's new organisation under their own or one below it.
 */
import { z } from 'zod';
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
};
