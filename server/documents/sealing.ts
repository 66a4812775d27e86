/**
 * The agreement takes effect: the organisation's seal once every required
 * signature exists (the final PDF with the signatures, a JWS by the service
 * key, the hash into the audit chain), or a signing on paper recorded by the
 * case's mediator with the scan. Either way CaseService records the effect,
 * which opens the confirmation and review windows. Also reading the sealed
 * PDF and the seal.
 */
import { Readable } from 'node:stream';
import type { Actor } from '../cases/access.js';
import { shanghaiDate } from '../cases/deadlines.js';
import type { MediationCase } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import {
  MAX_PDF_BYTES,
  SYSTEM_ACTOR,
  agreementTermsOf,
  overallDeadline,
  clientPayload,
  json,
  requireStaff,
  sha,
  storedLayout,
  type DocumentContext,
  type StaffActor,
} from './context.js';
import type { AgreementSeal, CaseDocument } from './model.js';
import type { PaperSigningInput } from './schemas.js';
import { SIGNS_FOR_LABELS, missingError, type AgreementSigning } from './signing.js';
import { missingSigners, partyBound } from './signingRules.js';
import { sealedAgreementLayout } from './templates.js';

export class AgreementSealing {
  readonly #ctx: DocumentContext;
  readonly #signing: AgreementSigning;

  constructor(ctx: DocumentContext, signing: AgreementSigning) {
    this.#ctx = ctx;
    this.#signing = signing;
  }

  /**
   * Applies the organisation's seal once every required signature exists:
   * the final PDF with the signatures, a JWS by the service key over the
   * agreement's hash and the signatures, the hash into the audit chain, and
   * then the case's agreement takes effect, which starts its countdowns.
   */
  async seal(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<{ seal: Omit<AgreementSeal, 'blobKey'>; case: MediationCase }> {
    const staff = requireStaff(actor, 'apply the seal');
    const { c, people, doc } = await this.#signing.agreementFor(staff, caseId, documentId, {
      sealing: true,
    });
    let seal = await this.#ctx.docs.getSeal(doc.id);
    if (!seal) {
      const signatures = (await this.#ctx.docs.listSignatures(doc.id)).filter(
        (s) => s.documentSha256 === doc.sha256,
      );
      const missing = missingSigners(
        people,
        c.mediatorId,
        '调解员',
        signatures,
        await this.#ctx.cases.listRepresentatives(c.id),
      );
      if (missing.length > 0) throw missingError(missing, 'SEAL_SIGNERS_MISSING');
      const sealedAt = this.#ctx.now().toISOString();
      const organisation =
        (await this.#ctx.cases.getOrganisation(c.organisationId))?.name ?? c.organisationId;
      const layout = sealedAgreementLayout(storedLayout(doc), {
        organisation,
        agreementSha256: doc.sha256,
        version: doc.version,
        signatures,
        labels: SIGNS_FOR_LABELS,
        sealedAt,
      });
      const bytes = await this.#ctx.renderer.render(layout, new Date(sealedAt));
      const blob = await this.#ctx.blobs.write(Readable.from([bytes]), { maxBytes: MAX_PDF_BYTES });
      const jws = await this.#ctx.keys.sign(
        {
          caseId,
          caseNumber: c.caseNumber,
          documentId: doc.id,
          version: doc.version,
          sha256: doc.sha256,
          sealedPdfSha256: blob.sha256,
          signatures: signatures.map((s) => ({
            signatureId: s.id,
            signerId: s.signerId,
            signerName: s.signerName,
            signerRole: s.signerRole,
            signsFor: s.signsFor,
            signedAt: s.signedAt,
            documentSha256: s.documentSha256,
            imageSha256: s.imageSha256,
          })),
          sealedAt,
          sealedBy: staff.id,
        },
        'sealed-agreement+jws',
      );
      const row: AgreementSeal = {
        documentId: doc.id,
        caseId,
        blobKey: blob.key,
        sha256: blob.sha256,
        size: blob.size,
        jws,
        kid: this.#ctx.keys.activeKid,
        sealedAt,
        sealedBy: staff.id,
        sealerRole: staff.role,
      };
      try {
        await this.#ctx.cases.transaction(async () => {
          if (await this.#ctx.docs.getSeal(doc.id)) throw fail('AGREEMENT_SEALED_MEANWHILE');
          await this.#ctx.docs.insertSeal(row);
          await this.#ctx.audit.append({
            caseId,
            actorId: staff.id,
            actorRole: staff.role,
            action: 'agreement.sealed',
            target: doc.id,
            payload: {
              documentId: doc.id,
              version: doc.version,
              sha256: doc.sha256,
              sealedSha256: blob.sha256,
              jwsSha256: sha(Buffer.from(jws)),
              kid: row.kid,
              signatures: signatures.map((s) => s.id),
              sealedAt,
            },
          });
        });
      } catch (error) {
        await this.#ctx.blobs.remove(blob.key);
        throw error;
      }
      seal = row;
      this.#ctx.logger.info(
        { caseId, documentId: doc.id, sha256: blob.sha256 },
        'agreement sealed',
      );
    }
    // Effective only now; a repeat after a crash between the two steps finishes the job.
    const updated = await this.#takeEffect(staff, c, doc, seal.sealedAt, 'seal');
    const { blobKey: _key, ...view } = seal;
    return { seal: view, case: updated };
  }

  /**
   * Records a signing on paper (纸质签署): the case's mediator files the scan
   * of the signed agreement (category signed_agreement), attests each
   * party's signatory and date and gives their own signature's date. Every
   * applicant and respondent must be covered (in person or by an agent with
   * special authority). The agreement takes effect at the time of this
   * record — never a time typed in, never in the future — and online
   * signing of it ends.
   */
  async recordPaperSigning(
    actor: Actor,
    caseId: string,
    documentId: string,
    input: PaperSigningInput,
  ): Promise<MediationCase> {
    const staff = requireStaff(actor, 'record a paper signing');
    const { c, people, doc } = await this.#signing.agreementFor(staff, caseId, documentId);
    if (staff.role !== 'mediator' || c.mediatorId !== staff.id)
      throw fail('PAPER_SIGNING_MEDIATOR_ONLY');
    if (await this.#ctx.docs.getSeal(doc.id)) throw fail('AGREEMENT_SEALED');
    const scan = await this.#ctx.evidenceItem?.(caseId, input.evidenceId);
    if (!scan || scan.category !== 'signed_agreement' || scan.uploaderSide !== 'organisation')
      throw fail('SIGNED_SCAN_REQUIRED').withIssues([
        'evidenceId: not a signed agreement filed by the organisation in this case',
      ]);
    const now = this.#ctx.now();
    const today = shanghaiDate(now);
    const issuedOn = shanghaiDate(new Date(doc.issuedAt));
    const dateIssues = [
      ...input.signatories.map((s, i) => ({ on: s.signedOn, at: `signatories.${i}.signedOn` })),
      { on: input.mediatorSignedOn, at: 'mediatorSignedOn' },
    ]
      .filter((d) => d.on > today || d.on < issuedOn)
      .map((d) => `${d.at}: not between the agreement's issue (${issuedOn}) and today (${today})`);
    if (dateIssues.length > 0) throw fail('SIGNING_DATE_OUT_OF_RANGE').withIssues(dateIssues);
    const facts = input.signatories.map((s) => {
      const party = people.find((p) => p.id === s.partyId);
      if (!party || (party.kind !== 'applicant' && party.kind !== 'respondent'))
        throw fail('NOT_A_PARTY').withIssues([`partyId: ${s.partyId}`]);
      return { signerId: s.signerId ?? s.partyId, signsFor: party.kind, signedOn: s.signedOn };
    });
    const unauthorised = facts.filter((f) => partyBound(f, people) === null);
    if (unauthorised.length > 0) throw fail('AGENT_NOT_AUTHORISED_TO_SIGN');
    const missing = missingSigners(
      people,
      c.mediatorId,
      '调解员',
      [...facts, { signerId: staff.id, signsFor: 'mediator' }],
      await this.#ctx.cases.listRepresentatives(c.id),
    );
    if (missing.length > 0) throw missingError(missing, 'PAPER_SIGNERS_MISSING');
    const at = now.toISOString();
    await this.#ctx.audit.append({
      caseId,
      actorId: staff.id,
      actorRole: staff.role,
      action: 'agreement.paperSigned',
      target: doc.id,
      payload: json({
        documentId: doc.id,
        version: doc.version,
        sha256: doc.sha256,
        scan: { evidenceId: scan.id, sha256: scan.sha256 },
        signatories: facts.map((f) => ({
          partyId: partyBound(f, people),
          signerId: f.signerId,
          signsFor: f.signsFor,
          signedOn: f.signedOn,
        })),
        mediator: { id: staff.id, name: staff.name, signedOn: input.mediatorSignedOn },
        attestation: input.attestation,
        recordedAt: at,
      }),
    });
    this.#ctx.logger.info({ caseId, documentId: doc.id }, 'paper signing recorded');
    return this.#takeEffect(staff, c, doc, at, 'paper_signing');
  }

  async sealInfo(
    actor: Actor,
    caseId: string,
    documentId: string,
  ): Promise<Omit<AgreementSeal, 'blobKey'>> {
    await this.#ctx.readable(actor, caseId, documentId);
    const seal = await this.#ctx.docs.getSeal(documentId);
    if (!seal) throw new NotFoundError('Seal');
    const { blobKey: _key, ...view } = seal;
    return view;
  }

  async #takeEffect(
    staff: StaffActor,
    c: MediationCase,
    doc: CaseDocument,
    effectiveAt: string,
    basis: 'seal' | 'paper_signing',
  ): Promise<MediationCase> {
    const current = (await this.#ctx.cases.getCase(c.id)) ?? c;
    if (current.outcome?.effectiveAt) return current;
    // CaseService lets the mediator record outcomes; a sealing clerk acts through the system.
    const by = staff.role === 'mediator' ? staff : SYSTEM_ACTOR;
    const effect = { basis, documentId: doc.id, effectiveAt } as const;
    if (current.status === 'settled' && current.outcome?.kind === 'agreement')
      return this.#ctx.caseService.agreementTookEffect(by, c.id, effect);
    const terms = agreementTermsOf(doc);
    return this.#ctx.caseService.recordAgreement(
      by,
      c.id,
      {
        terms: terms.items.map((t, i) => `${i + 1}. ${t}`).join('\n'),
        performanceDeadline: overallDeadline(terms),
        performanceMethod: terms.performanceMethod ?? undefined,
        ...(terms.perPerson.length > 0 ? { personTerms: [...terms.perPerson] } : {}),
      },
      effect,
    );
  }

  async sealedPdf(
    actor: Actor,
    caseId: string,
    documentId: string,
    client: ClientInfo,
  ): Promise<{ seal: AgreementSeal; bytes: Buffer }> {
    await this.#ctx.readable(actor, caseId, documentId);
    const seal = await this.#ctx.docs.getSeal(documentId);
    if (!seal) throw new NotFoundError('Sealed agreement');
    const bytes = await this.#ctx.readBlob(seal.blobKey, seal.sha256);
    await this.#ctx.audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'agreement.sealedViewed',
      target: documentId,
      payload: { documentId, sha256: seal.sha256, ...clientPayload(client) },
    });
    return { seal, bytes };
  }
}
