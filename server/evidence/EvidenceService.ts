/**
 * Evidence in a case file: received as a stream with its hash fixed on the
 * way in, visible by side (a party sees its own side's items and what was
 * shared; a caucus-confidential item never reaches the other side), every
 * view and download written to the case's audit chain as custody.
 *
 * What the rest of the server sees; the work is done by the parts it
 * composes (context.ts lists them). The constructor does no I/O.
 */
import { fail } from '../errors.js';
import type { Readable } from 'node:stream';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import type { Logger } from '../logger.js';
import type { BlobStore } from './BlobStore.js';
import {
  EvidenceContext,
  type ClientInfo,
  type EvidenceLimits,
  type SessionParticipant,
  type Viewer,
} from './context.js';
import { EvidenceCustody, type OpenRequest, type Opened } from './custody.js';
import type { EvidenceRepository } from './EvidenceRepository.js';
import { EvidenceIntake, type ReceivedFile, type Submitter } from './intake.js';
import type { EvidenceCategory, EvidenceItem, EvidenceReceipt } from './model.js';
import { EvidencePresentation } from './presentation.js';
import {
  EvidenceVisibility,
  type EvidenceFlags,
  type EvidenceVisibilityChange,
} from './visibility.js';

export { canView, sideOf } from './context.js';
export type { ClientInfo, EvidenceLimits, Viewer } from './context.js';
export { evidenceFieldsSchema, type EvidenceFields, type ReceivedFile } from './intake.js';
export type { EvidenceVisibilityChange } from './visibility.js';

export class EvidenceService {
  readonly #ctx: EvidenceContext;
  readonly #intake: EvidenceIntake;
  readonly #custody: EvidenceCustody;
  readonly #visibility: EvidenceVisibility;
  readonly #presentation: EvidencePresentation;
  readonly #heldElsewhere: () => Promise<Iterable<string>>;

  constructor(options: {
    items: EvidenceRepository;
    cases: CaseRepository;
    audit: AuditLog;
    blobs: BlobStore;
    limits: EvidenceLimits;
    now?: () => Date;
    /** Keys of files in the store that other records hold (online applications' attachments). */
    heldElsewhere?: () => Promise<Iterable<string>>;
  }) {
    this.#heldElsewhere = options.heldElsewhere ?? (async () => []);
    this.#ctx = new EvidenceContext(
      options.items,
      options.cases,
      options.audit,
      options.blobs,
      options.limits,
      options.now ?? (() => new Date()),
    );
    this.#intake = new EvidenceIntake(this.#ctx);
    this.#custody = new EvidenceCustody(this.#ctx);
    this.#visibility = new EvidenceVisibility(this.#ctx);
    this.#presentation = new EvidencePresentation(this.#ctx, {
      custody: this.#custody,
      visibility: this.#visibility,
    });
  }

  get limits(): EvidenceLimits {
    return this.#ctx.limits;
  }

  // ── intake.ts ──────────────────────────────────────────────────────────

  /** Checks that the actor may add evidence to the case now; returns how many bytes it may send. */
  allowance(actor: Actor, caseId: string): Promise<{ maxBytes: number }> {
    return this.#intake.allowance(actor, caseId);
  }

  /** Streams the file into the blob store, refusing a disallowed or mismatching type as soon as its first bytes are in. */
  receive(source: Readable, rawFilename: string, maxBytes: number): Promise<ReceivedFile> {
    return this.#intake.receive(source, rawFilename, maxBytes);
  }

  discard(file: ReceivedFile): Promise<void> {
    return this.#intake.discard(file);
  }

  /**
   * Records the received file in the case (row and audit event in one transaction), or removes
   * it. `from` names a submitter outside the case's people and staff (an institution's
   * materials, recorded by the system actor on its behalf).
   */
  record(
    actor: Actor,
    caseId: string,
    file: ReceivedFile,
    rawFields: unknown,
    client: ClientInfo,
    from?: Submitter,
  ): Promise<{ item: EvidenceItem; receipt: EvidenceReceipt }> {
    return this.#intake.record(actor, caseId, file, rawFields, client, from);
  }

  // ── custody.ts ─────────────────────────────────────────────────────────

  list(actor: Actor, caseId: string): Promise<EvidenceItem[]> {
    return this.#custody.list(actor, caseId);
  }

  receipt(actor: Actor, caseId: string, itemId: string): Promise<EvidenceReceipt> {
    return this.#custody.receipt(actor, caseId, itemId);
  }

  /** Opens the bytes for the viewer and writes the custody event (once per view). */
  open(viewer: Viewer, caseId: string, itemId: string, request: OpenRequest): Promise<Opened> {
    // Supervisors read the case file, not the parties' evidence itself.
    if (viewer.kind === 'staff' && viewer.role === 'supervisor')
      return Promise.reject(fail('SUPERVISOR_NO_CONTACT_DATA'));
    return this.#custody.open(viewer, caseId, itemId, request);
  }

  /** Start-up check: unfinished writes and unclaimed files go; records whose file is gone are flagged. */
  async reconcile(): Promise<{ temporary: number; orphans: number; missing: number }> {
    return this.#custody.reconcile(await this.#heldElsewhere());
  }

  /** reconcile(), and what it did in the log (an error when a record's file is gone). */
  async reconcileAtStart(logger: Logger): Promise<void> {
    const reconciled = await this.reconcile();
    if (reconciled.temporary + reconciled.orphans + reconciled.missing > 0) {
      logger[reconciled.missing > 0 ? 'error' : 'warn'](
        reconciled,
        'evidence store reconciled at start',
      );
    }
  }

  // ── visibility.ts ──────────────────────────────────────────────────────

  /** Called after each committed change of who may see an item; returns the unsubscribe function. */
  onVisibilityChange(listener: (change: EvidenceVisibilityChange) => void): () => void {
    return this.#visibility.onChange(listener);
  }

  /** Shares an item with every party, or keeps it confidential to a caucus (the mediator only). */
  setFlags(
    actor: Actor,
    caseId: string,
    itemId: string,
    flags: EvidenceFlags,
  ): Promise<EvidenceItem> {
    return this.#visibility.setFlags(actor, caseId, itemId, flags);
  }

  /** Corrects what an item is for the case file: staff, or the side that submitted it. */
  setCategory(
    actor: Actor,
    caseId: string,
    itemId: string,
    category: EvidenceCategory,
  ): Promise<EvidenceItem> {
    return this.#visibility.setCategory(actor, caseId, itemId, category);
  }

  // ── presentation.ts ────────────────────────────────────────────────────

  /** Who of a live session's participants may see `itemId` when `presenter` presents it. */
  presentation(
    presenter: Viewer,
    caseId: string,
    itemId: string,
    participants: readonly SessionParticipant[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    return this.#presentation.presentation(presenter, caseId, itemId, participants, options);
  }

  /** Which of a live session's participants may see the item as it is given. */
  sessionAudience(
    caseId: string,
    item: EvidenceItem,
    participants: readonly SessionParticipant[],
  ): Promise<Set<string>> {
    return this.#presentation.sessionAudience(caseId, item, participants);
  }

  /** `setFlags()` for a live session's participant, known by its session identity. */
  setFlagsInSession(
    caseId: string,
    participant: SessionParticipant,
    itemId: string,
    flags: EvidenceFlags,
  ): Promise<EvidenceItem> {
    return this.#presentation.setFlagsInSession(caseId, participant, itemId, flags);
  }

  /** What a live session's participant may list (nothing for someone the case does not know). */
  listForSession(caseId: string, participant: SessionParticipant): Promise<EvidenceItem[]> {
    return this.#presentation.listForSession(caseId, participant);
  }

  /** `presentation()` for a live session, where the presenter is known by its session identity. */
  presentInSession(
    caseId: string,
    presenter: SessionParticipant,
    itemId: string,
    participants: readonly SessionParticipant[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    return this.#presentation.presentInSession(caseId, presenter, itemId, participants, options);
  }

  /** The viewer a session participant is, by the case's records (unknown people get nothing). */
  sessionViewer(
    c: MediationCase,
    participant: SessionParticipant,
    people?: CasePerson[],
  ): Promise<Viewer | undefined> {
    return this.#presentation.sessionViewer(c, participant, people);
  }
}
