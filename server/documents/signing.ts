/**
 * Signing the mediation agreement online: a one-time code sent to the signer
 * (or shown in-app) re-confirms who signs; each signature binds signer, the
 * role they sign for, the time and the agreement's SHA-256, with the image
 * re-encoded by the service (untrusted/signatureImage.ts). Who must sign is
 * signingRules.ts; sealing and the agreement's effect are sealing.ts.
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../cases/access.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../errors.js';
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
import type { RequiredSigner } from './signingRules.js';
import { maskAddress } from './templates.js';

export const SIGNING_CODE_TTL_MS = 10 * 60 * 1000;
export const SIGNING_CODE_ATTEMPTS = 5;

export const SIGNS_FOR_LABELS: Record<AgreementSignature['signsFor'], string> = {
  applicant: '申请人',
  respondent: '被申请人',
  mediator: '调解员',
};

export class AgreementSigning {
  readonly #ctx: DocumentContext;

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
    const { c, people, doc } = await this.agreementFor(actor, caseId, documentId);
    const signer = signerOf(actor, c, people);
    const { channel, address } = await this.#codeDestination(actor, caseId, people, input.channel);
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
        action: 'agreement.signingCode',
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
      subject: `${DOCUMENT_KIND_LABELS.mediation_agreement}签署验证码`,
      body: `您正在签署${c.caseNumber}号案件的调解协议书（第 ${doc.version} 版），验证码 ${code}，10 分钟内有效。请勿告诉他人。`,
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
      const { c, people, doc } = await this.agreementFor(actor, caseId, documentId);
      const signer = signerOf(actor, c, people);
      const existing = (await this.#ctx.docs.listSignatures(doc.id)).find(
        (s) => s.signerId === actor.id,
      );
      if (existing) return { kind: 'signed' as const, signature: existing };
      const code = await this.#ctx.docs.latestSigningCode(doc.id, actor.id);
      const now = this.#ctx.now();
      if (!code || code.usedAt !== null)
        return {
          kind: 'refused' as const,
          error: new InvalidStateError('请先获取验证码 / Request a signing code first'),
        };
      if (Date.parse(code.expiresAt) <= now.getTime())
        return {
          kind: 'refused' as const,
          error: new InvalidStateError(
            '验证码已过期，请重新获取 / The code has expired; request a new one',
          ),
        };
      if (code.attempts >= SIGNING_CODE_ATTEMPTS)
        return {
          kind: 'refused' as const,
          error: new InvalidStateError(
            '验证码错误次数过多，请重新获取 / Too many wrong codes; request a new one',
          ),
        };
      if (!sameHash(code.codeHash, hashCode(code.salt, input.code))) {
        await this.#ctx.docs.recordCodeAttempt(code.id, null);
        const left = SIGNING_CODE_ATTEMPTS - code.attempts - 1;
        return {
          kind: 'refused' as const,
          error: new ValidationError(
            `验证码不正确，还可尝试 ${left} 次 / Wrong code; ${left} attempts left`,
            ['code: does not match'],
          ),
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
        action: 'agreement.signed',
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
    throw new ValidationError('No address on that channel', [
      `channel: no ${wanted ?? ''} address is known for you`,
    ]);
  }

  /** The latest version of an agreement, not yet sealed (unless sealing, which is idempotent). */
  async agreementFor(
    actor: Actor,
    caseId: string,
    documentId: string,
    options: { sealing?: boolean } = {},
  ): Promise<{ c: MediationCase; people: CasePerson[]; doc: CaseDocument }> {
    const { c, people, doc } = await this.#readableForSigning(actor, caseId, documentId);
    if (doc.kind !== 'mediation_agreement')
      throw new ValidationError('Only the mediation agreement is signed', [
        `documentId: a ${doc.kind}`,
      ]);
    const latest = await this.#ctx.docs.latestVersion(doc.seriesId);
    if (latest && latest.version !== doc.version)
      throw new InvalidStateError(
        `此版本已被第 ${latest.version} 版取代 / Version ${doc.version} was replaced by version ${latest.version}`,
      );
    const sealed = await this.#ctx.docs.getSeal(doc.id);
    if (sealed && !options.sealing)
      throw new InvalidStateError('协议已盖章生效，不能再签署 / The agreement is sealed already');
    if (!sealed && c.outcome?.effectiveAt)
      throw new InvalidStateError(
        "案件的调解协议已生效 / The case's agreement is effective already",
      );
    if (!sealed && !['in_mediation', 'settled'].includes(c.status))
      throw new InvalidStateError(
        '案件不在可以签署协议的状态 / The case cannot take an agreement now',
      );
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

/** Who the actor signs as, or Forbidden. */
function signerOf(
  actor: Actor,
  c: MediationCase,
  people: readonly CasePerson[],
): { role: SignerRole; signsFor: AgreementSignature['signsFor']; name: string } {
  if (actor.kind === 'staff') {
    if (actor.role === 'mediator' && c.mediatorId === actor.id)
      return { role: 'mediator', signsFor: 'mediator', name: actor.name };
    throw new ForbiddenError(
      "只有本案调解员可以作为调解员签署 / Only the case's mediator signs as mediator",
    );
  }
  if (actor.kind !== 'person') throw new ForbiddenError('No signer');
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
    throw new ForbiddenError(
      "代理人未获签署调解协议的特别授权 / The agent's power of attorney does not cover signing",
    );
  }
  throw new ForbiddenError('您不是本协议的签署人 / You are not a signer of this agreement');
}

export function missingError(missing: readonly RequiredSigner[], what: string): InvalidStateError {
  const zh = missing.map((m) => `${SIGNS_FOR_LABELS[m.signsFor]}${m.name}`).join('、');
  const en = missing.map((m) => `${m.signsFor} ${m.name}`).join(', ');
  const [zhWhat, enWhat] = what.split(' / ');
  return new InvalidStateError(
    `尚缺${zh}的签名，${zhWhat} / Not every required signer has signed (${en}); ${enWhat}`,
  );
}

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
