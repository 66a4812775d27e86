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
  SigningRefusal,
} from './model.js';
import { latestPaperSigning } from './paperSigning.js';
import { replay, servedAt } from './serviceStateMachine.js';
import {
  missingSigners,
  recordSigners,
  requiredSigners,
  type RequiredSigner,
} from './signingRules.js';

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
  /** A session record's attendees who refused to sign (recorded by the mediator); none for agreements. */
  refusals: Omit<SigningRefusal, 'documentId'>[];
  /** Every required signer signed (a session record: signed or refused). */
  complete: boolean;
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
    signing:
      doc.kind === 'mediation_agreement'
        ? await agreementStatus(ctx, doc, c)
        : doc.kind === 'session_record'
          ? await recordStatus(ctx, doc)
          : null,
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
  const missing = missingSigners(
    people,
    c.mediatorId,
    '调解员',
    signatures,
    await ctx.cases.listRepresentatives(c.id),
  );
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
    refusals: [],
    complete: missing.length === 0,
  };
}

/**
 * A session record's signing: each attendee present (party or agent; `partyId` is the
 * attendee) and the mediator; signatures on this version's hash; refusals the mediator recorded.
 */
async function recordStatus(ctx: DocumentContext, doc: CaseDocument): Promise<AgreementStatus> {
  const signatures = (await ctx.docs.listSignatures(doc.id)).filter(
    (s) => s.documentSha256 === doc.sha256,
  );
  const refusals = await ctx.docs.listRefusals(doc.id);
  const people = await ctx.cases.listPeople(doc.caseId);
  const signed = new Set(signatures.map((s) => s.signerId));
  const required = [
    ...recordSigners(doc).flatMap((id) => {
      const p = people.find((x) => x.id === id);
      if (!p) return [];
      const side = p.kind === 'agent' ? people.find((x) => x.id === p.representsId)?.kind : p.kind;
      return [
        {
          signsFor: side === 'respondent' ? ('respondent' as const) : ('applicant' as const),
          partyId: p.id,
          name: p.name,
          signed: signed.has(p.id),
        },
      ];
    }),
    {
      signsFor: 'mediator' as const,
      partyId: null,
      name: '调解员',
      signed: signatures.some((s) => s.signsFor === 'mediator'),
    },
  ];
  return {
    required,
    signatures: signatures.map(
      ({ image: _i, ip: _ip, userAgent: _ua, codeId: _c, ...rest }) => rest,
    ),
    sealed: null,
    paperSigned: null,
    effective: false,
    refusals: refusals.map(({ documentId: _d, ...rest }) => rest),
    complete: required.every(
      (r) => r.signed || (r.partyId !== null && refusals.some((x) => x.personId === r.partyId)),
    ),
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
