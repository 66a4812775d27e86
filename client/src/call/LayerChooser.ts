/**
 * Which quality each remote camera receives. On 'auto' (the default) it
 * follows the size the video is shown at: a small tile on a phone takes the
 * lowest layer, a large one the highest, so nobody downloads pixels they
 * cannot see. The receiver may also pick 高, 中 or 低; CallClient maps the
 * level onto the layers the sender really has (see encodings.ts).
 */
import type { QualityLevel } from './encodings.js';

/** A receiver's choice: follow the tile, or a fixed level (0 低, 1 中, 2 高). */
export type LayerChoice = 'auto' | 0 | 1 | 2;

const LEVELS: readonly QualityLevel[] = ['low', 'medium', 'high'];

/**
 * Device pixels across the tile up to which 低 and 中 suffice. A 1280×720
 * camera's layers are 320, 640 and 1280 pixels wide: a tile always gets a
 * layer at least a third wider than itself (a picture scaled down stays sharp).
 */
const LAYER_WIDTHS = [240, 480] as const;
const SETTLE_MS = 400;

export function layerForWidth(devicePixels: number): 0 | 1 | 2 {
  if (devicePixels <= LAYER_WIDTHS[0]) return 0;
  if (devicePixels <= LAYER_WIDTHS[1]) return 1;
  return 2;
}

export class LayerChooser {
  readonly #apply: (consumerId: string, level: QualityLevel) => Promise<void>;
  readonly #choice = new Map<string, LayerChoice>();
  readonly #applied = new Map<string, number>();
  readonly #width = new Map<string, number>();
  readonly #watched = new Map<Element, string>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #observer: ResizeObserver | undefined;

  constructor(apply: (consumerId: string, level: QualityLevel) => Promise<void>) {
    this.#apply = apply;
    this.#observer =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver((entries) => {
            for (const entry of entries) {
              const consumerId = this.#watched.get(entry.target);
              const width = entry.contentRect.width;
              // Detached or hidden: keep the last size rather than dropping to the lowest layer.
              if (!consumerId || width === 0) continue;
              const first = !this.#width.has(consumerId);
              this.#width.set(consumerId, width * (window.devicePixelRatio || 1));
              // A new camera starts on its lowest layer (a small key frame, a picture
              // at once): its tile's own layer is asked for as soon as the tile has a size.
              this.#schedule(consumerId, first ? 0 : SETTLE_MS);
            }
          });
  }

  /** Follows the size of the element showing a consumer's video. */
  watch(consumerId: string, video: HTMLElement): void {
    if (this.#watched.get(video) === consumerId) return;
    if (this.#watched.has(video)) this.#observer?.unobserve(video);
    this.#watched.set(video, consumerId);
    this.#observer?.observe(video);
  }

  choice(consumerId: string): LayerChoice {
    return this.#choice.get(consumerId) ?? 'auto';
  }

  /** The level (0 低 … 2 高) last asked of the server, if any (diagnostics). */
  applied(consumerId: string): number | undefined {
    return this.#applied.get(consumerId);
  }

  /** Every level asked of the server, by consumer (diagnostics). */
  appliedLayers(): Record<string, number> {
    return Object.fromEntries(this.#applied);
  }

  choose(consumerId: string, choice: LayerChoice): void {
    this.#choice.set(consumerId, choice);
    this.#schedule(consumerId, 0);
  }

  forget(consumerId: string): void {
    this.#choice.delete(consumerId);
    this.#applied.delete(consumerId);
    this.#width.delete(consumerId);
    clearTimeout(this.#timers.get(consumerId));
    this.#timers.delete(consumerId);
    for (const [node, id] of this.#watched) {
      if (id === consumerId) {
        this.#observer?.unobserve(node);
        this.#watched.delete(node);
      }
    }
  }

  #wanted(consumerId: string): number | undefined {
    const choice = this.choice(consumerId);
    if (choice !== 'auto') return choice;
    const width = this.#width.get(consumerId);
    return width === undefined ? undefined : layerForWidth(width);
  }

  /** Resizes come in bursts (a rotating phone, a window drag): ask once they settle. */
  #schedule(consumerId: string, delay = SETTLE_MS): void {
    clearTimeout(this.#timers.get(consumerId));
    this.#timers.set(
      consumerId,
      setTimeout(() => {
        this.#timers.delete(consumerId);
        const layer = this.#wanted(consumerId);
        if (layer === undefined || this.#applied.get(consumerId) === layer) return;
        this.#applied.set(consumerId, layer);
        this.#apply(consumerId, LEVELS[layer] ?? 'high').catch(() =>
          this.#applied.delete(consumerId),
        );
      }, delay),
    );
  }
}
