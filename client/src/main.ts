/**
 * The join page: local preview, join, remote tiles with name and role,
 * microphone/camera toggles, leave. The full mediator console is built on
 * this later; this page is what a party opens from an invitation link.
 */
import type { EvidencePresentation, ParticipantInfo } from '../../signaling/contract.js';
import { ROLE_LABELS, type SessionRole } from '../../signaling/roles.js';
import { CallClient, type CallStatus, type RemoteTrack } from './CallClient.js';
import {
  deadlineLabel,
  deadlineStatusLabel,
  lang,
  setLang,
  t,
  type DeadlineKindKey,
  type MessageKey,
} from './i18n.js';
import { EvidencePanel, SessionEvidenceList, evidenceViewer } from './evidence.js';
import './styles.css';

interface TokenPreview {
  name: string;
  role: SessionRole;
}

const app = document.querySelector<HTMLDivElement>('#app')!;
const linkParams = new URLSearchParams(location.hash.slice(1));
let token = linkParams.get('token') ?? '';
const invite = linkParams.get('invite') ?? '';
// Keep the credential out of the address bar (screenshots, screen shares).
if (token || invite) history.replaceState(null, '', location.pathname);

let client: CallClient | undefined;
let localStream: MediaStream | undefined;
let micMuted = false;
let camMuted = false;
let status: CallStatus = 'idle';
let statusDetail: string | undefined;
let fatalKey: string | undefined;
let activeSpeaker: string | null = null;
const remoteTiles = new Map<string, RemoteTrack>();

/** Display-only view of the token; the server is what verifies it. */
function previewToken(raw: string): TokenPreview | undefined {
  try {
    const payload = raw.split('.')[1];
    if (!payload) return undefined;
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
      ch.charCodeAt(0),
    );
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const role = json['role'];
    if (typeof json['name'] !== 'string' || typeof role !== 'string' || !(role in ROLE_LABELS))
      return undefined;
    return {
      name: json['name'],
      role: role as SessionRole,
    };
  } catch {
    return undefined;
  }
}

let preview = previewToken(token);

/** A deadline of the party's case, as the case file API returns it. */
interface CaseDeadlineView {
  kind: DeadlineKindKey;
  dueOn: string;
  status: 'open' | 'met' | 'overdue' | 'cancelled';
  basis: string;
  consequence: string;
}
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

/** The case's deadlines, with their legal basis and what happens when they pass. */
async function loadDeadlines(caseId: string): Promise<void> {
  const response = await fetch(`/api/cases/${encodeURIComponent(caseId)}`, {
    headers: { Authorization: `Bearer ${invite}` },
  });
  if (!response.ok) return;
  const file = (await response.json()) as { deadlines?: CaseDeadlineView[] };
  deadlines = (file.deadlines ?? []).filter((d) => d.status !== 'cancelled');
}

/** An invitation link names a case, not a session: ask the server for a token to the current one. */
async function exchangeInvitation(): Promise<void> {
  const response = await fetch('/api/join-token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${invite}` },
    body: '{}',
  });
  const body = (await response.json().catch(() => ({}))) as {
    token?: string;
    caseId?: string;
    caseNumber?: string;
    session?: { scheduledStart?: string };
    error?: { code: string; message: string };
  };
  if (response.ok && body.token) {
    token = body.token;
    preview = previewToken(token);
    caseNumber = body.caseNumber;
    sessionStart = body.session?.scheduledStart;
    if (body.caseId) {
      await loadDeadlines(body.caseId).catch(() => undefined);
      evidencePanel = new EvidencePanel({
        caseId: body.caseId,
        bearer: invite,
        canPresent: () => status === 'joined' && preview?.role !== 'observer',
        present: async (evidenceId) => {
          await client?.presentEvidence(evidenceId);
        },
        onChange: render,
      });
      await evidencePanel.load().catch(() => undefined);
    }
    return;
  }
  fatalKey =
    response.status === 401
      ? 'inviteInvalid'
      : body.error?.code === 'INVALID_STATE'
        ? 'noSession'
        : 'error';
}

function roleLabel(role: SessionRole): string {
  const l = ROLE_LABELS[role];
  return lang() === 'en' ? l.en : l.zh;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function header(): HTMLElement {
  const h = el('header');
  const titles = el('div');
  titles.append(el('h1', {}, t('title')), el('p', { class: 'subtitle' }, t('subtitle')));
  const langButton = el('button', { class: 'link', 'data-testid': 'lang' }, t('language'));
  langButton.onclick = () => {
    setLang(lang() === 'en' ? 'zh-CN' : 'en');
    render();
  };
  h.append(titles, langButton);
  return h;
}

function render(): void {
  placedMedia = new Set();
  renderPage();
  pruneMediaElements(placedMedia);
}

function renderPage(): void {
  app.replaceChildren(header());
  if (fatalKey) {
    app.append(
      el('p', { class: 'error', 'data-testid': 'error' }, t(fatalKey as MessageKey) ?? fatalKey),
    );
    return;
  }
  if (!token || !preview) {
    app.append(el('p', { class: 'error', 'data-testid': 'error' }, t('linkMissing')));
    return;
  }
  if (status === 'left') {
    app.append(el('p', { class: 'notice', 'data-testid': 'left' }, t('left')));
    return;
  }
  const info = el('p', { class: 'case-info' });
  // The case number and session time when the invitation exchange told us; never raw ids.
  const where = caseNumber ? `${t('case')} ${caseNumber}` : '';
  const when = sessionStart
    ? ` · ${t('session')} ${new Date(sessionStart).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' })}`
    : '';
  info.textContent = `${where}${when}${where || when ? ' · ' : ''}${preview.name}（${roleLabel(preview.role)}）`;
  app.append(info);

  if (status === 'reconnecting') {
    app.append(
      el(
        'p',
        { class: 'banner', 'data-testid': 'reconnecting' },
        t(statusDetail === 'mediaReset' ? 'mediaReset' : 'reconnecting'),
      ),
    );
  } else if (status === 'failed') {
    app.append(
      el('p', { class: 'error', 'data-testid': 'error' }, t('error') + (statusDetail ?? '')),
    );
  }
  if (preview.role === 'observer') app.append(el('p', { class: 'notice' }, t('listenOnly')));

  const grid = el('section', { class: 'grid', 'data-testid': 'grid' });
  grid.append(localTile());
  if (status === 'joined' || status === 'reconnecting') {
    const others = client?.participants() ?? [];
    for (const p of others) grid.append(remoteTile(p));
    for (const r of remoteTiles.values()) {
      const owner = others.find((p) => p.participantId === r.participantId);
      if (r.source === 'screen' && owner) grid.append(screenTile(owner, r));
    }
    if (others.length === 0) grid.append(el('div', { class: 'tile placeholder' }, t('waiting')));
  }
  app.append(grid);
  if (deadlines.length > 0) app.append(deadlinePanel());
  if (evidencePanel) {
    app.append(
      evidencePanel.element((item, url) => {
        viewer = { title: item.title, kind: item.kind, url };
        render();
      }),
    );
  }
  if (!evidencePanel && sessionEvidence && status === 'joined')
    app.append(sessionEvidence.element());
  if (viewer) app.append(viewerElement(viewer));
  app.append(controls());
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

function deadlinePanel(): HTMLElement {
  const section = el('section', { class: 'deadlines', 'data-testid': 'deadlines' });
  section.append(el('h2', {}, t('deadlines')));
  for (const d of deadlines) {
    const item = el('details', { class: `deadline ${d.status}` });
    item.append(
      el('summary', {}, `${deadlineLabel(d.kind)} · ${d.dueOn} · ${deadlineStatusLabel(d.status)}`),
      el('p', {}, `${t('legalBasis')}${d.basis}`),
      el('p', {}, `${t('whenPassed')}${d.consequence}`),
    );
    section.append(item);
  }
  return section;
}

/**
 * Media elements outlive re-renders, keyed by what they play: replacing a
 * <video> for the same camera a few times in a row makes Chromium stop
 * delivering that camera's frames for seconds (measured by bench:join).
 */
const mediaElements = new Map<
  string,
  { node: HTMLMediaElement; source: MediaStream | MediaStreamTrack }
>();

function mediaElement(
  kind: 'video' | 'audio',
  key: string,
  source: MediaStream | MediaStreamTrack | undefined,
  muted: boolean,
): HTMLMediaElement {
  placedMedia.add(key);
  const cached = mediaElements.get(key);
  if (cached && cached.source === source) return cached.node;
  const node =
    cached?.node ??
    el(kind, kind === 'video' ? { playsinline: '', autoplay: '' } : { autoplay: '' });
  node.muted = muted;
  node.srcObject =
    source instanceof MediaStreamTrack ? new MediaStream([source]) : (source ?? null);
  if (source) mediaElements.set(key, { node, source });
  else mediaElements.delete(key);
  return node;
}

/** Keys of the media elements the current render placed. */
let placedMedia = new Set<string>();

/** Forgets elements whose track is gone, so they do not pile up over a long session. */
function pruneMediaElements(live: Set<string>): void {
  for (const [key, { node }] of mediaElements) {
    if (!live.has(key)) {
      node.srcObject = null;
      mediaElements.delete(key);
    }
  }
}

function localTile(): HTMLElement {
  const self = client?.self?.participantId ?? '';
  const tile = el('div', {
    class: 'tile local',
    'data-testid': 'local-tile',
    'data-participant': self,
  });
  if (self && activeSpeaker === self) tile.classList.add('speaking');
  const video = mediaElement('video', 'local', localStream, true);
  const label = el(
    'div',
    { class: 'label' },
    `${preview?.name ?? ''}${t('you')} · ${preview ? roleLabel(preview.role) : ''}`,
  );
  tile.append(video, label);
  if (micMuted) label.append(el('span', { class: 'badge' }, t('muted')));
  return tile;
}

function remoteTile(p: ParticipantInfo): HTMLElement {
  const tile = el('div', {
    class: 'tile',
    'data-testid': 'remote-tile',
    'data-participant': p.participantId,
  });
  if (activeSpeaker === p.participantId) tile.classList.add('speaking');
  const tracks = [...remoteTiles.values()].filter((r) => r.participantId === p.participantId);
  const camera = tracks.find((r) => r.source === 'camera' && r.kind === 'video');
  const audio = tracks.find((r) => r.kind === 'audio');
  const showing = camera && !camera.paused ? camera.track : undefined;
  const video = mediaElement('video', `camera:${p.participantId}`, showing, true);
  if (!showing) tile.append(el('div', { class: 'avatar' }, p.displayName.slice(0, 1)));
  tile.append(video);
  if (audio) {
    const a = mediaElement('audio', `audio:${p.participantId}`, audio.track, false);
    tile.append(a);
  }
  const label = el('div', { class: 'label' }, `${p.displayName} · ${roleLabel(p.role)}`);
  // Observers do not publish; "muted" would mislead.
  if (audio?.paused || (!audio && p.role !== 'observer'))
    label.append(el('span', { class: 'badge' }, t('muted')));
  if (camera && camera.paused) label.append(el('span', { class: 'badge' }, t('cameraOff')));
  tile.append(label);
  if (camera) {
    const select = el('select', { 'aria-label': t('quality'), class: 'quality' });
    for (const [value, key] of [
      ['2', 'qualityHigh'],
      ['1', 'qualityMedium'],
      ['0', 'qualityLow'],
    ] as const) {
      select.append(el('option', { value }, `${t('quality')}：${t(key)}`));
    }
    select.onchange = () => void client?.setPreferredLayer(camera.consumerId, Number(select.value));
    tile.append(select);
  }
  return tile;
}

function screenTile(owner: ParticipantInfo, r: RemoteTrack): HTMLElement {
  const tile = el('div', { class: 'tile screen', 'data-testid': 'screen-tile' });
  const video = mediaElement('video', `screen:${r.consumerId}`, r.track, true);
  tile.append(video, el('div', { class: 'label' }, `${t('screenOf')}${owner.displayName}`));
  return tile;
}

function controls(): HTMLElement {
  const bar = el('nav', { class: 'controls' });
  const mic = el('button', { 'data-testid': 'toggle-mic' }, micMuted ? t('micOff') : t('micOn'));
  mic.onclick = () => {
    micMuted = !micMuted;
    void client?.setMuted('microphone', micMuted);
    localStream?.getAudioTracks().forEach((tr) => (tr.enabled = !micMuted));
    render();
  };
  const cam = el('button', { 'data-testid': 'toggle-camera' }, camMuted ? t('camOff') : t('camOn'));
  cam.onclick = () => {
    camMuted = !camMuted;
    void client?.setMuted('camera', camMuted);
    localStream?.getVideoTracks().forEach((tr) => (tr.enabled = !camMuted));
    render();
  };
  bar.append(mic, cam);
  const canShare =
    client?.joinResult?.canPublish.includes('screen') &&
    'getDisplayMedia' in navigator.mediaDevices;
  if (status === 'joined' && canShare) {
    const sharing = client?.sharingScreen ?? false;
    const share = el(
      'button',
      { 'data-testid': 'toggle-screen' },
      sharing ? t('stopShare') : t('shareScreen'),
    );
    share.onclick = () => void toggleScreenShare();
    bar.append(share);
  }
  if (status === 'idle' || status === 'failed') {
    const join = el('button', { class: 'primary', 'data-testid': 'join' }, t('join'));
    join.onclick = () => void joinCall();
    bar.append(join);
  } else if (status === 'joining') {
    bar.append(el('button', { class: 'primary', disabled: '' }, t('joining')));
  } else {
    const leave = el('button', { class: 'danger', 'data-testid': 'leave' }, t('leave'));
    leave.onclick = () => void client?.leave();
    bar.append(leave);
  }
  return bar;
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
  if (!preview || preview.role === 'observer') return;
  try {
    localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } },
    });
  } catch (error) {
    statusDetail = `${t('noDevices')}${(error as Error).name}`;
    status = 'failed';
  }
  render();
}

async function joinCall(): Promise<void> {
  client ??= new CallClient(token, {
    status(s, detail) {
      status = s;
      statusDetail = detail;
      if (s === 'joined' && !evidencePanel && client?.joinResult?.canPublish.length) {
        sessionEvidence ??= new SessionEvidenceList(async (id) => {
          await client?.presentEvidence(id);
        });
        const c = client;
        void sessionEvidence.load(() => c.listEvidence()).then(render, () => undefined);
      }
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
    fatal(reason) {
      fatalKey = reason;
      render();
    },
  });
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
  }),
});

document.documentElement.lang = lang();
void (async () => {
  if (invite && !token) await exchangeInvitation();
  render();
  if (!fatalKey) await startPreview();
})();
