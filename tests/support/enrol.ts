/**
 * Session tokens the real server could have issued. The server honours a
 * session token only while what it names is true in the case file (the
 * session open and of its case, the mediator active and assigned, the person
 * of the case with a live invitation), so tests that make up ids first enter
 * them in the case file: a missing case, session, mediator or person is
 * created, the mediator is assigned, and a live invitation is found or made.
 * What exists already is left alone (a session of another case stays so).
 */
import { randomUUID } from 'node:crypto';
import type { MediationCase } from '../../server/cases/model.js';
import type { SessionTokens } from '../../server/auth/SessionTokens.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import type { SessionClaims } from '../../signaling/index.js';

/**
 * What enrolling needs of a service: its case database and its token signer (a
 * MediationServer has both; a benchmark driving node processes opens them itself).
 */
export interface TokenIssuer {
  database: SqlClient;
  tokens: Pick<SessionTokens, 'issue'>;
}

const FIXTURE_ORGANISATION = 'org-test-fixture';

export async function enrol(
  server: Pick<TokenIssuer, 'database'>,
  claims: SessionClaims,
): Promise<SessionClaims> {
  const repo = new SqlCaseRepository(server.database);
  const at = new Date().toISOString();
  let c = await repo.getCase(claims.caseId);
  if (!c) {
    if (!(await repo.getOrganisation(FIXTURE_ORGANISATION)))
      await repo.insertOrganisation({ id: FIXTURE_ORGANISATION, name: '测试调解委员会' });
    c = fixtureCase(claims.caseId, at);
    await repo.insertCase(c);
  }
  if (!(await repo.getSession(claims.sessionId))) {
    await repo.insertSession({
      id: claims.sessionId,
      caseId: c.id,
      status: 'live',
      mode: 'online',
      scheduledStart: at,
      scheduledEnd: null,
      startedAt: at,
      endedAt: null,
      createdBy: 'test-fixture',
    });
  }
  if (claims.role === 'mediator') {
    if (!(await repo.getStaff(claims.sub))) {
      await repo.insertStaff({
        id: claims.sub,
        organisationId: c.organisationId,
        username: `fixture-${claims.sub}`,
        displayName: claims.name,
        role: 'mediator',
        specialties: [],
        active: true,
        createdAt: at,
        passwordHash: 'not-for-sign-in',
      });
    }
    if (c.mediatorId !== claims.sub)
      await repo.updateCase({
        ...c,
        mediatorId: claims.sub,
        version: c.version + 1,
        updatedAt: at,
      });
    return claims;
  }
  if (!(await repo.getPerson(claims.sub))) {
    await repo.insertPerson({
      id: claims.sub,
      caseId: c.id,
      kind: claims.role === 'party' ? 'applicant' : claims.role,
      name: claims.name,
      idNumber: null,
      phone: null,
      address: null,
      legalRepresentative: null,
      isOrganisation: false,
      representsId: null,
      powerOfAttorney: null,
      serviceAddress: null,
      createdAt: at,
    });
  }
  if (claims.inv !== undefined) return claims;
  const live = (await repo.listInvitations(c.id)).find(
    (i) => i.personId === claims.sub && !i.revokedAt && i.expiresAt > at,
  );
  if (live) return { ...claims, inv: live.id };
  const inv = randomUUID();
  await repo.insertInvitation({
    id: inv,
    caseId: c.id,
    personId: claims.sub,
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    revokedAt: null,
    createdBy: 'test-fixture',
    createdAt: at,
  });
  return { ...claims, inv };
}

/** A session token for `claims`, entered in the case file first (see above). */
export async function enrolledToken(
  server: TokenIssuer,
  claims: SessionClaims,
  ttlSeconds = 600,
): Promise<string> {
  return server.tokens.issue(await enrol(server, claims), ttlSeconds);
}

function fixtureCase(id: string, at: string): MediationCase {
  return {
    id,
    caseNumber: `T-${id}`.slice(0, 40),
    organisationId: FIXTURE_ORGANISATION,
    status: 'in_mediation',
    disputeType: 'wages',
    source: 'party_application',
    sourceReference: null,
    priorityGroups: [],
    intakeMode: 'written',
    application: {
      requests: '支付拖欠工资',
      factsAndReasons: '测试案件',
      claimTypes: ['wages'],
      amountClaimed: 1000,
    },
    receivedOn: at.slice(0, 10),
    registeredAt: at,
    registeredBy: 'test-fixture',
    decision: null,
    mediatorId: null,
    mediationDueOn: at.slice(0, 10),
    outcome: null,
    closedAt: null,
    archivedAt: null,
    version: 1,
    updatedAt: at,
  };
}
