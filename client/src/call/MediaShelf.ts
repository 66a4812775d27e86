/**
 * Media elements that outlive re-renders, keyed by what they play: replacing
 * a <video> for the same camera a few times in a row makes Chromium stop
 * delivering that camera's frames for seconds (measured by bench:join).
 */
import { el } from '../shared/dom.js';

type Source = MediaStream | MediaStreamTrack;

export class MediaShelf {
  readonly #elements = new Map<string, { node: HTMLMediaElement; source: Source }>();
  /** Keys of the elements the current render placed. */
  #placed = new Set<string>();

  /** Starts a render: elements not placed again before `endRender` are let go. */
  beginRender(): void {
    this.#placed = new Set();
  }

  element(
    kind: 'video' | 'audio',
    key: string,
    source: Source | undefined,
    muted: boolean,
  ): HTMLMediaElement {
    this.#placed.add(key);
    const cached = this.#elements.get(key);
    if (cached && cached.source === source) return cached.node;
    const node =
      cached?.node ??
      el(kind, kind === 'video' ? { playsinline: '', autoplay: '' } : { autoplay: '' });
    node.muted = muted;
    node.srcObject =
      source instanceof MediaStreamTrack ? new MediaStream([source]) : (source ?? null);
    if (source) this.#elements.set(key, { node, source });
    else this.#elements.delete(key);
    return node;
  }

  /** Forgets elements whose track is gone, so they do not pile up over a long session. */
  endRender(): void {
    for (const [key, { node }] of this.#elements) {
      if (!this.#placed.has(key)) {
        node.srcObject = null;
        this.#elements.delete(key);
      }
    }
  }
}
