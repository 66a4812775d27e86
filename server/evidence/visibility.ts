/**
 * Who may see an item, and what it is filed as: sharing with every party,
 * confidentiality to a caucus (set by the mediator, or by presenting an item
 * inside a caucus), and the item's category. Every change is an audit event;
 * a committed change of who may see an item is announced to the listeners.
 */
import type { Actor } from '../cases/access.js';
import { fail } from '../errors.js';
import { sideOf, type EvidenceContext, type Viewer } from './context.js';
import type { EvidenceCategory, EvidenceItem } from './model.js';

/** An item whose visibility changed: as it was, and as it is now (committed). */
export interface EvidenceVisibilityChange {
  caseId: string;
  before: EvidenceItem;
  after: EvidenceItem;
}

export type EvidenceFlags = { shared?: boolean; confidential?: boolean };

export class EvidenceVisibility {
  readonly #ctx: EvidenceContext;
  readonly #listeners = new Set<(change: EvidenceVisibilityChange) => void>();

  constructor(ctx: EvidenceContext) {
    this.#ctx = ctx;
  }

  /** Called after each committed change of who may see an item; returns the unsubscribe function. */
  onChange(listener: (change: EvidenceVisibilityChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(change: EvidenceVisibilityChange): void {
    for (const listener of this.#listeners) listener(change);
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
    flags: EvidenceFlags,
  ): Promise<EvidenceItem> {
    const ctx = this.#ctx;
    const { before, after } = await ctx.cases.transaction(async () => {
      const { people, item } = await ctx.visibleItem(actor, caseId, itemId);
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
      await ctx.items.setFlags(itemId, flags);
      await ctx.audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'evidence.visibility',
        target: itemId,
        payload: flags,
      });
      return { before: item, after: { ...item, ...flags } };
    });
    this.#changed({ caseId, before, after });
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
    const ctx = this.#ctx;
    return ctx.cases.transaction(async () => {
      const { people, item } = await ctx.visibleItem(actor, caseId, itemId);
      if (actor.kind === 'person' && sideOf(actor, people) !== item.uploaderSide) {
        throw fail('SUBMITTER_OR_STAFF_CATEGORISES');
      }
      if (item.category === category) return item;
      await ctx.items.setCategory(itemId, category);
      await ctx.audit.append({
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
   * What is shown inside a caucus stays there: presenting an item in a caucus
   * keeps it confidential (the other side never sees it, even once shared),
   * unless the mediator has lifted confidentiality for this item, a decision
   * a later presentation does not overturn. An item already shared in the
   * open is left as it is: the other side has it already.
   */
  async keepToCaucus(presenter: Viewer, caseId: string, item: EvidenceItem): Promise<EvidenceItem> {
    if (item.confidential || item.shared) return item;
    const ctx = this.#ctx;
    const after = await ctx.cases.transaction(async () => {
      const current = await ctx.items.get(item.id);
      if (!current || current.confidential || current.shared) return undefined;
      if (await this.#confidentialityLifted(caseId, item.id)) return undefined;
      await ctx.items.setFlags(item.id, { confidential: true });
      await ctx.audit.append({
        caseId,
        actorId: presenter.id,
        actorRole: presenter.role,
        action: 'evidence.caucus-confidential',
        target: item.id,
        payload: { itemId: item.id, confidential: true },
      });
      return { ...current, confidential: true };
    });
    if (!after) return (await ctx.items.get(item.id)) ?? item;
    this.#changed({ caseId, before: item, after });
    return after;
  }

  /** Whether the mediator's last explicit decision on the item's confidentiality was to lift it. */
  async #confidentialityLifted(caseId: string, itemId: string): Promise<boolean> {
    const decisions = (await this.#ctx.audit.list(caseId)).filter(
      (e) => e.action === 'evidence.visibility' && e.target === itemId,
    );
    for (const decision of decisions.reverse()) {
      const payload = JSON.parse(decision.payload) as { confidential?: unknown };
      if (typeof payload.confidential === 'boolean') return !payload.confidential;
    }
    return false;
  }
}
