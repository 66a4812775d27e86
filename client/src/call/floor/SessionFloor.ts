/**
 * The floor of a live session as this page knows it: who waits to be
 * admitted (mediators), the caucus in progress, the lock, the chat and each
 * participant's connection quality (mediators). Fed by the join results and
 * the server's notifications; the mediator's actions are requests the server
 * decides on.
 */
import type {
  CaucusState,
  ChatMessage,
  JoinResult,
  ParticipantInfo,
  RequestOf,
} from '../../../../signaling/contract.js';
import type { SignalingClient } from '../../shared/signaling.js';

/** What the page redraws when the floor changes. */
export type FloorChange = 'waiting' | 'caucus' | 'locked' | 'chat' | 'quality';

export interface QualityReport {
  score: number;
  at: number;
}

export class SessionFloor {
  readonly #signaling: SignalingClient;
  readonly #onChange: (change: FloorChange) => void;
  readonly #waiting = new Map<string, ParticipantInfo>();
  readonly #quality = new Map<string, QualityReport>();
  #caucus: CaucusState | null = null;
  #locked = false;
  #chat: ChatMessage[] = [];
  #selfId: string | undefined;

  constructor(signaling: SignalingClient, onChange: (change: FloorChange) => void) {
    this.#signaling = signaling;
    this.#onChange = onChange;
    const s = signaling;
    s.on('admission:knock', (p) => {
      this.#waiting.set(p.participantId, p);
      onChange('waiting');
    });
    // Admitted (now in the call) or gone (left, refused): no longer waiting.
    s.on('participant:joined', ({ participantId }) => this.#unwait(participantId));
    s.on('participant:left', ({ participantId }) => {
      this.#quality.delete(participantId);
      this.#unwait(participantId);
    });
    s.on('participant:updated', (p) => {
      if (!this.#waiting.has(p.participantId)) return;
      this.#waiting.set(p.participantId, p);
      onChange('waiting');
    });
    s.on('caucus:state', ({ caucus }) => {
      this.#caucus = caucus;
      onChange('caucus');
    });
    s.on('session:locked', ({ locked }) => {
      this.#locked = locked;
      onChange('locked');
    });
    s.on('chat:message', (m) => this.#addChat(m));
    s.on('quality:update', ({ participantId, score }) => {
      this.#quality.set(participantId, { score, at: Date.now() });
      onChange('quality');
    });
  }

  /** A join result (first join, reconnect, or admission) replaces what the page knew. */
  reset(join: JoinResult): void {
    this.#selfId = join.self.participantId;
    this.#waiting.clear();
    for (const p of join.waiting) this.#waiting.set(p.participantId, p);
    this.#caucus = join.caucus;
    this.#locked = join.locked;
    this.#chat = [...join.chat];
    for (const change of ['waiting', 'caucus', 'locked', 'chat'] as const) this.#onChange(change);
  }

  #unwait(participantId: string): void {
    if (this.#waiting.delete(participantId)) this.#onChange('waiting');
  }

  #addChat(m: ChatMessage): void {
    if (this.#chat.some((c) => c.id === m.id)) return;
    this.#chat.push(m);
    this.#onChange('chat');
  }

  get waiting(): ParticipantInfo[] {
    return [...this.#waiting.values()];
  }

  get caucus(): CaucusState | null {
    return this.#caucus;
  }

  get locked(): boolean {
    return this.#locked;
  }

  get chat(): readonly ChatMessage[] {
    return this.#chat;
  }

  /** Where a participant is while a caucus runs: inside with the mediator, or outside. */
  inCaucus(participantId: string, role: ParticipantInfo['role']): boolean {
    if (!this.#caucus) return false;
    return role === 'mediator' || this.#caucus.participantIds.includes(participantId);
  }

  /**
   * The latest mediasoup score (0 bad … 10 good) of a participant's media.
   * The server reports changes only, so a steady connection keeps its last score.
   */
  quality(participantId: string): number | undefined {
    return this.#quality.get(participantId)?.score;
  }

  // ── requests (the server checks that the sender may make them) ──────────

  /** `overrideReason`: admits someone whose identity is not confirmed, and says why. */
  admit(participantId: string, overrideReason?: string): Promise<unknown> {
    return this.#signaling.request('admission:admit', {
      participantId,
      ...(overrideReason ? { overrideReason } : {}),
    });
  }

  refuse(participantId: string, reason?: string): Promise<unknown> {
    return this.#signaling.request('admission:refuse', {
      participantId,
      ...(reason ? { reason } : {}),
    });
  }

  verifyIdentity(request: RequestOf<'identity:verify'>): Promise<unknown> {
    return this.#signaling.request('identity:verify', request);
  }

  mute(participantId: string): Promise<unknown> {
    return this.#signaling.request('moderation:mute', { participantId });
  }

  muteAll(): Promise<{ muted: number }> {
    return this.#signaling.request('moderation:muteAll', {});
  }

  allowUnmute(participantId: string): Promise<unknown> {
    return this.#signaling.request('moderation:allowUnmute', { participantId });
  }

  remove(participantId: string, reason?: string): Promise<unknown> {
    return this.#signaling.request('moderation:remove', {
      participantId,
      ...(reason ? { reason } : {}),
    });
  }

  async setLocked(locked: boolean): Promise<void> {
    this.#locked = (await this.#signaling.request('session:lock', { locked })).locked;
    this.#onChange('locked');
  }

  async startCaucus(participantIds: string[], record: boolean): Promise<void> {
    this.#caucus = (
      await this.#signaling.request('caucus:start', { participantIds, record })
    ).caucus;
    this.#onChange('caucus');
  }

  async endCaucus(): Promise<void> {
    await this.#signaling.request('caucus:end', {});
    this.#caucus = null;
    this.#onChange('caucus');
  }

  raiseHand(raised: boolean): Promise<unknown> {
    return this.#signaling.request('hand:raise', { raised });
  }

  async sendChat(text: string): Promise<void> {
    this.#addChat((await this.#signaling.request('chat:send', { text })).message);
  }

  get selfId(): string | undefined {
    return this.#selfId;
  }
}
