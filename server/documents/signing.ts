/**
 * Signing the mediation agreement online: a one-time code sent to the signer
 * (or shown in-app) re-confirms who signs; each signature binds signer, the
 * role they sign for, the time and the agreement's SHA-256, with the image
 * re-encoded by the service (untrusted/signatureImage.ts). Who must sign is
 * signingRules.ts; sealing and the agreement's effect are sealing.ts.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consume } from '../applications/limits.js';
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../cases/access.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { type AppError, fail, NotFoundError } from '../errors.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import { canonicalSignature } from '../untrusted/signatureImage.js';
import { clientPayload, json, sha, type DocumentContext } from './context.js';
import {
  DOCUMENT_KIND_LABELS,
  SERVICE_CHANNEL_LABELS,
  type AgreementSignature,
  type CaseDocument,
  type ServiceAddress,
  type ServiceChannel,
  type SignerRole,
  type SigningCode,
} from './model.js';
import { completeIfSigned } from './sessionRecords.js';
import { recordSigners, type RequiredSigner } from './signingRules.js';
import { maskAddress } from './templates.js';
import { signingCodeSms } from './smsTemplates.js';

export const SIGNING_CODE_TTL_MS = 10 * 60 * 1000;
export const SIGNING_CODE_ATTEMPTS = 5;

export const SIGNS_FOR_LABELS: Record<AgreementSignature['signsFor'], string> = {
  applicant: '申请人',
  respondent: '被申请人',
  mediator: '调解员',
};

export class AgreementSigning {
  readonly #ctx: DocumentContext;

  #limits: { address: RateLimiterAbstract; case: RateLimiterAbstract } | undefined;

  constructor(ctx: DocumentContext) {
    this.#ctx = ctx;
  }

  /** Sends a one-time code to the signer, who re-confirms their identity with it. */
  async signingCode(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { channel?: ServiceChannel | undefined },
  ): Promise<{
    channel: ServiceChannel;
    destination: string;
    expiresAt: string;
    attempts: number;
  }> {
    const { c, people, doc } = await this.agreementFor(actor, caseId, documentId, {
      records: true,
    });
    const signer = signerOf(actor, c, people, doc);
    const { channel, address } = await this.#codeDestination(actor, caseId, people, input.channel);
    // Codes that cost a message and reach a number or a mailbox: limited per address and per
    // case (in-app, the code is only shown on the signer's own screen).
    if (channel !== 'in_app' && this.#ctx.limiter) {
      this.#limits ??= {
        address: this.#ctx.limiter({ keyPrefix: 'sign-code-address', points: 5, duration: 600 }),
        case: this.#ctx.limiter({ keyPrefix: 'sign-code-case', points: 30, duration: 3600 }),
      };
      await consume(this.#limits.address, `${channel}:${address}`);
      await consume(this.#limits.case, caseId);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomUUID();
    const at = this.#ctx.now();
    const row: SigningCode = {
      id: randomUUID(),
      documentId: doc.id,
      signerId: actor.id,
      codeHash: hashCode(salt, code),
      salt,
      channel,
      destination: address,
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + SIGNING_CODE_TTL_MS).toISOString(),
      attempts: 0,
      usedAt: null,
    };
    await this.#ctx.cases.transaction(async () => {
      await this.#ctx.docs.insertSigningCode(row);
      await this.#ctx.audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: `${actionPrefix(doc)}.signingCode`,
        target: doc.id,
        payload: {
          documentId: doc.id,
          signsFor: signer.signsFor,
          channel,
          expiresAt: row.expiresAt,
        },
      });
    });
    await this.#ctx.notifications.send({
      caseId,
      personId: actor.kind === 'person' ? actor.id : null,
      channel,
      address,
      purpose: 'signing_code',
      subject: `${DOCUMENT_KIND_LABELS[doc.kind]}签署验证码`,
      body:
        channel === 'sms'
          ? signingCodeSms(
              { code, caseNumber: c.caseNumber, label: DOCUMENT_KIND_LABELS[doc.kind] },
              this.#ctx.smsTemplates?.code,
            )
          : `您正在签署${c.caseNumber}号案件的${DOCUMENT_KIND_LABELS[doc.kind]}（第 ${doc.version} 版），验证码 ${code}，10 分钟内有效。请勿告诉他人。`,
    });
    const destination =
      channel === 'in_app'
        ? SERVICE_CHANNEL_LABELS.in_app
        : maskAddress({ channel, value: address });
    // In-app, the signing screen is the channel: the code is shown there, to the signed-in signer.
    return {
      channel,
      destination,
      expiresAt: row.expiresAt,
      attempts: SIGNING_CODE_ATTEMPTS,
      ...(channel === 'in_app' ? { code } : {}),
    };
  }

  /** Signs the agreement with the code: binds signer, role, time and the agreement's hash. */
  async sign(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: { code: string; signatureImage?: Buffer | undefined },
    client: ClientInfo,
  ): Promise<AgreementSignature> {
    // Only the service's own re-encoding is stored, hashed and later drawn into the sealed PDF.
    const image = input.signatureImage
      ? (await canonicalSignature(input.signatureImage, this.#ctx.untrusted)).png
      : null;
    const outcome = await this.#ctx.cases.transaction(async () => {
      const { c, people, doc } = await this.agreementFor(actor, caseId, documentId, {
        records: true,
      });
      const signer = signerOf(actor, c, people, doc);
      const existing = (await this.#ctx.docs.listSignatures(doc.id)).find(
        (s) => s.signerId === actor.id,
      );
      if (existing) return { kind: 'signed' as const, signature: existing };
      const code = await this.#ctx.docs.latestSigningCode(doc.id, actor.id);
      const now = this.#ctx.now();
      if (!code || code.usedAt !== null)
        return {
          kind: 'refused' as const,
          error: fail('SIGNING_CODE_NONE'),
        };
      if (Date.parse(code.expiresAt) <= now.getTime())
        return {
          kind: 'refused' as const,
          error: fail('SIGNING_CODE_EXPIRED'),
        };
      if (code.attempts >= SIGNING_CODE_ATTEMPTS)
        return {
          kind: 'refused' as const,
          error: fail('SIGNING_CODE_EXHAUSTED'),
        };
      if (!sameHash(code.codeHash, hashCode(code.salt, input.code))) {
        await this.#ctx.docs.recordCodeAttempt(code.id, null);
        const left = SIGNING_CODE_ATTEMPTS - code.attempts - 1;
        return {
          kind: 'refused' as const,
          error: fail('SIGNING_CODE_WRONG', { left: String(left) }).withIssues([
            'code: does not match',
          ]),
        };
      }
      const at = now.toISOString();
      await this.#ctx.docs.recordCodeAttempt(code.id, at);
      const signature: AgreementSignature = {
        id: randomUUID(),
        documentId: doc.id,
        documentSha256: doc.sha256,
        signerId: actor.id,
        signerKind: actor.kind === 'staff' ? 'staff' : 'person',
        signerRole: signer.role,
        signsFor: signer.signsFor,
        signerName: signer.name,
        signedAt: at,
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        image,
        imageSha256: image ? sha(image) : null,
        codeId: code.id,
      };
      await this.#ctx.docs.insertSignature(signature);
      await this.#ctx.audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: `${actionPrefix(doc)}.signed`,
        target: doc.id,
        payload: json({
          documentId: doc.id,
          version: doc.version,
          sha256: doc.sha256,
          signatureId: signature.id,
          signerRole: signature.signerRole,
          signsFor: signature.signsFor,
          signedAt: at,
          imageSha256: signature.imageSha256,
          // The bytes the signer's browser sent, before re-encoding.
          submittedImageSha256: input.signatureImage ? sha(input.signatureImage) : null,
          ...clientPayload(client),
        }),
      });
      if (doc.kind === 'session_record') await completeIfSigned(this.#ctx, c, doc);
      return { kind: 'signed' as const, signature };
    });
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome.signature;
  }

  async #codeDestination(
    actor: Actor,
    caseId: string,
    people: readonly CasePerson[],
    wanted: ServiceChannel | undefined,
  ): Promise<{ channel: ServiceChannel; address: string }> {
    if (actor.kind !== 'person') return { channel: 'in_app', address: actor.id };
    const consent = await this.#ctx.docs.currentConsent(caseId, actor.id);
    const person = people.find((p) => p.id === actor.id);
    const options: ServiceAddress[] = [...(consent?.addresses ?? [])];
    if (person?.phone && !options.some((o) => o.channel === 'sms'))
      options.push({ channel: 'sms', value: person.phone });
    if (!options.some((o) => o.channel === 'in_app'))
      options.push({ channel: 'in_app', value: actor.id });
    const order: ServiceChannel[] = wanted ? [wanted] : ['sms', 'email', 'in_app'];
    for (const channel of order) {
      const found = options.find((o) => o.channel === channel);
      if (found) return { channel, address: found.value };
    }
    throw fail('NO_ADDRESS_ON_CHANNEL').withIssues([
      `channel: no ${wanted ?? ''} address is known for you`,
    ]);
  }

  /**
   * The latest version of an agreement, not yet sealed (unless sealing, which is idempotent),
   * or of a session record (`records`: the signing steps, never the seal's).
   */
  async agreementFor(
    actor: Actor,
    caseId: string,
    documentId: string,
    options: { sealing?: boolean; records?: boolean } = {},
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people, doc } = await this.#readableForSigning(actor, caseId, documentId);
    const signable = options.records
      ? ['mediation_agreement', 'session_record']
      : ['mediation_agreement'];
    if (!signable.includes(doc.kind))
      throw fail('ONLY_AGREEMENT_SIGNED').withIssues([`documentId: a ${doc.kind}`]);
    const latest = await this.#ctx.docs.latestVersion(doc.seriesId);
    if (latest && latest.version !== doc.version)
      throw fail('VERSION_REPLACED', {
        version: String(doc.version),
        latest: String(latest.version),
      });
    // A session record is signed by its attendees whatever the case's state (no seal, no effect).
    if (doc.kind === 'session_record') return { c, people, doc };
    const sealed = await this.#ctx.docs.getSeal(doc.id);
    if (sealed && !options.sealing) throw fail('SEALED_NO_MORE_SIGNING');
    if (!sealed && c.outcome?.effectiveAt) throw fail('CASE_AGREEMENT_EFFECTIVE');
    if (!sealed && !['in_mediation', 'settled'].includes(c.status))
      throw fail('CASE_CANNOT_TAKE_AGREEMENT');
    return { c, people, doc };
  }

  /** Signers may act on the agreement even if it was served on their party rather than on them. */
  async #readableForSigning(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people } = await this.#ctx.caseFor(actor, caseId);
    const doc = await this.#ctx.docs.getDocument(documentId);
    if (!doc || doc.caseId !== caseId) throw new NotFoundError('Document');
    if (actor.kind === 'person' && doc.kind !== 'mediation_agreement') {
      if (!(await this.#ctx.canRead(actor, doc, people))) throw new NotFoundError('Document');
    }
    return { c, people, doc };
  }
}

/** The audit actions of signing name the kind of document signed. */
function actionPrefix(doc: CaseDocument): 'agreement' | 'session_record' {
  return doc.kind === 'session_record' ? 'session_record' : 'agreement';
}

/** Who the actor signs as, or Forbidden: a session record is signed by its attendees present. */
function signerOf(
  actor: Actor,
  c: MediationCase,
  people: readonly CasePerson[],
  doc: CaseDocument,
): { role: SignerRole; signsFor: AgreementSignature['signsFor']; name: string } {
  if (doc.kind === 'session_record' && actor.kind === 'person') {
    const me = people.find((p) => p.id === actor.id);
    if (!me || !recordSigners(doc).includes(me.id)) throw fail('NOT_A_SIGNER');
    if (me.kind === 'applicant' || me.kind === 'respondent')
      return { role: me.kind, signsFor: me.kind, name: me.name };
    const side = people.find((p) => p.id === me.representsId)?.kind;
    return {
      role: 'agent',
      signsFor: side === 'respondent' ? 'respondent' : 'applicant',
      name: me.name,
    };
  }
  if (actor.kind === 'staff') {
    if (actor.role === 'mediator' && c.mediatorId === actor.id)
      return { role: 'mediator', signsFor: 'mediator', name: actor.name };
    throw fail('MEDIATOR_SIGNS_OWN_CASE');
  }
  if (actor.kind !== 'person') throw fail('NO_SIGNER');
  const me = people.find((p) => p.id === actor.id);
  if (me?.kind === 'applicant' || me?.kind === 'respondent')
    return { role: me.kind, signsFor: me.kind, name: me.name };
  if (me?.kind === 'agent') {
    const party = people.find((p) => p.id === me.representsId);
    // Settling for a party needs a special authorisation (特别授权) that covers signing.
    if (
      (party?.kind === 'applicant' || party?.kind === 'respondent') &&
      me.powerOfAttorney?.maySign === true &&
      me.powerOfAttorney.scope === 'special'
    )
      return { role: 'agent', signsFor: party.kind, name: me.name };
    throw fail('AGENT_NOT_AUTHORISED_TO_SIGN');
  }
  throw fail('NOT_A_SIGNER');
}

/** The signers still missing, by name, for the step that needs them all. */
export function missingError(
  missing: readonly RequiredSigner[],
  reason: 'SEAL_SIGNERS_MISSING' | 'PAPER_SIGNERS_MISSING',
): AppError {
  return fail(reason, { signers: missing.map((m) => m.name).join('、') });
}

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
