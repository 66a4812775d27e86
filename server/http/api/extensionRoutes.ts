/** Extension of the mediation period: staff propose, each party answers (or staff record an offline answer with proof). */
import type { ExtensionService } from '../../cases/extensions.js';
import {
  extensionAnswerSchema,
  extensionOfflineAnswerSchema,
  extensionProposalSchema,
} from '../../cases/schemas.js';
import { route, type RouteSpec } from './routes.js';

export function extensionRoutes(d: { extensions: ExtensionService }): RouteSpec[] {
  const x = d.extensions;
  return [
    route({
      method: 'get',
      path: '/cases/:caseId/extension-proposals',
      summary: 'Extension proposals of the mediation period and each party’s answer',
      tag: 'cases',
      auth: 'any',
      handler: async ({ actor, params }) => x.list(actor, params['caseId']!),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/extension-proposals',
      summary: 'Propose extending the mediation period (new end, reason); every party must consent',
      tag: 'cases',
      auth: 'staff',
      body: extensionProposalSchema,
      status: 201,
      handler: async ({ actor, params, body }) => x.propose(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/extension-proposals/:proposalId/answer',
      summary:
        'A party (or its agent with special authority) consents to or refuses a proposed extension',
      tag: 'cases',
      auth: 'any',
      body: extensionAnswerSchema,
      handler: async ({ actor, params, body }) =>
        x.respond(actor, params['caseId']!, params['proposalId']!, body.decision),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/extension-proposals/:proposalId/offline-answer',
      summary:
        'Staff record a party’s answer given offline, with proof (an evidence item) and their attestation',
      tag: 'cases',
      auth: 'staff',
      body: extensionOfflineAnswerSchema,
      handler: async ({ actor, params, body }) =>
        x.recordOffline(actor, params['caseId']!, params['proposalId']!, body),
    }),
  ];
}
