/**
 * Issues signed case references to the institution a case was referred to
 * (see reference.ts for what a reference holds and how it is verified), and
 * serves the files its links name, to that institution only, for 24 hours.
 */
import type { Readable } from 'node:stream';
import { withholdPayload } from '../audit/AuditChain.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { INSTITUTION_FILE_TTL_SECONDS, type InstitutionFileTokens } from '../auth/tokenKinds.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { Actor } from '../cases/access.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { EvidenceRepository } from '../evidence/EvidenceRepository.js';
import { NotFoundError, fail } from '../errors.js';
import type { InstitutionActor, InstitutionService } from '../institutions/InstitutionService.js';
import type { RecordingService } from '../recordingService/RecordingService.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { DisclosureConsents } from './DisclosureConsents.js';
import { CONCESSIONS_STATEMENT, DRAFT_REASON, agreementDrafts } from './referralRules.js';
import { REFERENCE_TYPE, itemsOf, type CaseReference, type ReferenceItem } from './reference.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

export class ReferenceService {
  readonly #institutions: InstitutionService;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #recordings: RecordingService;
  readonly #documents: DocumentService;
  readonly #keys: ServiceKeys;
  readonly #fileTokens: InstitutionFileTokens;
  readonly #evidence: EvidenceRepository;
  readonly #disclosure: DisclosureConsents;

  constructor(options: {
    institutions: InstitutionService;
    cases: CaseRepository;
    audit: AuditLog;
    recordings: RecordingService;
    documents: DocumentService;
    keys: ServiceKeys;
    fileTokens: InstitutionFileTokens;
    evidence: EvidenceRepository;
    disclosure: DisclosureConsents;
  }) {
    this.#institutions = options.institutions;
    this.#cases = options.cases;
    this.#audit = options.audit;
    this.#recordings = options.recordings;
    this.#documents = options.documents;
    this.#keys = options.keys;
    this.#fileTokens = options.fileTokens;
    this.#evidence = options.evidence;
    this.#disclosure = options.disclosure;
  }

  /** A reference to a case referred to `institution`, signed with the service key. */
  async reference(
    institution: InstitutionActor,
    caseId: string,
    ip: string | null,
    options: { pushed?: boolean } = {},
  ): Promise<string> {
    return (await this.signed(institution, caseId, ip, options)).jws;
  }

  /** The reference as signed (`jws`) and as built, for a caller that reads what it holds. */
  async signed(
    institution: InstitutionActor,
    caseId: string,
    ip: string | null,
    options: { pushed?: boolean } = {},
  ): Promise<{ jws: string; reference: CaseReference }> {
    // Fetched by the institution: an access in the chain. Pushed to its webhook: the
    // delivery is recorded when it is accepted.
    if (!options.pushed) {
      await this.#institutions.access(institution, caseId, { item: 'reference', ip });
    }
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    const referrals = (await this.#institutions.referredCases(institution)).find(
      (r) => r.caseId === caseId,
    );
    const events = await this.#audit.list(caseId);
    const last = events.at(-1);
    // A recording whose caucus was recorded is confidential: never sent, only named as left
    // out — unless both parties agreed that caucus material may be submitted.
    const disclosure = await this.#disclosure.current(caseId);
    const recordings = await this.#recordings.list(SYSTEM, caseId);
    const confidential = new Set(
      disclosure.agreed
        ? []
        : recordings.filter((r) => r.privatePhases.some((p) => p.recorded)).map((r) => r.id),
    );
    const secretEvidence = new Set(
      disclosure.agreed
        ? []
        : (await this.#evidence.listByCase(caseId)).filter((i) => i.confidential).map((i) => i.id),
    );
    // The chain goes out whole, but what a confidential event says is withheld (its hashes stay).
    const withheld = (e: (typeof events)[number]) =>
      !disclosure.agreed &&
      (confidential.has(e.target) ||
        secretEvidence.has(e.target) ||
        (JSON.parse(e.payload) as { confidential?: unknown }).confidential === true);
    const chainEvents = events.map((e) => (withheld(e) ? withholdPayload(e) : e));
    const sessions: CaseReference['sessions'] = [];
    const consents: CaseReference['consents'] = [];
    const recorded = recordings.filter((r) => !confidential.has(r.id));
    const seen = new Map<
      string,
      Map<string, CaseReference['sessions'][number]['participants'][number]>
    >();
    for (const r of recorded) {
      const detail = await this.#recordings.detail(SYSTEM, caseId, r.id);
      const people = seen.get(r.sessionId) ?? new Map();
      for (const c of detail.consents) {
        consents.push({
          recordingId: r.id,
          participantId: c.participantId,
          displayName: c.displayName,
          role: c.role,
          acknowledgedAt: c.acknowledgedAt,
          withdrawnAt: c.withdrawnAt,
        });
      }
      for (const t of detail.tracks) {
        people.set(t.participantId, {
          participantId: t.participantId,
          displayName: t.displayName,
          role: t.role,
        });
      }
      seen.set(r.sessionId, people);
    }
    for (const s of await this.#cases.listSessions(caseId)) {
      sessions.push({
        id: s.id,
        status: s.status,
        scheduledStart: s.scheduledStart,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        participants: [...(seen.get(s.id)?.values() ?? [])],
      });
    }
    const { excluded, sent } = await this.#withheld(caseId, events, confidential);
    const items: ReferenceItem[] = [];
    for (const item of itemsOf(events)) {
      if (!sent(item)) continue;
      if (item.kind === 'certificate') {
        items.push(item);
        continue;
      }
      const token = this.#fileTokens.issue(
        { sub: institution.id, caseId, item: item.kind, id: item.id },
        INSTITUTION_FILE_TTL_SECONDS,
      );
      items.push({
        ...item,
        file: {
          url: `/api/institution/files/${token}`,
          expiresAt: new Date(Date.now() + INSTITUTION_FILE_TTL_SECONDS * 1000).toISOString(),
        },
      });
    }
    const reference: CaseReference = {
      type: 'mediation-case-reference',
      version: 2,
      issuedAt: new Date().toISOString(),
      institution: {
        id: institution.id,
        name: institution.name,
        kind: institution.institutionKind,
      },
      case: { id: c.id, caseNumber: c.caseNumber, status: c.status, disputeType: c.disputeType },
      referrals: (referrals?.referrals ?? []).map((r) => ({
        kind: r.kind,
        referredAt: r.referredAt,
        late: r.late,
      })),
      concessions: CONCESSIONS_STATEMENT,
      sessions,
      consents,
      items,
      excluded,
      disclosure: {
        agreed: disclosure.agreed,
        withheldEvents: chainEvents.filter((e) => e.withheld).length,
      },
      chain: {
        caseId,
        head: last ? { seq: last.seq, hash: last.hash } : null,
        events: chainEvents,
      },
    };
    return { jws: await this.#keys.sign(reference, REFERENCE_TYPE), reference };
  }

  /**
   * What a reference to the case would leave out now, and why: agreement
   * drafts that never took effect (and their service certificates), and —
   * without both parties' agreement — recordings holding a recorded caucus.
   */
  async withheld(caseId: string): Promise<CaseReference['excluded']> {
    const disclosure = await this.#disclosure.current(caseId);
    const recordings = await this.#recordings.list(SYSTEM, caseId);
    const confidential = new Set(
      disclosure.agreed
        ? []
        : recordings.filter((r) => r.privatePhases.some((p) => p.recorded)).map((r) => r.id),
    );
    return (await this.#withheld(caseId, await this.#audit.list(caseId), confidential)).excluded;
  }

  async #withheld(
    caseId: string,
    events: Awaited<ReturnType<AuditLog['list']>>,
    confidential: ReadonlySet<string>,
  ): Promise<{ excluded: CaseReference['excluded']; sent: (item: ReferenceItem) => boolean }> {
    // Agreement drafts that never took effect stay here, and so do their service certificates.
    const drafts = agreementDrafts(events);
    const draftDeliveries = await this.draftDeliveries(caseId, drafts);
    const excluded: CaseReference['excluded'] = [...drafts].map((id) => ({
      kind: 'document',
      id,
      reason: DRAFT_REASON,
    }));
    for (const item of itemsOf(events)) {
      if (
        item.kind.startsWith('recording-') &&
        confidential.has(item.id) &&
        !excluded.some((x) => x.id === item.id)
      ) {
        excluded.push({
          kind: 'recording',
          id: item.id,
          reason: '含已录制的背靠背（保密）内容 / contains a recorded caucus (confidential)',
        });
      }
    }
    const sent = (item: ReferenceItem) =>
      !(item.kind === 'document' && drafts.has(item.id)) &&
      !(item.kind === 'certificate' && draftDeliveries.has(item.id)) &&
      !(item.kind.startsWith('recording-') && confidential.has(item.id));
    return { excluded, sent };
  }

  /** The deliveries of the case's agreement drafts: no institution gets their certificates. */
  async draftDeliveryIds(caseId: string): Promise<Set<string>> {
    return this.draftDeliveries(caseId, agreementDrafts(await this.#audit.list(caseId)));
  }

  /** The deliveries of the agreement drafts `drafts` (server-internal: their certificates stay here). */
  async draftDeliveries(caseId: string, drafts: ReadonlySet<string>): Promise<Set<string>> {
    if (drafts.size === 0) return new Set();
    const { deliveries } = await this.#documents.list(SYSTEM, caseId);
    return new Set(deliveries.filter((d) => drafts.has(d.documentId)).map((d) => d.id));
  }

  /** The bytes a reference's link names: for the institution it was made for, until it expires. */
  async file(
    institution: InstitutionActor,
    token: string,
    ip: string | null,
  ): Promise<{
    bytes?: Buffer;
    /** A file streamed rather than held (a recording's composite or manifest). */
    open?: () => Readable;
    sha256: string | null;
    mediaType: string;
    name: string;
  }> {
    const claims = this.#fileTokens.verifyOrFail(token, {
      expired: 'REFERENCE_LINK_EXPIRED',
      invalid: 'REFERENCE_LINK_INVALID',
    });
    if (claims.sub !== institution.id) throw fail('REFERENCE_LINK_OTHER_INSTITUTION');
    await this.#institutions.access(institution, claims.caseId, {
      item: `${claims.item}/${claims.id}`,
      ip,
    });
    // A link issued before a later version took effect does not open the draft it names.
    if (
      claims.item === 'document' &&
      agreementDrafts(await this.#audit.list(claims.caseId)).has(claims.id)
    ) {
      throw new NotFoundError('Document');
    }
    const client = { ip, userAgent: null };
    switch (claims.item) {
      case 'document': {
        const { document, bytes } = await this.#documents.pdf(
          SYSTEM,
          claims.caseId,
          claims.id,
          client,
        );
        return {
          bytes,
          sha256: document.sha256,
          mediaType: 'application/pdf',
          name: `${document.title}.pdf`,
        };
      }
      case 'sealed-agreement': {
        const { seal, bytes } = await this.#documents.sealedPdf(
          SYSTEM,
          claims.caseId,
          claims.id,
          client,
        );
        return {
          bytes,
          sha256: seal.sha256,
          mediaType: 'application/pdf',
          name: 'sealed-agreement.pdf',
        };
      }
      case 'recording-manifest':
      case 'recording-composite': {
        const file = await this.#recordings.openFile(
          SYSTEM,
          claims.caseId,
          claims.id,
          claims.item === 'recording-manifest' ? 'manifest' : 'composite',
          { custody: false, client },
        );
        return {
          open: () => file.open(),
          sha256: file.sha256,
          mediaType: file.mediaType,
          name: file.filename,
        };
      }
    }
  }
}
