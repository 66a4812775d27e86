/**
 * The call page's Vue parts, loaded with the call client (../lazyParts.ts),
 * never on the first screen: the video area, mounted once into the page's
 * stable host. The page moves the host into place on each redraw but never
 * rebuilds it, and hands `update` what it knows; Vue patches what changed.
 */
import { createApp, markRaw } from 'vue';
import type { Lang } from '../../shared/i18n.js';
import type { LayerChooser } from '../LayerChooser.js';
import { createCallView, updateCallView, type CallViewState } from './callView.js';
import TileGrid from './TileGrid.vue';
import { viewLang } from './text.js';

export type { CallViewState } from './callView.js';

export interface MountedCallView {
  /** The state components render from; the page may set a field directly (the active speaker). */
  readonly state: CallViewState;
  update(next: Readonly<CallViewState>, lang: Lang): void;
  unmount(): void;
}

export function mountCallView(grid: HTMLElement, layers: LayerChooser): MountedCallView {
  const state = createCallView();
  const app = createApp(TileGrid, { view: state, layers: markRaw(layers) });
  app.mount(grid);
  return {
    state,
    update(next, lang) {
      viewLang.value = lang;
      updateCallView(state, next);
    },
    unmount: () => app.unmount(),
  };
}
