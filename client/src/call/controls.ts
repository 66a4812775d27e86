/**
 * The controls bar of the call page: microphone and camera (the microphone
 * locked while the mediator has muted this participant), raise hand,
 * recording (mediator), screen share, join or leave, and one's own
 * connection quality.
 */
import type { CallStatus } from './CallClient.js';
import { el } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { qualityText } from './floor/labels.js';
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
  /** The mediator's recording button, if any. */
  recordButton: HTMLElement | undefined;
  /** Leaving asked for: the confirmation, in place of the leave button. */
  leaveConfirm?: HTMLElement | undefined;
}

export interface ControlsActions {
  toggleMic(): void;
  toggleCamera(): void;
  raiseHand(raised: boolean): void;
  toggleScreenShare(): void;
  join(): void;
  leave(): void;
}

/**
 * The join button is one element for the page's life, moved into each new
 * bar: the page re-renders when the invitation exchange or the devices
 * answer, and a tap whose press and release landed on two different
 * buttons (the old one replaced in between) was lost.
 */
let joinButton: HTMLButtonElement | undefined;
let joinAction: () => void = () => undefined;

function joinButtonElement(): HTMLButtonElement {
  const join = el('button', { class: 'primary', 'data-testid': 'join' }, t('join'));
  join.onclick = () => joinAction();
  return join;
}

export function controlsBar(s: ControlsState, act: ControlsActions): HTMLElement {
  const bar = el('nav', { class: 'controls', 'aria-label': t('callControls') });
  if (s.hasMic) {
    const mic = el(
      'button',
      {
        'data-testid': 'toggle-mic',
        'aria-pressed': String(!s.micMuted),
        ...(s.mutedByMediator ? { 'aria-describedby': 'control-message' } : {}),
      },
      s.mutedByMediator ? t('micLockedByMediator') : s.micMuted ? t('micOff') : t('micOn'),
    );
    // Unmuting is the mediator's to allow; muting oneself stays possible.
    mic.disabled = s.mutedByMediator && s.micMuted;
    mic.onclick = () => act.toggleMic();
    bar.append(mic);
  }
  if (s.hasCam) {
    const cam = el(
      'button',
      { 'data-testid': 'toggle-camera', 'aria-pressed': String(!s.camMuted) },
      s.camMuted ? t('camOff') : t('camOn'),
    );
    cam.onclick = () => act.toggleCamera();
    bar.append(cam);
  }
  if (s.handRaised !== undefined) {
    const raised = s.handRaised;
    const hand = el(
      'button',
      { 'data-testid': 'raise-hand', 'aria-pressed': String(raised) },
      raised ? t('lowerHand') : t('raiseHand'),
    );
    hand.onclick = () => act.raiseHand(!raised);
    bar.append(hand);
  }
  if (s.recordButton) bar.append(s.recordButton);
  if (s.status === 'joined' && s.canShare) {
    const share = el(
      'button',
      { 'data-testid': 'toggle-screen' },
      s.sharing ? t('stopShare') : t('shareScreen'),
    );
    share.onclick = () => act.toggleScreenShare();
    bar.append(share);
  }
  if (s.status === 'idle' || s.status === 'failed') {
    joinAction = act.join;
    joinButton ??= joinButtonElement();
    joinButton.textContent = t('join');
    bar.append(joinButton);
  } else if (s.status === 'joining') {
    bar.append(el('button', { class: 'primary', disabled: '' }, t('joining')));
  } else if (s.leaveConfirm) {
    bar.append(s.leaveConfirm);
  } else {
    const leave = el('button', { class: 'danger', 'data-testid': 'leave' }, t('leave'));
    leave.onclick = () => act.leave();
    bar.append(leave);
  }
  if (s.inCall) {
    bar.append(
      el(
        'span',
        {
          class: 'own-quality',
          'data-testid': 'own-quality',
          'data-level': s.ownQuality ?? 'unknown',
          role: 'status',
        },
        `${t('ownConnection')}${qualityText(s.ownQuality)}`,
      ),
    );
  }
  const message = s.message ?? (s.mutedByMediator ? t('mutedByMediatorHint') : undefined);
  if (message)
    bar.append(
      el('p', { class: 'control-message', id: 'control-message', role: 'status' }, message),
    );
  return bar;
}
