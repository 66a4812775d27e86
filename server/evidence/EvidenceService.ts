/**
 * Evidence in a case file: received as a stream with its hash fixed on the
 * way in, visible by side (a party sees its own side's items and what was
 * shared; a caucus-confidential item never reaches the other side), every
 * view and download written to the case's audit chain as custody.
 *
 * Size: pending — upload, scanning, presentation and custody in one service; a split along those seams is a later step of issue 17.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import { caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { fail, NotFoundError, ValidationError, type ReasonError } from '../errors.js';
import type { BlobRange, BlobStore, StoredBlob } from './BlobStore.js';
import {
  EVIDENCE_TYPES,
  EvidenceTypeError,
  checkEvidenceContent,
  cleanFilename,
  PdfActiveContentScanner,
  PdfPageCounter,
  type EvidenceTypeId,
} from './contentType.js';
import type { EvidenceRepository } from './EvidenceRepository.js';
import {
  EVIDENCE_CATEGORIES,
  type EvidenceCategory,
  type EvidenceItem,
  type EvidenceReceipt,
  type EvidenceSide,
} from './model.js';

export const evidenceFieldsSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    purpose: z.string().trim().min(1).max(2000),
    originalOrCopy: z.enum(['original', 'copy']),
    category: z.enum(EVIDENCE_CATEGORIES).default('evidence'),
  })
  .strict();
export type EvidenceFields = z.infer<typeof evidenceFieldsSchema>;

export interface EvidenceLimits {
  /** Largest single item (bytes). */
  maxBytes: number;
  /** Total per case (bytes). */
  caseQuotaBytes: number;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Who is looking at evidence: a request's actor, or a participant of a live session. */
export type Viewer = Actor;

/** Bytes received and checked, not yet recorded: `record()` or `discard()` it. */
export interface ReceivedFile {
  blob: StoredBlob;
  typeId: EvidenceTypeId;
  filename: string;
}

/** A refused file type as the reason the clients render. */
function evidenceTypeFailure(error: EvidenceTypeError): ReasonError {
  const { detected, extension, owner } = error;
  if (error.reason === 'name_mismatch' && detected && extension) {
    return owner
      ? fail('EVIDENCE_NAME_MISMATCH', { detected, extension, owner })
      : fail('EVIDENCE_EXTENSION_NOT_ACCEPTED', { detected, extension });
  }
  if (error.reason === 'empty') return fail('EVIDENCE_EMPTY');
  if (error.reason === 'markup') return fail('EVIDENCE_MARKUP');
  return fail('EVIDENCE_TYPE_NOT_ACCEPTED');
}

const CASE_CLOSED: readonly MediationCase['status'][] = ['archived', 'refused'];

/** An item whose visibility changed: as it was, and as it is now (committed). */
export interface EvidenceVisibilityChange {
  caseId: string;
  before: EvidenceItem;
  after: EvidenceItem;
}

export class EvidenceService {
  readonly #items: EvidenceRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #blobs: BlobStore;
  readonly #limits: EvidenceLimits;
  readonly #now: () => Date;
  readonly #visibilityListeners = new Set<(change: EvidenceVisibilityChange) => void>();

  constructor(options: {
    items: EvidenceRepository;
    cases: CaseRepository;
    audit: AuditLog;
    blobs: BlobStore;
    limits: EvidenceLimits;
    now?: () => Date;
  }) {
    this.#items = options.items;
    this.#cases = options.cases;
    this.#audit = options.audit;
    this.#blobs = options.blobs;
    this.#limits = options.limits;
    this.#now = options.now ?? (() => new Date());
  }

  get limits(): EvidenceLimits {
    return this.#limits;
  }

  /** Called after each committed change of who may see an item; returns the unsubscribe function. */
  onVisibilityChange(listener: (change: EvidenceVisibilityChange) => void): () => void {
    this.#visibilityListeners.add(listener);
    return () => this.#visibilityListeners.delete(listener);
  }

  #visibilityChanged(change: EvidenceVisibilityChange): void {
    for (const listener of this.#visibilityListeners) listener(change);
  }

  /** Checks that the actor may add evidence to the case now; returns how many bytes it may send. */
  async allowance(actor: Actor, caseId: string): Promise<{ maxBytes: number }> {
    const { c } = await this.#caseFor(actor, caseId);
    if (actor.kind === 'person' && actor.role === 'observer') throw fail('OBSERVER_NO_EVIDENCE');
    if (CASE_CLOSED.includes(c.status)) throw fail('CASE_CLOSED_TO_EVIDENCE');
    const used = await this.#items.totalSize(caseId);
    const left = this.#limits.caseQuotaBytes - used;
    if (left <= 0) throw fail('EVIDENCE_QUOTA_REACHED');
    return { maxBytes: Math.min(this.#limits.maxBytes, left) };
  }

  /** Streams the file into the blob store, refusing a disallowed or mismatching type as soon as its first bytes are in. */
  async receive(source: Readable, rawFilename: string, maxBytes: number): Promise<ReceivedFile> {
    const filename = cleanFilename(rawFilename);
    let typeId: EvidenceTypeId | undefined;
    let blob: StoredBlob;
    try {
      blob = await this.#blobs.write(source, {
        maxBytes,
        inspect: (head) => {
          typeId = checkEvidenceContent(head, rawFilename);
        },
      });
    } catch (error) {
      if (error instanceof EvidenceTypeError)
        throw evidenceTypeFailure(error).withIssues([`file: ${error.reason}`]);
      throw error;
    }
    if (!typeId) {
      await this.#blobs.remove(blob.key);
      throw fail('EVIDENCE_UNCHECKED');
    }
    return { blob, typeId, filename };
  }

  async discard(file: ReceivedFile): Promise<void> {
    await this.#blobs.remove(file.blob.key);
  }

  /** Records the received file in the case (row and audit event in one transaction), or removes it. */
  async record(
    actor: Actor,
    caseId: string,
    file: ReceivedFile,
    rawFields: unknown,
    client: ClientInfo,
  ): Promise<{ item: EvidenceItem; receipt: EvidenceReceipt }> {
    try {
      const fields = evidenceFieldsSchema.safeParse(rawFields);
      if (!fields.success) throw ValidationError.fromZod('evidence upload', fields.error);
      return await this.#cases.transaction(async () => {
        const { c, people } = await this.#caseFor(actor, caseId);
        const used = await this.#items.totalSize(caseId);
        if (used + file.blob.size > this.#limits.caseQuotaBytes)
          throw fail('EVIDENCE_QUOTA_REACHED');
        const type = EVIDENCE_TYPES[file.typeId];
        const item: EvidenceItem = {
          id: randomUUID(),
          caseId,
          blobKey: file.blob.key,
          ...fields.data,
          filename: file.filename,
          typeId: file.typeId,
          mediaType: type.mediaType,
          size: file.blob.size,
          ...(type.kind === 'pdf'
            ? await this.#pdfScan(file.blob.key)
            : { pages: null, activeContent: [] }),
          sha256: file.blob.sha256,
          uploadedBy: actor.id,
          uploaderRole: actor.role,
          uploaderSide: sideOf(actor, people) ?? 'organisation',
          uploaderIp: client.ip,
          uploaderAgent: client.userAgent?.slice(0, 300) ?? null,
          receivedAt: this.#now().toISOString(),
          shared: false,
          confidential: false,
          integrity: 'ok',
        };
        await this.#items.insert(item);
        await this.#audit.append({
          caseId,
          actorId: actor.id,
          actorRole: actor.role,
          action: 'evidence.received',
          target: item.id,
          payload: item,
        });
        return { item, receipt: await this.#receipt(item, c, people) };
      });
    } catch (error) {
      await this.discard(file);
      throw error;
    }
  }

  async list(actor: Actor, caseId: string): Promise<EvidenceItem[]> {
    const { people } = await this.#caseFor(actor, caseId);
    return (await this.#items.listByCase(caseId)).filter((i) => canView(actor, i, people));
  }

  async receipt(actor: Actor, caseId: string, itemId: string): Promise<EvidenceReceipt> {
    const { c, people, item } = await this.#visibleItem(actor, caseId, itemId);
    return this.#receipt(item, c, people);
  }

  /** Opens the bytes for the viewer and writes the custody event (once per view: ranged re-reads of the same view are not logged again). */
  async open(
    viewer: Viewer,
    caseId: string,
    itemId: string,
    request: {
      /** The byte range wanted, given the item's size; 'invalid' when it cannot be served. */
      range: (size: number) => BlobRange | undefined | 'invalid';
      download: boolean;
      client: ClientInfo;
    },
  ): Promise<
    | { item: EvidenceItem; range: BlobRange | undefined; stream: Readable }
    | { item: EvidenceItem; range: 'invalid' }
  > {
    const { item } = await this.#visibleItem(viewer, caseId, itemId);
    if (item.integrity !== 'ok') throw new NotFoundError('Evidence file');
    const range = request.range(item.size);
    // An unsatisfiable range is refused before any custody event.
    if (range === 'invalid') return { item, range };
    if (!range || range.start === 0) {
      await this.#audit.append({
        caseId,
        actorId: viewer.id,
        actorRole: viewer.role,
        action: request.download ? 'evidence.downloaded' : 'evidence.viewed',
        target: item.id,
        payload: {
          itemId: item.id,
          sha256: item.sha256,
          ip: request.client.ip,
          userAgent: request.client.userAgent?.slice(0, 300) ?? null,
          range: range ?? null,
        },
      });
    }
    return { item, range, stream: this.#blobs.read(item.blobKey, range) };
  }

  /**
   * Shares an item with every party (staff, or the side that submitted it) or
   * keeps it confidential to a caucus (the mediator only). Sharing never
   * widens a confidential item: it stays with its side until the mediator
   * lifts confidentiality.
   */
  async setFlags(
    actor: Actor,
    caseId: string,
    itemId: string,
    flags: { shared?: boolean; confidential?: boolean },
  ): Promise<EvidenceItem> {
    const { before, after } = await this.#cases.transaction(async () => {
      const { people, item } = await this.#visibleItem(actor, caseId, itemId);
      if (
        flags.confidential !== undefined &&
        !(actor.kind === 'staff' && actor.role === 'mediator')
      ) {
        throw fail('MEDIATOR_ONLY_CONFIDENTIAL');
      }
      if (
        flags.shared !== undefined &&
        actor.kind === 'person' &&
        (actor.role === 'observer' || sideOf(actor, people) !== item.uploaderSide)
      ) {
        throw fail('SUBMITTER_OR_STAFF_SHARES');
      }
      await this.#items.setFlags(itemId, flags);
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'evidence.visibility',
        target: itemId,
        payload: flags,
      });
      return { before: item, after: { ...item, ...flags } };
    });
    this.#visibilityChanged({ caseId, before, after });
    return after;
  }

  /**
   * Corrects what an item is for the case file (evidence, identity document,
   * authorisation): staff, or the side that submitted it. Its bytes and hash
   * never change; the change is an audit event.
   */
  async setCategory(
    actor: Actor,
    caseId: string,
    itemId: string,
    category: EvidenceCategory,
  ): Promise<EvidenceItem> {
    return this.#cases.transaction(async () => {
      const { people, item } = await this.#visibleItem(actor, caseId, itemId);
      if (actor.kind === 'person' && sideOf(actor, people) !== item.uploaderSide) {
        throw fail('SUBMITTER_OR_STAFF_CATEGORISES');
      }
      if (item.category === category) return item;
      await this.#items.setCategory(itemId, category);
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'evidence.categorised',
        target: itemId,
        payload: { itemId, from: item.category, to: category },
      });
      return { ...item, category };
    });
  }

  /**
   * Who of a live session's participants may see `itemId` when `presenter`
   * presents it. Participants are identified as the session knows them.
   */
  async presentation(
    presenter: Viewer,
    caseId: string,
    itemId: string,
    participants: readonly { id: string; role: string }[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    const visible = await this.#visibleItem(presenter, caseId, itemId);
    const { c, people } = visible;
    const item = options.inCaucus
      ? await this.#keepToCaucus(presenter, caseId, visible.item)
      : visible.item;
    const viewers: Viewer[] = [];
    for (const p of participants) {
      const viewer = await this.sessionViewer(c, p, people);
      if (viewer && canView(viewer, item, people)) viewers.push(viewer);
    }
    await this.#audit.append({
      caseId,
      actorId: presenter.id,
      actorRole: presenter.role,
      action: 'evidence.presented',
      target: itemId,
      payload: { itemId, sha256: item.sha256, shownTo: viewers.map((v) => v.id) },
    });
    return { item, viewers };
  }

  /**
   * What is shown inside a caucus stays there: presenting an item in a caucus
   * keeps it confidential (the other side never sees it, even once shared),
   * unless the mediator has lifted confidentiality for this item, a decision
   * a later presentation does not overturn. An item already shared in the
   * open is left as it is: the other side has it already.
   */
  async #keepToCaucus(
    presenter: Viewer,
    caseId: string,
    item: EvidenceItem,
  ): Promise<EvidenceItem> {
    if (item.confidential || item.shared) return item;
    const after = await this.#cases.transaction(async () => {
      const current = await this.#items.get(item.id);
      if (!current || current.confidential || current.shared) return undefined;
      if (await this.#confidentialityLifted(caseId, item.id)) return undefined;
      await this.#items.setFlags(item.id, { confidential: true });
      await this.#audit.append({
        caseId,
        actorId: presenter.id,
        actorRole: presenter.role,
        action: 'evidence.caucus-confidential',
        target: item.id,
        payload: { itemId: item.id, confidential: true },
      });
      return { ...current, confidential: true };
    });
    if (!after) return (await this.#items.get(item.id)) ?? item;
    this.#visibilityChanged({ caseId, before: item, after });
    return after;
  }

  /** Whether the mediator's last explicit decision on the item's confidentiality was to lift it. */
  async #confidentialityLifted(caseId: string, itemId: string): Promise<boolean> {
    const decisions = (await this.#audit.list(caseId)).filter(
      (e) => e.action === 'evidence.visibility' && e.target === itemId,
    );
    for (const decision of decisions.reverse()) {
      const payload = JSON.parse(decision.payload) as { confidential?: unknown };
      if (typeof payload.confidential === 'boolean') return !payload.confidential;
    }
    return false;
  }

  /** Which of a live session's participants may see the item as it is given. */
  async sessionAudience(
    caseId: string,
    item: EvidenceItem,
    participants: readonly { id: string; role: string }[],
  ): Promise<Set<string>> {
    const c = await this.#cases.getCase(caseId);
    if (!c || item.caseId !== caseId) return new Set();
    const people = await this.#cases.listPeople(caseId);
    const seeing = new Set<string>();
    for (const p of participants) {
      const viewer = await this.sessionViewer(c, p, people);
      if (viewer && canView(viewer, item, people)) seeing.add(p.id);
    }
    return seeing;
  }

  /** `setFlags()` for a live session's participant, known by its session identity. */
  async setFlagsInSession(
    caseId: string,
    participant: { id: string; role: string },
    itemId: string,
    flags: { shared?: boolean; confidential?: boolean },
  ): Promise<EvidenceItem> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    const viewer = await this.sessionViewer(c, participant);
    if (!viewer) throw new NotFoundError('Evidence');
    return this.setFlags(viewer, caseId, itemId, flags);
  }

  /** What a live session's participant may list (nothing for someone the case does not know). */
  async listForSession(
    caseId: string,
    participant: { id: string; role: string },
  ): Promise<EvidenceItem[]> {
    const c = await this.#cases.getCase(caseId);
    if (!c) return [];
    const viewer = await this.sessionViewer(c, participant);
    return viewer ? this.list(viewer, caseId) : [];
  }

  /** `presentation()` for a live session, where the presenter is known by its session identity. */
  async presentInSession(
    caseId: string,
    presenter: { id: string; role: string },
    itemId: string,
    participants: readonly { id: string; role: string }[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    const viewer = await this.sessionViewer(c, presenter);
    if (!viewer) throw new NotFoundError('Evidence');
    return this.presentation(viewer, caseId, itemId, participants, options);
  }

  /** The viewer a session participant is, by the case's records (unknown people get nothing). */
  async sessionViewer(
    c: MediationCase,
    participant: { id: string; role: string },
    people?: CasePerson[],
  ): Promise<Viewer | undefined> {
    if (participant.role === 'mediator') {
      const staff = await this.#cases.getStaff(participant.id);
      if (!staff || staff.organisationId !== c.organisationId || c.mediatorId !== staff.id)
        return undefined;
      return {
        kind: 'staff',
        id: staff.id,
        role: 'mediator',
        organisationId: staff.organisationId,
        name: staff.displayName,
      };
    }
    const person = (people ?? (await this.#cases.listPeople(c.id))).find(
      (p) => p.id === participant.id,
    );
    if (!person || !['party', 'agent', 'observer'].includes(participant.role)) return undefined;
    return {
      kind: 'person',
      id: person.id,
      role: participant.role as 'party' | 'agent' | 'observer',
      caseId: c.id,
      invitationId: '',
      name: person.name,
    };
  }

  /** Start-up check: unfinished writes and unclaimed files go; records whose file is gone are flagged. */
  async reconcile(): Promise<{ temporary: number; orphans: number; missing: number }> {
    const items = await this.#items.listAll();
    const keys = new Set(items.map((i) => i.blobKey));
    const swept = await this.#blobs.sweep((key) => keys.has(key));
    let missing = 0;
    for (const item of items) {
      const size = await this.#blobs.size(item.blobKey);
      const integrity = size === item.size ? 'ok' : 'missing';
      if (integrity !== item.integrity) await this.#items.setIntegrity(item.id, integrity);
      if (integrity === 'missing') missing += 1;
    }
    return { ...swept, missing };
  }

  #caseFor(actor: Actor, caseId: string): Promise<{ c: MediationCase; people: CasePerson[] }> {
    return caseInScope(this.#cases, actor, caseId);
  }

  async #visibleItem(
    actor: Actor,
    caseId: string,
    itemId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; item: EvidenceItem }> {
    const { c, people } = await this.#caseFor(actor, caseId);
    const item = await this.#items.get(itemId);
    // An item the asker may not see is reported exactly like one that does not exist.
    if (!item || item.caseId !== caseId || !canView(actor, item, people))
      throw new NotFoundError('Evidence');
    return { c, people, item };
  }

  async #receipt(
    item: EvidenceItem,
    c: MediationCase,
    people: CasePerson[],
  ): Promise<EvidenceReceipt> {
    const organisation = await this.#cases.getOrganisation(c.organisationId);
    const submitter =
      people.find((p) => p.id === item.uploadedBy) ?? (await this.#cases.getStaff(item.uploadedBy));
    const name = submitter
      ? 'displayName' in submitter
        ? submitter.displayName
        : submitter.name
      : item.uploadedBy;
    return {
      itemId: item.id,
      caseId: c.id,
      caseNumber: c.caseNumber,
      title: item.title,
      purpose: item.purpose,
      originalOrCopy: item.originalOrCopy,
      filename: item.filename,
      typeLabel: EVIDENCE_TYPES[item.typeId as EvidenceTypeId]?.label ?? item.mediaType,
      mediaType: item.mediaType,
      size: item.size,
      pages: item.pages,
      activeContent: item.activeContent,
      receivedAt: item.receivedAt,
      receivedBy: organisation?.name ?? c.organisationId,
      submittedBy: { id: item.uploadedBy, name, role: item.uploaderRole },
      sha256: item.sha256,
    };
  }

  /**
   * PDF page count and active content, found in one streaming pass. Both
   * scanners stay on the event loop: each does a single left-to-right pass
   * with a fixed carry (linear, bounded per piece, no backtracking), and the
   * loop is free between pieces.
   */
  async #pdfScan(key: string): Promise<{ pages: number | null; activeContent: string[] }> {
    const counter = new PdfPageCounter();
    const active = new PdfActiveContentScanner();
    for await (const chunk of this.#blobs.read(key)) {
      const text = (chunk as Buffer).toString('latin1');
      counter.push(text);
      active.push(text);
    }
    return { pages: counter.finish(), activeContent: active.finish() };
  }
}

/** The side a person stands on; agents stand with the party they represent. */
export function sideOf(
  actor: Actor,
  people: readonly CasePerson[],
): Exclude<EvidenceSide, 'organisation'> | undefined {
  if (actor.kind !== 'person') return undefined;
  const person = people.find((p) => p.id === actor.id);
  if (!person) return undefined;
  if (person.kind === 'applicant' || person.kind === 'respondent') return person.kind;
  if (person.kind === 'agent') {
    const represented = people.find((p) => p.id === person.representsId);
    return represented?.kind === 'applicant' || represented?.kind === 'respondent'
      ? represented.kind
      : undefined;
  }
  return undefined;
}

export function canView(
  viewer: Viewer,
  item: EvidenceItem,
  people: readonly CasePerson[],
): boolean {
  if (viewer.kind === 'system' || viewer.kind === 'staff') return true;
  const side = sideOf(viewer, people);
  if (side !== undefined && side === item.uploaderSide) return true;
  return item.shared && !item.confidential;
}
