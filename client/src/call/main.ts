/**
 * The call page, what a party opens from an invitation link and a mediator
 * from a session link: device test and identity details, the waiting room,
 * then the call (tiles, controls, chat) with, for the mediator, the floor
 * panel (waiting room, participants, moderation, caucus). This file holds
 * the page's state, draws the small first screen and lays the parts out;
 * the parts live in `call/`, `view/` (the in-call Vue components: tiles,
 * controls, the call's banners, the recording, the evidence and its viewer,
 * the notice after leaving), `floor/` and `devices/`.
 *
 * Size: the page's state, its join sequence and the plain-DOM first screen (which must draw before Vue loads); the state behind the controls are still here (issue 17, must-have 1).
 */
import type { ParticipantInfo } from '../../../signaling/contract.js';
import { can } from '../../../signaling/roles.js';
import { HANDSHAKE_REFUSALS } from '../../../signaling/errors.js';
import type { CallClient, CallStatus, FatalReason, RemoteTrack } from './CallClient.js';
import { ConnectionQuality } from './ConnectionQuality.js';
import { selectedProtocol } from './icePath.js';
import { FirstScreenControls, type ControlsState } from './controls.js';
import { endingMessage, isEndingReason, type CallEnding } from './ending.js';
import { localText, sideLabel } from './strings.js';
import {
  forgetCredential,
  hasStoredCredential,
  markInCall,
  refusedReason,
  takeCredential,
  watchReopenedLinks,
} from './credential.js';
import { Announcer } from './announcer.js';
import {
  exchangeInvitation,
  loadDeadlines,
  previewToken,
  type CaseDeadlineView,
} from './invitation.js';
import { LayerChooser } from './LayerChooser.js';
import { openCamera } from './capture.js';
import { warmUpWebRtc } from './warmUp.js';
import { callParts, documentParts, mediatorParts } from './lazyParts.js';
import { invitationClaims, ProcedureSlot } from './procedure.js';
import type { CallActions, MountedCallView } from './view/mount.js';
import {
  DeviceCheck,
  classifyMediaError,
  deviceFailureText,
  unsupportedBrowser,
} from './devices/DeviceCheck.js';
import { el } from '../shared/dom.js';
import { CallEvidence } from './callEvidence.js';
import { MediatorPanelSlot } from './floor/MediatorPanelSlot.js';
import type { SessionFloor } from './floor/SessionFloor.js';
import type { CaseRegister } from './floor/caseRegister.js';
import { identityDetails } from './floor/identityDetails.js';
import { lang, setLang, t } from '../shared/i18n.js';
import { SessionRecording } from './recording.js';
import type { RouterCapabilitiesReply } from '../../../signaling/http/media.js';
import { SignalingClient } from '../shared/signaling.js';
import '../shared/styles.css';
import './call.css';

const app = document.querySelector<HTMLDivElement>('#app')!;
// The link's credential, out of the address bar and kept for this tab only (a reload finds it).
const credential = takeCredential();
let token = credential?.kind === 'token' ? credential.value : '';
const invite = credential?.kind === 'invite' ? credential.value : '';
// The link opened again in this tab: a new credential starts the page afresh.
watchReopenedLinks(() => location.reload());
// The routers' capabilities (public, the same for every session), asked for at once: the
// media device loads from them while the socket still connects.
const routerCapabilities: Promise<RouterCapabilitiesReply> | undefined = credential
  ? fetch('/api/media/capabilities').then((r) =>
      r.ok
        ? (r.json() as Promise<RouterCapabilitiesReply>)
        : Promise.reject(new Error(r.statusText)),
    )
  : undefined;
routerCapabilities?.catch(() => undefined);

/**
 * The controls live at the end of the page, after the documents and forms
 * mounted beside #app, and stick to the bottom of the screen: the join
 * button stays in reach wherever the party scrolled to. Announcements sit
 * just above them.
 */
const announcer = new Announcer();
const controlsSlot = el('div');
const dock = el('div', { class: 'controls-dock', 'data-testid': 'controls-dock' });
dock.append(announcer.element, controlsSlot);
document.body.append(dock);

let client: CallClient | undefined;
let floor: SessionFloor | undefined;
let mediatorPanel: MediatorPanelSlot | undefined;
let caseRegister: CaseRegister | undefined;
let localStream: MediaStream | undefined;
let deviceProblem: string | undefined;
let micMuted = false;
let camMuted = false;
let status: CallStatus = 'idle';
let statusDetail: string | undefined;
let fatal: CallEnding | undefined;
let activeSpeaker: string | null = null;
/** A short message under the controls (a refused unmute, a failed hand raise). */
let controlMessage: string | undefined;
const remoteTiles = new Map<string, RemoteTrack>();
const layers = new LayerChooser((consumerId, level) =>
  client ? client.setQuality(consumerId, level) : Promise.resolve(),
);
const deviceCheck = new DeviceCheck();
const ownQuality = new ConnectionQuality(
  () => client?.transportStats() ?? Promise.resolve([]),
  () => render(),
);

let preview = previewToken(token);

/**
 * The signalling connection, opened while the entry runs, as soon as the page
 * knows its credential: the handshake runs while the first screen is drawn and
 * the media client's larger code still loads. socket.io-client is therefore in
 * the entry (about 13 KB with Brotli): imported lazily, its chunk resolved only
 * after the first render and the socket opened 250 ms later (bench:join). Taken
 * once, by the first call client made with the same credential.
 */
let early: { token: string; signaling: SignalingClient } | undefined;
let connectingEarly = false;
function connectEarly(): void {
  if (connectingEarly || !token || !preview || fatal || unsupportedBrowser()) return;
  connectingEarly = true;
  performance.mark('mediation: signalling loaded');
  // The call client came first and connected itself.
  if (!client)
    early = { token, signaling: new SignalingClient(token, undefined, { follow: true }) };
}
connectEarly();
// The media client loads while the first screen is drawn and the camera starts.
void callParts().catch(() => undefined);

let deadlines: CaseDeadlineView[] = [];
let caseNumber: string | undefined;
/** The case's evidence (invitation) or the session's (mediator), and the item open here. */
const evidence = new CallEvidence({
  client: () => client,
  joined: () => status === 'joined',
  observer: () => preview?.role === 'observer',
  render: () => render(),
});
let sessionStart: string | undefined;
/** The respondent's agreement to mediate and recusal requests, on an invitation (Vue, lazily). */
let procedure: ProcedureSlot | undefined;

const inCall = (): boolean => status === 'joined' || status === 'reconnecting';
const isMediator = (): boolean => {
  const role = client?.joinResult?.self.role ?? preview?.role;
  return role !== undefined && can(role, 'session.moderate');
};

const recording = new SessionRecording({
  selfId: () => client?.self?.participantId,
  canControl: () => {
    const role = client?.joinResult?.self.role ?? preview?.role;
    return role !== undefined && can(role, 'recording.control');
  },
  inCall,
  others: () => client?.participants() ?? [],
  start: () => client!.startRecording(),
  stop: () => client!.stopRecording(),
  acknowledge: (id) => client!.acknowledgeRecording(id),
  withdraw: (id) => client!.withdrawRecordingConsent(id),
  onChange: () => render(),
});

/** An invitation link: the session token, the case's deadlines and the evidence panel. */
async function useInvitation(): Promise<void> {
  const exchange = await exchangeInvitation(invite);
  if (!exchange.ok) {
    // Revoked or expired: a reload must not try it again.
    if (exchange.reason === 'inviteInvalid') forgetCredential(exchange.reason);
    fatal = { reason: exchange.reason };
    return;
  }
  token = exchange.token;
  preview = previewToken(token);
  caseNumber = exchange.caseNumber;
  sessionStart = exchange.sessionStart;
  startCallEarly();
  const caseId = exchange.caseId;
  if (!caseId) return;
  const deadlinesLoaded = loadDeadlines(caseId, invite).catch(() => []);
  await evidence.useCase(caseId, invite);
  deadlines = await deadlinesLoaded;
}

function switchLang(): void {
  setLang(lang() === 'en' ? 'zh-CN' : 'en');
  render();
}

function header(): HTMLElement {
  const h = el('header');
  const titles = el('div');
  titles.append(el('h1', {}, t('title')), el('p', { class: 'subtitle' }, t('subtitle')));
  const langButton = el(
    'button',
    { class: 'link', 'data-testid': 'lang', lang: lang() === 'en' ? 'zh-CN' : 'en' },
    t('language'),
  );
  langButton.onclick = switchLang;
  h.append(titles, langButton);
  return h;
}

/**
 * Redraws the page once per burst of changes, in a task of its own: a join
 * result brings half a dozen events at once, and the requests that follow
 * it (the media transports) leave before the page is rebuilt, not after each
 * of six rebuilds. A message port, not a timer: background tabs throttle
 * timers to one a second.
 */
let renderQueued = false;
const renderPort = new MessageChannel();
renderPort.port1.onmessage = () => {
  renderQueued = false;
  renderNow();
};

function render(): void {
  if (renderQueued) return;
  renderQueued = true;
  renderPort.port2.postMessage(null);
}

function renderNow(): void {
  const started = performance.now();
  // Re-rendering moves nodes; keep the keyboard where it was.
  const focused = document.activeElement;
  callLaidOut = false;
  renderPage();
  // The recording notice (Vue) is a modal dialog: the page and its controls under it are inert.
  app.inert = dock.inert = recording.noticeVisible();
  syncView();
  if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused)
    focused.focus({ preventScroll: true });
  // The script's share of a render (style and layout follow in the browser), for bench:join:
  // the first ones only, so a long call does not fill the page's timeline.
  if (measuredRenders++ < 100) performance.measure('mediation: render', { start: started });
}
let measuredRenders = 0;

function renderPage(): void {
  app.replaceChildren(header());
  controlsSlot.replaceChildren();
  if (fatal) {
    app.append(endingMessage(fatal));
    if (!hasStoredCredential() && refusedReason() === fatal.reason)
      app.append(
        el('p', { class: 'hint', 'data-testid': 'credential-removed' }, t('credentialRefused')),
      );
    // No session yet (a respondent answering a party application): the procedural steps still apply.
    if (procedure) app.append(...procedure.elements());
    return;
  }
  if (!token || !preview) {
    const refused = !invite && !token ? refusedReason() : undefined;
    if (refused && isEndingReason(refused)) {
      // Reloaded after the server refused this tab's credential: still say why.
      app.append(endingMessage({ reason: refused }));
      app.append(
        el('p', { class: 'hint', 'data-testid': 'credential-removed' }, t('credentialRefused')),
      );
      return;
    }
    app.append(el('p', { class: 'error', 'data-testid': 'error' }, t('linkMissing')));
    return;
  }
  if (unsupportedBrowser()) {
    app.append(
      el(
        'p',
        { class: 'error', role: 'alert', 'data-testid': 'unsupported' },
        t('unsupportedBrowser'),
      ),
    );
    return;
  }
  if (status === 'left') {
    // What happened and the way back (Vue, view/LeftNotice.vue).
    app.append(leftHost);
    return;
  }
  const me = preview;
  const caseText = caseNumber ? `${caseNumber}` : '';
  const info = el('p', { class: 'case-info' });
  // The case number and session time when the invitation exchange told us; never raw ids.
  const where = caseNumber ? `${t('case')} ${caseNumber}` : '';
  const when = sessionStart
    ? ` · ${t('session')} ${new Date(sessionStart).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' })}`
    : '';
  info.textContent = `${where}${when}${where || when ? ' · ' : ''}${me.name}${lang() === 'en' ? ` (${sideLabel(me.role, me.side)})` : `（${sideLabel(me.role, me.side)}）`}`;
  app.append(info);
  app.append(...banners());

  const main = el('div', { class: 'call-main' });
  const side = el('aside', { class: 'call-side', 'aria-label': t('sidePanel') });

  if (status === 'waiting') main.append(waitingHost);
  else if (!inCall() && me.role !== 'mediator')
    main.append(identityDetails(me.name, sideLabel(me.role, me.side), caseText));

  main.append(tileGrid());
  if (!inCall() && me.role !== 'observer') main.append(deviceCheck.element(deviceProblem));

  if (inCall()) {
    if (mediatorPanel && isMediator()) side.append(mediatorPanel.element());
    if (callView && floor) side.append(chatHost);
  }
  if (procedure) side.append(...procedure.elements());
  // The deadlines and the evidence (Vue: view/CaseDeadlines.vue, CaseEvidence.vue, SessionEvidence.vue).
  if (callView && (deadlines.length > 0 || evidence.side())) side.append(sideHost);

  const layout = el('div', {
    class: side.childElementCount > 0 ? 'call-layout two' : 'call-layout',
  });
  layout.append(main);
  if (side.childElementCount > 0) layout.append(side);
  app.append(layout);
  controlsSlot.replaceChildren(controls());
  callLaidOut = true;
}

/** Whether the page shows the call's layout (not an ending, a notice or a bad link). */
let callLaidOut = false;
const sideHost = el('div', { class: 'call-side-view' });
const chatHost = el('div', { class: 'call-chat' });
const waitingHost = el('div', { class: 'call-waiting' });
const viewerHost = el('div', { class: 'viewer-host' });

/** The call's banners (status, listen-only, caucus, mute): a stable host for the Vue parts, moved into place. */
const callBanners = el('div', { class: 'call-banners' });
/** Where the notice after leaving goes (Vue). */
const leftHost = el('div', { class: 'call-left' });

function banners(): HTMLElement[] {
  const out: HTMLElement[] = [];
  // The call parts could not load (the network dropped): no view to say it, so said here.
  if (!callView && status === 'failed')
    out.push(
      el(
        'p',
        { class: 'error', role: 'alert', 'data-testid': 'error' },
        t('error') + localText(statusDetail ?? ''),
      ),
    );
  // The view's banners (view/CallBanners.vue).
  out.push(callBanners);
  return out;
}

/**
 * The video area: a stable host that redraws move into place, with the
 * Vue tile grid (view/) mounted in it once the call parts have loaded.
 */
const grid = el('section', { class: 'grid', 'data-testid': 'grid' });
let callView: MountedCallView | undefined;

function tileGrid(): HTMLElement {
  grid.setAttribute('aria-label', t('videoArea'));
  return grid;
}

function showCallView(parts: Awaited<ReturnType<typeof callParts>>): void {
  if (!viewerHost.isConnected) document.body.append(viewerHost);
  callView ??= parts.mountCallView(
    {
      banners: callBanners,
      grid,
      controls: controlsHost,
      left: leftHost,
      side: sideHost,
      chat: chatHost,
      waiting: waitingHost,
      viewer: viewerHost,
    },
    layers,
    controlActions,
  );
  syncView();
}

/** Tells the Vue parts what the page knows now. */
function syncView(): void {
  const self = client?.self;
  const participants = client?.participants() ?? [];
  callView?.update({
    status,
    statusDetail,
    inCall: inCall(),
    self,
    name: preview?.name ?? '',
    role: preview?.role,
    side: self?.side ?? preview?.side,
    localStream,
    micMuted,
    participants,
    tracks: [...remoteTiles.values()],
    activeSpeaker,
    caucus: floor?.caucus ?? null,
    recording: recording.view(),
    recorded: recording.state?.consented ?? null,
    awaiting: participants
      .filter((p) => client?.awaitingMedia(p.participantId))
      .map((p) => p.participantId),
    controls: controlsState(),
    deadlines: callLaidOut ? deadlines : [],
    evidence: callLaidOut ? evidence.side() : null,
    viewer: callLaidOut ? evidence.viewer() : null,
    chat: floor?.chat ?? [],
  });
}

/** What the controls bar shows now. */
function controlsState(): ControlsState {
  const self = client?.self;
  return {
    status,
    inCall: inCall(),
    hasMic: (localStream?.getAudioTracks().length ?? 0) > 0,
    hasCam: (localStream?.getVideoTracks().length ?? 0) > 0,
    micMuted,
    camMuted,
    mutedByMediator: client?.mutedByMediator ?? false,
    handRaised: inCall() && floor && self && !isMediator() ? self.handRaised : undefined,
    canShare:
      (client?.joinResult?.canPublish.includes('screen') ?? false) &&
      'getDisplayMedia' in navigator.mediaDevices,
    sharing: client?.sharingScreen ?? false,
    ownQuality: ownQuality.sample.level,
    message: controlMessage,
    record: recording.control(),
    confirmingLeave: confirmingLeave && inCall(),
  };
}

/** Whether the leave button was pressed and waits for its confirmation. */
let confirmingLeave = false;

const controlActions: CallActions = {
  sendChat: (text) => floor?.sendChat(text) ?? Promise.resolve(),
  toggleMic: () => void toggleMic(),
  toggleCamera: () => {
    camMuted = !camMuted;
    void client?.setMuted('camera', camMuted);
    localStream?.getVideoTracks().forEach((tr) => (tr.enabled = !camMuted));
    render();
  },
  raiseHand: (raised) => {
    floor?.raiseHand(raised).catch((e: unknown) => {
      controlMessage = `${t('actionFailed')}${localText((e as Error).message)}`;
      render();
    });
  },
  toggleRecording: () => recording.toggle(),
  toggleScreenShare: () => void toggleScreenShare(),
  join: () => void joinCall(),
  leave: () => {
    confirmingLeave = true;
    render();
  },
  confirmLeave: () => {
    confirmingLeave = false;
    markInCall(false);
    // Leaving lets the camera and microphone go; joining again asks for them anew.
    localStream?.getTracks().forEach((tr) => tr.stop());
    localStream = undefined;
    deviceCheck.setStream(undefined);
    void client?.leave();
  },
  cancelLeave: () => {
    confirmingLeave = false;
    render();
  },
  rejoin: () => void rejoin(),
  switchLang,
  recording,
  evidence,
};

/**
 * The controls: the first screen's bar (in the first bundle) until the
 * call's Vue bar has loaded and the join was asked for; then the Vue bar.
 */
const firstControls = new FirstScreenControls(controlActions);
const controlsHost = el('div');

function controls(): HTMLElement {
  return callView && status !== 'idle' ? controlsHost : firstControls.update(controlsState());
}

/** Back into the call after leaving, without reloading: a new connection, the devices again. */
async function rejoin(): Promise<void> {
  client = undefined;
  floor = undefined;
  mediatorPanel?.close();
  mediatorPanel = undefined;
  remoteTiles.clear();
  activeSpeaker = null;
  status = 'idle';
  if (invite) {
    // A fresh session token; a revoked invitation says so here.
    const exchange = await exchangeInvitation(invite);
    if (!exchange.ok) {
      if (exchange.reason === 'inviteInvalid') forgetCredential(exchange.reason);
      fatal = { reason: exchange.reason };
      render();
      return;
    }
    token = exchange.token;
  }
  previewReady = startPreview();
  await joinCall();
}

async function toggleMic(): Promise<void> {
  const next = !micMuted;
  micMuted = next;
  controlMessage = undefined;
  localStream?.getAudioTracks().forEach((tr) => (tr.enabled = !next));
  render();
  try {
    await client?.setMuted('microphone', next);
  } catch (error) {
    // The server refused to unmute (muted by the mediator): stay muted and say why.
    micMuted = true;
    localStream?.getAudioTracks().forEach((tr) => (tr.enabled = false));
    controlMessage = `${t('unmuteRefused')}${localText((error as Error).message)}`;
    render();
  }
}

async function toggleScreenShare(): Promise<void> {
  if (!client) return;
  try {
    if (client.sharingScreen) {
      await client.stopScreenShare();
    } else {
      const stream = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { ideal: 10 } },
        audio: false,
      });
      const track = stream.getVideoTracks()[0];
      if (track) await client.startScreenShare(track);
    }
  } catch (error) {
    // Cancelling the browser's picker is not an error worth showing.
    if ((error as Error).name !== 'NotAllowedError') {
      statusDetail = (error as Error).message;
      status = 'failed';
    }
  }
  render();
}

async function startPreview(): Promise<void> {
  if (!preview || preview.role === 'observer' || unsupportedBrowser()) return;
  try {
    localStream = await openCamera(navigator.mediaDevices, {
      echoCancellation: true,
      noiseSuppression: true,
    });
    deviceProblem = undefined;
  } catch (error) {
    // Without a camera or microphone one can still join, listen and chat.
    deviceProblem = deviceFailureText(classifyMediaError(error));
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      localStream = undefined;
    }
  }
  deviceCheck.setStream(localStream);
  render();
}

function startFloor(c: CallClient, { SessionFloor }: Awaited<ReturnType<typeof callParts>>): void {
  floor = new SessionFloor(c.signaling, (change) => {
    if (change === 'quality') {
      mediatorPanel?.refreshQuality();
      return;
    }
    // A chat message: the view only, without redrawing the page.
    if (change === 'chat') syncView();
    else render();
  });
  const f = floor;
  // Only a mediator loads the panel (and Vue with it).
  mediatorPanel = isMediator()
    ? new MediatorPanelSlot({
        floor: f,
        participants: () => client?.participants() ?? [],
        recordingOn: () => recording.state !== null,
        register: () => caseRegister,
      })
    : undefined;
}

/**
 * The page's call client with its event handlers. Made as soon as the call
 * parts have loaded, before the join is clicked: it connects and loads the
 * media device while the camera preview starts (`prepare`).
 */
function makeClient(parts: Awaited<ReturnType<typeof callParts>>): CallClient {
  const { CallClient } = parts;
  const connection = early?.token === token ? early.signaling : token;
  if (early && connection === token) early.signaling.close();
  early = undefined;
  const made = new CallClient(connection, routerCapabilities, {
    status(s, detail) {
      const wasInCall = inCall();
      status = s;
      statusDetail = detail;
      if (s === 'joined' && client) evidence.joined(client, isMediator());
      if (inCall() && !wasInCall) ownQuality.start();
      if (!inCall()) ownQuality.stop();
      render();
    },
    joinResult(result) {
      floor?.reset(result);
      if (!caseRegister && can(result.self.role, 'session.moderate')) {
        void mediatorParts()
          .then(({ CaseRegister }) => CaseRegister.load(result.caseId))
          .then(
            (r) => {
              caseRegister = r;
              render();
            },
            () => undefined,
          );
      }
    },
    selfUpdated(self) {
      if (self.mutedByMediator) micMuted = true;
      else if (controlMessage?.startsWith(t('unmuteRefused'))) controlMessage = undefined;
      render();
    },
    participants(list) {
      announcer.seen(list);
      render();
    },
    trackAdded(track) {
      remoteTiles.set(track.consumerId, track);
      render();
    },
    trackRemoved(consumerId) {
      remoteTiles.delete(consumerId);
      layers.forget(consumerId);
      render();
    },
    trackPaused() {
      render();
    },
    evidencePresented: (p) => evidence.presented(p),
    recordingState(state) {
      if (state === null && recording.state !== null && inCall()) announcer.recordingStopped();
      recording.update(state);
    },
    evidenceStopped: (presenterId) => evidence.stopped(presenterId),
    activeSpeaker(participantId) {
      activeSpeaker = participantId;
      // Frequent: only the highlight moves, without redrawing the page.
      if (callView) callView.state.activeSpeaker = participantId;
    },
    fatal(reason, detail) {
      fatal = { reason, ...(detail ? { detail } : {}) };
      markInCall(false);
      if (credentialRefused(reason)) forgetCredential(reason);
      ownQuality.stop();
      // Nothing of this page is sent any more: let the camera go.
      localStream?.getTracks().forEach((tr) => tr.stop());
      deviceCheck.close();
      render();
    },
  });
  startFloor(made, parts);
  made.signaling.on('participant:left', ({ participantId }) => announcer.left(participantId));
  evidence.watch(made);
  return made;
}

/** Settles once the camera and microphone were asked for (granted or not). */
let previewReady: Promise<void> = Promise.resolve();
let startedEarly = false;

/**
 * As soon as the page knows who this is: the camera preview starts, and the
 * call client loads, connects and learns the media capabilities meanwhile,
 * so that the join button is one request away from the call.
 */
function startCallEarly(): void {
  if (startedEarly || fatal || !token) return;
  startedEarly = true;
  connectEarly();
  previewReady = startPreview();
  // The first RTCPeerConnection costs the main thread 10-45 ms: after the first screen is drawn.
  if (!unsupportedBrowser()) setTimeout(warmUpWebRtc, 0);
  void callParts().then(
    (parts) => {
      performance.mark('mediation: call parts loaded');
      if (fatal || client || !preview || unsupportedBrowser()) return;
      showCallView(parts);
      client = makeClient(parts);
      performance.mark('mediation: call client made');
      client.prepare();
    },
    () => undefined,
  );
}

async function joinCall(): Promise<void> {
  status = 'joining';
  markInCall(true);
  render();
  // Loaded before the check below, so that two clicks cannot both make a client.
  let parts: Awaited<ReturnType<typeof callParts>>;
  try {
    parts = await callParts();
  } catch (error) {
    status = 'failed';
    statusDetail = (error as Error).message;
    render();
    return;
  }
  showCallView(parts);
  client ??= makeClient(parts);
  // The others' media comes at once; one's own goes out when the devices have answered.
  const local = previewReady.then(() => {
    const audio = localStream?.getAudioTracks()[0];
    const video = localStream?.getVideoTracks()[0];
    if (audio) audio.enabled = !micMuted;
    if (video) video.enabled = !camMuted;
    return { microphone: audio, camera: video };
  });
  await client.join(local);
}

// Read-only diagnostics for support staff and the end-to-end tests.
Object.defineProperty(window, '__mediation', {
  value: Object.freeze({
    status: () => status,
    participants: () => client?.participants().map((p) => p.participantId) ?? [],
    inboundBytes: () => client?.inboundStats() ?? Promise.resolve({}),
    /** Per remote participant: audio packets received, width of the video decoded. */
    inboundMedia: () => client?.inboundMedia() ?? Promise.resolve({}),
    /** This page's camera as sent: bytes and width per layer, the bandwidth estimate. */
    outboundCamera: () => client?.outboundCamera() ?? Promise.resolve(null),
    /** The recording in progress as this page knows it. */
    recording: () => {
      const s = recording.state;
      return s
        ? { recordingId: s.recordingId, consented: [...s.consented], withdrawn: [...s.withdrawn] }
        : null;
    },
    noticeVisible: () => recording.noticeVisible(),
    /** 'waiting' in the waiting room, 'admitted' once in, null before joining. */
    admission: () => client?.admission ?? null,
    self: (): ParticipantInfo | null => client?.self ?? null,
    /** Mediators: who waits to be admitted. */
    waiting: () => floor?.waiting.map((p) => p.participantId) ?? [],
    caucus: () => floor?.caucus ?? null,
    /** Several nodes: the node's own address the signalling uses, null through the page's own. */
    signalingNode: () => client?.signaling.direct ?? null,
    locked: () => floor?.locked ?? false,
    chat: () => floor?.chat.map((m) => ({ text: m.text, confidential: m.confidential })) ?? [],
    quality: (participantId: string) => floor?.quality(participantId) ?? null,
    ownQuality: () => ownQuality.sample,
    /** The camera layer this page asked for, by consumer: its tile's size or the choice made. */
    layers: () => layers.appliedLayers(),
    /** Per transport of this page, the protocol (udp/tcp) of its selected ICE path. */
    iceProtocols: async () =>
      ((await client?.transportStats()) ?? []).map((r) => selectedProtocol(r) ?? null),
    micLevel: () => deviceCheck.level,
    fatal: () => fatal ?? null,
    /** Whether this tab keeps a credential for a reload. */
    hasCredential: () => hasStoredCredential(),
  }),
});

// Closed, reloaded or navigated away: the others see this person leave at once.
addEventListener('pagehide', () => client?.leaveOnUnload());

document.documentElement.lang = lang();
void (async () => {
  const claims = invite ? invitationClaims(invite) : undefined;
  // The procedure card needs only the invitation: its case file is read alongside the exchange.
  const procedureSlot = claims && new ProcedureSlot({ ...claims, invite, onChange: render });
  if (invite && !token) await useInvitation();
  else startCallEarly();
  render();
  // The card itself (Vue) after the first screen.
  if (procedureSlot && fatal?.reason !== 'inviteInvalid') {
    procedure = procedureSlot;
    procedure.load();
  }
  // The 文书 inbox and service-address form live beside the call page, on the invitation.
  if (invite && fatal?.reason !== 'inviteInvalid') {
    const sessionToken = token || undefined;
    void documentParts().then(({ mountDocumentInbox, mountExtensionPanel }) => {
      mountDocumentInbox(app, invite, sessionToken);
      mountExtensionPanel(app, invite);
    });
  }
  if (!fatal) {
    startCallEarly();
    // Reloaded during the call (or in its waiting room): back in without a tap.
    if (credential?.inCall && token) void joinCall();
    await previewReady;
  }
})();

/** Whether a refusal means the kept credential itself will never work again. */
function credentialRefused(reason: FatalReason): boolean {
  // An invitation outlives its session tokens: only its revocation (or the person's) ends it.
  if (invite) return reason === 'TOKEN_REVOKED' || reason === 'ACCESS_WITHDRAWN';
  return (HANDSHAKE_REFUSALS as readonly string[]).includes(reason);
}
