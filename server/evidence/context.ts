/**
 * What the parts of the evidence service share: the stores, limits and clock
 * they are given (EvidenceContext), the case and item lookups every part
 * starts from, and the visibility rule (sideOf, canView). No I/O happens here
 * beyond what a caller asks for.
 *
 * The parts: intake.ts (allowance, upload, content check, recording an item),
 * custody.ts (listing, receipts, opening with a custody event, the start-up
 * check), visibility.ts (sharing, caucus confidentiality, category),
 * presentation.ts (a live session's participants: who sees what is
 * presented); EvidenceService.ts composes them.
 */
import type { AuditLog } from '../audit/AuditLog.js';
import { caseInScope, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CasePerson, MediationCase } from '../cases/model.js';
import { NotFoundError } from '../errors.js';
import type { BlobStore } from './BlobStore.js';
import type { EvidenceRepository } from './EvidenceRepository.js';
import type { EvidenceItem, EvidenceSide } from './model.js';

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

/** A live session's participant, as the session knows them. */
export interface SessionParticipant {
  id: string;
  role: string;
}

/** The stores, limits and clock every part works with. */
export class EvidenceContext {
  constructor(
    readonly items: EvidenceRepository,
    readonly cases: CaseRepository,
    readonly audit: AuditLog,
    readonly blobs: BlobStore,
    readonly limits: EvidenceLimits,
    readonly now: () => Date,
  ) {}

  caseFor(actor: Actor, caseId: string): Promise<{ c: MediationCase; people: CasePerson[] }> {
    return caseInScope(this.cases, actor, caseId);
  }

  async visibleItem(
    actor: Actor,
    caseId: string,
    itemId: string,
  ): Promise<{ c: MediationCase; people: CasePerson[]; item: EvidenceItem }> {
    const { c, people } = await this.caseFor(actor, caseId);
    const item = await this.items.get(itemId);
    // An item the asker may not see is reported exactly like one that does not exist.
    if (!item || item.caseId !== caseId || !canView(actor, item, people))
      throw new NotFoundError('Evidence');
    return { c, people, item };
  }
}

/** The side a person stands on; agents stand with the party they represent. */
export function sideOf(
  actor: Actor,
  people: readonly CasePerson[],
): Exclude<EvidenceSide, 'organisation'> | undefined {
  return actor.kind === 'person' ? sideOfPerson(actor.id, people) : undefined;
}

/** The side a person of the case speaks for (an agent: the party it represents). */
export function sideOfPerson(
  personId: string,
  people: readonly CasePerson[],
): Exclude<EvidenceSide, 'organisation'> | undefined {
  const person = people.find((p) => p.id === personId);
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
