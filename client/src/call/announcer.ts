/**
 * Announcements of what happens in the session that would otherwise pass in
 * silence: a participant leaving (and coming back), a recording stopping.
 * Shown above the controls, in reach on a phone, and spoken by screen
 * readers (a polite live region that stays in the page across re-renders).
 */
import type { ParticipantInfo } from '../../../signaling/contract.js';
import { el } from '../shared/dom.js';
import { lang, t } from '../shared/i18n.js';
import { sideLabel } from './strings.js';

/** How long an announcement stays on screen. */
const SHOWN_MS = 15_000;
const MAX_SHOWN = 3;

export class Announcer {
  readonly element = el('div', {
    class: 'announcements',
    role: 'status',
    'aria-live': 'polite',
    'aria-label': t('announcements'),
    'data-testid': 'announcements',
  });
  /** Everyone seen in the session, so a departure can be named after the list dropped them. */
  readonly #known = new Map<string, ParticipantInfo>();
  readonly #gone = new Set<string>();

  /** The participants as the page knows them now. */
  seen(list: ParticipantInfo[]): void {
    for (const p of list) {
      this.#known.set(p.participantId, p);
      if (this.#gone.delete(p.participantId)) this.say(this.#who(p), 'back');
    }
  }

  left(participantId: string): void {
    const p = this.#known.get(participantId);
    if (!p || this.#gone.has(participantId)) return;
    this.#gone.add(participantId);
    this.say(this.#who(p), 'left');
  }

  recordingStopped(): void {
    this.say(t('announceRecordingStopped'), 'recording-stopped');
  }

  say(text: string, kind: 'left' | 'back' | 'recording-stopped'): void {
    const message =
      kind === 'left'
        ? `${text}${lang() === 'en' ? ' ' : ''}${t('announceLeft')}`
        : kind === 'back'
          ? `${text}${lang() === 'en' ? ' ' : ''}${t('announceBack')}`
          : text;
    const item = el('p', { class: 'announcement', 'data-kind': kind }, message);
    this.element.append(item);
    while (this.element.childElementCount > MAX_SHOWN) this.element.firstElementChild?.remove();
    setTimeout(() => item.remove(), SHOWN_MS);
  }

  #who(p: ParticipantInfo): string {
    const side = sideLabel(p.role, p.side);
    return lang() === 'en' ? `${p.displayName} (${side})` : `${p.displayName}（${side}）`;
  }
}
