/**
 * Reading evidence and the chain of custody: the items a viewer may list, an
 * item's receipt, opening its bytes (every view or download, but not each
 * ranged re-read of the same view, is an audit event), and the start-up
 * check of the stored files against their records.
 */
import type { Readable } from 'node:stream';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { NotFoundError } from '../errors.js';
import type { BlobRange } from './BlobStore.js';
import { EVIDENCE_TYPES, type EvidenceTypeId } from './contentType.js';
import { canView, type ClientInfo, type EvidenceContext, type Viewer } from './context.js';
import type { EvidenceItem, EvidenceReceipt } from './model.js';

/** What a viewer asks to open. */
export interface OpenRequest {
  /** The byte range wanted, given the item's size; 'invalid' when it cannot be served. */
  range: (size: number) => BlobRange | undefined | 'invalid';
  download: boolean;
  client: ClientInfo;
}

/** The item opened, with its bytes, or an unsatisfiable range (nothing logged). */
export type Opened =
  | { item: EvidenceItem; range: BlobRange | undefined; stream: Readable }
  | { item: EvidenceItem; range: 'invalid' };

export class EvidenceCustody {
  readonly #ctx: EvidenceContext;

  constructor(ctx: EvidenceContext) {
    this.#ctx = ctx;
  }

  async list(viewer: Viewer, caseId: string): Promise<EvidenceItem[]> {
    const { people } = await this.#ctx.caseFor(viewer, caseId);
    return (await this.#ctx.items.listByCase(caseId)).filter((i) => canView(viewer, i, people));
  }

  async receipt(viewer: Viewer, caseId: string, itemId: string): Promise<EvidenceReceipt> {
    const { c, people, item } = await this.#ctx.visibleItem(viewer, caseId, itemId);
    return receiptOf(this.#ctx, item, c, people);
  }

  /** Opens the bytes for the viewer and writes the custody event (once per view: ranged re-reads of the same view are not logged again). */
  async open(
    viewer: Viewer,
    caseId: string,
    itemId: string,
    request: OpenRequest,
  ): Promise<Opened> {
    const { item } = await this.#ctx.visibleItem(viewer, caseId, itemId);
    if (item.integrity !== 'ok') throw new NotFoundError('Evidence file');
    const range = request.range(item.size);
    // An unsatisfiable range is refused before any custody event.
    if (range === 'invalid') return { item, range };
    if (!range || range.start === 0) {
      await this.#ctx.audit.append({
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
    return { item, range, stream: this.#ctx.blobs.read(item.blobKey, range) };
  }

  /** Start-up check: unfinished writes and unclaimed files go; records whose file is gone are flagged. */
  async reconcile(
    alsoHeld: Iterable<string> = [],
  ): Promise<{ temporary: number; orphans: number; missing: number }> {
    const items = await this.#ctx.items.listAll();
    const keys = new Set([...items.map((i) => i.blobKey), ...alsoHeld]);
    const swept = await this.#ctx.blobs.sweep((key) => keys.has(key));
    let missing = 0;
    for (const item of items) {
      const size = await this.#ctx.blobs.size(item.blobKey);
      const integrity = size === item.size ? 'ok' : 'missing';
      if (integrity !== item.integrity) await this.#ctx.items.setIntegrity(item.id, integrity);
      if (integrity === 'missing') missing += 1;
    }
    return { ...swept, missing };
  }
}

/** The receipt of an item: what was received, from whom, by which organisation, with its hash. */
export async function receiptOf(
  ctx: EvidenceContext,
  item: EvidenceItem,
  c: MediationCase,
  people: CasePerson[],
): Promise<EvidenceReceipt> {
  const organisation = await ctx.cases.getOrganisation(c.organisationId);
  const submitter =
    people.find((p) => p.id === item.uploadedBy) ?? (await ctx.cases.getStaff(item.uploadedBy));
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
