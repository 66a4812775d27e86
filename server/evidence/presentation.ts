/**
 * Evidence in a live session, where people are known by their session
 * identity: who a participant is by the case's records, who sees an item
 * presented (an audit event names them), and listing and sharing on a
 * participant's behalf.
 */
import type { CasePerson, MediationCase } from '../cases/model.js';
import { NotFoundError } from '../errors.js';
import { canView, type EvidenceContext, type SessionParticipant, type Viewer } from './context.js';
import type { EvidenceCustody } from './custody.js';
import type { EvidenceItem } from './model.js';
import type { EvidenceFlags, EvidenceVisibility } from './visibility.js';

export class EvidencePresentation {
  readonly #ctx: EvidenceContext;
  readonly #custody: EvidenceCustody;
  readonly #visibility: EvidenceVisibility;

  constructor(
    ctx: EvidenceContext,
    parts: { custody: EvidenceCustody; visibility: EvidenceVisibility },
  ) {
    this.#ctx = ctx;
    this.#custody = parts.custody;
    this.#visibility = parts.visibility;
  }

  /**
   * Who of a live session's participants may see `itemId` when `presenter`
   * presents it. Participants are identified as the session knows them.
   */
  async presentation(
    presenter: Viewer,
    caseId: string,
    itemId: string,
    participants: readonly SessionParticipant[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    const visible = await this.#ctx.visibleItem(presenter, caseId, itemId);
    const { c, people } = visible;
    const item = options.inCaucus
      ? await this.#visibility.keepToCaucus(presenter, caseId, visible.item)
      : visible.item;
    const viewers: Viewer[] = [];
    for (const p of participants) {
      const viewer = await this.sessionViewer(c, p, people);
      if (viewer && canView(viewer, item, people)) viewers.push(viewer);
    }
    await this.#ctx.audit.append({
      caseId,
      actorId: presenter.id,
      actorRole: presenter.role,
      action: 'evidence.presented',
      target: itemId,
      payload: { itemId, sha256: item.sha256, shownTo: viewers.map((v) => v.id) },
    });
    return { item, viewers };
  }

  /** Which of a live session's participants may see the item as it is given. */
  async sessionAudience(
    caseId: string,
    item: EvidenceItem,
    participants: readonly SessionParticipant[],
  ): Promise<Set<string>> {
    const c = await this.#ctx.cases.getCase(caseId);
    if (!c || item.caseId !== caseId) return new Set();
    const people = await this.#ctx.cases.listPeople(caseId);
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
    participant: SessionParticipant,
    itemId: string,
    flags: EvidenceFlags,
  ): Promise<EvidenceItem> {
    const viewer = await this.#participantViewer(caseId, participant);
    return this.#visibility.setFlags(viewer, caseId, itemId, flags);
  }

  /** What a live session's participant may list (nothing for someone the case does not know). */
  async listForSession(caseId: string, participant: SessionParticipant): Promise<EvidenceItem[]> {
    const c = await this.#ctx.cases.getCase(caseId);
    if (!c) return [];
    const viewer = await this.sessionViewer(c, participant);
    return viewer ? this.#custody.list(viewer, caseId) : [];
  }

  /** `presentation()` for a live session, where the presenter is known by its session identity. */
  async presentInSession(
    caseId: string,
    presenter: SessionParticipant,
    itemId: string,
    participants: readonly SessionParticipant[],
    options: { inCaucus?: boolean } = {},
  ): Promise<{ item: EvidenceItem; viewers: Viewer[] }> {
    const viewer = await this.#participantViewer(caseId, presenter);
    return this.presentation(viewer, caseId, itemId, participants, options);
  }

  /** The viewer a session participant is, by the case's records (unknown people get nothing). */
  async sessionViewer(
    c: MediationCase,
    participant: SessionParticipant,
    people?: CasePerson[],
  ): Promise<Viewer | undefined> {
    if (participant.role === 'mediator') {
      const staff = await this.#ctx.cases.getStaff(participant.id);
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
    const person = (people ?? (await this.#ctx.cases.listPeople(c.id))).find(
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

  /** The viewer a participant acting in a session is: the case must exist and know them. */
  async #participantViewer(caseId: string, participant: SessionParticipant): Promise<Viewer> {
    const c = await this.#ctx.cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    const viewer = await this.sessionViewer(c, participant);
    if (!viewer) throw new NotFoundError('Evidence');
    return viewer;
  }
}
