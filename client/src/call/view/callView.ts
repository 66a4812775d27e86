/**
 * What the call page's Vue parts render from: one shallow reactive object
 * whose fields the page replaces (never changes inside) as the call client's
 * events, the session floor, the recording and the devices report changes
 * (main.ts, `syncView`). Components derive everything else from it, so the
 * DOM follows through keyed rendering: a tile's <video> lives as long as
 * the tile's key.
 */
import { shallowReactive } from 'vue';
import type { CaucusState, ChatMessage, ParticipantInfo } from '../../../../signaling/contract.js';
import type { ProceduralSide, SessionRole } from '../../../../signaling/roles.js';
import type { CallStatus, RemoteTrack } from '../CallClient.js';
import type { ControlsActions, ControlsState } from '../controls.js';
import type {
  CaseEvidenceView,
  EvidenceActions,
  SessionEvidenceView,
  ViewerView,
} from '../evidence.js';
import type { CaseDeadlineView } from '../invitation.js';
import type { RecordingActions, RecordingView } from '../recording.js';

export interface CallViewState {
  status: CallStatus;
  /** Why the call failed or reconnects ('mediaReset': the media server came back). */
  statusDetail: string | undefined;
  /** Joined or reconnecting: the others' tiles are shown. */
  inCall: boolean;
  /** This page's participant as the server knows it, once joined. */
  self: ParticipantInfo | undefined;
  /** This page's name, role and side from its link (before the server says more). */
  name: string;
  role: SessionRole | undefined;
  side: ProceduralSide | undefined;
  localStream: MediaStream | undefined;
  micMuted: boolean;
  /** The admitted participants other than this page's. */
  participants: readonly ParticipantInfo[];
  /** The remote tracks received, each a copy taken when it last changed. */
  tracks: readonly RemoteTrack[];
  activeSpeaker: string | null;
  caucus: CaucusState | null;
  /** The recording in progress as this page is in it; null when none, or out of the call. */
  recording: RecordingView | null;
  /** While a recording is on: who consented to be in it; null when nothing is recorded. */
  recorded: readonly string[] | null;
  /** Participants whose media is being re-established (on its way back, not muted). */
  awaiting: readonly string[];
  /** What the controls bar shows. */
  controls: ControlsState;
  /** The case's deadlines (an invitation's page). */
  deadlines: readonly CaseDeadlineView[];
  /** The side panel's evidence: a party's case evidence, or what a mediator may present. */
  evidence: CaseEvidenceView | SessionEvidenceView | null;
  /** The item open on this screen. */
  viewer: ViewerView | null;
  /** The session chat as this page may read it (a copy taken when it last changed). */
  chat: readonly ChatMessage[];
}

/** What the view's parts ask the page to do. */
export interface CallActions extends ControlsActions {
  /** Back into the call after leaving, without reloading. */
  rejoin(): void;
  /** The page's other language (the recording notice has its own switch). */
  switchLang(): void;
  recording: RecordingActions;
  evidence: EvidenceActions;
  /** A message to the session chat; rejects with the reason it was refused. */
  sendChat(text: string): Promise<void>;
}

export function createCallView(): CallViewState {
  return shallowReactive<CallViewState>({
    status: 'idle',
    statusDetail: undefined,
    inCall: false,
    self: undefined,
    name: '',
    role: undefined,
    side: undefined,
    localStream: undefined,
    micMuted: false,
    participants: [],
    tracks: [],
    activeSpeaker: null,
    caucus: null,
    recording: null,
    recorded: null,
    awaiting: [],
    controls: {
      status: 'idle',
      inCall: false,
      hasMic: false,
      hasCam: false,
      micMuted: false,
      camMuted: false,
      mutedByMediator: false,
      handRaised: undefined,
      canShare: false,
      sharing: false,
      ownQuality: undefined,
      message: undefined,
      record: undefined,
      confirmingLeave: false,
    },
    deadlines: [],
    evidence: null,
    viewer: null,
    chat: [],
  });
}

/**
 * Brings the view up to date with the page (`next` read fresh from the call
 * client, the floor, the recording and the devices): a field is replaced
 * only when its value changed, lists only when an entry did, so components
 * re-render only for what they show.
 */
export function updateCallView(state: CallViewState, next: Readonly<CallViewState>): void {
  const { participants, tracks, recorded, awaiting, controls, chat, ...scalars } = next;
  for (const key of Object.keys(scalars) as (keyof typeof scalars)[])
    if (state[key] !== scalars[key]) Object.assign(state, { [key]: scalars[key] });
  if (!sameItems(state.participants, participants)) state.participants = participants;
  if (!sameTracks(state.tracks, tracks)) state.tracks = tracks.map((r) => ({ ...r }));
  if (recorded === null || state.recorded === null) {
    if (recorded !== state.recorded) state.recorded = recorded && [...recorded];
  } else if (!sameItems(state.recorded, recorded)) state.recorded = [...recorded];
  if (!sameItems(state.awaiting, awaiting)) state.awaiting = awaiting;
  if (!sameControls(state.controls, controls)) state.controls = controls;
  // The floor's chat grows in place: the view keeps a copy.
  if (!sameItems(state.chat, chat)) state.chat = [...chat];
}

function sameControls(a: ControlsState, b: ControlsState): boolean {
  const { record: ra, ...rest } = a;
  return (
    (Object.keys(rest) as (keyof typeof rest)[]).every((key) => rest[key] === b[key]) &&
    ra?.on === b.record?.on &&
    ra?.busy === b.record?.busy
  );
}

/** The same entries in the same order (each the same object: changed ones are replaced). */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Remote tracks are changed in place (paused): compared by what a tile shows of them. */
function sameTracks(shown: readonly RemoteTrack[], now: readonly RemoteTrack[]): boolean {
  return (
    shown.length === now.length &&
    shown.every((r, i) => {
      const n = now[i];
      return n?.consumerId === r.consumerId && n.track === r.track && n.paused === r.paused;
    })
  );
}
