/**
 * Courts and arbitration commissions as API clients of an organisation: a
 * clerk registers one (its API key is shown once; only a scrypt hash is
 * kept) and may revoke it; a case is referred to one; the institution reads
 * what concerns the cases referred to it, and nothing else. Every read by an
 * institution is an event in that case's audit chain.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../auth/passwords.js';
import { authorize, authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { shanghaiDate, isOverdue } from '../cases/deadlines.js';
import { NotFoundError, fail } from '../errors.js';
import {
  DECIDED_BY,
  type JointApplicationKind,
  type LateReferral,
} from '../references/referralRules.js';
import type { InstitutionRepository } from './InstitutionRepository.js';
import {
  resolveWebhookTarget,
  WebhookAddressRefused,
  type WebhookPolicy,
} from './webhookTarget.js';
import type { Reason } from '../../signaling/index.js';
import { INSTITUTION_KINDS, REFERRAL_KINDS } from '../../signaling/http/vocabulary.js';
import { referralSchema, registerInstitutionSchema } from '../../signaling/http/institutions.js';

export { INSTITUTION_KINDS, REFERRAL_KINDS, referralSchema, registerInstitutionSchema };
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

export interface Institution {
  id: string;
  organisationId: string;
  kind: InstitutionKind;
  name: string;
  webhookUrl: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface Referral {
  id: string;
  caseId: string;
  institutionId: string;
  kind: ReferralKind;
  referredAt: string;
  referredBy: string;
  /** Sent after the statutory window closed: its last day and the reason staff recorded. */
  late: LateReferral | null;
}

/** An authenticated institution (from its access token, checked against its account). */
export interface InstitutionActor {
  kind: 'institution';
  id: string;
  organisationId: string;
  institutionKind: InstitutionKind;
  name: string;
}

/** A joint application sent to the institution that does not decide it. */
const WRONG_INSTITUTION = {
  judicial_confirmation: 'JUDICIAL_CONFIRMATION_COURT_ONLY',
  arbitration_review: 'ARBITRATION_REVIEW_COMMISSION_ONLY',
} as const satisfies Record<JointApplicationKind, Reason>;

/** A joint application after its window closed, without a reason to send it anyway. */
const LATE = {
  judicial_confirmation: 'JUDICIAL_CONFIRMATION_LATE',
  arbitration_review: 'ARBITRATION_REVIEW_LATE',
} as const satisfies Record<JointApplicationKind, Reason>;

export class InstitutionService {
  readonly #repository: InstitutionRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #now: () => Date;
  readonly #webhookPolicy: WebhookPolicy;

  constructor(options: {
    repository: InstitutionRepository;
    cases: CaseRepository;
    audit: AuditLog;
    webhookPolicy: WebhookPolicy;
    now?: () => Date;
  }) {
    this.#repository = options.repository;
    this.#cases = options.cases;
    this.#audit = options.audit;
    this.#webhookPolicy = options.webhookPolicy;
    this.#now = options.now ?? (() => new Date());
  }

  /** A clerk registers an institution; the API key is returned once and never again. */
  async register(
    actor: Actor,
    input: z.infer<typeof registerInstitutionSchema>,
  ): Promise<{ institution: Institution; apiKey: string }> {
    const clerk = authorizeStaff(actor, ['clerk']);
    // Refused now with a clear reason; checked again at every delivery (DNS may change).
    if (input.webhookUrl !== undefined) {
      try {
        await resolveWebhookTarget(input.webhookUrl, this.#webhookPolicy);
      } catch (error) {
        if (error instanceof WebhookAddressRefused)
          throw error.withIssues([`webhookUrl: ${error.message}`]);
        throw error;
      }
    }
    const apiKey = randomBytes(32).toString('base64url');
    const institution: Institution = {
      id: randomUUID(),
      organisationId: clerk.organisationId,
      kind: input.kind,
      name: input.name,
      webhookUrl: input.webhookUrl ?? null,
      createdAt: this.#now().toISOString(),
      createdBy: clerk.id,
      revokedAt: null,
    };
    const keyHash = await hashPassword(apiKey);
    await this.#repository.insertInstitution(institution, keyHash);
    return { institution, apiKey };
  }

  async list(actor: Actor): Promise<Institution[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    return this.#repository.listInstitutions(staff.organisationId);
  }

  /** Revoking ends the credential at once: every later token check fails. */
  async revoke(actor: Actor, institutionId: string): Promise<Institution> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const institution = await this.#get(institutionId);
    if (!institution || institution.organisationId !== clerk.organisationId) {
      throw new NotFoundError('Institution');
    }
    if (!institution.revokedAt) {
      await this.#repository.setRevoked(institutionId, this.#now().toISOString());
    }
    return (await this.#get(institutionId))!;
  }

  /** Refers a case to an institution of the case's organisation (recorded in the audit chain). */
  async refer(
    actor: Actor,
    caseId: string,
    input: z.infer<typeof referralSchema>,
  ): Promise<Referral> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.view', c);
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    const institution = await this.#get(input.institutionId);
    if (!institution || institution.organisationId !== c.organisationId || institution.revokedAt) {
      throw new NotFoundError('Institution');
    }
    if (input.kind !== 'delegated_report') {
      if (DECIDED_BY[input.kind] !== institution.kind) throw fail(WRONG_INSTITUTION[input.kind]);
    }
    const referral: Referral = {
      id: randomUUID(),
      caseId,
      institutionId: institution.id,
      kind: input.kind,
      referredAt: this.#now().toISOString(),
      referredBy: staff.id,
      late: null,
    };
    await this.#repository.transaction(async () => {
      const existing = await this.#repository.findReferral(caseId, institution.id, input.kind);
      if (existing) {
        Object.assign(referral, existing);
        return;
      }
      // After its window (on the official calendar) a joint application goes only with a reason.
      if (input.kind !== 'delegated_report') {
        const today = shanghaiDate(this.#now());
        const closed = (await this.#cases.listDeadlines(caseId)).find(
          (d) =>
            d.kind === input.kind &&
            (d.status === 'open' || d.status === 'overdue') &&
            isOverdue(d.dueOn, today),
        );
        if (closed && !input.lateReason) {
          throw fail(LATE[input.kind], { dueOn: closed.dueOn });
        }
        if (closed && input.lateReason) {
          referral.late = { windowClosedOn: closed.dueOn, reason: input.lateReason };
        }
      }
      await this.#repository.insertReferral(referral);
      // A joint application made in time meets its window (30 days for judicial
      // confirmation, 15 for arbitration review, from the agreement taking effect).
      if (input.kind !== 'delegated_report') {
        for (const d of await this.#cases.listDeadlines(caseId)) {
          if (d.kind === input.kind && (d.status === 'open' || d.status === 'overdue')) {
            await this.#cases.setDeadlineStatus(
              d.id,
              d.status === 'open' ? 'met' : d.status,
              referral.referredAt,
            );
          }
        }
      }
      await this.#audit.append({
        caseId,
        actorId: staff.id,
        actorRole: staff.role,
        action: 'case.referred',
        target: institution.id,
        payload: {
          institution: institution.name,
          kind: referral.kind,
          at: referral.referredAt,
          ...(referral.late ? { late: referral.late } : {}),
        },
      });
    });
    return referral;
  }

  /**
   * Checks an institution's API key (constant work whether or not the
   * institution exists) and returns the account; revoked ones are refused.
   */
  async authenticate(institutionId: string, apiKey: string): Promise<Institution> {
    const keyHash = await this.#repository.keyHash(institutionId);
    const ok = await verifyPassword(apiKey, keyHash ?? DUMMY_PASSWORD_HASH);
    const institution = keyHash !== undefined ? await this.#get(institutionId) : undefined;
    if (!ok || !institution) throw fail('INSTITUTION_KEY_WRONG');
    if (institution.revokedAt) throw fail('INSTITUTION_REVOKED');
    return institution;
  }

  /** The account as an actor, for pushing to it (undefined when unknown or revoked). */
  async institutionActor(id: string): Promise<InstitutionActor | undefined> {
    const i = await this.#get(id);
    if (!i || i.revokedAt) return undefined;
    return {
      kind: 'institution',
      id: i.id,
      organisationId: i.organisationId,
      institutionKind: i.kind,
      name: i.name,
    };
  }

  /** An institution's record, revoked or not (server-internal). */
  institution(id: string): Promise<Institution | undefined> {
    return this.#get(id);
  }

  /** The webhook address of an institution (server-internal). */
  async webhookUrl(id: string): Promise<string | null> {
    return (await this.#get(id))?.webhookUrl ?? null;
  }

  /** An institution of the clerk's organisation. */
  async ofOrganisation(actor: Actor, id: string): Promise<Institution> {
    const staff = authorizeStaff(actor, ['clerk']);
    const i = await this.#get(id);
    if (!i || i.organisationId !== staff.organisationId) throw new NotFoundError('Institution');
    return i;
  }

  /** The account behind a verified access token, still active. */
  async actorFor(claims: { sub: string }): Promise<InstitutionActor> {
    const institution = await this.#get(claims.sub);
    if (!institution) throw fail('INSTITUTION_UNKNOWN');
    if (institution.revokedAt) throw fail('INSTITUTION_REVOKED');
    return {
      kind: 'institution',
      id: institution.id,
      organisationId: institution.organisationId,
      institutionKind: institution.kind,
      name: institution.name,
    };
  }

  /** Staff: the case's referrals, with the institutions' names. */
  async caseReferrals(
    actor: Actor,
    caseId: string,
  ): Promise<(Referral & { institutionName: string })[]> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.view', c);
    authorizeStaff(actor, ['clerk', 'mediator']);
    return this.#repository.listCaseReferrals(caseId);
  }

  /** A referral of the case (server-internal). */
  referral(caseId: string, id: string): Promise<Referral | undefined> {
    return this.#repository.getReferral(caseId, id);
  }

  /**
   * The cases referred to the institution, and the payment-order packs (支付令)
   * a worker sent it: a court sees a case it only received a pack for too.
   */
  async referredCases(institution: InstitutionActor): Promise<
    {
      caseId: string;
      caseNumber: string;
      referrals: Referral[];
      paymentOrders: { id: string; sentAt: string; sha256: string; size: number }[];
    }[]
  > {
    const referrals = await this.#repository.listInstitutionReferrals(institution.id);
    const packs = await this.#repository.packsSentTo(institution.id);
    const caseIds = [
      ...new Set([...referrals.map((r) => r.caseId), ...packs.map((p) => p.caseId)]),
    ];
    const out = [];
    for (const caseId of caseIds) {
      const c = await this.#cases.getCase(caseId);
      if (!c) continue;
      out.push({
        caseId,
        caseNumber: c.caseNumber,
        referrals: referrals.filter((r) => r.caseId === caseId),
        paymentOrders: packs
          .filter((p) => p.caseId === caseId)
          .map((p) => ({ id: p.id, sentAt: p.createdAt, sha256: p.sha256, size: p.size })),
      });
    }
    return out;
  }

  /**
   * Lets an institution read something of a case: only a case referred to
   * it (anything else reads as missing), and the read is written to the
   * case's audit chain.
   */
  async access(
    institution: InstitutionActor,
    caseId: string,
    what: { item: string; ip: string | null },
  ): Promise<void> {
    const referred = await this.#repository.isReferred(institution.id, caseId);
    if (!referred) throw new NotFoundError('Case');
    await this.recordAccess(institution, caseId, what);
  }

  /**
   * Writes an institution's read to the case's audit chain, for a reach the
   * caller checked (a referral here; the pack's addressee for a payment order).
   */
  async recordAccess(
    institution: InstitutionActor,
    caseId: string,
    what: { item: string; ip: string | null },
  ): Promise<void> {
    await this.#audit.append({
      caseId,
      actorId: institution.id,
      actorRole: institution.institutionKind,
      action: 'institution.accessed',
      target: what.item,
      payload: { institution: institution.name, item: what.item, ip: what.ip },
    });
  }

  /** The organisation's courts with an active credential (server-internal: payment orders). */
  activeCourts(organisationId: string): Promise<{ id: string; name: string }[]> {
    return this.#repository.activeCourts(organisationId);
  }

  #get(id: string): Promise<Institution | undefined> {
    return this.#repository.getInstitution(id);
  }
}
