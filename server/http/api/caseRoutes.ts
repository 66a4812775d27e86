/** The case-file API routes. Thin: parse (done by the router), call the service, shape the reply. */
import type { SessionTokens } from '../../auth/SessionTokens.js';
import type { InvitationTokens, StaffTokens } from '../../auth/tokenKinds.js';
import { STAFF_TOKEN_TTL_SECONDS } from '../../auth/tokenKinds.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../auth/passwords.js';
import type { SignInGuard } from '../../auth/SignInGuard.js';
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CaseService } from '../../cases/CaseService.js';
import { caseApi } from '../../../signaling/http/cases.js';
import { statisticsToCsv } from '../../cases/statistics.js';
import { fail } from '../../errors.js';
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
    route(caseApi.login, async ({ body, req }) => {
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
          if (!staff || !ok || !staff.active) throw fail('WRONG_CREDENTIALS');
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
    }),
    route(caseApi.me, async ({ actor }) => actor),
    route(caseApi.mediators, async ({ actor }) => ({ mediators: await c.roster(actor) })),
    route(caseApi.addStaff, async ({ actor, body }) => c.addStaff(actor, body)),
    route(caseApi.deactivateStaff, async ({ actor, params, body }) =>
      c.deactivateStaff(actor, params.staffId, body.reason ?? null),
    ),
    route(caseApi.list, async ({ actor }) => ({ cases: await c.list(actor) })),
    route(caseApi.register, async ({ actor, body }) => c.register(actor, body)),
    route(caseApi.file, async ({ actor, params }) => c.file(actor, params.caseId)),
    route(caseApi.addPerson, async ({ actor, params, body }) =>
      c.addPerson(actor, params.caseId, body),
    ),
    route(caseApi.accept, async ({ actor, params }) => c.accept(actor, params.caseId)),
    route(caseApi.refuse, async ({ actor, params, body }) =>
      c.refuse(actor, params.caseId, body.reason),
    ),
    route(caseApi.assignMediator, async ({ actor, params, body }) =>
      c.assignMediator(actor, params.caseId, body.mediatorId),
    ),
    route(caseApi.disclose, async ({ actor, params, body }) =>
      c.disclose(actor, params.caseId, body),
    ),
    route(caseApi.scheduleSession, async ({ actor, params, body }) =>
      c.scheduleSession(actor, params.caseId, body),
    ),
    ...(
      [
        [caseApi.startSession, 'live'],
        [caseApi.endSession, 'ended'],
        [caseApi.cancelSession, 'cancelled'],
      ] as const
    ).map(([entry, state]) =>
      route(entry, async ({ actor, params }) => c.setSessionState(actor, params.sessionId, state)),
    ),
    route(caseApi.invite, async ({ actor, params, body }) => {
      const { invitation, person } = await c.invite(
        actor,
        params.caseId,
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
    }),
    route(caseApi.revokeInvitation, async ({ actor, params }) =>
      c.revokeInvitation(actor, params.caseId, params.invitationId),
    ),
    route(caseApi.electRepresentative, async ({ actor, params, body }) =>
      c.electRepresentative(actor, params.caseId, body),
    ),
    route(caseApi.revokeRepresentative, async ({ actor, params }) =>
      c.revokeRepresentative(actor, params.caseId, params.representationId),
    ),
    route(caseApi.setPersonClaims, async ({ actor, params, body }) =>
      c.setPersonClaims(actor, params.caseId, params.personId, body),
    ),
    route(caseApi.recordPerformance, async ({ actor, params, body }) =>
      c.recordPerformance(actor, params.caseId, body),
    ),
    route(caseApi.extend, async ({ actor, params, body }) => c.extend(actor, params.caseId, body)),
    route(caseApi.recordAgreement, async ({ actor, params, body }) =>
      c.recordAgreement(actor, params.caseId, body),
    ),
    route(caseApi.agreementEffective, async ({ actor, params, body }) =>
      c.agreementEffective(actor, params.caseId, body),
    ),
    route(caseApi.terminate, async ({ actor, params, body }) =>
      c.terminate(actor, params.caseId, body),
    ),
    route(caseApi.withdraw, async ({ actor, params, body }) =>
      c.withdraw(actor, params.caseId, body.reason),
    ),
    route(caseApi.followUp, async ({ actor, params, body }) =>
      c.recordFollowUp(actor, params.caseId, body),
    ),
    route(caseApi.archive, async ({ actor, params }) => c.archive(actor, params.caseId)),
    route(caseApi.audit, async ({ actor, params }) => c.verifyAudit(actor, params.caseId)),
    route(caseApi.statistics, async ({ actor, query, res }) => {
      const stats = await c.statistics(actor, { from: query.from ?? null, to: query.to ?? null });
      if (query.format === 'json') return stats;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="statistics.csv"');
      res.send(statisticsToCsv(stats));
      return undefined;
    }),
    route(caseApi.joinToken, async ({ actor, body }) => {
      if (actor.kind === 'system') throw fail('NOT_FOR_SYSTEM');
      let caseId: string;
      if (actor.kind === 'person') {
        caseId = actor.caseId;
      } else {
        if (!body.sessionId) throw fail('JOIN_SESSION_REQUIRED');
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
    }),
  ];
}
