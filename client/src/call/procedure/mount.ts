/**
 * The procedure card (ProcedureCard.vue), mounted once into the page's stable host: loaded
 * after the first screen is drawn (../lazyParts.ts), with the case file the page read
 * alongside the invitation's exchange (../procedure.ts). The page moves the host into place
 * on each redraw, when `shown` says something applies.
 */
import { createApp, markRaw, shallowReactive } from 'vue';
import ProcedureCard from './ProcedureCard.vue';
import { procedureActions, procedureView, type CaseFile, type ProcedureState } from './state.js';

export interface MountedProcedure {
  /** Whether anything applies to this person now (else the page leaves the host out). */
  shown(): boolean;
  unmount(): void;
}

export function mountProcedureCard(
  host: HTMLElement,
  o: {
    caseId: string;
    personId: string;
    invite: string;
    file: CaseFile | undefined;
    onChange: () => void;
  },
): MountedProcedure {
  const state = shallowReactive<ProcedureState>({ file: o.file, error: undefined });
  const act = procedureActions(state, o);
  const app = createApp(ProcedureCard, { state, personId: o.personId, act: markRaw(act) });
  app.mount(host);
  return {
    shown() {
      const view = procedureView(state.file, o.personId);
      return view.agreement !== undefined || view.recusal !== undefined;
    },
    unmount: () => app.unmount(),
  };
}
