/**
 * A party's procedural steps on the call page, as far as the first screen is concerned,
 * without Vue: the case and person an invitation names, and the slot where the procedure
 * card goes. The case file is read at once, alongside the invitation's exchange; the card
 * (procedure/ProcedureCard.vue) and Vue load only after the first screen is drawn
 * (../lazyParts.ts `procedureParts`). It is shown also when no call can start.
 */
import { el } from '../shared/dom.js';
import { requests } from '../shared/request.js';
import { tokenClaims } from '../shared/token.js';
import { procedureParts } from './lazyParts.js';
import type { MountedProcedure } from './procedure/mount.js';
import type { CaseFile } from './procedure/state.js';

/** The case and person an invitation names (display-only decoding; the server verifies). */
export function invitationClaims(invite: string): { caseId: string; personId: string } | undefined {
  const claims = tokenClaims(invite);
  const caseId = claims?.['caseId'];
  const personId = claims?.['sub'];
  return typeof caseId === 'string' && typeof personId === 'string'
    ? { caseId, personId }
    : undefined;
}

/**
 * The card's stable host, which the page's redraws move into place but never rebuild (a draft
 * of the reasons survives them), with the card mounted in it once loaded.
 */
export class ProcedureSlot {
  readonly #host = el('div', { class: 'call-procedure' });
  readonly #o: { caseId: string; personId: string; invite: string; onChange: () => void };
  readonly #file: Promise<CaseFile | undefined>;
  #card: MountedProcedure | undefined;

  /** Starts reading the case file; a refusal or a dropped network shows nothing. */
  constructor(o: { caseId: string; personId: string; invite: string; onChange: () => void }) {
    this.#o = o;
    this.#file = requests(() => o.invite)
      .sendIfOk('get', '/cases/:caseId', { params: { caseId: o.caseId } })
      .catch(() => undefined);
  }

  /** After the first screen: the card's chunk, then the card; a failed fetch leaves it out. */
  load(): void {
    void Promise.all([procedureParts(), this.#file]).then(
      ([{ mountProcedureCard }, file]) => {
        this.#card ??= mountProcedureCard(this.#host, { ...this.#o, file });
        this.#o.onChange();
      },
      () => undefined,
    );
  }

  /** The card's host when anything applies to this person now; else nothing. */
  elements(): HTMLElement[] {
    return this.#card?.shown() ? [this.#host] : [];
  }
}
