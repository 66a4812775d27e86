/**
 * The session chat: everyone admitted reads and writes; messages sent in a
 * caucus are marked confidential and seen only inside it. The chat is kept
 * in the case record. Built once and updated in place, so a message arriving
 * never takes the text being typed or the focus away.
 */
import type { ChatMessage } from '../../../../signaling/contract.js';
import { el } from '../../shared/dom.js';
import { lang, t } from '../../shared/i18n.js';
import { roleLabel } from './labels.js';
import type { SessionFloor } from './SessionFloor.js';

export class ChatPanel {
  readonly #floor: SessionFloor;
  readonly #root = el('section', {
    class: 'chat',
    'data-testid': 'chat',
    'aria-labelledby': 'chat-title',
  });
  readonly #title = el('h2', { id: 'chat-title' });
  readonly #note = el('p', { class: 'hint' });
  readonly #list = el('ol', { class: 'chat-list', 'aria-live': 'polite', tabindex: '0' });
  readonly #input = el('textarea', {
    id: 'chat-input',
    rows: '2',
    maxlength: '2000',
    'data-testid': 'chat-input',
  });
  readonly #label = el('label', { for: 'chat-input', class: 'visually-hidden' });
  readonly #send = el('button', {
    type: 'submit',
    class: 'primary small',
    'data-testid': 'chat-send',
  });
  readonly #error = el('p', { class: 'error', role: 'alert' });
  #shown = 0;
  #lang = '';
  /** The list shown; a join result (reconnect, admission) brings a new one. */
  #source: readonly ChatMessage[] | undefined;

  constructor(floor: SessionFloor) {
    this.#floor = floor;
    const form = el('form', { class: 'chat-form' });
    form.append(this.#label, this.#input, this.#send);
    form.onsubmit = (e) => {
      e.preventDefault();
      void this.#submit();
    };
    // Enter sends, Shift+Enter starts a new line (IME composition is left alone).
    this.#input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.#submit();
      }
    });
    this.#root.append(this.#title, this.#list, form, this.#error, this.#note);
  }

  async #submit(): Promise<void> {
    const text = this.#input.value.trim();
    if (!text) return;
    this.#send.disabled = true;
    this.#error.textContent = '';
    try {
      await this.#floor.sendChat(text);
      this.#input.value = '';
    } catch (error) {
      this.#error.textContent = `${t('actionFailed')}${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.#send.disabled = false;
    }
  }

  /** Brings the panel up to date (new messages, language) and returns it. */
  element(): HTMLElement {
    const messages = this.#floor.chat;
    if (this.#lang !== lang() || messages !== this.#source) {
      this.#source = messages;
      this.#lang = lang();
      this.#title.textContent = t('chatTitle');
      this.#note.textContent = t('chatRecordNote');
      this.#label.textContent = t('chatInput');
      this.#input.placeholder = t('chatPlaceholder');
      this.#send.textContent = t('chatSend');
      this.#list.replaceChildren();
      this.#shown = 0;
    }
    const atBottom = this.#list.scrollTop + this.#list.clientHeight >= this.#list.scrollHeight - 8;
    for (const m of messages.slice(this.#shown)) this.#list.append(this.#item(m));
    this.#shown = messages.length;
    if (messages.length === 0 && this.#list.childElementCount === 0)
      this.#list.append(el('li', { class: 'muted empty' }, t('chatEmpty')));
    else this.#list.querySelector('.empty')?.remove();
    if (atBottom) this.#list.scrollTop = this.#list.scrollHeight;
    return this.#root;
  }

  #item(m: ChatMessage): HTMLElement {
    const li = el('li', { 'data-testid': 'chat-message', 'data-message': m.id });
    if (m.participantId === this.#floor.selfId) li.classList.add('own');
    const time = new Date(m.sentAt).toLocaleTimeString(lang(), {
      hour: '2-digit',
      minute: '2-digit',
    });
    const head = el('div', { class: 'chat-head' });
    head.append(el('strong', {}, m.displayName), ` · ${roleLabel(m.role)} · ${time}`);
    if (m.confidential) head.append(' ', el('span', { class: 'tag caucus' }, t('confidential')));
    li.append(head, el('p', {}, m.text));
    return li;
  }
}
