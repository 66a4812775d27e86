/**
 * One recording of a case in the console: its times and status, the
 * composite's render progress while it is made, then the composite player,
 * the signed manifest, every track file with its hash, the consents, gaps
 * and notes. Kept across polls and updated in place, so a playing video is
 * never rebuilt.
 */
import { el, fact } from '../dom.js';
import { formatSize } from '../format.js';
import type {
  RecordingDetailView,
  RecordingFileId,
  RecordingSummaryView,
  StaffApi,
  TrackView,
} from './api.js';
import {
  COMPOSITE_STATUS,
  END_REASONS,
  RECORDING_STATUS,
  ROLES,
  SOURCES,
  STOP_REASONS,
  formatDuration,
  formatTime,
  label,
} from './labels.js';
import { ct as t } from './i18n.js';

/** A view link lasts 15 minutes; a player whose link has expired asks for a new one. */
const LINK_REFRESH_MIN_MS = 30_000;

export class RecordingCard {
  readonly element: HTMLElement;
  #summary: RecordingSummaryView;
  #loadingDetail = false;
  #detail: RecordingDetailView | undefined;
  readonly #api: StaffApi;
  readonly #caseId: string;
  readonly #heading = el('h3');
  readonly #facts = el('dl', { class: 'facts' });
  readonly #progress = el('div', { class: 'progress-slot' });
  readonly #body = el('div', { class: 'detail-slot' });

  constructor(api: StaffApi, caseId: string, summary: RecordingSummaryView) {
    this.#api = api;
    this.#caseId = caseId;
    this.#summary = summary;
    this.element = el('article', {
      class: 'card recording',
      'data-testid': 'recording',
      'data-recording': summary.id,
    });
    this.element.append(this.#heading, this.#facts, this.#progress, this.#body);
    this.update(summary);
  }

  get id(): string {
    return this.#summary.id;
  }

  /** Whether the recording will still change (polling goes on while one does). */
  get settled(): boolean {
    return this.#summary.status === 'complete';
  }

  update(summary: RecordingSummaryView): void {
    this.#summary = summary;
    const s = summary;
    this.element.dataset['status'] = s.status;
    this.#heading.replaceChildren(
      `${t('recordings')} · ${formatTime(s.startedAt)} `,
      el(
        'span',
        { class: `chip ${s.status}`, 'data-testid': 'recording-status' },
        label(RECORDING_STATUS, s.status),
      ),
    );
    this.#facts.replaceChildren(
      ...fact(t('startedAt'), formatTime(s.startedAt)),
      ...fact(t('stoppedAt'), formatTime(s.stoppedAt)),
      ...fact(t('duration'), formatDuration(s.durationMs)),
      ...fact(
        t('status'),
        `${label(RECORDING_STATUS, s.status)} · ${t('composite')}${label(COMPOSITE_STATUS, s.compositeStatus)}`,
      ),
      ...(s.stopReason ? fact(t('stopReason'), label(STOP_REASONS, s.stopReason)) : []),
    );
    this.#progress.replaceChildren();
    if (s.status === 'recording') {
      const live = el('p', { class: 'live' });
      live.append(el('span', { class: 'rec-dot', 'aria-hidden': 'true' }), ` ${t('recOn')}`);
      this.#progress.append(live);
    } else if (
      s.status !== 'complete' &&
      (s.compositeStatus === 'pending' || s.compositeStatus === 'rendering')
    ) {
      const percent = Math.round(Math.min(1, Math.max(0, s.compositeProgress)) * 100);
      const id = `progress-${s.id}`;
      this.#progress.append(
        el('label', { for: id }, `${t('rendering')} ${percent}%`),
        el('progress', {
          id,
          max: '100',
          value: String(percent),
          'data-testid': 'composite-progress',
        }),
      );
    }
    if (s.status === 'complete' && !this.#detail && !this.#loadingDetail) void this.#loadDetail();
  }

  async #loadDetail(): Promise<void> {
    this.#loadingDetail = true;
    this.#body.replaceChildren(el('p', { class: 'muted' }, t('loading')));
    try {
      this.#detail = await this.#api.recording(this.#caseId, this.#summary.id);
      this.#body.replaceChildren(...this.#detailSections(this.#detail));
    } catch (error) {
      this.#body.replaceChildren(
        el('p', { class: 'error' }, `${t('loadFailed')}${(error as Error).message}`),
      );
    } finally {
      this.#loadingDetail = false;
    }
  }

  #link(file: RecordingFileId): Promise<string> {
    return this.#api.viewLink(this.#caseId, this.#summary.id, file);
  }

  #detailSections(d: RecordingDetailView): HTMLElement[] {
    const sections: HTMLElement[] = [];
    const composite = section(t('composite'), 'composite');
    const c = d.recording.composite;
    if (c?.status === 'complete') {
      const video = el('video', {
        controls: '',
        preload: 'metadata',
        playsinline: '',
        'data-testid': 'composite-video',
      });
      this.#play(video, 'composite');
      composite.append(
        video,
        el(
          'p',
          { class: 'muted' },
          `${c.width}×${c.height} · ${formatDuration(c.durationMs)} · ${formatSize(c.size)}`,
        ),
        hash(c.sha256),
      );
    } else {
      composite.append(
        el(
          'p',
          { class: 'error' },
          `${t('compositeFailed')}${c?.status === 'failed' ? c.error : label(COMPOSITE_STATUS, d.recording.compositeStatus)}`,
        ),
      );
    }
    sections.push(composite);

    const notes = d.manifest?.payload.notes ?? [];
    if (notes.length > 0) {
      const box = section(t('notes'), 'notes');
      const list = el('ul');
      for (const note of notes) list.append(el('li', {}, note));
      box.append(list);
      sections.push(box);
    }

    const manifest = section(t('manifest'), 'manifest');
    if (d.recording.manifestSha256) {
      manifest.append(
        el('p', { class: 'hash' }, `${t('manifestHash')}${d.recording.manifestSha256}`),
        el('p', { class: 'hash' }, `${t('manifestKey')}${d.recording.manifestKid ?? '—'}`),
      );
      const download = el(
        'button',
        { class: 'primary', 'data-testid': 'download-manifest' },
        t('downloadManifest'),
      );
      download.onclick = () =>
        void this.#link('manifest').then((url) => {
          const a = el('a', { href: `${url}&download=1`, download: 'manifest.jws' });
          document.body.append(a);
          a.click();
          a.remove();
        });
      manifest.append(download, el('p', { class: 'muted' }, t('verifyHint')));
    }
    sections.push(manifest);

    const consents = section(t('consents'), 'consents');
    const consentList = el('ul', { class: 'rows' });
    for (const consent of d.consents) {
      const li = el('li', { 'data-testid': 'consent', 'data-participant': consent.participantId });
      li.append(
        el('strong', {}, consent.displayName),
        el('span', { class: 'muted' }, ` · ${label(ROLES, consent.role)}`),
      );
      const dl = el('dl', { class: 'facts' });
      dl.append(
        ...fact(t('acknowledgedAt'), formatTime(consent.acknowledgedAt)),
        ...fact(
          t('withdrawnAt'),
          consent.withdrawnAt ? formatTime(consent.withdrawnAt) : t('notWithdrawn'),
        ),
        ...(consent.ip ? fact('IP', consent.ip) : []),
      );
      li.append(dl);
      consentList.append(li);
    }
    consents.append(consentList);
    sections.push(consents);

    const tracks = section(`${t('tracks')}（${d.tracks.length}）`, 'tracks');
    const trackList = el('ul', { class: 'rows' });
    const ordered = [...d.tracks].sort(
      (a, b) =>
        a.displayName.localeCompare(b.displayName, 'zh-CN') ||
        a.source.localeCompare(b.source) ||
        a.startedAt.localeCompare(b.startedAt),
    );
    for (const track of ordered) trackList.append(this.#trackRow(track));
    tracks.append(trackList);
    sections.push(tracks);

    const gaps = section(t('gaps'), 'gaps');
    const found = d.manifest?.payload.gaps ?? [];
    if (found.length === 0) gaps.append(el('p', { class: 'muted' }, t('noGaps')));
    const names = new Map(
      (d.manifest?.payload.participants ?? []).map((p) => [p.participantId, p.displayName]),
    );
    const gapList = el('ul', { class: 'rows' });
    for (const gap of found) {
      gapList.append(
        el(
          'li',
          { 'data-testid': 'gap' },
          `${names.get(gap.participantId) ?? gap.participantId} · ${label(SOURCES, gap.source)} · ${formatTime(gap.from)} – ${formatTime(gap.to)} · ${label(END_REASONS, gap.reason)}`,
        ),
      );
    }
    if (found.length > 0) gaps.append(gapList);
    sections.push(gaps);
    return sections;
  }

  #trackRow(track: TrackView): HTMLElement {
    const li = el('li', { class: 'track', 'data-testid': 'track', 'data-track': track.id });
    const head = el('div', { class: 'row-head' });
    const title = el('span');
    title.append(
      el('strong', {}, track.displayName),
      el(
        'span',
        { class: 'muted' },
        ` · ${label(ROLES, track.role)} · ${label(SOURCES, track.source)}（${track.codec}）`,
      ),
    );
    const play = el('button', { class: 'small', 'data-testid': 'play-track' }, t('play'));
    head.append(title, play);
    const dl = el('dl', { class: 'facts' });
    dl.append(
      ...fact(t('startedAt'), formatTime(track.startedAt)),
      ...fact(t('stoppedAt'), formatTime(track.endedAt)),
      ...fact(t('duration'), formatDuration(track.durationMs)),
      ...fact(t('size'), track.size === null ? '—' : formatSize(track.size)),
      ...fact(
        t('endReason'),
        track.endReason
          ? label(END_REASONS, track.endReason)
          : label(RECORDING_STATUS, 'recording'),
      ),
      ...fact('SHA-256', track.sha256 ?? '—', { class: 'hash' }),
    );
    const slot = el('div', { class: 'player' });
    play.onclick = () => {
      if (slot.firstChild) {
        slot.replaceChildren();
        play.textContent = t('play');
        return;
      }
      const media = el(track.kind, {
        controls: '',
        preload: 'metadata',
        ...(track.kind === 'video' ? { playsinline: '' } : {}),
        'data-testid': 'track-player',
      });
      this.#play(media, track.id);
      slot.append(media);
      play.textContent = t('close');
    };
    li.append(head, dl, slot);
    return li;
  }

  /** Points a player at a view link, and at a fresh one when the link has expired. */
  #play(media: HTMLMediaElement, file: RecordingFileId): void {
    let linkedAt = 0;
    const link = async (resumeAt?: number) => {
      linkedAt = Date.now();
      media.src = await this.#link(file);
      if (resumeAt !== undefined) {
        media.addEventListener('loadedmetadata', () => (media.currentTime = resumeAt), {
          once: true,
        });
      }
    };
    const failed = (error: unknown) => {
      media.after(el('p', { class: 'error' }, `${t('loadFailed')}${(error as Error).message}`));
    };
    media.addEventListener('error', () => {
      if (Date.now() - linkedAt > LINK_REFRESH_MIN_MS) link(media.currentTime).catch(failed);
    });
    link().catch(failed);
  }
}

function section(title: string, name: string): HTMLElement {
  const box = el('section', { class: `detail ${name}`, 'data-testid': `recording-${name}` });
  box.append(el('h4', {}, title));
  return box;
}

function hash(sha256: string): HTMLElement {
  return el('p', { class: 'hash' }, `SHA-256 ${sha256}`);
}
