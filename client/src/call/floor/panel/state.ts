/**
 * What the mediator's panel shows and does: the view of the floor its
 * components read (refreshed from the session floor and the call client by
 * `mount.ts`), and the panel's actions: one request at a time, the error of
 * the last, and the inline form open under one participant.
 */
import { reactive } from 'vue';
import type { CaucusState, ParticipantInfo, RequestOf } from '../../../../../signaling/contract.js';
import { t, type MessageKey } from '../../../shared/i18n.js';
import type { CaseRegister } from '../caseRegister.js';
import type { SessionFloor } from '../SessionFloor.js';

/** Where the panel's data comes from (the call page holds them). */
export interface MediatorPanelSource {
  floor: SessionFloor;
  /** The admitted participants other than this mediator. */
  participants(): ParticipantInfo[];
  /** Whether a recording is on (the caucus may then be recorded too). */
  recordingOn(): boolean;
  /** The case's people as registered, when the mediator came from the console. */
  register(): CaseRegister | undefined;
}

/** The floor as the panel shows it; shallow: each field is replaced, never changed inside. */
export interface FloorView {
  waiting: readonly ParticipantInfo[];
  others: readonly ParticipantInfo[];
  caucus: CaucusState | null;
  locked: boolean;
  recordingOn: boolean;
  register: CaseRegister | undefined;
  /** The latest connection score (0 bad … 10 good) by participant, of those with one. */
  quality: ReadonlyMap<string, number>;
}

export type IdentityMethod = RequestOf<'identity:verify'>['method'];

export const METHODS: readonly IdentityMethod[] = [
  'id-document-on-camera',
  'face-to-photo',
  'personal-details',
  'other',
];

export const METHOD_KEYS: Record<IdentityMethod, MessageKey> = {
  'id-document-on-camera': 'methodIdDocument',
  'face-to-photo': 'methodFace',
  'personal-details': 'methodDetails',
  other: 'methodOther',
};

export type FormKind = 'identity' | 'refuse' | 'remove' | 'admit';

export const FORM_TITLES: Record<FormKind, MessageKey> = {
  identity: 'checkIdentity',
  refuse: 'refuse',
  remove: 'remove',
  admit: 'admit',
};

/** An inline form open under one participant. */
export interface OpenForm {
  kind: FormKind;
  participantId: string;
  /** The identity check's method chosen at first. */
  method: IdentityMethod;
}

export interface PanelActions {
  /** A request is under way: the panel's buttons wait for it. */
  busy: boolean;
  error: string | null;
  form: OpenForm | undefined;
  /** Sends one request; its failure is shown at the top of the panel. */
  run(action: () => Promise<unknown>): void;
  /** Opens a form under a participant, or closes it when that form is open already. */
  openForm(kind: FormKind, p: ParticipantInfo, method?: IdentityMethod): void;
  closeForm(): void;
}

export function panelActions(): PanelActions {
  const self: PanelActions = reactive<PanelActions>({
    busy: false,
    error: null,
    form: undefined,
    run(action) {
      self.busy = true;
      self.error = null;
      action()
        .catch((error: unknown) => {
          self.error = `${t('actionFailed')}${error instanceof Error ? error.message : String(error)}`;
        })
        .finally(() => (self.busy = false));
    },
    openForm(kind, p, method = 'other') {
      const same = self.form?.kind === kind && self.form.participantId === p.participantId;
      self.form = same ? undefined : { kind, participantId: p.participantId, method };
      self.error = null;
    },
    closeForm() {
      self.form = undefined;
    },
  });
  return self;
}
