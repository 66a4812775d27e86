/**
 * The controls bar of the call page: microphone and camera (the microphone
 * locked while the mediator has muted this participant), raise hand,
 * recording (mediator), screen share, join or leave, and one's own
 * connection quality. In the call it is view/ControlsBar.vue; the first
 * screen, before the Vue parts have loaded, has `FirstScreenControls`.
 */
import type { CallStatus } from './CallClient.js';
import { el } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import type { QualityLevel } from './ConnectionQuality.js';

export interface ControlsState {
  status: CallStatus;
  inCall: boolean;
  hasMic: boolean;
  hasCam: boolean;
  micMuted: boolean;
  camMuted: boolean;
  mutedByMediator: boolean;
  /** Undefined when the page may not raise a hand (not in the call, or the mediator). */
  handRaised: boolean | undefined;
  canShare: boolean;
  sharing: boolean;
  ownQuality: QualityLevel | undefined;
  /** A message under the controls (a refused unmute, a failed action). */
  message: string | undefined;
  /** The mediator's recording button, if any: whether a recording is on, a request under way. */
  record: { on: boolean; busy: boolean } | undefined;
  /** Leaving asked for: the confirmation, in place of the leave button. */
  confirmingLeave: boolean;
}

export interface ControlsActions {
  toggleMic(): void;
  toggleCamera(): void;
  raiseHand(raised: boolean): void;
  toggleRecording(): void;
  toggleScreenShare(): void;
  join(): void;
  leave(): void;
  confirmLeave(): void;
  cancelLeave(): void;
}

/** The microphone button's text: locked by the mediator, off or on. */
export function micText(s: Pick<ControlsState, 'mutedByMediator' | 'micMuted'>): string {
  return s.mutedByMediator ? t('micLockedByMediator') : s.micMuted ? t('micOff') : t('micOn');
}

/** The message under the controls, if any. */
export function controlMessage(s: Pick<ControlsState, 'message' | 'mutedByMediator'>) {
  return s.message ?? (s.mutedByMediator ? t('mutedByMediatorHint') : undefined);
}

/**
 * The first screen's bar (microphone, camera, join), built once and
 * updated in place: the page redraws when the invitation exchange or the
 * devices answer, and a tap whose press and release landed on two
 * different buttons (one replaced in between) would be lost.
 */
export class FirstScreenControls {
  readonly element = el('nav', { class: 'controls' });
  readonly #mic = el('button', { 'data-testid': 'toggle-mic' });
  readonly #cam = el('button', { 'data-testid': 'toggle-camera' });
  readonly #join = el('button', { class: 'primary', 'data-testid': 'join' });
  readonly #joining = el('button', { class: 'primary', disabled: '' });
  readonly #message = el('p', { class: 'control-message', id: 'control-message', role: 'status' });

  constructor(act: Pick<ControlsActions, 'toggleMic' | 'toggleCamera' | 'join'>) {
    this.#mic.onclick = () => act.toggleMic();
    this.#cam.onclick = () => act.toggleCamera();
    this.#join.onclick = () => act.join();
  }

  /** The bar for `s`: the same buttons every time, those that apply, in place. */
  update(s: ControlsState): HTMLElement {
    this.element.setAttribute('aria-label', t('callControls'));
    this.#mic.textContent = micText(s);
    this.#mic.setAttribute('aria-pressed', String(!s.micMuted));
    if (s.mutedByMediator) this.#mic.setAttribute('aria-describedby', 'control-message');
    else this.#mic.removeAttribute('aria-describedby');
    // Unmuting is the mediator's to allow; muting oneself stays possible.
    this.#mic.disabled = s.mutedByMediator && s.micMuted;
    this.#cam.textContent = s.camMuted ? t('camOff') : t('camOn');
    this.#cam.setAttribute('aria-pressed', String(!s.camMuted));
    this.#join.textContent = t('join');
    this.#joining.textContent = t('joining');
    const message = controlMessage(s);
    this.#message.textContent = message ?? '';
    const shown: HTMLElement[] = [];
    if (s.hasMic) shown.push(this.#mic);
    if (s.hasCam) shown.push(this.#cam);
    shown.push(s.status === 'idle' || s.status === 'failed' ? this.#join : this.#joining);
    if (message) shown.push(this.#message);
    this.element.replaceChildren(...shown);
    return this.element;
  }
}
