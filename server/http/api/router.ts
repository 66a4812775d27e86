/**
 * Builds the Express router from the route table: resolves who is asking
 * from the bearer token, parses params/body/query with the route's schemas,
 * and maps errors through the shared taxonomy.
 */
import { subtree } from '../../organisations/tree.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { TokenRefusedError } from '../../auth/SignedTokens.js';
import type { InvitationTokens, StaffTokens } from '../../auth/tokenKinds.js';
import type { Actor } from '../../cases/access.js';
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CaseService } from '../../cases/CaseService.js';
import { UnauthenticatedError, ValidationError, fail, refuseNulCharacters } from '../../errors.js';
import { z } from 'zod';
import type { AnyEndpoint } from '../../../signaling/http/endpoint.js';
import { openApiDocument } from './openapi.js';
import type { RouteSpec } from './routes.js';

export interface ApiRouterDeps {
  routes: RouteSpec[];
  staffTokens: StaffTokens;
  invitationTokens: InvitationTokens;
  repository: CaseRepository;
  cases: CaseService;
  /**
   * Check every JSON reply against its contract schema and answer 500 (logged)
   * on a mismatch: on in tests (config.http.checkResponses), off in production.
   */
  checkResponses?: boolean;
}

const MAX_BODY = '256kb';

export function apiRouter(d: ApiRouterDeps): Router {
  const router = express.Router();
  router.use(utf8JsonOnly, express.json({ limit: MAX_BODY, strict: true }));
  const document = openApiDocument(d.routes);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  /** Who is asking: a staff member (still active) or an invited person (invitation still valid). */
  async function resolveActor(req: Request): Promise<Actor | undefined> {
    const header = req.headers.authorization;
    if (!header) return undefined;
    const match = /^Bearer ([A-Za-z0-9._~-]+)$/.exec(header);
    if (!match) throw fail('AUTH_HEADER_MALFORMED');
    const token = match[1]!;
    try {
      const staff = d.staffTokens.verify(token);
      const member = await d.repository.getStaff(staff.sub);
      if (!member || !member.active) throw fail('SIGNED_IN_ACCOUNT_INACTIVE');
      return {
        kind: 'staff',
        id: member.id,
        role: member.role,
        organisationId: member.organisationId,
        name: member.displayName,
        // Read on every request: an organisation added below is in reach at once.
        ...(member.role === 'supervisor'
          ? {
              reach: subtree(await d.repository.listOrganisations(), member.organisationId).map(
                (o) => o.id,
              ),
            }
          : {}),
      };
    } catch (error) {
      if (!(error instanceof TokenRefusedError) || error.reason === 'TOKEN_EXPIRED')
        throw asAuthError(error);
    }
    try {
      const invitation = d.invitationTokens.verify(token);
      const active = await d.cases.activeInvitation(invitation.jti);
      if (!active || active.caseId !== invitation.caseId || active.personId !== invitation.sub) {
        throw fail('INVITATION_LINK_REVOKED');
      }
      return {
        kind: 'person',
        id: invitation.sub,
        role: invitation.role,
        caseId: invitation.caseId,
        invitationId: active.id,
        name: invitation.name,
      };
    } catch (error) {
      throw asAuthError(error);
    }
  }

  for (const r of d.routes) {
    router[r.method](r.path, (req: Request, res: Response, next: NextFunction) => {
      void handleRoute(r, req, res, resolveActor, d.checkResponses ?? false).catch(next);
    });
  }
  return router;
}

/**
 * JSON travels as UTF-8 (RFC 8259). express.json() would decode any `utf-*`
 * charset, UTF-7 included, whose alternative spellings of the same characters
 * slip past filters that look at the bytes: refuse every other charset.
 */
/** Runs one route: who is asking, params/body/query by the contract's schemas, the handler, the reply. */
export async function handleRoute(
  r: RouteSpec,
  req: Request,
  res: Response,
  resolveActor: (req: Request) => Promise<Actor | undefined>,
  checkResponses: boolean,
): Promise<void> {
  const e = r;
  const what = `${e.method.toUpperCase()} ${e.path}`;
  // Routes open to anyone (sign-in) ignore whatever stale token the header still carries.
  const actor = e.auth === 'none' ? undefined : await resolveActor(req);
  if ((e.auth === 'any' || e.auth === 'staff') && !actor) throw new UnauthenticatedError();
  if (e.auth === 'staff' && actor?.kind !== 'staff') throw fail('STAFF_ACCESS_ONLY');
  // A supervisor reads, never acts: every route that changes anything is a POST.
  if (actor?.kind === 'staff' && actor.role === 'supervisor' && e.method !== 'get')
    throw fail('SUPERVISOR_READS_ONLY');
  refuseNulCharacters(what, { params: req.params, query: req.query, body: req.body as unknown });
  const params = e.params.safeParse(req.params);
  if (!params.success) throw ValidationError.fromZod(what, params.error);
  const body = e.body ? e.body.safeParse(req.body ?? {}) : undefined;
  if (body && !body.success) throw ValidationError.fromZod(what, body.error);
  const query = e.query ? e.query.safeParse(req.query) : undefined;
  if (query && !query.success) throw ValidationError.fromZod(what, query.error);
  const result = await r.handler({
    actor,
    params: params.data as Record<string, string>,
    body: body?.data,
    query: query?.data,
    req,
    res,
  });
  if (result === undefined) return;
  if (checkResponses) checkReply(e, what, result);
  res.status(e.status ?? 200).json(result);
}

/** The reply that does not match its contract schema is our bug: refuse to send it. */
export class ReplyContractError extends Error {
  override name = 'ReplyContractError';
}

function checkReply(e: AnyEndpoint, what: string, result: unknown): void {
  if (!(e.response instanceof z.ZodType)) {
    throw new ReplyContractError(`${what} returned JSON but its contract says ${e.response.raw}`);
  }
  // Checked as the browser reads it: after JSON.
  const sent: unknown = JSON.parse(JSON.stringify(result));
  const checked = e.response.safeParse(sent);
  if (!checked.success) {
    const issues = checked.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join('.') || '(reply)'}: ${i.message}`);
    throw new ReplyContractError(`${what} replied outside its contract: ${issues.join('; ')}`);
  }
}

function utf8JsonOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('json')) return next();
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.get('content-type') ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return next(fail('JSON_NOT_UTF8'));
  }
  next();
}

function asAuthError(error: unknown): Error {
  if (error instanceof TokenRefusedError) {
    return fail(error.reason === 'TOKEN_EXPIRED' ? 'CREDENTIAL_EXPIRED' : 'CREDENTIAL_INVALID');
  }
  return error as Error;
}
