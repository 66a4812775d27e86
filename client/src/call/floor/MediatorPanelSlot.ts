/**
 * Where the mediator's floor panel lives on the call page: one <section>
 * that the page's redraws move into place but never rebuild, with the Vue
 * panel (panel/MediatorPanel.vue) mounted in it once. Only a mediator's page
 * makes one, and the panel's chunk (with the Vue runtime) is loaded then, so
 * a party's page never loads it. Hidden until the panel is mounted.
 */
import { el } from '../../shared/dom.js';
import type { MediatorPanelSource, MountedPanel } from './panel/mount.js';

export class MediatorPanelSlot {
  readonly #host = el('section', {
    class: 'floor-panel',
    'data-testid': 'floor-panel',
    'aria-labelledby': 'floor-title',
  });
  readonly #source: MediatorPanelSource;
  #loading = false;
  #panel: MountedPanel | undefined;
  #closed = false;

  /** Starts loading the panel at once: it is needed as soon as the mediator is in the call. */
  constructor(source: MediatorPanelSource) {
    this.#source = source;
    this.#host.hidden = true;
    this.#load();
  }

  #load(): void {
    if (this.#loading) return;
    this.#loading = true;
    void import('./panel/mount.js').then(
      ({ mountMediatorPanel }) => {
        if (this.#closed) return;
        this.#panel = mountMediatorPanel(this.#host, this.#source);
        this.#host.hidden = false;
      },
      () => {
        // A failed fetch (the network dropped) is tried again at the next redraw.
        this.#loading = false;
      },
    );
  }

  /** Brings the panel up to date with the floor and returns its host, the same every time. */
  element(): HTMLElement {
    if (this.#panel) this.#panel.refresh();
    else this.#load();
    return this.#host;
  }

  /** Updates the quality figures (they change every second). */
  refreshQuality(): void {
    this.#panel?.refreshQuality();
  }

  /** The call this panel served is over (left, to be joined anew). */
  close(): void {
    this.#closed = true;
    this.#panel?.unmount();
    this.#panel = undefined;
  }
}
