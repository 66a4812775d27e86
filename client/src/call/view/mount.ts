/**
 * The call page's Vue parts, loaded with the call client (../lazyParts.ts),
 * never on the first screen: the call's banners, the video area, the
 * controls bar, the deadlines and evidence in the side panel, the chat, the waiting room,
 * the viewer, each mounted
 * once into a stable host of the page. The page moves the hosts
 * into place on each redraw but never rebuilds them, and hands `update` what
 * it knows; Vue patches what changed.
 */
import { createApp, markRaw } from 'vue';
import type { LayerChooser } from '../LayerChooser.js';
import {
  createCallView,
  updateCallView,
  type CallActions,
  type CallViewState,
} from './callView.js';
import CallView from './CallView.vue';

export type { CallActions, CallViewState } from './callView.js';

export interface MountedCallView {
  /** The state components render from; the page may set a field directly (the active speaker). */
  readonly state: CallViewState;
  update(next: Readonly<CallViewState>): void;
  unmount(): void;
}

export interface CallViewHosts {
  banners: HTMLElement;
  grid: HTMLElement;
  controls: HTMLElement;
  left: HTMLElement;
  /** In the side panel: the deadlines and the evidence. */
  side: HTMLElement;
  /** At the end of the page, over it. */
  viewer: HTMLElement;
  /** In the side panel, in the call. */
  chat: HTMLElement;
  /** Above the video area, while waiting to be admitted. */
  waiting: HTMLElement;
}

export function mountCallView(
  hosts: CallViewHosts,
  layers: LayerChooser,
  act: CallActions,
): MountedCallView {
  const state = createCallView();
  const app = createApp(CallView, {
    view: state,
    layers: markRaw(layers),
    act: markRaw(act),
    hosts: markRaw(hosts),
  });
  // The parts teleport into their hosts; the app's own element holds nothing.
  app.mount(document.createElement('div'));
  return {
    state,
    update(next) {
      updateCallView(state, next);
    },
    unmount: () => app.unmount(),
  };
}
