/**
 * The mediator's panel, mounted into the page's stable host (loaded lazily
 * by ../MediatorPanelSlot.ts, so a party's page never loads Vue). The page
 * calls `refresh` whenever it redraws (the floor, the participants, the
 * recording or the language changed) and `refreshQuality` when a quality
 * report arrives; Vue patches what changed, so a button is never replaced
 * under the finger and a form keeps what is typed in it.
 */
import { createApp, markRaw, shallowReactive } from 'vue';
import type { ParticipantInfo } from '../../../../../signaling/contract.js';
import MediatorPanel from './MediatorPanel.vue';
import type { FloorView, MediatorPanelSource } from './state.js';

export type { MediatorPanelSource } from './state.js';

export interface MountedPanel {
  refresh(): void;
  refreshQuality(): void;
  unmount(): void;
}

export function mountMediatorPanel(host: HTMLElement, source: MediatorPanelSource): MountedPanel {
  const floor = markRaw(source.floor);
  const qualityOf = (others: readonly ParticipantInfo[]): Map<string, number> => {
    const scores = new Map<string, number>();
    for (const p of others) {
      const score = floor.quality(p.participantId);
      if (score !== undefined) scores.set(p.participantId, score);
    }
    return scores;
  };
  const others = source.participants();
  const register = source.register();
  const view = shallowReactive<FloorView>({
    waiting: floor.waiting,
    others,
    caucus: floor.caucus,
    locked: floor.locked,
    recordingOn: source.recordingOn(),
    register: register && markRaw(register),
    quality: qualityOf(others),
  });

  function refreshQuality(): void {
    const next = qualityOf(view.others);
    const shown = view.quality;
    if (next.size !== shown.size || [...next].some(([id, score]) => shown.get(id) !== score))
      view.quality = next;
  }

  const app = createApp(MediatorPanel, { view, floor });
  app.mount(host);
  return {
    refresh() {
      // The lists are new arrays on every read: replaced only when an entry changed.
      const waiting = floor.waiting;
      if (!sameEntries(view.waiting, waiting)) view.waiting = waiting;
      const others = source.participants();
      if (!sameEntries(view.others, others)) view.others = others;
      view.caucus = floor.caucus;
      view.locked = floor.locked;
      view.recordingOn = source.recordingOn();
      const register = source.register();
      if (register !== view.register) view.register = register && markRaw(register);
      refreshQuality();
    },
    refreshQuality,
    unmount() {
      app.unmount();
    },
  };
}

/** The same participants in the same order, each the same (unchanged) object. */
function sameEntries(a: readonly ParticipantInfo[], b: readonly ParticipantInfo[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
