/**
 * The payment-order application pack (支付令申请材料): when an effective
 * mediation agreement on an eligible claim (劳动争议调解仲裁法第十六条: unpaid
 * wages, work-injury medical costs, economic compensation or damages) was not
 * performed by its deadline, the worker — the applicant, or its agent with
 * special authority; staff only on the worker's recorded request — produces
 * a 支付令申请书 and sends it to a registered court with the effective
 * agreement (the sealed PDF, or the issued agreement and the scan of the
 * signed paper), the agreement's service certificates and the signed case
 * reference, as a bundle verifiable offline like a joint application's
 * (bundle.ts). It is delivered through the court's webhook (signed,
 * idempotent, retried), kept under DATA_DIR/payment-orders and fixed in the
 * case's audit chain.
 */
import {
  paymentOrderSchema,
  type PAYMENT_ORDER_INELIGIBLE_REASONS,
} from '../../signaling/http/institutions.js';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import { authorize, authorizeStaff, caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { paymentOrderEligible, shanghaiDate } from '../cases/deadlines.js';
import type { CaseDeadline, CasePerson, MediationCase } from '../cases/model.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { PdfRenderer } from '../documents/PdfRenderer.js';
import { paymentOrderApplicationLayout } from '../documents/templates.js';
import { fail, NotFoundError } from '../errors.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import type { InstitutionActor, InstitutionService } from '../institutions/InstitutionService.js';
import type { WebhookDispatcher } from '../institutions/WebhookDispatcher.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import {
  REFERENCE_PATH,
  fixingEvent,
  sha256Of,
  type BundleFile,
  type BundleManifest,
} from './bundle.js';
import { agreementFiles, fileName } from './bundleLayout.js';
import {
  readStoredBundle,
  storeSignedBundle,
  webhookDeliveryView,
  type WebhookDeliveryView,
} from './bundleStore.js';
import type { ArchiveStore } from '../storage/archives.js';
import type { DisclosureConsents } from './DisclosureConsents.js';
import { effectiveAgreement } from './effectiveAgreement.js';
import type { PaymentOrderRecord, PaymentOrderRepository } from './PaymentOrderRepository.js';
import { CONCESSIONS_STATEMENT } from './referralRules.js';
import type { ReferenceService } from './ReferenceService.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

export { paymentOrderSchema };

/** Why a case does not (yet) qualify for a payment order: the contract's codes. */
export type IneligibleReason = (typeof PAYMENT_ORDER_INELIGIBLE_REASONS)[number];

export interface PaymentOrderEligibility {
  eligible: boolean;
  reasons: IneligibleReason[];
  performanceDueOn: string | null;
}

/** 劳动争议调解仲裁法第十六条, as of `today` (Asia/Shanghai). */
export function paymentOrderEligibility(
  c: MediationCase,
  deadlines: readonly CaseDeadline[],
  today: string,
  /** The worker asking was last found paid in full (its own part of a collective agreement). */
  ownPartPerformed = false,
): PaymentOrderEligibility {
  const reasons: IneligibleReason[] = [];
  if (!paymentOrderEligible(c.application.claimTypes)) reasons.push('claim_type');
  if (c.outcome?.kind !== 'agreement' || !c.outcome.effectiveAt) {
    reasons.push('agreement_not_effective');
  }
  const d = deadlines.filter((x) => x.kind === 'performance').at(-1);
  if (!d) {
    if (!reasons.includes('agreement_not_effective')) reasons.push('no_performance_deadline');
  } else if (d.status === 'met' || d.status === 'cancelled' || ownPartPerformed) {
    reasons.push('performed');
  } else if (d.status === 'open' && d.dueOn >= today) {
    reasons.push('deadline_not_passed');
  }
  return { eligible: reasons.length === 0, reasons, performanceDueOn: d?.dueOn ?? null };
}

export interface PaymentOrderView {
  id: string;
  caseId: string;
  institutionId: string;
  institutionName: string;
  requestedBy: string;
  sha256: string;
  size: number;
  fileCount: number;
  createdAt: string;
  delivery: WebhookDeliveryView | null;
}

const README = `支付令申请材料包 / Payment-order application pack

本材料包由调解平台生成并以服务密钥签名：支付令申请书、已生效的调解协议书（纸质签署的，附签署页扫描件）、
送达凭证和本案的签名引用。manifest.jws 为签名的清单，manifest.json 为其可读副本。任何一个字节被改动，校验都会失败。
离线校验：npm run verify-reference -- <本文件.zip> --jwks jwks.json（jwks.json 取自平台的 /.well-known/jwks.json）

Made and signed by the mediation service: the application for a payment order, the effective
agreement (with the scan of the signed paper when signed on paper), the service certificates and
the signed case reference. Verify offline with npm run verify-reference -- <this.zip> --jwks jwks.json.

${CONCESSIONS_STATEMENT}
`;

export class PaymentOrderService {
  readonly #repository: PaymentOrderRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #documents: DocumentService;
  readonly #evidence: EvidenceService;
  readonly #references: ReferenceService;
  readonly #disclosure: DisclosureConsents;
  readonly #institutions: InstitutionService;
  readonly #webhooks: WebhookDispatcher;
  readonly #keys: ServiceKeys;
  readonly #renderer: PdfRenderer;
  readonly #archives: ArchiveStore;
  readonly #now: () => Date;
  /** The request in progress per case, so a second one sees the first one's pack. */
  readonly #producing = new Map<string, Promise<unknown>>();

  constructor(o: {
    repository: PaymentOrderRepository;
    cases: CaseRepository;
    audit: AuditLog;
    documents: DocumentService;
    evidence: EvidenceService;
    references: ReferenceService;
    disclosure: DisclosureConsents;
    institutions: InstitutionService;
    webhooks: WebhookDispatcher;
    keys: ServiceKeys;
    renderer: PdfRenderer;
    /** Where the signed archives are stored (files or the object store). */
    archives: ArchiveStore;
    now?: () => Date;
  }) {
    this.#repository = o.repository;
    this.#cases = o.cases;
    this.#audit = o.audit;
    this.#documents = o.documents;
    this.#evidence = o.evidence;
    this.#references = o.references;
    this.#disclosure = o.disclosure;
    this.#institutions = o.institutions;
    this.#webhooks = o.webhooks;
    this.#keys = o.keys;
    this.#renderer = o.renderer;
    this.#archives = o.archives;
    this.#now = o.now ?? (() => new Date());
  }

  /**
   * Whether the case qualifies, the courts it may go to, and the packs made so
   * far: for staff of the case and the applicant side (the respondent's side
   * learns of it from the court).
   */
  async status(
    actor: Actor,
    caseId: string,
  ): Promise<
    PaymentOrderEligibility & {
      courts: { id: string; name: string }[];
      packs: PaymentOrderView[];
      mayProduce: boolean;
    }
  > {
    const { c, people } = await this.#applicantSideOrStaff(actor, caseId);
    const asking = actor.kind === 'person' ? applyingFor(actor, people) : null;
    const eligibility = paymentOrderEligibility(
      c,
      await this.#cases.listDeadlines(caseId),
      shanghaiDate(this.#now()),
      asking !== null && (await this.#ownPartPerformed(caseId, asking)),
    );
    return {
      ...eligibility,
      courts: await this.#institutions.activeCourts(c.organisationId),
      packs: await Promise.all(
        (await this.#repository.listByCase(caseId)).map((r) => this.#view(r)),
      ),
      mayProduce: actor.kind === 'staff' || applyingFor(actor, people) !== null,
    };
  }

  /**
   * Produces the pack, stores it and sends it to the court's webhook. One pack
   * per case and court: pressing send again, or from a second tab, answers
   * with the pack already sent (a failed delivery is re-queued by a clerk,
   * under the same idempotency key). Requests for one case run one at a time.
   */
  produce(
    actor: Actor,
    caseId: string,
    input: z.infer<typeof paymentOrderSchema>,
  ): Promise<PaymentOrderView> {
    const previous = this.#producing.get(caseId) ?? Promise.resolve();
    const run = previous.then(() => this.#produce(actor, caseId, input));
    const settled = run.catch(() => undefined);
    this.#producing.set(caseId, settled);
    void settled.then(() => {
      if (this.#producing.get(caseId) === settled) this.#producing.delete(caseId);
    });
    return run;
  }

  /** Whether the applicant's own part of the agreement was last found performed. */
  async #ownPartPerformed(caseId: string, applicantId: string): Promise<boolean> {
    const findings = await this.#cases.listPerformance(caseId);
    return findings.filter((f) => f.personId === applicantId).at(-1)?.result === 'performed';
  }

  async #produce(
    actor: Actor,
    caseId: string,
    input: z.infer<typeof paymentOrderSchema>,
  ): Promise<PaymentOrderView> {
    const { c, people } = await caseInScope(this.#cases, actor, caseId);
    let requester: { personId: string; applicantId: string };
    let by: { id: string; role: string };
    if (actor.kind === 'staff') {
      authorize(actor, 'case.view', c);
      authorizeStaff(actor, ['clerk', 'mediator']);
      const asked = input.requestedBy ? people.find((p) => p.id === input.requestedBy) : undefined;
      const applicantId = asked ? applyingFor({ id: asked.id }, people) : null;
      if (!asked || !applicantId) {
        throw fail('PAYMENT_ORDER_REQUESTER_REQUIRED').withIssues([
          'requestedBy: not the applicant or its agent with special authority',
        ]);
      }
      requester = { personId: asked.id, applicantId };
      by = { id: actor.id, role: actor.role };
    } else {
      const applicantId = actor.kind === 'person' ? applyingFor(actor, people) : null;
      if (actor.kind !== 'person' || !applicantId || input.requestedBy) {
        throw fail('PAYMENT_ORDER_APPLICANT_ONLY');
      }
      requester = { personId: actor.id, applicantId };
      by = { id: actor.id, role: actor.role };
    }
    const eligibility = paymentOrderEligibility(
      c,
      await this.#cases.listDeadlines(caseId),
      shanghaiDate(this.#now()),
      await this.#ownPartPerformed(caseId, requester.applicantId),
    );
    if (!eligibility.eligible) {
      // What is unmet travels as codes; the clients render and join them (errorText.ts).
      throw fail('PAYMENT_ORDER_NOT_ELIGIBLE', { unmet: eligibility.reasons });
    }
    const institution = await this.#institutions.institutionActor(input.institutionId);
    if (!institution || institution.organisationId !== c.organisationId) {
      throw new NotFoundError('Institution');
    }
    if (institution.institutionKind !== 'court') {
      throw fail('PAYMENT_ORDER_COURT_ONLY');
    }
    const sent = (await this.#repository.listByCase(caseId)).find(
      (r) => r.institutionId === institution.id,
    );
    if (sent) return this.#view(sent);
    const { documents, deliveries } = await this.#documents.list(SYSTEM, caseId);
    const effective = await effectiveAgreement(documents, await this.#audit.list(caseId), () =>
      this.#evidence.list(SYSTEM, caseId),
    );
    if (!effective) {
      throw fail('PAYMENT_ORDER_NO_EFFECTIVE_AGREEMENT');
    }
    const { agreement, basis, scan } = effective;
    const packId = randomUUID();
    const createdAt = this.#now().toISOString();

    // Read everything first: each read is an audit event, and the chain as it then
    // stands names the event that fixed each file's hash.
    const signed = await agreementFiles(this.#documents, this.#evidence, caseId, agreement, scan);
    const terms = await this.#documents.agreementTerms(agreement.id);
    const served = deliveries.filter((d) => d.documentId === agreement.id);
    const certificates: Buffer[] = [];
    for (const d of served) {
      certificates.push((await this.#documents.certificate(SYSTEM, caseId, d.id)).bytes);
    }
    const layout = paymentOrderApplicationLayout(
      {
        case: c,
        people,
        organisation:
          (await this.#cases.getOrganisation(c.organisationId))?.name ?? c.organisationId,
        issuedAt: createdAt,
      },
      {
        court: institution.name,
        applicantIds: [requester.applicantId],
        agreement: {
          title: agreement.title,
          version: agreement.version,
          sha256: agreement.sha256,
          effectiveAt: c.outcome!.effectiveAt!,
          basis,
          terms: terms?.items ?? [],
          performanceMethod: terms?.performanceMethod ?? null,
        },
        performanceDueOn: eligibility.performanceDueOn!,
        attachments: [
          basis === 'seal'
            ? '调解协议书（已盖章生效）'
            : '调解协议书及各方当事人纸质签署的调解协议书扫描件',
          ...served.map((d) => `电子送达凭证（${d.recipientName}）`),
          '案件签名引用（审计链）',
        ],
      },
    );
    const application = await this.#renderer.render(layout, new Date(createdAt));
    const applicationSha256 = sha256Of(application);
    await this.#audit.append({
      caseId,
      actorId: by.id,
      actorRole: by.role,
      action: 'paymentOrder.applicationRendered',
      target: packId,
      payload: {
        packId,
        sha256: applicationSha256,
        requestedBy: requester.personId,
        applicant: requester.applicantId,
        court: institution.name,
        performanceDueOn: eligibility.performanceDueOn,
      },
    });
    const events = await this.#audit.list(caseId);

    const files = new Map<string, Buffer>();
    const listed: BundleFile[] = [];
    const add = (f: Omit<BundleFile, 'sha256' | 'size' | 'fixedBy'>, bytes: Buffer) => {
      const sha256 = sha256Of(bytes);
      files.set(f.path, bytes);
      listed.push({
        ...f,
        sha256,
        size: bytes.length,
        fixedBy: fixingEvent(events, f.source, sha256),
      });
    };
    const own = { kind: 'bundle', id: packId } as const;
    add(
      { path: 'README.txt', role: 'readme', title: '说明 / Read me', source: own },
      Buffer.from(README, 'utf8'),
    );
    add(
      {
        path: '01-application/支付令申请书.pdf',
        role: 'payment_order_application',
        title: '支付令申请书 / application for a payment order',
        source: { kind: 'payment-order-application', id: packId },
      },
      application,
    );
    for (const f of signed) add(f.file, f.bytes);
    for (const [i, d] of served.entries()) {
      add(
        {
          path: `05-certificates/${String(i + 1).padStart(2, '0')}-电子送达凭证-${fileName(d.recipientName)}.pdf`,
          role: 'certificate',
          title: `电子送达凭证 / service certificate: ${d.recipientName}`,
          source: { kind: 'delivery', id: d.id },
        },
        certificates[i]!,
      );
    }
    const { jws, reference } = await this.#references.signed(institution, caseId, null, {
      pushed: true,
    });
    add(
      {
        path: REFERENCE_PATH,
        role: 'reference',
        title: '案件签名引用 / signed case reference',
        source: own,
      },
      Buffer.from(jws, 'utf8'),
    );
    const disclosure = await this.#disclosure.current(caseId);
    const manifest: BundleManifest = {
      type: 'mediation-application-bundle',
      version: 2,
      bundleId: packId,
      createdAt,
      kind: 'payment_order',
      case: {
        id: c.id,
        caseNumber: c.caseNumber,
        disputeType: c.disputeType,
        effectiveAt: c.outcome!.effectiveAt!,
      },
      institution: {
        id: institution.id,
        name: institution.name,
        kind: institution.institutionKind,
      },
      // A payment order is no referral: the pack itself is what was sent, and when.
      referral: { id: packId, referredAt: createdAt, late: null },
      concessions: CONCESSIONS_STATEMENT,
      files: listed,
      excluded: reference.excluded,
      disclosureAgreed: disclosure.agreed,
    };
    const stored = await storeSignedBundle(
      this.#keys,
      this.#archives,
      'payment-orders',
      caseId,
      packId,
      manifest,
      files,
    );
    const { file, sha256 } = stored;

    await this.#repository.transaction(async () => {
      const deliveryId = (await this.#institutions.webhookUrl(institution.id))
        ? await this.#webhooks.enqueueFile({
            institutionId: institution.id,
            caseId,
            event: 'payment_order.exported',
            path: file,
            sha256,
            contentType: 'application/zip',
          })
        : null;
      await this.#repository.insert({
        id: packId,
        caseId,
        institutionId: institution.id,
        requestedBy: requester.personId,
        path: file,
        sha256,
        size: stored.size,
        fileCount: listed.length,
        webhookDeliveryId: deliveryId,
        createdAt,
        createdBy: by.id,
      });
      await this.#audit.append({
        caseId,
        actorId: by.id,
        actorRole: by.role,
        action: 'paymentOrder.sent',
        target: packId,
        payload: {
          packId,
          institution: institution.name,
          requestedBy: requester.personId,
          sha256,
          size: stored.size,
          files: listed.map((f) => ({ path: f.path, sha256: f.sha256 })),
          webhookDelivery: deliveryId,
        },
      });
    });
    return this.#view((await this.#repository.get(packId))!);
  }

  /** The pack's bytes, for staff of the case and the applicant side. */
  async file(
    actor: Actor,
    caseId: string,
    packId: string,
  ): Promise<{ bytes: Buffer; view: PaymentOrderView; name: string }> {
    const { c } = await this.#applicantSideOrStaff(actor, caseId);
    const row = await this.#repository.get(packId);
    if (!row || row.caseId !== caseId) throw new NotFoundError('Payment order');
    const bytes = await readStoredBundle(this.#archives, row.path, row.sha256);
    return {
      bytes,
      view: await this.#view(row),
      name: `${c.caseNumber}-支付令申请-${packId.slice(0, 8)}.zip`,
    };
  }

  /**
   * The court a pack was sent to downloads it (e.g. when its webhook was down);
   * the read is an audited access like any institution's.
   */
  async institutionFile(
    institution: InstitutionActor,
    caseId: string,
    packId: string,
    ip: string | null,
  ): Promise<{ bytes: Buffer; view: PaymentOrderView; name: string }> {
    const row = await this.#repository.get(packId);
    if (!row || row.caseId !== caseId || row.institutionId !== institution.id) {
      throw new NotFoundError('Payment order');
    }
    await this.#institutions.recordAccess(institution, caseId, {
      item: `payment-order/${packId}`,
      ip,
    });
    const bytes = await readStoredBundle(this.#archives, row.path, row.sha256);
    const c = await this.#cases.getCase(caseId);
    return {
      bytes,
      view: await this.#view(row),
      name: `${c?.caseNumber ?? caseId}-支付令申请-${packId.slice(0, 8)}.zip`,
    };
  }

  async #applicantSideOrStaff(actor: Actor, caseId: string) {
    const scope = await caseInScope(this.#cases, actor, caseId);
    if (actor.kind === 'staff') authorize(actor, 'case.view', scope.c);
    else if (actor.kind !== 'person' || !onApplicantSide(actor.id, scope.people)) {
      throw new NotFoundError('Payment order');
    }
    return scope;
  }

  async #view(r: PaymentOrderRecord): Promise<PaymentOrderView> {
    const d = r.webhookDeliveryId ? await this.#webhooks.get(r.webhookDeliveryId) : undefined;
    const institutionId = r.institutionId;
    return {
      id: r.id,
      caseId: r.caseId,
      institutionId,
      institutionName:
        (await this.#institutions.institutionActor(institutionId))?.name ?? institutionId,
      requestedBy: r.requestedBy,
      sha256: r.sha256,
      size: r.size,
      fileCount: r.fileCount,
      createdAt: r.createdAt,
      delivery: webhookDeliveryView(d),
    };
  }
}

/**
 * The applicant a person may apply for: the applicant itself, or the
 * applicant its agent represents with special authority; null otherwise.
 */
function applyingFor(actor: { id: string }, people: readonly CasePerson[]): string | null {
  const p = people.find((x) => x.id === actor.id);
  if (p?.kind === 'applicant') return p.id;
  if (p?.kind === 'agent' && p.powerOfAttorney?.scope === 'special') {
    const principal = people.find((x) => x.id === p.representsId);
    if (principal?.kind === 'applicant') return principal.id;
  }
  return null;
}

/** The applicant, or any agent of an applicant. */
function onApplicantSide(id: string, people: readonly CasePerson[]): boolean {
  const p = people.find((x) => x.id === id);
  if (p?.kind === 'applicant') return true;
  return (
    p?.kind === 'agent' && people.some((x) => x.id === p.representsId && x.kind === 'applicant')
  );
}
