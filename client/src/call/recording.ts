/**
 * Recording on the call page: the mediator's start/stop control, the notice
 * each participant must acknowledge before their media is recorded (a modal
 * dialog, Chinese first), the indicator everyone sees while a recording is
 * on, and withdrawing consent. The server decides who is recorded; this
 * page shows its state and sends the participant's choice.
 */
import type { ParticipantInfo, RecordingState } from '../../../signaling/contract.js';
import { el } from '../shared/dom.js';
import { lang, setLang, t } from '../shared/i18n.js';

/** Where this participant stands in the recording in progress. */
export type OwnRecordingStatus = 'none' | 'recorded' | 'pending' | 'withdrawn';

export interface RecordingHost {
  /** This participant's id, once joined. */
  selfId(): string | undefined;
  /** Whether the role may start and stop recordings (`recording.control`). */
  canControl(): boolean;
  /** Whether the page is in the session (the notice is shown only then). */
  inCall(): boolean;
  /** Everyone else in the session. */
  others(): ParticipantInfo[];
  start(): Promise<RecordingState>;
  stop(): Promise<void>;
  acknowledge(recordingId: string): Promise<RecordingState>;
  withdraw(recordingId: string): Promise<RecordingState>;
  /** The page content under the dialog, made inert while the dialog is open. */
  background: HTMLElement;
  /** Re-renders the page. */
  onChange(): void;
}

/** The notice, in both languages whatever the page's language: Chinese first. */
const NOTICE = {
  titleZh: '录制告知',
  titleEn: 'Recording notice',
  bodyZh: (by: string) =>
    `调解员${by}已开始录制。本次调解将被录音录像。录制内容将存入案卷，可能提交法院或仲裁机构。确认后开始录制您的音视频；不同意的，您仍可继续参加调解，您的音视频不会被录制，调解员会看到您尚未同意。同意后可随时撤回。`,
  bodyEn: (by: string) =>
    `The mediator ${by} has started recording. This mediation will be recorded (audio and video). The recording is kept in the case file and may be submitted to a court or an arbitration commission. Your audio and video are recorded only after you confirm. If you do not agree, you stay in the mediation unrecorded and the mediator sees that you have not agreed. You may withdraw your consent at any time.`,
  agreeZh: '我已知悉并同意',
  agreeEn: 'I acknowledge and agree',
  declineZh: '不同意',
  declineEn: 'I do not agree',
} as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SessionRecording {
  #state: RecordingState | null = null;
  /** The recording whose notice this participant closed without agreeing. */
  #declinedFor: string | undefined;
  #confirmingWithdraw = false;
  /** A bar button to focus after the next rebuild (the confirm step opened or closed). */
  #focusNext: string | undefined;
  #busy = false;
  #error: string | null = null;
  #dialog: { recordingId: string; node: HTMLElement } | undefined;
  /** Where focus returns when the dialog closes. */
  #returnFocus: HTMLElement | null = null;
  readonly #host: RecordingHost;
  readonly #bar = el('section', {
    class: 'recording-bar',
    'data-testid': 'recording-indicator',
    'aria-label': t('recOn'),
    tabindex: '-1',
  });
  #barSignature = '';

  constructor(host: RecordingHost) {
    this.#host = host;
  }

  get state(): RecordingState | null {
    return this.#state;
  }

  /** A new state from the server (join result, notification or reply). */
  update(state: RecordingState | null): void {
    if (state?.recordingId !== this.#state?.recordingId) {
      this.#confirmingWithdraw = false;
      this.#error = null;
    }
    this.#state = state;
    if (!state) this.#declinedFor = undefined;
    this.#host.onChange();
  }

  ownStatus(): OwnRecordingStatus {
    const s = this.#state;
    const self = this.#host.selfId();
    if (!s || !self) return 'none';
    if (s.withdrawn.includes(self)) return 'withdrawn';
    return s.consented.includes(self) ? 'recorded' : 'pending';
  }

  noticeVisible(): boolean {
    return this.#dialog !== undefined;
  }

  /** The mediator's start/stop button for the controls bar: whether a recording is on, busy. */
  control(): { on: boolean; busy: boolean } | undefined {
    if (!this.#host.canControl() || !this.#host.inCall()) return undefined;
    return { on: this.#state !== null, busy: this.#busy };
  }

  /** The mediator's button pressed: starts a recording, or stops the one on. */
  toggle(): void {
    const on = this.#state !== null;
    void this.#run(() => (on ? this.#host.stop() : this.#host.start()));
  }

  /**
   * The indicator while a recording is on, updated in place so a button
   * being pressed is not replaced under the finger.
   */
  indicator(): HTMLElement | undefined {
    const s = this.#state;
    if (!s || !this.#host.inCall()) return undefined;
    const own = this.ownStatus();
    const pending = this.#host.canControl()
      ? this.#host
          .others()
          .filter((p) => !s.consented.includes(p.participantId))
          .map((p) => p.displayName)
      : [];
    const signature = JSON.stringify([
      lang(),
      s,
      own,
      pending,
      this.#declinedFor === s.recordingId,
      this.#confirmingWithdraw,
      this.#busy,
      this.#error,
    ]);
    if (signature !== this.#barSignature) {
      this.#barSignature = signature;
      this.#renderBar(s, own, pending);
    }
    return this.#bar;
  }

  #renderBar(s: RecordingState, own: OwnRecordingStatus, pending: string[]): void {
    const bar = this.#bar;
    bar.setAttribute('aria-label', t('recOn'));
    bar.replaceChildren();
    const line = el('p', { class: 'recording-line', role: 'status' });
    line.append(
      el('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
      el('strong', {}, t('recOn')),
      ' · ',
    );
    const ownText =
      own === 'recorded'
        ? t('recSelfRecorded')
        : own === 'withdrawn'
          ? t('recSelfWithdrawn')
          : t('recSelfPending');
    line.append(el('span', { 'data-testid': 'recording-own-status', 'data-status': own }, ownText));
    bar.append(line);
    const started = new Date(s.startedAt).toLocaleTimeString(lang(), {
      hour: '2-digit',
      minute: '2-digit',
    });
    bar.append(
      el('p', { class: 'recording-meta' }, `${t('recStartedBy')}${s.startedByName} · ${started}`),
    );
    if (this.#host.canControl()) {
      bar.append(
        el(
          'p',
          { class: 'recording-meta', 'data-testid': 'recording-pending' },
          pending.length > 0 ? `${t('recPendingList')}${pending.join('、')}` : t('recAllConsented'),
        ),
      );
    }
    if (own === 'pending' && this.#declinedFor === s.recordingId) {
      bar.append(
        el(
          'p',
          { class: 'recording-meta', 'data-testid': 'recording-declined' },
          t('recSelfDeclined'),
        ),
      );
    }
    const actions = el('div', { class: 'recording-actions' });
    if (own === 'pending') {
      const reopen = el(
        'button',
        { class: 'small', 'data-testid': 'recording-reopen' },
        t('recReopen'),
      );
      reopen.onclick = () => {
        this.#declinedFor = undefined;
        this.#returnFocus = reopen;
        this.#host.onChange();
      };
      actions.append(reopen);
    }
    // The mediator ends their own recording with "stop", not by withdrawing.
    if (own === 'recorded' && !this.#host.canControl()) {
      if (this.#confirmingWithdraw) {
        const confirm = el('div', {
          class: 'recording-confirm',
          role: 'group',
          'aria-labelledby': 'recording-confirm-text',
        });
        const yes = el(
          'button',
          { class: 'small danger', 'data-testid': 'recording-withdraw-confirm' },
          t('recWithdrawYes'),
        );
        yes.disabled = this.#busy;
        yes.onclick = () =>
          void this.#run(async () => {
            await this.#host.withdraw(s.recordingId).then((next) => this.update(next));
            this.#confirmingWithdraw = false;
          });
        const no = el(
          'button',
          { class: 'small', 'data-testid': 'recording-withdraw-cancel' },
          t('cancel'),
        );
        no.onclick = () => {
          this.#confirmingWithdraw = false;
          this.#focusNext = 'recording-withdraw';
          this.#host.onChange();
        };
        confirm.append(el('p', { id: 'recording-confirm-text' }, t('recWithdrawConfirm')), yes, no);
        actions.append(confirm);
      } else {
        const withdraw = el(
          'button',
          { class: 'small', 'data-testid': 'recording-withdraw' },
          t('recWithdraw'),
        );
        withdraw.onclick = () => {
          this.#confirmingWithdraw = true;
          this.#focusNext = 'recording-withdraw-cancel';
          this.#host.onChange();
        };
        actions.append(withdraw);
      }
    }
    if (actions.childElementCount > 0) bar.append(actions);
    if (this.#error) {
      bar.append(el('p', { class: 'error', role: 'alert' }, `${t('recFailed')}${this.#error}`));
    }
    const focus = this.#focusNext;
    this.#focusNext = undefined;
    // After the render has placed the bar in the page.
    if (focus)
      queueMicrotask(() => bar.querySelector<HTMLElement>(`[data-testid="${focus}"]`)?.focus());
  }

  /** Opens or closes the notice to match the state; called after every render. */
  sync(): void {
    const s = this.#state;
    const show =
      s !== null &&
      this.#host.inCall() &&
      this.ownStatus() === 'pending' &&
      this.#declinedFor !== s.recordingId;
    if (show && this.#dialog?.recordingId !== s.recordingId) {
      this.#closeDialog();
      this.#openDialog(s);
    } else if (!show && this.#dialog) {
      this.#closeDialog();
    }
  }

  #openDialog(s: RecordingState): void {
    const overlay = el('div', { class: 'modal-backdrop' });
    const dialog = el('div', {
      class: 'modal recording-notice',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'recording-notice-title',
      'aria-describedby': 'recording-notice-zh recording-notice-en',
      'data-testid': 'recording-notice',
    });
    const title = el('h2', { id: 'recording-notice-title', tabindex: '-1' });
    title.append(
      el('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
      el('span', { lang: 'zh-CN', class: 'zh' }, NOTICE.titleZh),
      el('span', { lang: 'en', class: 'en' }, NOTICE.titleEn),
    );
    const zh = el(
      'p',
      { id: 'recording-notice-zh', lang: 'zh-CN', class: 'zh' },
      NOTICE.bodyZh(s.startedByName),
    );
    const en = el(
      'p',
      { id: 'recording-notice-en', lang: 'en', class: 'en' },
      NOTICE.bodyEn(s.startedByName),
    );
    const error = el('p', { class: 'error', role: 'alert' });
    const agree = bilingualButton(NOTICE.agreeZh, NOTICE.agreeEn, {
      class: 'primary',
      'data-testid': 'recording-acknowledge',
    });
    const decline = bilingualButton(NOTICE.declineZh, NOTICE.declineEn, {
      'data-testid': 'recording-decline',
    });
    agree.onclick = () => {
      agree.disabled = decline.disabled = true;
      error.textContent = '';
      void this.#host
        .acknowledge(s.recordingId)
        .then((next) => this.update(next))
        .catch((e: unknown) => {
          error.textContent = `${t('recFailed')}${errorText(e)}`;
          agree.disabled = decline.disabled = false;
        });
    };
    decline.onclick = () => this.#decline(s.recordingId);
    const buttons = el('div', { class: 'modal-actions' });
    buttons.append(decline, agree);
    // The page's language switch is under the dialog (inert): the notice has its own.
    const switchLang = el(
      'button',
      {
        type: 'button',
        class: 'link notice-lang',
        'data-testid': 'notice-lang',
        lang: lang() === 'en' ? 'zh-CN' : 'en',
      },
      t('language'),
    );
    switchLang.onclick = () => {
      setLang(lang() === 'en' ? 'zh-CN' : 'en');
      switchLang.textContent = t('language');
      switchLang.lang = lang() === 'en' ? 'zh-CN' : 'en';
      this.#host.onChange();
    };
    dialog.append(title, switchLang, zh, en, error, buttons);
    // Escape is a refusal, never a silent agreement; Tab stays inside the dialog.
    dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.#decline(s.recordingId);
      } else if (e.key === 'Tab') {
        const focusable = [switchLang, decline, agree].filter((b) => !b.disabled);
        const first = focusable[0];
        const last = focusable.at(-1);
        if (!first || !last) return;
        if (e.shiftKey && (document.activeElement === first || document.activeElement === title)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    overlay.append(dialog);
    if (!this.#returnFocus && document.activeElement instanceof HTMLElement)
      this.#returnFocus = document.activeElement;
    document.body.append(overlay);
    this.#host.background.inert = true;
    this.#dialog = { recordingId: s.recordingId, node: overlay };
    // The heading takes focus, so the notice is read first and Enter agrees to nothing.
    title.focus();
  }

  #decline(recordingId: string): void {
    this.#declinedFor = recordingId;
    this.#host.onChange();
  }

  #closeDialog(): void {
    if (!this.#dialog) return;
    this.#dialog.node.remove();
    this.#dialog = undefined;
    this.#host.background.inert = false;
    const back = this.#returnFocus;
    this.#returnFocus = null;
    // The element that had focus may have been re-rendered away: the indicator then.
    if (back?.isConnected) back.focus();
    else if (this.#bar.isConnected) this.#bar.focus();
  }

  async #run(action: () => Promise<unknown>): Promise<void> {
    this.#busy = true;
    this.#error = null;
    this.#host.onChange();
    try {
      const result = await action();
      if (result && typeof result === 'object' && 'recordingId' in result)
        this.update(result as RecordingState);
    } catch (error) {
      this.#error = errorText(error);
    } finally {
      this.#busy = false;
      this.#host.onChange();
    }
  }
}

function bilingualButton(zh: string, en: string, attrs: Record<string, string>): HTMLButtonElement {
  const button = el('button', {
    type: 'button',
    ...attrs,
    class: `bilingual ${attrs['class'] ?? ''}`.trim(),
  });
  button.append(
    el('span', { lang: 'zh-CN', class: 'zh' }, zh),
    el('span', { lang: 'en', class: 'en' }, en),
  );
  return button;
}
