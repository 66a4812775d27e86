/**
 * The mediator's floor of one live session: the waiting room and admission,
 * identity checks, moderation (mute, removal, lock), raised hands, the
 * caucus as two rooms, and the chat. Plain domain logic, without media or
 * transport: it knows participants as members with a channel, and asks the
 * session that hosts it (LiveSession) for what touches media — holding a
 * microphone, re-routing after the rooms change, taking someone out. The
 * host asks it in turn whether media may flow between two participants
 * (`mayFlow`) and who may hear what.
 */
import type {
  CaucusState,
  ChatMessage,
  NotificationMap,
  NotificationName,
} from '../../signaling/index.js';
import { can } from '../../signaling/index.js';
import { fail, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FloorMember, ParticipantIdentity } from './FloorMember.js';
import { SessionMemory } from './SessionMemory.js';

/** The mediator's actions, and chat, as observers of the session see them. */
export interface FloorEvent {
  kind:
    | 'admitted'
    | 'refused'
    | 'identity-checked'
    | 'muted'
    | 'unmute-allowed'
    | 'removed'
    | 'locked'
    | 'unlocked'
    | 'caucus-started'
    | 'caucus-ended'
    | 'chat';
  by: ParticipantIdentity;
  target?: ParticipantIdentity;
  detail?: Record<string, unknown>;
  at: string;
}

/** A session whose floor can be observed (the floor log); LiveSession is one. */
export interface ObservableFloor {
  readonly sessionId: string;
  readonly caseId: string;
  /** Observes until the session closes; returns the function that stops observing. */
  addListener(listener: { floor?(event: FloorEvent): void }): () => void;
}

/** A private phase (caucus) as the recorder learns of it. */
export type PrivatePhase = { participantIds: string[]; recorded: boolean } | null;

/** What the floor asks of the session hosting it. */
export interface FloorHost<M extends FloorMember> {
  /** Holds the member's microphone on the server (a mute): what they send goes nowhere. */
  silence(member: M): Promise<void>;
  /** Pauses or resumes media as the rooms now require (see `mayFlow`). */
  reroute(): Promise<void>;
  /** Tells every admitted member who speaks in their room (the rooms changed). */
  announceSpeakers(): void;
  /** Takes the member out of the session and ends their connection (refused, removed). */
  dismiss(member: M): void;
  /**
   * Sends the member, just admitted, the session as they may now see it
   * (`admission:granted`), with their receive side if they asked for it.
   */
  admitted(member: M): void;
  /** The mediator did something the case record keeps. */
  floorEvent(event: FloorEvent): void;
  /** A caucus began (with who is in it) or ended (null). */
  privatePhase(phase: PrivatePhase): void;
}

export interface SessionFloorOptions<M extends FloorMember> {
  /** The session's participants, owned by the host; the floor reads them. */
  members: ReadonlyMap<string, M>;
  host: FloorHost<M>;
  memory?: SessionMemory;
  logger: Logger;
  now?: () => Date;
  newId?: () => string;
}

export class SessionFloor<M extends FloorMember> {
  readonly #members: ReadonlyMap<string, M>;
  readonly #host: FloorHost<M>;
  readonly #memory: SessionMemory;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #newId: () => string;

  constructor(options: SessionFloorOptions<M>) {
    this.#members = options.members;
    this.#host = options.host;
    this.#memory = options.memory ?? new SessionMemory();
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  }

  /** The caucus in progress; kept in the session's memory, so a reopened session is still in it. */
  get caucus(): CaucusState | null {
    return this.#memory.caucus;
  }

  get locked(): boolean {
    return this.#memory.locked;
  }

  // ── arrival ─────────────────────────────────────────────────────────────

  /**
   * Whether someone arriving goes straight in: a mediator does, and so does
   * someone admitted earlier in this session (a reconnect); everyone else
   * waits for a mediator. Throws for someone removed, and for a newcomer to
   * a locked session. `preAdmitted` is for server-side participants.
   */
  entry(identity: ParticipantIdentity, preAdmitted = false): boolean {
    const id = identity.participantId;
    if (this.#memory.removed.has(id)) throw fail('PARTICIPANT_REMOVED');
    const admitted = preAdmitted || identity.role === 'mediator' || this.#memory.admitted.has(id);
    if (!admitted && this.#memory.locked) {
      throw fail('SESSION_LOCKED');
    }
    return admitted;
  }

  /** Gives a new member their place: admitted or waiting, with the identity check remembered. */
  seat(member: M, admitted: boolean): void {
    member.identityCheck = this.#memory.identity.get(member.id) ?? 'unchecked';
    member.mutedByMediator = this.#memory.muted.has(member.id);
    member.admission = admitted ? 'admitted' : 'waiting';
    if (admitted) this.#memory.admitted.add(member.id);
  }

  /** Tells the others of a member now seated: everyone if admitted, the mediators if waiting. */
  announceArrival(member: M): void {
    if (member.admission === 'admitted') {
      this.broadcast('participant:joined', member.info(), member.id);
      member.logger.info('participant joined');
    } else {
      this.toMediators('admission:knock', member.info());
      member.logger.info('participant waiting for admission');
    }
  }

  // ── who is where ────────────────────────────────────────────────────────

  admitted(): M[] {
    return [...this.#members.values()].filter((p) => p.admission === 'admitted');
  }

  waiting(): M[] {
    return [...this.#members.values()].filter((p) => p.admission === 'waiting');
  }

  /** A joined member who was admitted; throws for someone absent or still waiting. */
  admittedMember(participantId: string): M {
    const p = this.#members.get(participantId);
    if (!p || p.closed) throw fail('NOT_JOINED');
    if (p.admission !== 'admitted') throw fail('ADMISSION_REQUIRED');
    return p;
  }

  /** Whether media may flow from `fromId` to `toId`: always, except across a caucus wall. */
  mayFlow(toId: string, fromId: string): boolean {
    return this.#roomOf(toId) === this.#roomOf(fromId);
  }

  /** The admitted members in the same room as `participantId` (evidence, chat, hands). */
  roomOf(participantId: string): M[] {
    return this.admitted().filter((p) => this.mayFlow(p.id, participantId));
  }

  #roomOf(participantId: string): 'joint' | 'caucus' {
    const caucus = this.#memory.caucus;
    if (!caucus) return 'joint';
    const p = this.#members.get(participantId);
    if (p && can(p.identity.role, 'session.moderate')) return 'caucus';
    return caucus.participantIds.includes(participantId) ? 'caucus' : 'joint';
  }

  /** Sends a notification to every admitted member, but `exceptParticipantId`. */
  broadcast<E extends NotificationName>(
    event: E,
    payload: NotificationMap[E],
    exceptParticipantId?: string,
  ): void {
    for (const p of this.#members.values()) {
      if (p.id !== exceptParticipantId && p.admission === 'admitted') {
        p.channel.notify(event, payload);
      }
    }
  }

  /** Sends a notification to the admitted mediators. */
  toMediators<E extends NotificationName>(event: E, payload: NotificationMap[E]): void {
    for (const p of this.#members.values()) {
      if (p.admission === 'admitted' && can(p.identity.role, 'session.moderate')) {
        p.channel.notify(event, payload);
      }
    }
  }

  // ── admission and identity ──────────────────────────────────────────────

  /**
   * Admits a waiting participant. Everyone but a mediator needs a confirmed
   * identity check in this session first (DOMAIN: identity is verified
   * before and at each session) — observers too: they hear everything the
   * parties say, concessions included, and a link proves possession, not
   * identity. Otherwise the mediator gives `overrideReason`, which goes
   * into the floor record (the case's audit chain) with the check's state.
   */
  admit(byId: string, participantId: string, overrideReason?: string): void {
    const by = this.#moderator(byId);
    const target = this.#target(participantId);
    if (target.admission === 'admitted') return;
    const check = this.#memory.identity.get(target.id) ?? 'unchecked';
    const reason = overrideReason?.trim();
    if (check !== 'confirmed' && !reason && !can(target.identity.role, 'session.moderate')) {
      throw fail(check === 'failed' ? 'IDENTITY_CHECK_FAILED' : 'IDENTITY_UNCHECKED');
    }
    target.admission = 'admitted';
    this.#memory.admitted.add(target.id);
    this.#host.admitted(target);
    this.broadcast('participant:joined', target.info(), target.id);
    target.logger.info({ by: by.id, identity: check, override: !!reason }, 'participant admitted');
    this.#record(
      'admitted',
      by,
      target,
      check !== 'confirmed' && reason
        ? { identity: check, identityOverride: true, overrideReason: reason }
        : { identity: check },
    );
  }

  refuse(byId: string, participantId: string, reason?: string): void {
    const by = this.#moderator(byId);
    const target = this.#target(participantId);
    if (target.admission === 'admitted') {
      throw fail('ALREADY_ADMITTED');
    }
    target.channel.notify('admission:refused', {
      detail: 'ADMISSION_REFUSED',
      ...(reason !== undefined ? { reason } : {}),
    });
    this.#record('refused', by, target, reason ? { reason } : undefined);
    this.#host.dismiss(target);
  }

  verifyIdentity(
    byId: string,
    participantId: string,
    result: 'confirmed' | 'failed',
    detail: Record<string, unknown>,
  ): void {
    const by = this.#moderator(byId);
    const target = this.#target(participantId);
    target.identityCheck = result;
    this.#memory.identity.set(target.id, result);
    const info = target.info();
    if (target.admission === 'admitted') this.toMediators('participant:updated', info);
    else this.toMediators('admission:knock', info);
    target.channel.notify('participant:updated', info);
    this.#record('identity-checked', by, target, { result, ...detail });
  }

  // ── moderation ──────────────────────────────────────────────────────────

  async mute(byId: string, participantId: string): Promise<void> {
    const by = this.#moderator(byId);
    const target = this.#admittedTarget(participantId);
    if (can(target.identity.role, 'session.moderate')) {
      throw fail('MEDIATOR_NOT_MUTABLE');
    }
    await this.#muteOne(target);
    this.#record('muted', by, target);
  }

  async muteAll(byId: string): Promise<number> {
    const by = this.#moderator(byId);
    const targets = this.admitted().filter((p) => !can(p.identity.role, 'session.moderate'));
    for (const t of targets) await this.#muteOne(t);
    this.#record('muted', by, undefined, {
      all: true,
      count: targets.length,
      participantIds: targets.map((t) => t.id),
    });
    return targets.length;
  }

  async #muteOne(target: M): Promise<void> {
    target.mutedByMediator = true;
    this.#memory.muted.add(target.id);
    await this.#host.silence(target);
    this.broadcast('participant:updated', target.info());
  }

  allowUnmute(byId: string, participantId: string): void {
    const by = this.#moderator(byId);
    const target = this.#admittedTarget(participantId);
    target.mutedByMediator = false;
    this.#memory.muted.delete(target.id);
    this.broadcast('participant:updated', target.info());
    this.#record('unmute-allowed', by, target);
  }

  /** Throws if the member may not unmute their own microphone (the mediator muted them). */
  assertMayUnmute(member: M): void {
    if (member.mutedByMediator) {
      throw fail('MUTED_BY_MEDIATOR');
    }
  }

  /** Removes a participant for the rest of the session: they cannot rejoin with the same token. */
  remove(byId: string, participantId: string, reason?: string): void {
    const by = this.#moderator(byId);
    const target = this.#target(participantId);
    if (target.id === by.id) throw fail('CANNOT_REMOVE_SELF');
    this.#memory.removed.add(target.id);
    this.#memory.admitted.delete(target.id);
    target.channel.notify('session:removed', {
      detail: 'PARTICIPANT_REMOVED',
      ...(reason !== undefined ? { reason } : {}),
    });
    this.#record('removed', by, target, reason ? { reason } : undefined);
    this.#host.dismiss(target);
  }

  isRemoved(participantId: string): boolean {
    return this.#memory.removed.has(participantId);
  }

  lock(byId: string, locked: boolean): void {
    const by = this.#moderator(byId);
    if (this.#memory.locked === locked) return;
    this.#memory.locked = locked;
    this.broadcast('session:locked', { locked });
    this.#record(locked ? 'locked' : 'unlocked', by);
  }

  raiseHand(participantId: string, raised: boolean): void {
    const p = this.admittedMember(participantId);
    p.handRaised = raised;
    // Not across a caucus wall: the side outside does not learn the side inside raised a hand.
    const told = new Set([
      ...this.roomOf(p.id),
      ...this.admitted().filter((x) => can(x.identity.role, 'session.moderate')),
    ]);
    for (const other of told) other.channel.notify('participant:updated', p.info());
  }

  // ── caucus ──────────────────────────────────────────────────────────────

  /**
   * Takes one side into a private room with the mediator, as routing state:
   * the host holds every stream across the wall on the server (nothing is
   * sent) and releases it when the caucus ends. Nobody rejoins.
   */
  async startCaucus(byId: string, participantIds: string[], record: boolean): Promise<CaucusState> {
    const by = this.#moderator(byId);
    if (this.#memory.caucus) throw fail('CAUCUS_IN_PROGRESS');
    const ids = [...new Set(participantIds)];
    for (const id of ids) {
      const p = this.#target(id);
      if (p.admission !== 'admitted') throw fail('PARTICIPANT_ABSENT', { participantId: id });
      if (can(p.identity.role, 'session.moderate')) {
        throw fail('CAUCUS_SIDE_REQUIRED');
      }
    }
    const caucus = { participantIds: ids, startedAt: this.#now().toISOString(), recorded: record };
    this.#memory.caucus = caucus;
    await this.#host.reroute();
    this.broadcast('caucus:state', { caucus });
    this.#host.announceSpeakers();
    this.#logger.info({ participantIds: ids, recorded: record }, 'caucus started');
    this.#record('caucus-started', by, undefined, { ...caucus });
    this.#host.privatePhase({ participantIds: ids, recorded: record });
    return caucus;
  }

  async endCaucus(byId: string): Promise<void> {
    const by = this.#moderator(byId);
    const ended = this.#memory.caucus;
    if (!ended) throw fail('NO_CAUCUS');
    this.#memory.caucus = null;
    await this.#host.reroute();
    this.broadcast('caucus:state', { caucus: null });
    this.#logger.info('caucus ended; everyone back in the joint session');
    this.#record('caucus-ended', by, undefined, { participantIds: ended.participantIds });
    this.#host.privatePhase(null);
  }

  // ── chat ────────────────────────────────────────────────────────────────

  /** Sends a chat message to the sender's room; one sent in a caucus is confidential. */
  chat(participantId: string, text: string): ChatMessage {
    const p = this.admittedMember(participantId);
    const message: ChatMessage = {
      id: this.#newId(),
      participantId: p.id,
      displayName: p.identity.displayName,
      role: p.identity.role,
      text,
      sentAt: this.#now().toISOString(),
      confidential: this.#roomOf(p.id) === 'caucus',
    };
    this.#memory.chat.push(message);
    for (const other of this.roomOf(p.id)) other.channel.notify('chat:message', message);
    this.#record('chat', p, undefined, { message });
    return message;
  }

  /** The chat so far as `member` may read it (a join result). */
  chatFor(member: M): ChatMessage[] {
    return this.#memory.chat.filter((m) => this.#mayRead(member, m));
  }

  /** A confidential message: for mediators, its sender and whoever is in the caucus now. */
  #mayRead(p: M, m: ChatMessage): boolean {
    if (!m.confidential) return true;
    if (can(p.identity.role, 'session.moderate')) return true;
    return (
      m.participantId === p.id || (this.#memory.caucus?.participantIds.includes(p.id) ?? false)
    );
  }

  // ── helpers ─────────────────────────────────────────────────────────────

  /** The mediator acting; throws unless they are one, joined and admitted. */
  #moderator(byId: string): M {
    const by = this.admittedMember(byId);
    if (!can(by.identity.role, 'session.moderate')) {
      throw fail('ROLE_MAY_NOT_MODERATE', { role: by.identity.role });
    }
    return by;
  }

  /** Someone in the call (never someone waiting: nobody in the call may learn of them). */
  #admittedTarget(participantId: string): M {
    const p = this.#target(participantId);
    if (p.admission !== 'admitted') throw fail('PARTICIPANT_ABSENT', { participantId });
    return p;
  }

  #target(participantId: string): M {
    const p = this.#members.get(participantId);
    if (!p || p.closed) throw new NotFoundError('Participant');
    return p;
  }

  #record(kind: FloorEvent['kind'], by: M, target?: M, detail?: Record<string, unknown>): void {
    this.#host.floorEvent({
      kind,
      by: by.identity,
      ...(target ? { target: target.identity } : {}),
      ...(detail ? { detail } : {}),
      at: this.#now().toISOString(),
    });
  }
}
