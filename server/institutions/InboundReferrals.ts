/**
 * Cases courts and arbitration commissions hand to the organisation (委派/委托调解, the plan's
 * "总对总" docking): the institution submits one through its API with its own case number,
 * the parties, their contacts and the claims; the same number again is the same referral
 * (a repeat with other content is refused). A clerk accepts it — the case is registered and
 * accepted with everything filled in, its source and the institution's number recorded, and
 * the institution may read it like a case referred to it — or declines it with reasons; the
 * institution may withdraw it while it waits.
 *
 * What the institution is told, each event once, goes to its webhook in the transaction of
 * the change that caused it: the referral accepted, each session scheduled, the agreement
 * taking effect, the case terminated or withdrawn (the last three with where to fetch the
 * signed reference). A declined or withdrawn referral has no case file to carry a delivery's
 * audit trail: the institution reads the decision and its reasons from the API.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../audit/AuditChain.js';
import type { AuditEventInput, StoredAuditEvent } from '../audit/AuditChain.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import { shanghaiDate } from '../cases/deadlines.js';
import { registerCaseSchema } from '../cases/schemas.js';
import { NotFoundError, fail } from '../errors.js';
import type {
  InboundReferralInput,
  INBOUND_REFERRAL_EVENTS,
  INBOUND_REFERRAL_KINDS,
  INBOUND_REFERRAL_STATUSES,
} from '../../signaling/http/inboundReferrals.js';
import type { CASE_SOURCES } from '../../signaling/http/vocabulary.js';
import type { InboundReferralRepository } from './InboundReferralRepository.js';
import type {
  Institution,
  InstitutionActor,
  InstitutionKind,
  InstitutionService,
} from './InstitutionService.js';
import type { WebhookDispatcher } from './WebhookDispatcher.js';

export type InboundReferralStatus = (typeof INBOUND_REFERRAL_STATUSES)[number];
export type ReferralEventName = (typeof INBOUND_REFERRAL_EVENTS)[number];

export interface InboundReferral {
  id: string;
  institutionId: string;
  organisationId: string;
  caseNumber: string;
  kind: (typeof INBOUND_REFERRAL_KINDS)[number];
  status: InboundReferralStatus;
  submission: InboundReferralInput;
  submissionSha256: string;
  receivedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  caseId: string | null;
}

export interface ReferralEvent {
  referralId: string;
  seq: number;
  event: ReferralEventName;
  /** What the event is about (the case, a session): an event is told once per target. */
  target: string;
  at: string;
  detail: Record<string, unknown>;
  webhookDelivery: string | null;
}

/** A referral as staff and the institution read it: with the institution's name and kind. */
export type InboundReferralView = InboundReferral & {
  institutionName: string;
  institutionKind: InstitutionKind;
};

/** Case events the institution is told of, by audit action. */
const CASE_EVENTS: Readonly<Record<string, ReferralEventName>> = {
  'session.scheduled': 'case.session_scheduled',
  'agreement.effective': 'case.agreement_effective',
  'outcome.termination': 'case.terminated',
  'outcome.withdrawal': 'case.withdrawn',
};

/** Events that end the case: they point to the signed reference of its result. */
const RESULTS = new Set<ReferralEventName>(['case.agreement_effective', 'case.terminated']);

type CaseSource = (typeof CASE_SOURCES)[number];

function sourceOf(kind: InstitutionKind, referral: InboundReferral['kind']): CaseSource {
  if (kind === 'court') return referral === 'delegated' ? 'court_delegated' : 'court_entrusted';
  return 'arbitration_delegated';
}

/**
 * A referral as the institution submitted it, waiting: its submission fixed by the SHA-256 of
 * its canonical JSON (a repeat under the same number must match it). An arbitration
 * commission delegates; only a court entrusts.
 */
export function newInboundReferral(
  institution: Pick<InstitutionActor, 'id' | 'organisationId' | 'institutionKind'>,
  input: InboundReferralInput,
  receivedAt: string,
): InboundReferral {
  if (institution.institutionKind === 'arbitration' && input.kind === 'entrusted')
    throw fail('REFERRAL_KIND_NOT_FOR_INSTITUTION');
  return {
    id: randomUUID(),
    institutionId: institution.id,
    organisationId: institution.organisationId,
    caseNumber: input.caseNumber,
    kind: input.kind,
    status: 'pending',
    submission: input,
    submissionSha256: createHash('sha256').update(canonicalJson(input)).digest('hex'),
    receivedAt,
    decidedAt: null,
    decidedBy: null,
    reason: null,
    caseId: null,
  };
}

export class InboundReferrals {
  readonly #repository: InboundReferralRepository;
  readonly #institutions: InstitutionService;
  readonly #cases: CaseService;
  readonly #caseRecords: CaseRepository;
  readonly #webhooks: Pick<WebhookDispatcher, 'enqueue'>;
  readonly #now: () => Date;

  constructor(options: {
    repository: InboundReferralRepository;
    institutions: InstitutionService;
    cases: CaseService;
    caseRecords: CaseRepository;
    webhooks: Pick<WebhookDispatcher, 'enqueue'>;
    now?: () => Date;
  }) {
    this.#repository = options.repository;
    this.#institutions = options.institutions;
    this.#cases = options.cases;
    this.#caseRecords = options.caseRecords;
    this.#webhooks = options.webhooks;
    this.#now = options.now ?? (() => new Date());
  }

  /** The institution hands a case over; its case number again is the same referral. */
  async submit(
    institution: InstitutionActor,
    input: InboundReferralInput,
  ): Promise<{ referral: InboundReferralView; created: boolean }> {
    const referral = newInboundReferral(institution, input, this.#now().toISOString());
    const created = await this.#repository.insert(referral);
    const stored = created
      ? referral
      : await this.#repository.byNumber(institution.id, input.caseNumber);
    if (!stored) throw new Error('referral neither inserted nor found');
    if (stored.submissionSha256 !== referral.submissionSha256)
      throw fail('REFERRAL_NUMBER_REUSED', { caseNumber: input.caseNumber });
    return { referral: this.#view(stored, institution), created };
  }

  /** The institution's own referrals, newest first. */
  async mine(institution: InstitutionActor): Promise<InboundReferralView[]> {
    return (await this.#repository.listForInstitution(institution.id)).map((r) =>
      this.#view(r, institution),
    );
  }

  /**
   * One referral of the institution, the events sent for it and, once accepted, its case's
   * progress (a read written to the case's audit chain).
   */
  async progress(
    institution: InstitutionActor,
    referralId: string,
    ip: string | null,
  ): Promise<{
    referral: InboundReferralView;
    events: Omit<ReferralEvent, 'referralId' | 'target'>[];
    progress: {
      caseNumber: string;
      status: string;
      mediationDueOn: string;
      sessions: { scheduledFor: string; state: string }[];
      outcome: string | null;
      closedAt: string | null;
    } | null;
  }> {
    const referral = await this.#own(institution, referralId);
    const events = (await this.#repository.events(referral.id)).map(
      ({ referralId: _r, target: _t, ...e }) => e,
    );
    let progress = null;
    if (referral.caseId) {
      const c = await this.#caseRecords.getCase(referral.caseId);
      if (c) {
        await this.#institutions.recordAccess(institution, c.id, { item: 'referral progress', ip });
        const sessions = await this.#caseRecords.listSessions(c.id);
        progress = {
          caseNumber: c.caseNumber,
          status: c.status,
          mediationDueOn: c.mediationDueOn,
          sessions: sessions.map((s) => ({ scheduledFor: s.scheduledStart, state: s.status })),
          outcome: c.outcome?.kind ?? null,
          closedAt: c.closedAt,
        };
      }
    }
    return { referral: this.#view(referral, institution), events, progress };
  }

  /** The institution takes back a referral nobody has decided yet. */
  async withdraw(
    institution: InstitutionActor,
    referralId: string,
    reason: string,
  ): Promise<InboundReferralView> {
    const referral = await this.#own(institution, referralId);
    const at = this.#now().toISOString();
    await this.#repository.transaction(async () => {
      const done = await this.#repository.decide(referral.id, 'withdrawn', {
        at,
        by: institution.id,
        reason,
      });
      if (!done) throw fail('REFERRAL_ALREADY_DECIDED');
      await this.#repository.addEvent(referral.id, 'referral.withdrawn', referral.id, at, {
        reason,
      });
    });
    return this.#view((await this.#repository.get(referral.id))!, institution);
  }

  /**
   * The case the institution handed over and the organisation accepted, for adding its
   * materials (any other case, even one referred to it later, reads as missing).
   */
  async handedOverCase(institution: InstitutionActor, caseId: string): Promise<string> {
    const referral = await this.#repository.byCase(caseId);
    if (!referral || referral.institutionId !== institution.id || referral.status !== 'accepted')
      throw new NotFoundError('Case');
    return caseId;
  }

  /** Staff: what institutions handed to the organisation, newest first. */
  async incoming(actor: Actor): Promise<InboundReferralView[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    const referrals = await this.#repository.listForOrganisation(staff.organisationId);
    // One read per institution, however many referrals it made.
    const named = new Map((await this.#institutions.list(actor)).map((i) => [i.id, i] as const));
    return referrals.map((r) => this.#named(r, named.get(r.institutionId)));
  }

  /**
   * A clerk accepts the referral: in one transaction the case is registered from it (source
   * and the institution's number recorded, received on the day the referral arrived) and
   * accepted, referred back to the institution so that it may read the case, and the
   * institution's webhook is queued.
   */
  async accept(
    actor: Actor,
    referralId: string,
  ): Promise<{ referral: InboundReferralView; caseId: string }> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const referral = await this.#inOrganisation(clerk.organisationId, referralId);
    const institution = await this.#institutions.institutionActor(referral.institutionId);
    if (!institution) throw new NotFoundError('Institution');
    const at = this.#now().toISOString();
    const s = referral.submission;
    const caseId = await this.#repository.transaction(async () => {
      if (
        !(await this.#repository.decide(referral.id, 'accepted', {
          at,
          by: clerk.id,
          reason: null,
        }))
      )
        throw fail('REFERRAL_ALREADY_DECIDED');
      const registered = await this.#cases.register(
        actor,
        registerCaseSchema.parse({
          intakeMode: 'written',
          disputeType: s.disputeType,
          source: sourceOf(institution.institutionKind, referral.kind),
          sourceReference: referral.caseNumber,
          priorityGroups: s.priorityGroups,
          receivedOn: shanghaiDate(new Date(referral.receivedAt)),
          application: { ...s.application, oralRecord: null },
          applicant: s.applicant,
          respondent: s.respondent,
        }),
      );
      const accepted = await this.#cases.accept(actor, registered.id);
      await this.#repository.setCase(referral.id, registered.id);
      // The institution reads the case as one referred to it (progress, references).
      await this.#institutions.refer(actor, registered.id, {
        institutionId: institution.id,
        kind: 'delegated_report',
      });
      await this.#tell(
        { ...referral, caseId: registered.id },
        'referral.accepted',
        registered.id,
        at,
        {
          caseId: registered.id,
          caseNumber: accepted.caseNumber,
          acceptedAt: accepted.decision?.at ?? at,
          mediationDueOn: accepted.mediationDueOn,
        },
      );
      return registered.id;
    });
    return { referral: await this.#viewOf((await this.#repository.get(referral.id))!), caseId };
  }

  /** A clerk declines the referral with reasons (read by the institution from the API). */
  async decline(actor: Actor, referralId: string, reason: string): Promise<InboundReferralView> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const referral = await this.#inOrganisation(clerk.organisationId, referralId);
    const at = this.#now().toISOString();
    await this.#repository.transaction(async () => {
      if (!(await this.#repository.decide(referral.id, 'declined', { at, by: clerk.id, reason })))
        throw fail('REFERRAL_ALREADY_DECIDED');
      await this.#repository.addEvent(referral.id, 'referral.declined', referral.id, at, {
        reason,
      });
    });
    return this.#viewOf((await this.#repository.get(referral.id))!);
  }

  /**
   * An audit event of a case was written (inside its change's transaction): when the case came
   * from a referral and the event is one the institution is told of, the event and its webhook
   * delivery are added in that same transaction.
   */
  async caseEvent(event: AuditEventInput): Promise<void> {
    const name = CASE_EVENTS[event.action];
    if (!name) return;
    const referral = await this.#repository.byCase(event.caseId);
    if (!referral) return;
    const at = this.#now().toISOString();
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const detail: Record<string, unknown> =
      name === 'case.session_scheduled'
        ? { sessionId: event.target, scheduledFor: payload['scheduledStart'] ?? null }
        : name === 'case.agreement_effective'
          ? { outcome: 'agreement', effectiveAt: payload['effectiveAt'] ?? null }
          : {
              outcome: payload['kind'] ?? null,
              ground: payload['ground'] ?? null,
              at: payload['at'] ?? null,
            };
    if (RESULTS.has(name)) detail['reference'] = `/api/institution/cases/${event.caseId}/reference`;
    await this.#tell(referral, name, event.target, at, detail);
  }

  /** Records the event once and queues it for the institution's webhook, if it has one. */
  async #tell(
    referral: InboundReferral,
    event: ReferralEventName,
    target: string,
    at: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const added = await this.#repository.addEvent(referral.id, event, target, at, detail);
    if (!added || !referral.caseId) return;
    // A revoked credential is told nothing more (the dispatcher would refuse every attempt).
    const institution = await this.#institutions.institution(referral.institutionId);
    if (!institution?.webhookUrl || institution.revokedAt) return;
    const delivery = await this.#webhooks.enqueue({
      institutionId: referral.institutionId,
      caseId: referral.caseId,
      event: `referral:${event}`,
      body: {
        referral: { id: referral.id, caseNumber: referral.caseNumber, kind: referral.kind },
        seq: added.seq,
        at,
        ...detail,
      },
    });
    await this.#repository.setEventDelivery(referral.id, added.seq, delivery);
  }

  async #own(institution: InstitutionActor, referralId: string): Promise<InboundReferral> {
    const referral = await this.#repository.get(referralId);
    // Another institution's referral reads as missing.
    if (!referral || referral.institutionId !== institution.id) throw new NotFoundError('Referral');
    return referral;
  }

  async #inOrganisation(organisationId: string, referralId: string): Promise<InboundReferral> {
    const referral = await this.#repository.get(referralId);
    if (!referral || referral.organisationId !== organisationId)
      throw new NotFoundError('Referral');
    return referral;
  }

  async #viewOf(referral: InboundReferral): Promise<InboundReferralView> {
    return this.#named(referral, await this.#institutions.institution(referral.institutionId));
  }

  #named(referral: InboundReferral, institution: Institution | undefined): InboundReferralView {
    return {
      ...referral,
      institutionName: institution?.name ?? '',
      institutionKind: institution?.kind ?? 'court',
    };
  }

  #view(referral: InboundReferral, institution: InstitutionActor): InboundReferralView {
    return {
      ...referral,
      institutionName: institution.name,
      institutionKind: institution.institutionKind,
    };
  }
}

/**
 * The audit log, telling inbound referrals of the case events their institutions follow: each
 * such event is handed to `InboundReferrals.caseEvent` right after it is appended, in the same
 * transaction. Bound after construction (the referrals need services made with this log).
 */
export class ReferralAwareAuditLog implements AuditLog {
  readonly #inner: AuditLog;
  #referrals: InboundReferrals | undefined;

  constructor(inner: AuditLog) {
    this.#inner = inner;
  }

  bind(referrals: InboundReferrals): void {
    this.#referrals = referrals;
  }

  async append(input: AuditEventInput): Promise<StoredAuditEvent> {
    const stored = await this.#inner.append(input);
    if (this.#referrals && CASE_EVENTS[input.action]) await this.#referrals.caseEvent(input);
    return stored;
  }

  list(caseId: string): Promise<StoredAuditEvent[]> {
    return this.#inner.list(caseId);
  }

  verify(caseId: string): ReturnType<AuditLog['verify']> {
    return this.#inner.verify(caseId);
  }
}
