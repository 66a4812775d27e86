/**
 * Online applications (网上办、掌上办): a worker or an employer applies from the public page, no
 * account needed.
 *
 * 1. The page solves a proof-of-work challenge (./proofOfWork.ts); with it, the applicant's
 *    name, resident ID number (checksum and birth date checked by the contract) and mobile
 *    number get a one-time code by SMS (the notification channel: the outbox locally). Codes
 *    are limited per device, per number and per source address, live ten minutes and allow
 *    five wrong tries.
 * 2. The code opens a draft (the applicant's newest open draft again, if there is one) and a
 *    link: a random token of which only the SHA-256 is kept, good for 30 days. The applicant
 *    attaches evidence (streamed, typed and hashed like any evidence upload; a receipt each)
 *    and submits the form: the application gets its number and goes to the intake queue, and
 *    a link to its status page is sent to the mobile. A new link can be asked for with the
 *    number and the ID number (the reply never tells whether they matched).
 * 3. A clerk accepts it — in one transaction the case is registered from the form (source
 *    `party_application`, the application's number as the source reference, received on the
 *    day it was submitted), the attachments become the applicant's evidence with their
 *    original receipt times, the applicant's consent to electronic service is recorded as a
 *    consent the applicant gave online, and both parties get their case links by SMS, the
 *    respondent asked to agree to mediation (the case is accepted only once it agrees) — or
 *    declines it with reasons the applicant reads and is sent.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../audit/AuditChain.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import { shanghaiDate } from '../cases/deadlines.js';
import type { CasePerson, Invitation } from '../cases/model.js';
import { registerCaseSchema } from '../cases/schemas.js';
import type { LimiterFactory } from '../cluster/state.js';
import { caseInput } from './caseInput.js';
import { applicationLimiters, consume, type ApplicationLimiters } from './limits.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import { NotFoundError, fail } from '../errors.js';
import type { ClientInfo, EvidenceService, ReceivedFile } from '../evidence/EvidenceService.js';
import type { EvidenceTypeId } from '../evidence/contentType.js';
import type { ApplicationForm } from '../../signaling/http/applications.js';
import type { ApplicationRepository } from './ApplicationRepository.js';
import { applicationView, fileView, maskPhone, type ApplicationViewOf } from './views.js';
import type { ApplicationFile, OnlineApplication } from './model.js';
import type { ProofOfWork } from './proofOfWork.js';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_ATTEMPTS = 5;
export const LINK_TTL_MS = 30 * 24 * 3600_000;
export const DRAFT_REUSE_MS = 7 * 24 * 3600_000;
export const MAX_FILES = 10;

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };
const NUMBER_ALPHABET = '23456789ABCDEFGHJKLMNPQRTUVWXY';

/** What the service asks of the rest of the system (the composition root wires them). */
export interface ApplicationPorts {
  /** The party's case link for an invitation (its signed token inside). */
  /** The person's short case link for SMS (server/auth/CaseLinks.ts). */
  invitationLink(person: CasePerson, invitation: Invitation): Promise<string>;
  /** Records the applicant's consent to electronic service, given online, as its own act. */
  recordConsent(
    person: CasePerson,
    invitation: Invitation,
    caseId: string,
    client: ClientInfo,
  ): Promise<void>;
  /** The public address of the service (for links in messages). */
  publicUrl(): string;
}

export interface ApplicantCredential {
  application: OnlineApplication;
}

/** WS + the Shanghai date + six characters nobody misreads: WS20261205-7K3M9Q. */
export function applicationNumber(now: Date): string {
  const tail = Array.from(
    { length: 6 },
    () => NUMBER_ALPHABET[randomInt(0, NUMBER_ALPHABET.length)],
  ).join('');
  return `WS${shanghaiDate(now).replaceAll('-', '')}-${tail}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function codeHash(salt: string, code: string): string {
  return sha256(`${salt}:${code}`);
}

export class OnlineApplications {
  readonly #repository: ApplicationRepository;
  readonly #cases: CaseService;
  readonly #caseRecords: CaseRepository;
  readonly #evidence: EvidenceService;
  readonly #notifications: NotificationChannel;
  readonly #pow: ProofOfWork;
  readonly #ports: ApplicationPorts;
  readonly #now: () => Date;
  readonly #limits: ApplicationLimiters;

  constructor(options: {
    repository: ApplicationRepository;
    cases: CaseService;
    caseRecords: CaseRepository;
    evidence: EvidenceService;
    notifications: NotificationChannel;
    pow: ProofOfWork;
    ports: ApplicationPorts;
    limiter: LimiterFactory;
    now?: () => Date;
  }) {
    this.#repository = options.repository;
    this.#cases = options.cases;
    this.#caseRecords = options.caseRecords;
    this.#evidence = options.evidence;
    this.#notifications = options.notifications;
    this.#pow = options.pow;
    this.#ports = options.ports;
    this.#now = options.now ?? (() => new Date());
    this.#limits = applicationLimiters(options.limiter);
  }

  organisations(): Promise<{ id: string; name: string }[]> {
    return this.#repository.organisations();
  }

  challenge(): { challenge: string; bits: number; expiresAt: string } {
    return this.#pow.challenge();
  }

  /** Sends a one-time code to the applicant's mobile, paid for by a solved challenge. */
  async requestCode(
    input: {
      name: string;
      idNumber: string;
      phone: string;
      organisationId?: string | undefined;
      pow: { challenge: string; nonce: string };
    },
    device: string,
    source: string,
  ): Promise<{ verificationId: string; sentTo: string; expiresAt: string }> {
    const challengeId = this.#pow.check(input.pow);
    const organisationId = await this.#organisation(input.organisationId);
    await consume(this.#limits.codePerSource, source);
    await consume(this.#limits.codePerDevice, device);
    await consume(this.#limits.codePerPhoneBurst, input.phone);
    await consume(this.#limits.codePerPhone, input.phone);
    const now = this.#now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    const row = {
      id: randomUUID(),
      organisationId,
      challengeId,
      name: input.name,
      idNumber: input.idNumber,
      phone: input.phone,
      codeHash: codeHash(salt, code),
      salt,
      device,
      source,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      attempts: 0,
      usedAt: null,
    };
    await this.#repository.transaction(async () => {
      if (!(await this.#repository.spendChallenge(challengeId, row.createdAt)))
        throw fail('APPLICATION_CHALLENGE_USED');
      await this.#repository.insertCode(row);
      await this.#notifications.send({
        caseId: '',
        personId: null,
        channel: 'sms',
        address: input.phone,
        purpose: 'application_code',
        subject: '调解申请验证码 / Mediation application code',
        body: `您正在网上申请劳动争议调解，验证码 ${code}，10 分钟内有效。请勿告诉他人。`,
      });
    });
    return { verificationId: row.id, sentTo: maskPhone(input.phone), expiresAt: row.expiresAt };
  }

  /** The code confirms the applicant: opens (or reopens) the draft and returns its link's token. */
  async checkCode(
    verificationId: string,
    code: string,
    source: string,
  ): Promise<{ token: string; expiresAt: string; application: ApplicationViewOf }> {
    await consume(this.#limits.checkPerSource, source);
    const row = await this.#repository.getCode(verificationId);
    if (!row) throw new NotFoundError('Verification');
    const now = this.#now();
    if (row.usedAt) throw fail('APPLICATION_CODE_USED');
    if (Date.parse(row.expiresAt) <= now.getTime()) throw fail('APPLICATION_CODE_EXPIRED');
    // A try is claimed before the code is compared, in one conditional update: guesses sent at
    // once (from many addresses) get no more tries than the code allows between them.
    const tried = await this.#repository.claimAttempt(row.id, CODE_ATTEMPTS);
    if (tried === null) throw fail('APPLICATION_CODE_EXHAUSTED');
    const expected = Buffer.from(row.codeHash, 'hex');
    const given = Buffer.from(codeHash(row.salt, code), 'hex');
    if (!timingSafeEqual(expected, given))
      throw fail('APPLICATION_CODE_WRONG', { left: String(CODE_ATTEMPTS - tried) });
    const at = now.toISOString();
    const application = await this.#repository.transaction(async () => {
      if (!(await this.#repository.useCode(row.id, at))) throw fail('APPLICATION_CODE_USED');
      const open = await this.#repository.openDraft(
        row.organisationId,
        row.idNumber,
        row.phone,
        new Date(now.getTime() - DRAFT_REUSE_MS).toISOString(),
      );
      if (open && open.applicantName === row.name) return open;
      const draft: OnlineApplication = {
        id: randomUUID(),
        organisationId: row.organisationId,
        number: null,
        status: 'draft',
        applicantName: row.name,
        applicantIdNumber: row.idNumber,
        applicantPhone: row.phone,
        form: null,
        formSha256: null,
        createdAt: at,
        submittedAt: null,
        decidedAt: null,
        decidedBy: null,
        reason: null,
        caseId: null,
      };
      await this.#repository.insertApplication(draft);
      return draft;
    });
    const link = await this.#newLink(application.id);
    return { ...link, application: await this.#view(application, 'applicant') };
  }

  /** The application a link's token opens; refuses a missing, unknown or expired one. */
  async applicantOf(token: string | undefined): Promise<ApplicantCredential> {
    if (!token) throw fail('APPLICATION_TOKEN_REQUIRED');
    const link = await this.#repository.link(sha256(token));
    if (!link || Date.parse(link.expiresAt) <= this.#now().getTime())
      throw fail('APPLICATION_TOKEN_INVALID');
    const application = await this.#repository.get(link.applicationId);
    if (!application) throw fail('APPLICATION_TOKEN_INVALID');
    return { application };
  }

  async mine(who: ApplicantCredential): Promise<ApplicationViewOf> {
    return this.#view(who.application, 'applicant');
  }

  /** How many bytes the next attachment may have (refuses when the draft is closed or full). */
  async attachAllowance(who: ApplicantCredential): Promise<number> {
    if (who.application.status !== 'draft') throw fail('APPLICATION_NOT_DRAFT');
    if ((await this.#repository.files(who.application.id)).length >= MAX_FILES)
      throw fail('APPLICATION_FILE_LIMIT', { max: MAX_FILES });
    return this.#evidence.limits.maxBytes;
  }

  /** Keeps a received file with the draft and returns its receipt. */
  async attach(
    who: ApplicantCredential,
    file: ReceivedFile,
    title: string | undefined,
  ): Promise<
    ReturnType<typeof fileView> & {
      applicationId: string;
      applicationNumber: null;
      submittedBy: string;
    }
  > {
    const application = who.application;
    const row: ApplicationFile = {
      id: randomUUID(),
      applicationId: application.id,
      blobKey: file.blob.key,
      typeId: file.typeId,
      title: (title ?? '').trim().slice(0, 200) || file.filename,
      filename: file.filename,
      mediaType: '',
      size: file.blob.size,
      sha256: file.blob.sha256,
      receivedAt: this.#now().toISOString(),
      evidenceId: null,
    };
    row.mediaType = fileView(row).mediaType;
    try {
      await this.#repository.transaction(async () => {
        const current = await this.#repository.get(application.id);
        if (current?.status !== 'draft') throw fail('APPLICATION_NOT_DRAFT');
        if ((await this.#repository.files(application.id)).length >= MAX_FILES)
          throw fail('APPLICATION_FILE_LIMIT', { max: MAX_FILES });
        await this.#repository.insertFile(row);
      });
    } catch (error) {
      await this.#evidence.discard(file);
      throw error;
    }
    return {
      ...fileView(row),
      applicationId: application.id,
      applicationNumber: null,
      submittedBy: application.applicantName,
    };
  }

  /** Submits the draft: its number, the intake queue, a status link by SMS. */
  async submit(who: ApplicantCredential, form: ApplicationForm): Promise<ApplicationViewOf> {
    const application = who.application;
    if (application.status !== 'draft') throw fail('APPLICATION_NOT_DRAFT');
    const now = this.#now();
    const at = now.toISOString();
    const number = applicationNumber(now);
    // 128 bits in 22 characters: the status link has to fit in an SMS (smsTemplates.ts).
    const token = randomBytes(16).toString('base64url');
    await this.#repository.transaction(async () => {
      const done = await this.#repository.submit(application.id, {
        form: JSON.stringify(form),
        formSha256: sha256(canonicalJson(form)),
        number,
        at,
      });
      if (!done) throw fail('APPLICATION_NOT_DRAFT');
      await this.#insertLink(application.id, token);
      await this.#sms(
        application.applicantPhone,
        'application_link',
        '调解申请已提交 / Application submitted',
        `您的劳动争议调解申请已提交，申请编号 ${number}。查看办理进度：${this.#statusUrl(token)}`,
      );
    });
    return this.#view((await this.#repository.get(application.id))!, 'applicant');
  }

  /** The applicant takes the application back while nobody has decided it. */
  async withdraw(who: ApplicantCredential, reason: string): Promise<ApplicationViewOf> {
    const application = who.application;
    const done = await this.#repository.decide(
      application.id,
      ['draft', 'submitted'],
      'withdrawn',
      { at: this.#now().toISOString(), by: 'applicant', reason },
    );
    if (!done) throw fail('APPLICATION_ALREADY_DECIDED');
    return this.#view((await this.#repository.get(application.id))!, 'applicant');
  }

  /** A new status link to the application's mobile, when the number and the ID number match. */
  async requestLink(
    input: { number: string; idNumber: string; pow: { challenge: string; nonce: string } },
    source: string,
  ): Promise<void> {
    const challengeId = this.#pow.check(input.pow);
    await consume(this.#limits.linkPerSource, source);
    await consume(this.#limits.linkPerNumber, input.number.toUpperCase());
    const application = await this.#repository.byNumber(input.number.trim().toUpperCase());
    if (!(await this.#repository.spendChallenge(challengeId, this.#now().toISOString())))
      throw fail('APPLICATION_CHALLENGE_USED');
    if (!application || application.applicantIdNumber !== input.idNumber) return;
    const token = randomBytes(16).toString('base64url');
    await this.#repository.transaction(async () => {
      await this.#insertLink(application.id, token);
      await this.#sms(
        application.applicantPhone,
        'application_link',
        '调解申请进度链接 / Application status link',
        `您的劳动争议调解申请（编号 ${application.number}）的进度链接：${this.#statusUrl(token)}`,
      );
    });
  }

  // ── staff ─────────────────────────────────────────────────────────────

  /** The organisation's intake queue: submitted applications and the decided ones, newest first. */
  async queue(actor: Actor): Promise<ApplicationViewOf[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    const list = await this.#repository.listSubmitted(staff.organisationId);
    return Promise.all(list.map((a) => this.#view(a, 'staff')));
  }

  /** A clerk accepts: the case registered from the application, its files, consent and invitations. */
  async accept(
    actor: Actor,
    applicationId: string,
  ): Promise<{ application: ApplicationViewOf; caseId: string }> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const application = await this.#inOrganisation(clerk.organisationId, applicationId);
    const form = application.form;
    const at = this.#now().toISOString();
    const caseId = await this.#repository.transaction(async () => {
      const decided = await this.#repository.decide(application.id, ['submitted'], 'accepted', {
        at,
        by: clerk.id,
        reason: null,
      });
      if (!decided || !form || !application.submittedAt) throw fail('APPLICATION_ALREADY_DECIDED');
      const registered = await this.#cases.register(
        actor,
        registerCaseSchema.parse(caseInput(application, form)),
      );
      await this.#repository.setCase(application.id, registered.id);
      const people = await this.#caseRecords.listPeople(registered.id);
      const applicant = people.find((p) => p.kind === 'applicant')!;
      const respondent = people.find((p) => p.kind === 'respondent')!;
      for (const f of await this.#repository.files(application.id)) {
        const { item } = await this.#evidence.record(
          SYSTEM,
          registered.id,
          {
            blob: { key: f.blobKey, size: f.size, sha256: f.sha256, head: Buffer.alloc(0) },
            typeId: f.typeId as EvidenceTypeId,
            filename: f.filename,
          },
          {
            title: f.title,
            purpose: `随网上调解申请（编号 ${application.number}）提交`,
            originalOrCopy: 'copy',
          },
          { ip: null, userAgent: `online application ${application.number}` },
          {
            id: applicant.id,
            role: 'party',
            person: true,
            receivedAt: f.receivedAt,
            heldElsewhere: true,
          },
        );
        await this.#repository.setFileEvidence(f.id, item.id);
      }
      // A worker's claims are that worker's own (the statistics count people and amounts).
      if (form.applicantRole === 'worker')
        await this.#cases.setPersonClaims(actor, registered.id, applicant.id, {
          claims: form.claims.map((x) => ({ type: x.type, amount: x.amount, note: null })),
        });
      const mine = await this.#cases.invite(actor, registered.id, applicant.id, 90);
      const theirs = await this.#cases.invite(actor, registered.id, respondent.id, 30);
      if (form.consentToElectronicService)
        await this.#ports.recordConsent(applicant, mine.invitation, registered.id, {
          ip: null,
          userAgent: `online application ${application.number} submitted ${application.submittedAt}`,
        });
      await this.#sms(
        application.applicantPhone,
        'application_link',
        '调解申请已登记 / Application registered',
        `您的调解申请（编号 ${application.number}）已登记为案件 ${registered.caseNumber}，正在征求对方是否同意调解。案件页面：${await this.#ports.invitationLink(applicant, mine.invitation)}`,
      );
      if (respondent.phone && /^1[3-9]\d{9}$/.test(respondent.phone.replace(/[\s-]/g, '')))
        await this.#sms(
          respondent.phone.replace(/[\s-]/g, ''),
          'mediation_invitation',
          '调解邀请 / Invitation to mediate',
          `${applicant.name}向${await this.#organisationName(clerk.organisationId)}申请调解与您的劳动争议（案件 ${registered.caseNumber}）。请打开链接查看申请并答复是否同意调解：${await this.#ports.invitationLink(respondent, theirs.invitation)}`,
          registered.id,
          respondent.id,
        );
      return registered.id;
    });
    return {
      application: await this.#view((await this.#repository.get(application.id))!, 'staff'),
      caseId,
    };
  }

  /** A clerk declines with reasons; the applicant reads them on the status page and gets an SMS. */
  async decline(actor: Actor, applicationId: string, reason: string): Promise<ApplicationViewOf> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const application = await this.#inOrganisation(clerk.organisationId, applicationId);
    await this.#repository.transaction(async () => {
      const done = await this.#repository.decide(application.id, ['submitted'], 'declined', {
        at: this.#now().toISOString(),
        by: clerk.id,
        reason,
      });
      if (!done) throw fail('APPLICATION_ALREADY_DECIDED');
      await this.#sms(
        application.applicantPhone,
        'application_link',
        '调解申请未予受理 / Application declined',
        `您的调解申请（编号 ${application.number}）未予受理。理由：${reason}。您可以依法向劳动人事争议仲裁委员会申请仲裁。`,
      );
    });
    return this.#view((await this.#repository.get(application.id))!, 'staff');
  }

  // ── inside ────────────────────────────────────────────────────────────

  async #organisation(requested: string | undefined): Promise<string> {
    const all = await this.#repository.organisations();
    if (requested) {
      if (!all.some((o) => o.id === requested)) throw new NotFoundError('Organisation');
      return requested;
    }
    if (all.length !== 1) throw fail('APPLICATION_ORGANISATION_REQUIRED');
    return all[0]!.id;
  }

  async #organisationName(id: string): Promise<string> {
    return (await this.#caseRecords.getOrganisation(id))?.name ?? '';
  }

  async #inOrganisation(organisationId: string, id: string): Promise<OnlineApplication> {
    const application = await this.#repository.get(id);
    // Drafts are the applicant's own until submitted: staff do not see them.
    if (
      !application ||
      application.organisationId !== organisationId ||
      application.status === 'draft'
    )
      throw new NotFoundError('Application');
    return application;
  }

  async #newLink(applicationId: string): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(16).toString('base64url');
    const expiresAt = await this.#insertLink(applicationId, token);
    return { token, expiresAt };
  }

  async #insertLink(applicationId: string, token: string): Promise<string> {
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + LINK_TTL_MS).toISOString();
    await this.#repository.insertLink({
      tokenHash: sha256(token),
      applicationId,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return expiresAt;
  }

  #statusUrl(token: string): string {
    return `${this.#ports.publicUrl()}/apply#status=${token}`;
  }

  async #sms(
    phone: string,
    purpose: 'application_link' | 'mediation_invitation',
    subject: string,
    body: string,
    caseId = '',
    personId: string | null = null,
  ): Promise<void> {
    await this.#notifications.send({
      caseId,
      personId,
      channel: 'sms',
      address: phone,
      purpose,
      subject,
      body,
    });
  }

  async #view(a: OnlineApplication, reader: 'applicant' | 'staff'): Promise<ApplicationViewOf> {
    const [organisation, files, c] = await Promise.all([
      this.#caseRecords.getOrganisation(a.organisationId),
      this.#repository.files(a.id),
      a.caseId ? this.#caseRecords.getCase(a.caseId) : Promise.resolve(undefined),
    ]);
    return applicationView(a, organisation?.name ?? '', files, c ?? null, reader);
  }
}
