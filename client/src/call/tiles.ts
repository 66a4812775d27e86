/**
 * The video tiles of the call page: one's own preview, one per remote
 * participant (camera, audio, name and role, badges), and shared screens.
 * During a caucus, someone across the wall is shown as away rather than as
 * a frozen picture.
 */
import type { ParticipantInfo } from '../../../signaling/contract.js';
import type { ProceduralSide } from '../../../signaling/roles.js';
import type { RemoteTrack } from './CallClient.js';
import { el } from '../shared/dom.js';
import { colon, t } from '../shared/i18n.js';
import { ct, sideLabel } from './strings.js';
import type { LayerChoice, LayerChooser } from './LayerChooser.js';
import type { MediaShelf } from './MediaShelf.js';

export interface TileContext {
  shelf: MediaShelf;
  layers: LayerChooser;
  activeSpeaker: string | null;
  remote: RemoteTrack[];
  /** Whether a participant's media is recorded now; undefined when nothing is. */
  recorded(participantId: string): boolean | undefined;
  /** Whether media from this participant is held by a caucus wall. */
  away(participant: ParticipantInfo): boolean;
  /** Whether this participant's media is being re-established (not muted: on its way back). */
  reconnecting(participantId: string): boolean;
  /** Whether this participant is inside the caucus in progress (with the mediator). */
  inCaucus?(participant: Pick<ParticipantInfo, 'participantId' | 'role'>): boolean;
}

export interface LocalTileState {
  selfId: string;
  name: string;
  role: ParticipantInfo['role'] | undefined;
  stream: MediaStream | undefined;
  micMuted: boolean;
  mutedByMediator: boolean;
  handRaised: boolean;
  /** The procedural side, once the server named it. */
  side?: ProceduralSide | undefined;
}

export function localTile(ctx: TileContext, me: LocalTileState): HTMLElement {
  const tile = el('div', {
    class: 'tile local',
    'data-testid': 'local-tile',
    'data-participant': me.selfId,
  });
  if (me.selfId && ctx.activeSpeaker === me.selfId) tile.classList.add('speaking');
  const video = ctx.shelf.element('video', 'local', me.stream, true);
  video.setAttribute('aria-label', t('cameraPreview'));
  const label = el(
    'div',
    { class: 'label' },
    `${me.name}${t('you')}${me.role ? ` · ${sideLabel(me.role, me.side)}` : ''}`,
  );
  tile.append(video, tileBar(label));
  if (!me.stream?.getVideoTracks().length)
    tile.append(el('div', { class: 'avatar' }, me.name.slice(0, 1)));
  if (me.mutedByMediator) label.append(el('span', { class: 'badge' }, t('mutedByMediatorShort')));
  else if (me.micMuted) label.append(el('span', { class: 'badge' }, t('muted')));
  if (me.handRaised) label.append(el('span', { class: 'badge hand' }, t('handRaised')));
  if (me.selfId && me.role && ctx.inCaucus?.({ participantId: me.selfId, role: me.role }))
    label.append(caucusBadge());
  if (me.selfId) recordingBadge(ctx, label, me.selfId);
  return tile;
}

export function remoteTile(ctx: TileContext, p: ParticipantInfo): HTMLElement {
  const tile = el('div', {
    class: 'tile',
    'data-testid': 'remote-tile',
    'data-participant': p.participantId,
  });
  if (ctx.activeSpeaker === p.participantId) tile.classList.add('speaking');
  const away = ctx.away(p);
  const tracks = ctx.remote.filter((r) => r.participantId === p.participantId);
  const camera = tracks.find((r) => r.source === 'camera' && r.kind === 'video');
  const audio = tracks.find((r) => r.kind === 'audio');
  const showing = camera && !camera.paused && !away ? camera.track : undefined;
  const video = ctx.shelf.element('video', `camera:${p.participantId}`, showing, true);
  if (!showing) tile.append(el('div', { class: 'avatar' }, p.displayName.slice(0, 1)));
  tile.append(video);
  if (camera) ctx.layers.watch(camera.consumerId, video);
  if (audio)
    tile.append(ctx.shelf.element('audio', `audio:${p.participantId}`, audio.track, false));
  const label = el('div', { class: 'label' }, `${p.displayName} · ${sideLabel(p.role, p.side)}`);
  if (away) tile.classList.add('away');
  // The caucus badge marks who is in the caucus; someone held outside it is said to be outside.
  if (ctx.inCaucus?.(p)) label.append(caucusBadge());
  else if (away)
    label.append(
      el('span', { class: 'badge away', 'data-testid': 'away-badge' }, ct('outsideCaucus')),
    );
  // Their network dropped (the server says so), or their media is being re-established
  // here: "on their way back", never "muted", and not a frozen picture passed off as live.
  const peerLost = p.reconnecting === true;
  if (!away && (peerLost || ctx.reconnecting(p.participantId))) {
    tile.classList.add('reconnecting');
    label.append(
      el(
        'span',
        {
          class: peerLost ? 'badge reconnecting lost' : 'badge reconnecting',
          'data-testid': 'reconnecting-badge',
        },
        peerLost ? t('peerReconnecting') : t('reconnectingShort'),
      ),
    );
  } else if (!away) {
    // Observers do not publish; "muted" would mislead.
    if (p.mutedByMediator) label.append(el('span', { class: 'badge' }, t('mutedByMediatorShort')));
    else if (audio?.paused || (!audio && p.role !== 'observer'))
      label.append(el('span', { class: 'badge' }, t('muted')));
    if (camera && camera.paused) label.append(el('span', { class: 'badge' }, t('cameraOff')));
  }
  if (p.handRaised) label.append(el('span', { class: 'badge hand' }, t('handRaised')));
  recordingBadge(ctx, label, p.participantId);
  // Name, badges and the quality choice sit under the picture, never over it.
  tile.append(
    tileBar(
      label,
      camera && !away ? layerSelect(ctx.layers, camera.consumerId, p.displayName) : undefined,
    ),
  );
  return tile;
}

export function screenTile(ctx: TileContext, owner: ParticipantInfo, r: RemoteTrack): HTMLElement {
  const tile = el('div', { class: 'tile screen', 'data-testid': 'screen-tile' });
  const video = ctx.shelf.element('video', `screen:${r.consumerId}`, r.track, true);
  tile.append(
    video,
    tileBar(el('div', { class: 'label' }, `${t('screenOf')}${owner.displayName}`)),
  );
  return tile;
}

function tileBar(label: HTMLElement, select?: HTMLElement): HTMLElement {
  const bar = el('div', { class: 'tile-bar' });
  bar.append(label);
  if (select) bar.append(select);
  return bar;
}

function caucusBadge(): HTMLElement {
  return el('span', { class: 'badge caucus', 'data-testid': 'caucus-badge' }, ct('inCaucus'));
}

/** The receiver's quality choice: automatic (follows the tile) or a fixed layer. */
function layerSelect(layers: LayerChooser, consumerId: string, name: string): HTMLElement {
  const select = el('select', {
    'aria-label': `${t('quality')}${colon()}${name}`,
    class: 'quality',
    'data-testid': 'layer-select',
  });
  const current = layers.choice(consumerId);
  for (const [value, key] of [
    ['auto', 'layerAuto'],
    ['2', 'qualityHigh'],
    ['1', 'qualityMedium'],
    ['0', 'qualityLow'],
  ] as const) {
    const option = el('option', { value }, `${t('quality')}${colon()}${t(key)}`);
    option.selected = String(current) === value;
    select.append(option);
  }
  select.onchange = () =>
    layers.choose(
      consumerId,
      select.value === 'auto' ? 'auto' : (Number(select.value) as Exclude<LayerChoice, 'auto'>),
    );
  return select;
}

/** While a recording is on, whether this person's media is in it. */
function recordingBadge(ctx: TileContext, label: HTMLElement, participantId: string): void {
  const recorded = ctx.recorded(participantId);
  if (recorded === undefined) return;
  label.append(
    el(
      'span',
      { class: recorded ? 'badge rec' : 'badge unrec', 'data-testid': 'recording-badge' },
      recorded ? t('recBadgeOn') : t('recBadgeOff'),
    ),
  );
}
