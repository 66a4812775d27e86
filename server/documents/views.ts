/**
 * What readers of documents see: a document without its storage key, with
 * the signing status of an agreement, and a delivery with its state replayed
 * from its steps. Read-only.
 */
import type { MediationCase } from '../cases/model.js';
import type { DocumentContext } from './context.js';
import type {
  AgreementSeal,
  AgreementSignature,
  CaseDocument,
  Delivery,
  DeliveryView,
  DocumentKind,
} from './model.js';
import { latestPaperSigning } from './paperSigning.js';
import { replay, servedAt } from './serviceStateMachine.js';
import { missingSigners, requiredSigners, type RequiredSigner } from './signingRules.js';

/** A document as its readers see it (no storage key). */
export interface DocumentView {
  id: string;
  caseId: string;
  seriesId: string;
  version: number;
  kind: DocumentKind;
  title: string;
  sha256: string;
  size: number;
  issuedAt: string;
  issuedBy: string;
  /** A later version of the same document exists. */
  superseded: boolean;
  signing: AgreementStatus | null;
}

export interface AgreementStatus {
  /** Every party on its own (co-parties each sign) and the mediator. */
  required: (RequiredSigner & { signed: boolean })[];
  signatures: Omit<AgreementSignature, 'image' | 'ip' | 'userAgent' | 'codeId'>[];
  sealed: Omit<AgreementSeal, 'blobKey'> | null;
  /** The recorded paper signing that made it effective instead of a seal. */
  paperSigned: { recordedAt: string; evidenceId: string } | null;
  effective: boolean;
}

export async function documentView(
  ctx: DocumentContext,
  doc: CaseDocument,
  all: readonly CaseDocument[],
  c: MediationCase,
): Promise<DocumentView> {
  const latest = all
    .filter((d) => d.seriesId === doc.seriesId)
    .reduce((max, d) => Math.max(max, d.version), doc.version);
  return {
    id: doc.id,
    caseId: doc.caseId,
    seriesId: doc.seriesId,
    version: doc.version,
    kind: doc.kind,
    title: doc.title,
    sha256: doc.sha256,
    size: doc.size,
    issuedAt: doc.issuedAt,
    issuedBy: doc.issuedBy,
    superseded: latest > doc.version,
    signing: doc.kind === 'mediation_agreement' ? await agreementStatus(ctx, doc, c) : null,
  };
}

async function agreementStatus(
  ctx: DocumentContext,
  doc: CaseDocument,
  c: MediationCase,
): Promise<AgreementStatus> {
  const signatures = (await ctx.docs.listSignatures(doc.id)).filter(
    (s) => s.documentSha256 === doc.sha256,
  );
  const seal = await ctx.docs.getSeal(doc.id);
  const people = await ctx.cases.listPeople(c.id);
  const missing = missingSigners(people, c.mediatorId, '调解员', signatures);
  // Only an effective case can have a paper signing: views of agreements still being
  // signed (polled by the console) do not read the chain.
  const paper =
    seal || !c.outcome?.effectiveAt
      ? undefined
      : latestPaperSigning(await ctx.audit.list(c.id), doc.id);
  const paperSigned = paper ? { recordedAt: paper.at, evidenceId: paper.evidenceId } : null;
  return {
    required: requiredSigners(people, '调解员').map((r) => ({
      ...r,
      signed: !missing.some((m) => m.signsFor === r.signsFor && m.partyId === r.partyId),
    })),
    signatures: signatures.map(
      ({ image: _i, ip: _ip, userAgent: _ua, codeId: _c, ...rest }) => rest,
    ),
    sealed: seal ? (({ blobKey: _k, ...rest }) => rest)(seal) : null,
    paperSigned,
    effective: (seal !== undefined || paperSigned !== null) && Boolean(c.outcome?.effectiveAt),
  };
}

export async function deliveryView(ctx: DocumentContext, d: Delivery): Promise<DeliveryView> {
  const events = await ctx.docs.listEvents(d.id);
  const snapshot = replay(events);
  return {
    ...d,
    state: snapshot.state,
    status: snapshot.challenged ? 'challenged' : snapshot.state,
    challenged: snapshot.challenged,
    paperCopyRequested: snapshot.paperCopyRequested,
    served: servedAt(
      events.map((e) => ({
        kind: e.kind,
        at: e.at,
        servedOn: typeof e.detail?.['servedOn'] === 'string' ? e.detail['servedOn'] : null,
      })),
      d.consentId !== null,
    ),
    events,
  };
}
