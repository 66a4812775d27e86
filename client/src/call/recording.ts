/**
 * Recording on the call page: the mediator's start/stop control, the notice
 * each participant must acknowledge before their media is recorded, the
 * indicator everyone sees while a recording is on, and withdrawing consent
 * (drawn by view/RecordingIndicator.vue and view/RecordingNotice.vue from
 * `view()`). The server decides who is recorded; this page keeps its state
 * and sends the participant's choice.
 */
import type { ParticipantInfo, RecordingState } from '../../../signaling/contract.js';

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
  /** Re-renders the page. */
  onChange(): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the page's Vue parts (view/RecordingIndicator.vue, view/RecordingNotice.vue) show. */
export interface RecordingView {
  state: RecordingState;
  own: OwnRecordingStatus;
  /** Whether this role starts and stops recordings (it stops, never withdraws). */
  controls: boolean;
  /** For that role: who has not agreed yet, by name. */
  pending: readonly string[];
  /** This participant closed the notice without agreeing. */
  declined: boolean;
  /** The notice is due: pending and not declined. */
  notice: boolean;
  busy: boolean;
  error: string | null;
}

/** What the Vue parts ask of the recording. */
export interface RecordingActions {
  /** Opens the notice again after declining it. */
  reopen(): void;
  decline(recordingId: string): void;
  /** Rejects with the server's refusal, for the notice to say. */
  acknowledge(recordingId: string): Promise<void>;
  /** Resolves true once withdrawn; a failure is shown in the indicator. */
  withdraw(recordingId: string): Promise<boolean>;
}

export class SessionRecording implements RecordingActions {
  #state: RecordingState | null = null;
  /** The recording whose notice this participant closed without agreeing. */
  #declinedFor: string | undefined;
  #busy = false;
  #error: string | null = null;
  readonly #host: RecordingHost;

  constructor(host: RecordingHost) {
    this.#host = host;
  }

  get state(): RecordingState | null {
    return this.#state;
  }

  /** A new state from the server (join result, notification or reply). */
  update(state: RecordingState | null): void {
    if (state?.recordingId !== this.#state?.recordingId) this.#error = null;
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

  /** Whether the notice is due now (the view shows it; the page under it is inert). */
  noticeVisible(): boolean {
    const s = this.#state;
    return (
      s !== null &&
      this.#host.inCall() &&
      this.ownStatus() === 'pending' &&
      this.#declinedFor !== s.recordingId
    );
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

  /** While a recording is on and the page is in the call: what the indicator and notice show. */
  view(): RecordingView | null {
    const s = this.#state;
    if (!s || !this.#host.inCall()) return null;
    const controls = this.#host.canControl();
    return {
      state: s,
      own: this.ownStatus(),
      controls,
      pending: controls
        ? this.#host
            .others()
            .filter((p) => !s.consented.includes(p.participantId))
            .map((p) => p.displayName)
        : [],
      declined: this.#declinedFor === s.recordingId,
      notice: this.noticeVisible(),
      busy: this.#busy,
      error: this.#error,
    };
  }

  reopen(): void {
    this.#declinedFor = undefined;
    this.#host.onChange();
  }

  decline(recordingId: string): void {
    this.#declinedFor = recordingId;
    this.#host.onChange();
  }

  async acknowledge(recordingId: string): Promise<void> {
    try {
      this.update(await this.#host.acknowledge(recordingId));
    } catch (error) {
      throw new Error(errorText(error));
    }
  }

  withdraw(recordingId: string): Promise<boolean> {
    return this.#run(async () => this.update(await this.#host.withdraw(recordingId)));
  }

  async #run(action: () => Promise<unknown>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    this.#host.onChange();
    try {
      const result = await action();
      if (result && typeof result === 'object' && 'recordingId' in result)
        this.update(result as RecordingState);
      return true;
    } catch (error) {
      this.#error = errorText(error);
      return false;
    } finally {
      this.#busy = false;
      this.#host.onChange();
    }
  }
}
