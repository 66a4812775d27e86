/** The case-file API routes. Thin: parse (done by the router), call the service, shape the reply. */
import type { SessionTokens } from '../../auth/SessionTokens.js';
import type { InvitationTokens, StaffTokens } from '../../auth/StaffTokens.js';
import { STAFF_TOKEN_TTL_SECONDS } from '../../auth/StaffTokens.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../auth/passwords.js';
import type { SignInGuard } from '../../auth/SignInGuard.js';
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CaseService } from '../../cases/CaseService.js';
import {
  agreementEffectiveSchema,
  agreementSchema,
  assignMediatorSchema,
  createStaffSchema,
  disclosureSchema,
  extendSchema,
  followUpSchema,
  inviteSchema,
  joinTokenSchema,
  loginSchema,
  personInputSchema,
  refuseSchema,
  registerCaseSchema,
  scheduleSessionSchema,
  statisticsQuerySchema,
  terminateSchema,
  withdrawSchema,
} from '../../cases/schemas.js';
import { statisticsToCsv } from '../../cases/statistics.js';
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';
import { proceduralSide } from '../../cases/proceduralSide.js';
import { route, type RouteSpec } from './routes.js';

export interface CaseRouteDeps {
  cases: CaseService;
  repository: CaseRepository;
  staffTokens: StaffTokens;
  invitationTokens: InvitationTokens;
  sessionTokens: SessionTokens;
  signIn: SignInGuard;
  /** Base URL for links (e.g. https://mediation.example.org). */
  publicUrl: () => string;
}

const SESSION_TOKEN_TTL_SECONDS = 4 * 3600;

export function caseRoutes(d: CaseRouteDeps): RouteSpec[] {
  const c = d.cases;
  return [
    route({
      method: 'post',
      path: '/auth/login',
      summary: 'Staff sign-in (clerk or mediator): returns a bearer token',
      tag: 'auth',
      auth: 'none',
      body: loginSchema,
      handler: async ({ body, req }) => {
        // Throttled per source and per account (with backoff) before any hash is computed.
        const staff = await d.signIn.guarded(
          'staff',
          req.ip ?? 'unknown',
          body.username,
          async () => {
            const staff = await d.repository.getStaffByUsername(body.username);
            // Always hash, so a wrong username takes as long as a wrong password.
            const ok = await verifyPassword(
              body.password,
              staff?.passwordHash ?? DUMMY_PASSWORD_HASH,
            );
            if (!staff || !ok || !staff.active)
              throw new UnauthenticatedError('用户名或密码错误 / Wrong username or password');
            return staff;
          },
        );
        const token = d.staffTokens.issue(
          { sub: staff.id, role: staff.role, org: staff.organisationId, name: staff.displayName },
          STAFF_TOKEN_TTL_SECONDS,
        );
        return {
          token,
          expiresAt: new Date(Date.now() + STAFF_TOKEN_TTL_SECONDS * 1000).toISOString(),
          staff: { id: staff.id, displayName: staff.displayName, role: staff.role },
        };
      },
    }),
    route({
      method: 'get',
      path: '/me',
      summary: 'Who the bearer token belongs to',
      tag: 'auth',
      auth: 'any',
      handler: async ({ actor }) => actor,
    }),
    route({
      method: 'get',
      path: '/mediators',
      summary: 'Mediator roster with specialties and current load (clerk)',
      tag: 'staff',
      auth: 'staff',
      handler: async ({ actor }) => ({ mediators: await c.roster(actor) }),
    }),
    route({
      method: 'post',
      path: '/staff',
      summary: 'Add a mediator (with specialties) or a clerk to the organisation (clerk)',
      tag: 'staff',
      auth: 'staff',
      body: createStaffSchema,
      status: 201,
      handler: async ({ actor, body }) => c.addStaff(actor, body),
    }),
    route({
      method: 'post',
      path: '/staff/:staffId/deactivate',
      summary: 'Take a staff member off the roster; they can no longer sign in (clerk)',
      tag: 'staff',
      auth: 'staff',
      handler: async ({ actor, params }) => c.deactivateStaff(actor, params['staffId']!),
    }),
    route({
      method: 'get',
      path: '/cases',
      summary:
        'Cases of the organisation (clerk) or assigned to me (mediator), with open deadlines',
      tag: 'cases',
      auth: 'staff',
      handler: async ({ actor }) => ({ cases: await c.list(actor) }),
    }),
    route({
      method: 'post',
      path: '/cases',
      summary: 'Register a case from a written application or an oral intake (clerk)',
      tag: 'cases',
      auth: 'staff',
      body: registerCaseSchema,
      status: 201,
      handler: async ({ actor, body }) => c.register(actor, body),
    }),
    route({
      method: 'get',
      path: '/cases/:caseId',
      summary: 'The case file: parties, sessions, deadlines, disclosures, notices',
      tag: 'cases',
      auth: 'any',
      handler: async ({ actor, params }) => c.file(actor, params['caseId']!),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/people',
      summary: 'Add a party, an agent (with power of attorney) or an observer',
      tag: 'cases',
      auth: 'staff',
      body: personInputSchema,
      status: 201,
      handler: async ({ actor, params, body }) => c.addPerson(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/accept',
      summary: 'Accept the case (受理)',
      tag: 'cases',
      auth: 'staff',
      handler: async ({ actor, params }) => c.accept(actor, params['caseId']!),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/refuse',
      summary: 'Refuse the case with reasons (不予受理)',
      tag: 'cases',
      auth: 'staff',
      body: refuseSchema,
      handler: async ({ actor, params, body }) => c.refuse(actor, params['caseId']!, body.reason),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/mediator',
      summary: 'Assign a mediator from the roster',
      tag: 'cases',
      auth: 'staff',
      body: assignMediatorSchema,
      handler: async ({ actor, params, body }) =>
        c.assignMediator(actor, params['caseId']!, body.mediatorId),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/disclosures',
      summary: "The assigned mediator's conflict-of-interest disclosure",
      tag: 'cases',
      auth: 'staff',
      body: disclosureSchema,
      status: 201,
      handler: async ({ actor, params, body }) => c.disclose(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/sessions',
      summary: 'Schedule a mediation session',
      tag: 'sessions',
      auth: 'staff',
      body: scheduleSessionSchema,
      status: 201,
      handler: async ({ actor, params, body }) => c.scheduleSession(actor, params['caseId']!, body),
    }),
    ...(['start', 'end', 'cancel'] as const).map((verb) =>
      route({
        method: 'post',
        path: `/sessions/:sessionId/${verb}`,
        summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a session`,
        tag: 'sessions',
        auth: 'staff',
        handler: async ({ actor, params }) =>
          c.setSessionState(
            actor,
            params['sessionId']!,
            verb === 'start' ? 'live' : verb === 'end' ? 'ended' : 'cancelled',
          ),
      }),
    ),
    route({
      method: 'post',
      path: '/cases/:caseId/invitations',
      summary:
        'Invite a party, agent or observer: a single-case link that expires and can be revoked',
      tag: 'invitations',
      auth: 'staff',
      body: inviteSchema,
      status: 201,
      handler: async ({ actor, params, body }) => {
        const { invitation, person } = await c.invite(
          actor,
          params['caseId']!,
          body.personId,
          body.validDays,
        );
        const role =
          person.kind === 'observer' ? 'observer' : person.kind === 'agent' ? 'agent' : 'party';
        const ttl = Math.floor((Date.parse(invitation.expiresAt) - Date.now()) / 1000);
        const token = d.invitationTokens.issue(
          { sub: person.id, caseId: invitation.caseId, role, name: person.name },
          ttl,
          invitation.id,
        );
        return { invitation, token, link: `${d.publicUrl()}/join#invite=${token}` };
      },
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/invitations/:invitationId/revoke',
      summary: 'Revoke an invitation: its link and the session tokens made from it stop working',
      tag: 'invitations',
      auth: 'staff',
      handler: async ({ actor, params }) =>
        c.revokeInvitation(actor, params['caseId']!, params['invitationId']!),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/extension',
      summary:
        'Refused (409 PARTY_CONSENT_REQUIRED): staff cannot type the parties’ consent; propose an extension (extension-proposals) that each party answers',
      tag: 'cases',
      auth: 'staff',
      body: extendSchema,
      handler: async ({ actor, params, body }) => c.extend(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/agreement',
      summary: 'Record the mediation agreement (调解协议) reached',
      tag: 'outcomes',
      auth: 'staff',
      body: agreementSchema,
      handler: async ({ actor, params, body }) => c.recordAgreement(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/agreement/effective',
      summary:
        'Refused (409): an agreement takes effect only at the seal after every signature or at a recorded paper signing (see the agreement document routes)',
      tag: 'outcomes',
      auth: 'staff',
      body: agreementEffectiveSchema,
      handler: async ({ actor, params, body }) =>
        c.agreementEffective(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/termination',
      summary: 'End mediation without agreement, with the ground (调解终止)',
      tag: 'outcomes',
      auth: 'staff',
      body: terminateSchema,
      handler: async ({ actor, params, body }) => c.terminate(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/withdrawal',
      summary: 'Record the application’s withdrawal',
      tag: 'outcomes',
      auth: 'staff',
      body: withdrawSchema,
      handler: async ({ actor, params, body }) => c.withdraw(actor, params['caseId']!, body.reason),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/follow-ups',
      summary: 'Record a follow-up visit (回访)',
      tag: 'outcomes',
      auth: 'staff',
      body: followUpSchema,
      status: 201,
      handler: async ({ actor, params, body }) => c.recordFollowUp(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/archive',
      summary: 'Archive a closed case (归档)',
      tag: 'outcomes',
      auth: 'staff',
      handler: async ({ actor, params }) => c.archive(actor, params['caseId']!),
    }),
    route({
      method: 'get',
      path: '/cases/:caseId/audit',
      summary: 'Verify the case’s audit hash chain',
      tag: 'audit',
      auth: 'any',
      handler: async ({ actor, params }) => c.verifyAudit(actor, params['caseId']!),
    }),
    route({
      method: 'get',
      path: '/statistics',
      summary: 'Organisation statistics (统计报告) as JSON or CSV (clerk)',
      tag: 'staff',
      auth: 'staff',
      query: statisticsQuerySchema,
      handler: async ({ actor, query, res }) => {
        const stats = await c.statistics(actor, { from: query.from ?? null, to: query.to ?? null });
        if (query.format === 'json') return stats;
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="statistics.csv"');
        res.send(statisticsToCsv(stats));
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/join-token',
      summary:
        'Exchange an invitation (or a mediator’s sign-in) for a token to join the case’s current session',
      tag: 'sessions',
      auth: 'any',
      body: joinTokenSchema,
      handler: async ({ actor, body }) => {
        if (actor.kind === 'system') throw new ForbiddenError('Not for the system');
        let caseId: string;
        if (actor.kind === 'person') {
          caseId = actor.caseId;
        } else {
          if (!body.sessionId) throw new ForbiddenError('Staff name the session to join');
          const session = await d.repository.getSession(body.sessionId);
          caseId = session?.caseId ?? '';
        }
        const { case: joined, session } = await c.joinableSession(actor, body.sessionId, caseId);
        const role = actor.kind === 'person' ? actor.role : 'mediator';
        // The side the tiles show (申请人 / 被申请人), named once here from the case file.
        const person = actor.kind === 'person' ? await d.repository.getPerson(actor.id) : undefined;
        const side = person ? await proceduralSide(d.repository, person) : undefined;
        const token = d.sessionTokens.issue(
          {
            sub: actor.id,
            caseId,
            sessionId: session.id,
            role,
            name: actor.name,
            ...(actor.kind === 'person' ? { inv: actor.invitationId } : {}),
            ...(side ? { side } : {}),
          },
          SESSION_TOKEN_TTL_SECONDS,
        );
        return {
          token,
          caseId,
          caseNumber: joined.caseNumber,
          session,
          expiresAt: new Date(Date.now() + SESSION_TOKEN_TTL_SECONDS * 1000).toISOString(),
        };
      },
    }),
  ];
}
