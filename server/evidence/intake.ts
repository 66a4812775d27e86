/**
 * Taking evidence in: how much an actor may still send, streaming the file
 * into the blob store with its type checked on the first bytes and its hash
 * fixed on the way in, scanning a PDF (pages, active content), and recording
 * the item with its audit event in one transaction, or removing the bytes.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Actor } from '../cases/access.js';
import type { MediationCase } from '../cases/model.js';
import { fail, ValidationError, type ReasonError } from '../errors.js';
import type { StoredBlob } from './BlobStore.js';
import {
  EVIDENCE_TYPES,
  EvidenceTypeError,
  checkEvidenceContent,
  cleanFilename,
  PdfActiveContentScanner,
  PdfPageCounter,
  type EvidenceTypeId,
} from './contentType.js';
import { sideOf, sideOfPerson, type ClientInfo, type EvidenceContext } from './context.js';
import { receiptOf } from './custody.js';
import { EVIDENCE_CATEGORIES, type EvidenceItem, type EvidenceReceipt } from './model.js';

export const evidenceFieldsSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    purpose: z.string().trim().min(1).max(2000),
    originalOrCopy: z.enum(['original', 'copy']),
    category: z.enum(EVIDENCE_CATEGORIES).default('evidence'),
  })
  .strict();
export type EvidenceFields = z.infer<typeof evidenceFieldsSchema>;

/** Who submitted an item when not the actor recording it: its id and role, as recorded. */
export interface Submitter {
  id: string;
  role: string;
  /** A person of the case the file came from (an online application's attachment): its side. */
  person?: boolean;
  /** When the file actually arrived, if before it is recorded (an application's attachment). */
  receivedAt?: string;
  /** The file is held by another record until this one exists: a failure leaves it in the store. */
  heldElsewhere?: boolean;
}

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

export class EvidenceIntake {
  readonly #ctx: EvidenceContext;

  constructor(ctx: EvidenceContext) {
    this.#ctx = ctx;
  }

  /** Checks that the actor may add evidence to the case now; returns how many bytes it may send. */
  async allowance(actor: Actor, caseId: string): Promise<{ maxBytes: number }> {
    const { c } = await this.#ctx.caseFor(actor, caseId);
    if (actor.kind === 'person' && actor.role === 'observer') throw fail('OBSERVER_NO_EVIDENCE');
    if (CASE_CLOSED.includes(c.status)) throw fail('CASE_CLOSED_TO_EVIDENCE');
    const used = await this.#ctx.items.totalSize(caseId);
    const left = this.#ctx.limits.caseQuotaBytes - used;
    if (left <= 0) throw fail('EVIDENCE_QUOTA_REACHED');
    return { maxBytes: Math.min(this.#ctx.limits.maxBytes, left) };
  }

  /** Streams the file into the blob store, refusing a disallowed or mismatching type as soon as its first bytes are in. */
  async receive(source: Readable, rawFilename: string, maxBytes: number): Promise<ReceivedFile> {
    const filename = cleanFilename(rawFilename);
    let typeId: EvidenceTypeId | undefined;
    let blob: StoredBlob;
    try {
      blob = await this.#ctx.blobs.write(source, {
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
      await this.#ctx.blobs.remove(blob.key);
      throw fail('EVIDENCE_UNCHECKED');
    }
    return { blob, typeId, filename };
  }

  async discard(file: ReceivedFile): Promise<void> {
    await this.#ctx.blobs.remove(file.blob.key);
  }

  /** Records the received file in the case (row and audit event in one transaction), or removes it. */
  async record(
    actor: Actor,
    caseId: string,
    file: ReceivedFile,
    rawFields: unknown,
    client: ClientInfo,
    from?: Submitter,
  ): Promise<{ item: EvidenceItem; receipt: EvidenceReceipt }> {
    const ctx = this.#ctx;
    const by = from ?? actor;
    try {
      const fields = evidenceFieldsSchema.safeParse(rawFields);
      if (!fields.success) throw ValidationError.fromZod('evidence upload', fields.error);
      return await ctx.cases.transaction(async () => {
        const { c, people } = await ctx.caseFor(actor, caseId);
        // Two uploads to one case (from any process) check the quota one after the other.
        await ctx.cases.lockCase(caseId);
        const used = await ctx.items.totalSize(caseId);
        if (used + file.blob.size > ctx.limits.caseQuotaBytes) throw fail('EVIDENCE_QUOTA_REACHED');
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
          uploadedBy: by.id,
          uploaderRole: by.role,
          uploaderSide:
            (from?.person ? sideOfPerson(by.id, people) : sideOf(actor, people)) ?? 'organisation',
          uploaderIp: client.ip,
          uploaderAgent: client.userAgent?.slice(0, 300) ?? null,
          receivedAt: from?.receivedAt ?? ctx.now().toISOString(),
          shared: false,
          confidential: false,
          integrity: 'ok',
        };
        await ctx.items.insert(item);
        await ctx.audit.append({
          caseId,
          actorId: by.id,
          actorRole: by.role,
          action: 'evidence.received',
          target: item.id,
          payload: item,
        });
        return { item, receipt: await receiptOf(ctx, item, c, people) };
      });
    } catch (error) {
      if (!from?.heldElsewhere) await this.discard(file);
      throw error;
    }
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
    for await (const chunk of this.#ctx.blobs.read(key)) {
      const text = (chunk as Buffer).toString('latin1');
      counter.push(text);
      active.push(text);
    }
    return { pages: counter.finish(), activeContent: active.finish() };
  }
}
