/**
 * The call page, what a party opens from an invitation link and a mediator
 * from a session link: device test and identity details, the waiting room,
 * then the call (tiles, controls, chat) with, for the mediator, the floor
 * panel (waiting room, participants, moderation, caucus). This file holds
 * the page's state and lays the parts out; the parts live in `call/`,
 * `floor/` and `devices/`.
 */
import type { EvidencePresentation, ParticipantInfo } from '../../signaling/contract.js';
import { can } from '../../signaling/roles.js';
import { CallClient, type CallStatus, type RemoteTrack } from './CallClient.js';
import { ConnectionQuality } from './call/ConnectionQuality.js';
import { selectedProtocol } from './call/icePath.js';
import { controlsBar } from './call/controls.js';
import { endingMessage, type CallEnding } from './call/ending.js';
import {
  deadlinePanel,
  exchangeInvitation,
  loadDeadlines,
  previewToken,
  type CaseDeadlineView,
} from './call/invitation.js';
import { LayerChooser } from './call/LayerChooser.js';
import { invitationClaims, ProcedureCard } from './call/procedure.js';
import { MediaShelf } from './call/MediaShelf.js';
import { localTile, remoteTile, screenTile, type TileContext } from './call/tiles.js';
import {
  DeviceCheck,
  classifyMediaError,
  deviceFailureText,
  unsupportedBrowser,
} from './devices/DeviceCheck.js';
import { el } from './dom.js';
import { DocumentInbox } from './documents/Inbox.js';
import { ExtensionPanel } from './documents/ExtensionPanel.js';
import { EvidencePanel, SessionEvidenceList, evidenceViewer } from './evidence.js';
import { ChatPanel } from './floor/ChatPanel.js';
import { MediatorPanel, roleLabel } from './floor/MediatorPanel.js';
import { SessionFloor } from './floor/SessionFloor.js';
import { CaseRegister } from './floor/caseRegister.js';
import { caucusBanner } from './floor/caucus.js';
import { identityDetails, waitingRoom } from './floor/waitingRoom.js';
import { lang, setLang, t } from './i18n.js';
import { SessionRecording } from './recording.js';
import './styles.css';

const app = document.querySelector<HTMLDivElement>('#app')!;
const linkParams = new URLSearchParams(location.hash.slice(1));
let token = linkParams.get('token') ?? '';
const invite = linkParams.get('invite') ?? '';
// Keep the credential out of the address bar (screenshots, screen shares).
if (token || invite) history.replaceState(null, '', location.pathname);

let client: CallClient | undefined;
let floor: SessionFloor | undefined;
let mediatorPanel: MediatorPanel | undefined;
let chatPanel: ChatPanel | undefined;
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
const shelf = new MediaShelf();
const layers = new LayerChooser((consumerId, layer) =>
  client ? client.setPreferredLayer(consumerId, layer) : Promise.resolve(),
);
const deviceCheck = new DeviceCheck();
const ownQuality = new ConnectionQuality(
  () => client?.transportStats() ?? Promise.resolve([]),
  () => render(),
);

let preview = previewToken(token);

let deadlines: CaseDeadlineView[] = [];
let caseNumber: string | undefined;
let evidencePanel: EvidencePanel | undefined;
/** For a session link without an invitation (the mediator): what may be presented. */
let sessionEvidence: SessionEvidenceList | undefined;
/** An item open on this screen: opened here, or presented by someone in the session. */
interface ViewerState {
  title: string;
  kind: EvidencePresentation['kind'];
  presenterName?: string;
  presenterId?: string;
  url: string;
}
let viewer: ViewerState | null = null;
let sessionStart: string | undefined;
/** The respondent's agreement to mediate and recusal requests, on an invitation. */
let procedure: ProcedureCard | undefined;

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
  background: app,
  onChange: () => render(),
});

/** An invitation link: the session token, the case's deadlines and the evidence panel. */
async function useInvitation(): Promise<void> {
  const exchange = await exchangeInvitation(invite);
  if (!exchange.ok) {
    fatal = { reason: exchange.reason };
    return;
  }
  token = exchange.token;
  preview = previewToken(token);
  caseNumber = exchange.caseNumber;
  sessionStart = exchange.sessionStart;
  const caseId = exchange.caseId;
  if (!caseId) return;
  deadlines = await loadDeadlines(caseId, invite).catch(() => []);
  evidencePanel = new EvidencePanel({
    caseId,
    bearer: invite,
    canPresent: () => status === 'joined' && preview?.role !== 'observer',
    present: async (evidenceId) => {
      await client?.presentEvidence(evidenceId);
    },
    onChange: render,
  });
  await evidencePanel.load().catch(() => undefined);
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
  langButton.onclick = () => {
    setLang(lang() === 'en' ? 'zh-CN' : 'en');
    render();
  };
  h.append(titles, langButton);
  return h;
}

function render(): void {
  // Re-rendering moves nodes; keep the keyboard where it was.
  const focused = document.activeElement;
  shelf.beginRender();
  renderPage();
  shelf.endRender();
  recording.sync();
  if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused)
    focused.focus({ preventScroll: true });
}

function renderPage(): void {
  app.replaceChildren(header());
  if (fatal) {
    app.append(endingMessage(fatal));
    // No session yet (a respondent answering a party application): the procedural steps still apply.
    if (procedure) app.append(...procedure.elements());
    return;
  }
  if (!token || !preview) {
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
    app.append(el('p', { class: 'notice', 'data-testid': 'left' }, t('left')));
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
  info.textContent = `${where}${when}${where || when ? ' · ' : ''}${me.name}${lang() === 'en' ? ` (${roleLabel(me.role)})` : `（${roleLabel(me.role)}）`}`;
  app.append(info);
  app.append(...banners());

  const main = el('div', { class: 'call-main' });
  const side = el('aside', { class: 'call-side', 'aria-label': t('sidePanel') });

  if (status === 'waiting') main.append(waitingRoom(client?.self));
  else if (!inCall() && me.role !== 'mediator')
    main.append(identityDetails(me.name, roleLabel(me.role), caseText));

  main.append(tileGrid());
  if (!inCall() && me.role !== 'observer') main.append(deviceCheck.element(deviceProblem));
  if (viewer) main.append(viewerElement(viewer));

  if (inCall()) {
    if (mediatorPanel && isMediator()) side.append(mediatorPanel.element());
    if (chatPanel) side.append(chatPanel.element());
  }
  if (procedure) side.append(...procedure.elements());
  if (deadlines.length > 0) side.append(deadlinePanel(deadlines));
  if (evidencePanel) {
    side.append(
      evidencePanel.element((item, url) => {
        viewer = { title: item.title, kind: item.kind, url };
        render();
      }),
    );
  }
  if (!evidencePanel && sessionEvidence && status === 'joined')
    side.append(sessionEvidence.element());

  const layout = el('div', {
    class: side.childElementCount > 0 ? 'call-layout two' : 'call-layout',
  });
  layout.append(main);
  if (side.childElementCount > 0) layout.append(side);
  app.append(layout, controls());
}

function banners(): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (status === 'reconnecting') {
    out.push(
      el(
        'p',
        { class: 'banner', role: 'status', 'data-testid': 'reconnecting' },
        t(statusDetail === 'mediaReset' ? 'mediaReset' : 'reconnecting'),
      ),
    );
  } else if (status === 'failed') {
    out.push(
      el(
        'p',
        { class: 'error', role: 'alert', 'data-testid': 'error' },
        t('error') + (statusDetail ?? ''),
      ),
    );
  }
  if (preview?.role === 'observer') out.push(el('p', { class: 'notice' }, t('listenOnly')));
  const self = client?.self;
  if (inCall() && floor?.caucus && self) {
    out.push(
      caucusBanner(floor.caucus, self, (ids) =>
        (client?.participants() ?? [])
          .filter((p) => ids.includes(p.participantId))
          .map((p) => p.displayName),
      ),
    );
  }
  if (inCall() && self?.mutedByMediator) {
    out.push(
      el(
        'p',
        { class: 'banner', role: 'status', 'data-testid': 'muted-by-mediator' },
        t('mutedByMediatorHint'),
      ),
    );
  }
  const indicator = recording.indicator();
  if (indicator) out.push(indicator);
  return out;
}

function tileContext(): TileContext {
  const self = client?.self;
  return {
    shelf,
    layers,
    activeSpeaker,
    remote: [...remoteTiles.values()],
    recorded: (id) => recording.recorded(id),
    // Media across a caucus wall is held on the server: show "away", not a frozen picture.
    away: (p) =>
      floor?.caucus !== null &&
      floor?.caucus !== undefined &&
      self !== undefined &&
      floor.inCaucus(p.participantId, p.role) !== floor.inCaucus(self.participantId, self.role),
  };
}

function tileGrid(): HTMLElement {
  const ctx = tileContext();
  const self = client?.self;
  const grid = el('section', {
    class: 'grid',
    'data-testid': 'grid',
    'aria-label': t('videoArea'),
  });
  grid.append(
    localTile(ctx, {
      selfId: self?.participantId ?? '',
      name: preview?.name ?? '',
      role: preview?.role,
      stream: localStream,
      micMuted,
      mutedByMediator: self?.mutedByMediator ?? false,
      handRaised: self?.handRaised ?? false,
    }),
  );
  if (inCall()) {
    const others = client?.participants() ?? [];
    for (const p of others) grid.append(remoteTile(ctx, p));
    for (const r of remoteTiles.values()) {
      const owner = others.find((p) => p.participantId === r.participantId);
      if (r.source === 'screen' && owner && !ctx.away(owner))
        grid.append(screenTile(ctx, owner, r));
    }
    if (others.length === 0) grid.append(el('div', { class: 'tile placeholder' }, t('waiting')));
  }
  return grid;
}

/** The open item's viewer, kept across re-renders so a playing video does not restart. */
let viewerNode: { for: ViewerState; node: HTMLElement } | undefined;
function viewerElement(shown: ViewerState): HTMLElement {
  if (!viewerNode || viewerNode.for !== shown) {
    viewerNode = {
      for: shown,
      node: evidenceViewer(shown, shown.url, () => {
        // The presenter closing the item closes it for everyone.
        if (shown.presenterId && shown.presenterId === client?.self?.participantId)
          void client?.stopPresenting();
        viewer = null;
        render();
      }),
    };
  }
  return viewerNode.node;
}

function controls(): HTMLElement {
  const self = client?.self;
  return controlsBar(
    {
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
      recordButton: recording.controlButton(),
    },
    {
      toggleMic: () => void toggleMic(),
      toggleCamera: () => {
        camMuted = !camMuted;
        void client?.setMuted('camera', camMuted);
        localStream?.getVideoTracks().forEach((tr) => (tr.enabled = !camMuted));
        render();
      },
      raiseHand: (raised) => {
        floor?.raiseHand(raised).catch((e: unknown) => {
          controlMessage = `${t('actionFailed')}${(e as Error).message}`;
          render();
        });
      },
      toggleScreenShare: () => void toggleScreenShare(),
      join: () => void joinCall(),
      leave: () => void client?.leave(),
    },
  );
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
    controlMessage = `${t('unmuteRefused')}${(error as Error).message}`;
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
    localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } },
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

function startFloor(c: CallClient): void {
  floor = new SessionFloor(c.signaling, (change) => {
    if (change === 'quality') {
      mediatorPanel?.refreshQuality();
      return;
    }
    if (change === 'chat') {
      chatPanel?.element();
      return;
    }
    render();
  });
  chatPanel = new ChatPanel(floor);
  const f = floor;
  mediatorPanel = new MediatorPanel({
    floor: f,
    participants: () => client?.participants() ?? [],
    recordingOn: () => recording.state !== null,
    register: () => caseRegister,
  });
}

/** Settles once the camera and microphone were asked for (granted or not). */
let previewReady: Promise<void> = Promise.resolve();

async function joinCall(): Promise<void> {
  // Joining before the devices answered would join without them, and publish nothing.
  status = 'joining';
  render();
  await previewReady;
  if (!client) {
    client = new CallClient(token, {
      status(s, detail) {
        const wasInCall = inCall();
        status = s;
        statusDetail = detail;
        if (s === 'joined' && !evidencePanel && client?.joinResult?.canPublish.length) {
          sessionEvidence ??= new SessionEvidenceList(async (id) => {
            await client?.presentEvidence(id);
          });
          const c = client;
          void sessionEvidence.load(() => c.listEvidence()).then(render, () => undefined);
        }
        if (inCall() && !wasInCall) ownQuality.start();
        if (!inCall()) ownQuality.stop();
        render();
      },
      joinResult(result) {
        floor?.reset(result);
        if (!caseRegister && can(result.self.role, 'session.moderate')) {
          void CaseRegister.load(result.caseId).then(
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
      participants() {
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
      evidencePresented(p) {
        viewer = {
          title: p.title,
          kind: p.kind,
          presenterName: p.presenterName,
          presenterId: p.presenterId,
          url: p.url,
        };
        render();
      },
      recordingState(state) {
        recording.update(state);
      },
      evidenceStopped(presenterId) {
        if (viewer?.presenterId === presenterId) viewer = null;
        render();
      },
      activeSpeaker(participantId) {
        activeSpeaker = participantId;
        // Frequent: move the highlight in place instead of rebuilding the page.
        for (const tile of document.querySelectorAll<HTMLElement>('.tile[data-participant]')) {
          tile.classList.toggle('speaking', tile.dataset['participant'] === participantId);
        }
      },
      fatal(reason, detail) {
        fatal = { reason, ...(detail ? { detail } : {}) };
        ownQuality.stop();
        // Nothing of this page is sent any more: let the camera go.
        localStream?.getTracks().forEach((tr) => tr.stop());
        deviceCheck.close();
        render();
      },
    });
    startFloor(client);
  }
  const audio = localStream?.getAudioTracks()[0];
  const video = localStream?.getVideoTracks()[0];
  if (audio) audio.enabled = !micMuted;
  if (video) video.enabled = !camMuted;
  await client.join({ microphone: audio, camera: video });
}

// Read-only diagnostics for support staff and the end-to-end tests.
Object.defineProperty(window, '__mediation', {
  value: Object.freeze({
    status: () => status,
    participants: () => client?.participants().map((p) => p.participantId) ?? [],
    inboundBytes: () => client?.inboundStats() ?? Promise.resolve({}),
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
    locked: () => floor?.locked ?? false,
    chat: () => floor?.chat.map((m) => ({ text: m.text, confidential: m.confidential })) ?? [],
    quality: (participantId: string) => floor?.quality(participantId) ?? null,
    ownQuality: () => ownQuality.sample,
    /** Per transport of this page, the protocol (udp/tcp) of its selected ICE path. */
    iceProtocols: async () =>
      ((await client?.transportStats()) ?? []).map((r) => selectedProtocol(r) ?? null),
    micLevel: () => deviceCheck.level,
    fatal: () => fatal ?? null,
  }),
});

document.documentElement.lang = lang();
void (async () => {
  if (invite && !token) await useInvitation();
  const claims = invite ? invitationClaims(invite) : undefined;
  if (claims && fatal?.reason !== 'inviteInvalid') {
    procedure = new ProcedureCard({ ...claims, invite, onChange: () => render() });
    await procedure.load().catch(() => undefined);
  }
  // The 文书 inbox and service-address form live beside the call page, on the invitation.
  if (invite && fatal?.reason !== 'inviteInvalid') {
    DocumentInbox.mount(app, invite, token || undefined);
    ExtensionPanel.mount(app, invite);
  }
  render();
  if (!fatal) {
    previewReady = startPreview();
    await previewReady;
  }
})();
