/**
 * What a call page shows of each remote participant, read from the page's
 * DOM alone (the tiles' <video> elements, badges and banner), so the same
 * measurement runs against any client version: how long after a fault
 * every receiver decodes fresh frames from every sender again, and what the
 * page told its user meanwhile.
 */
import type { Page } from 'playwright-core';

/** One remote tile as the page shows it. */
export interface TileView {
  /** The id of the video track the tile plays ('' when none). */
  trackId: string;
  /** Frames the <video> element has decoded from its current source. */
  frames: number;
  /** Width of the picture being shown (0 when none). */
  width: number;
  /** Badge texts on the tile. */
  badges: string[];
}

export interface PageView {
  at: number;
  /** The 恢复中 / reconnecting banner is on screen. */
  banner: boolean;
  tiles: Record<string, TileView>;
}

// Runs in the page (a string: the Node side has no DOM types).
const READ_PAGE = `(() => {
  const tiles = {};
  for (const tile of document.querySelectorAll('[data-testid="remote-tile"][data-participant]')) {
    const video = tile.querySelector('video');
    const stream = video && video.srcObject instanceof MediaStream ? video.srcObject : null;
    const track = stream ? stream.getVideoTracks()[0] : undefined;
    tiles[tile.dataset.participant] = {
      trackId: track && track.readyState === 'live' ? track.id : '',
      frames: video ? video.getVideoPlaybackQuality().totalVideoFrames : 0,
      width: video ? video.videoWidth : 0,
      badges: [...tile.querySelectorAll('.badge')].map((b) => (b.textContent || '').trim()),
    };
  }
  return { banner: document.querySelector('[data-testid="reconnecting"]') !== null, tiles };
})()`;

/** Reads the page's remote tiles, badges and reconnecting banner. */
export async function pageView(page: Page): Promise<PageView> {
  const view = (await page.evaluate(READ_PAGE)) as Omit<PageView, 'at'>;
  return { at: Date.now(), ...view };
}

export interface RecoveryReceiver {
  name: string;
  page: Page;
  /** Participant ids whose camera this page must show again. */
  senders: string[];
}

export interface RecoveryResult {
  /** Milliseconds from the fault until this receiver decoded new frames from every sender. */
  msToFrames: Record<string, number>;
  /** Every sample taken, per receiver, from the fault until its frames advanced. */
  samples: Record<string, PageView[]>;
  /** What each receiver showed just before the fault. */
  before: Record<string, PageView>;
}

/**
 * Whether a page shows every sender's camera back: a tile playing a track
 * other than the one it played before the fault, with frames decoded.
 */
export function videoBack(view: PageView, before: PageView, senders: string[]): boolean {
  return senders.every((s) => {
    const tile = view.tiles[s];
    return (
      tile !== undefined &&
      tile.trackId !== '' &&
      tile.trackId !== before.tiles[s]?.trackId &&
      tile.frames > 0
    );
  });
}

/**
 * Injects a fault (`fault` runs right after the "before" picture is taken)
 * and measures, for every receiver, the time until each sender's tile plays
 * a track other than the one it played before the fault with its decoded
 * frame count advancing. Samples every `intervalMs` so that what the page
 * showed meanwhile (banner, badges) can be checked.
 */
export async function measureMediaRecovery(
  receivers: RecoveryReceiver[],
  fault: () => void | Promise<void>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<RecoveryResult> {
  const before = new Map<string, PageView>();
  for (const r of receivers) before.set(r.name, await pageView(r.page));
  const start = Date.now();
  await fault();
  const msToFrames: Record<string, number> = {};
  const samples: Record<string, PageView[]> = {};
  await Promise.all(
    receivers.map(async (r) => {
      const old = before.get(r.name)!;
      const list: PageView[] = (samples[r.name] = []);
      const lastFrames = new Map<string, { trackId: string; frames: number }>();
      const done = new Set<string>();
      while (done.size < r.senders.length) {
        if (Date.now() - start > timeoutMs) {
          throw new Error(
            `${r.name}: frames from ${r.senders.filter((s) => !done.has(s)).join(', ')} ` +
              `did not advance within ${timeoutMs} ms; last view ${JSON.stringify(list.at(-1))}`,
          );
        }
        const view = await pageView(r.page);
        list.push(view);
        for (const s of r.senders) {
          const tile = view.tiles[s];
          if (done.has(s) || !tile || !tile.trackId) continue;
          if (tile.trackId === old.tiles[s]?.trackId) continue;
          const last = lastFrames.get(s);
          if (last && last.trackId === tile.trackId && tile.frames > last.frames) {
            done.add(s);
          } else {
            lastFrames.set(s, { trackId: tile.trackId, frames: tile.frames });
          }
        }
        if (done.size === r.senders.length) {
          msToFrames[r.name] = view.at - start;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }),
  );
  return { msToFrames, samples, before: Object.fromEntries(before) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
