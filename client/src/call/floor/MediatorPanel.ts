/**
 * The mediator's floor panel on the call page: the waiting room (identity
 * check, admit, refuse), the participants with their identity check, raised
 * hand, mute state and connection quality (mute, allow to speak, remove),
 * mute all, the lock, and the caucus (背靠背). Rebuilt only when what it
 * shows changes, so a button is never replaced under the finger; quality
 * figures are updated in place every second.
 *
 * Identity: a waiting participant sends no media, so the mediator can check
 * personal details while they wait; an ID document shown to the camera is
 * checked once they are admitted, from the participant list.
 *
 * Size: pending — moves to a Vue single-file component (issue 17, must-have 1).
 */
import type { ParticipantInfo, RequestOf } from '../../../../signaling/contract.js';
import { ROLE_LABELS } from '../../../../signaling/roles.js';
import { levelFromScore, type QualityLevel } from '../ConnectionQuality.js';
import { el } from '../../shared/dom.js';
import { colon, lang, t, type MessageKey } from '../../shared/i18n.js';
import type { CaseRegister, CaseSide } from './caseRegister.js';
import type { SessionFloor } from './SessionFloor.js';

type IdentityMethod = RequestOf<'identity:verify'>['method'];

const METHODS: IdentityMethod[] = [
  'id-document-on-camera',
  'face-to-photo',
  'personal-details',
  'other',
];

const METHOD_KEYS: Record<IdentityMethod, MessageKey> = {
  'id-document-on-camera': 'methodIdDocument',
  'face-to-photo': 'methodFace',
  'personal-details': 'methodDetails',
  other: 'methodOther',
};

const FORM_TITLES: Record<OpenForm['kind'], MessageKey> = {
  identity: 'checkIdentity',
  refuse: 'refuse',
  remove: 'remove',
  admit: 'admit',
};

/** An inline form open under one participant. */
interface OpenForm {
  kind: 'identity' | 'refuse' | 'remove' | 'admit';
  participantId: string;
  method: IdentityMethod;
  text: string;
}

export interface MediatorPanelHost {
  floor: SessionFloor;
  /** The admitted participants other than this mediator. */
  participants(): ParticipantInfo[];
  /** Whether a recording is on (the caucus may then be recorded too). */
  recordingOn(): boolean;
  /** The case's people as registered, when the mediator came from the console. */
  register(): CaseRegister | undefined;
}

export function roleLabel(role: ParticipantInfo['role']): string {
  const l = ROLE_LABELS[role];
  return lang() === 'en' ? l.en : l.zh;
}

export function qualityText(level: QualityLevel | undefined): string {
  if (!level) return t('qualityUnknown');
  return t(level === 'good' ? 'qualityGood' : level === 'fair' ? 'qualityFair' : 'qualityPoor');
}

function identityText(p: ParticipantInfo): string {
  return t(
    p.identity === 'confirmed'
      ? 'identityConfirmed'
      : p.identity === 'failed'
        ? 'identityNotConfirmed'
        : 'identityUnchecked',
  );
}

export class MediatorPanel {
  readonly #host: MediatorPanelHost;
  readonly #root = el('section', {
    class: 'floor-panel',
    'data-testid': 'floor-panel',
    'aria-labelledby': 'floor-title',
  });
  readonly #qualitySpans = new Map<string, HTMLElement>();
  #signature = '';
  #form: OpenForm | undefined;
  #busy = false;
  #error: string | null = null;
  readonly #caucusPick = new Set<string>();
  #caucusRecord = false;

  constructor(host: MediatorPanelHost) {
    this.#host = host;
  }

  element(): HTMLElement {
    const floor = this.#host.floor;
    const others = this.#host.participants();
    for (const id of [...this.#caucusPick])
      if (!others.some((p) => p.participantId === id)) this.#caucusPick.delete(id);
    const signature = JSON.stringify([
      lang(),
      floor.waiting,
      others,
      floor.caucus,
      floor.locked,
      this.#form && { ...this.#form, text: undefined },
      this.#busy,
      this.#error,
      this.#host.recordingOn(),
      this.#host.register() !== undefined,
    ]);
    if (signature !== this.#signature) {
      this.#signature = signature;
      this.#rebuild(others);
    }
    this.refreshQuality();
    return this.#root;
  }

  /** Updates the quality figures in place (they change every second). */
  refreshQuality(): void {
    for (const [id, span] of this.#qualitySpans) {
      const score = this.#host.floor.quality(id);
      const level = score === undefined ? undefined : levelFromScore(score);
      const text = `${t('network')}${qualityText(level)}`;
      if (span.textContent !== text) span.textContent = text;
      span.dataset['level'] = level ?? 'unknown';
      span.title = score === undefined ? '' : `${t('score')} ${score}/10`;
    }
  }

  #rebuild(others: ParticipantInfo[]): void {
    const root = this.#root;
    // Keep keyboard focus on the same control across the rebuild.
    const active = document.activeElement;
    const focusKey =
      active instanceof HTMLElement && root.contains(active) ? active.dataset['key'] : undefined;
    this.#qualitySpans.clear();
    root.replaceChildren(el('h2', { id: 'floor-title' }, t('floorTitle')));
    if (this.#error) root.append(el('p', { class: 'error', role: 'alert' }, this.#error));
    root.append(this.#waitingSection(), this.#participantSection(others));
    root.append(this.#caucusSection(others));
    if (focusKey) root.querySelector<HTMLElement>(`[data-key="${focusKey}"]`)?.focus();
  }

  #waitingSection(): HTMLElement {
    const waiting = this.#host.floor.waiting;
    const section = el('div', { class: 'floor-section', 'data-testid': 'waiting-list' });
    const heading = el('h3', {}, counted(t('waitingList'), waiting.length));
    section.append(heading);
    if (waiting.length === 0) {
      section.append(el('p', { class: 'muted' }, t('noneWaiting')));
      return section;
    }
    const list = el('ul', { class: 'floor-list', 'aria-live': 'polite' });
    for (const p of waiting) {
      const li = el('li', { 'data-testid': 'waiting-item', 'data-participant': p.participantId });
      li.append(this.#who(p));
      const actions = el('div', { class: 'floor-actions' });
      actions.append(
        this.#button('check-identity', p, t('checkIdentity'), () =>
          this.#openForm('identity', p, 'personal-details'),
        ),
        this.#button(
          'admit',
          p,
          t('admit'),
          // Unconfirmed identity: the server refuses without a reason, so ask for one.
          () =>
            p.identity === 'confirmed'
              ? this.#run(() => this.#host.floor.admit(p.participantId))
              : this.#openForm('admit', p),
          'primary',
        ),
        this.#button('refuse', p, t('refuse'), () => this.#openForm('refuse', p)),
      );
      li.append(actions);
      const form = this.#formFor(p);
      if (form) li.append(form);
      list.append(li);
    }
    section.append(list, el('p', { class: 'hint' }, t('idDocumentHint')));
    return section;
  }

  #participantSection(others: ParticipantInfo[]): HTMLElement {
    const floor = this.#host.floor;
    const section = el('div', { class: 'floor-section', 'data-testid': 'floor-participants' });
    section.append(el('h3', {}, counted(t('participantsTitle'), others.length)));
    const tools = el('div', { class: 'floor-actions' });
    const muteAll = el(
      'button',
      { class: 'small', 'data-testid': 'mute-all', 'data-key': 'mute-all' },
      t('muteAll'),
    );
    muteAll.disabled = this.#busy || others.length === 0;
    muteAll.onclick = () => this.#run(() => floor.muteAll());
    const lock = el(
      'button',
      {
        class: floor.locked ? 'small on' : 'small',
        'data-testid': 'lock-toggle',
        'data-key': 'lock-toggle',
        'aria-pressed': String(floor.locked),
      },
      floor.locked ? t('unlockSession') : t('lockSession'),
    );
    lock.disabled = this.#busy;
    lock.onclick = () => this.#run(() => floor.setLocked(!floor.locked));
    tools.append(muteAll, lock);
    section.append(tools);
    if (floor.locked)
      section.append(
        el('p', { class: 'notice small', 'data-testid': 'locked-note' }, t('lockedNote')),
      );
    const list = el('ul', { class: 'floor-list' });
    // Raised hands first: they are waiting for the mediator.
    const ordered = [...others].sort((a, b) => Number(b.handRaised) - Number(a.handRaised));
    for (const p of ordered) {
      const li = el('li', {
        'data-testid': 'floor-participant',
        'data-participant': p.participantId,
      });
      if (p.handRaised) li.classList.add('hand');
      li.append(this.#who(p));
      const facts = el('div', { class: 'floor-facts' });
      const quality = el('span', { class: 'quality-level', 'data-testid': 'participant-quality' });
      this.#qualitySpans.set(p.participantId, quality);
      facts.append(quality);
      if (p.handRaised)
        facts.append(
          el('span', { class: 'tag hand', 'data-testid': 'hand-raised' }, t('handRaised')),
        );
      if (p.mutedByMediator)
        facts.append(
          el('span', { class: 'tag', 'data-testid': 'muted-chip' }, t('mutedByMediatorShort')),
        );
      if (floor.caucus && floor.inCaucus(p.participantId, p.role))
        facts.append(el('span', { class: 'tag caucus' }, t('caucusAway')));
      li.append(facts);
      const actions = el('div', { class: 'floor-actions' });
      if (p.role !== 'mediator') {
        actions.append(
          this.#button('check-identity', p, t('checkIdentity'), () =>
            this.#openForm('identity', p, 'id-document-on-camera'),
          ),
        );
        actions.append(
          p.mutedByMediator
            ? this.#button('allow-unmute', p, t('allowUnmute'), () =>
                this.#run(() => floor.allowUnmute(p.participantId)),
              )
            : this.#button('mute', p, t('mute'), () =>
                this.#run(() => floor.mute(p.participantId)),
              ),
          this.#button('remove', p, t('remove'), () => this.#openForm('remove', p), 'danger'),
        );
      }
      li.append(actions);
      const form = this.#formFor(p);
      if (form) li.append(form);
      list.append(li);
    }
    section.append(list);
    return section;
  }

  #caucusSection(others: ParticipantInfo[]): HTMLElement {
    const floor = this.#host.floor;
    const section = el('div', { class: 'floor-section', 'data-testid': 'caucus-control' });
    section.append(el('h3', {}, t('caucusTitle')));
    const caucus = floor.caucus;
    if (caucus) {
      const names = others
        .filter((p) => caucus.participantIds.includes(p.participantId))
        .map((p) => p.displayName);
      section.append(
        el(
          'p',
          { class: 'notice small' },
          `${t('caucusWith')}${names.join('、')}${caucus.recorded ? t('caucusRecorded') : ''}`,
        ),
      );
      const end = el(
        'button',
        { class: 'primary', 'data-testid': 'caucus-end', 'data-key': 'caucus-end' },
        t('caucusEnd'),
      );
      end.disabled = this.#busy;
      end.onclick = () => this.#run(() => floor.endCaucus());
      section.append(end);
      return section;
    }
    const candidates = others.filter((p) => p.role !== 'mediator' && p.role !== 'observer');
    if (candidates.length === 0) {
      section.append(el('p', { class: 'muted' }, t('caucusNobody')));
      return section;
    }
    const group = el('fieldset', { class: 'caucus-pick' });
    group.append(el('legend', {}, t('caucusPick')));
    const register = this.#host.register();
    if (register) {
      // One side at once: the party and the agents who represent it.
      const sides = el('div', { class: 'floor-actions' });
      for (const [side, key] of [
        ['applicant', 'sideApplicant'],
        ['respondent', 'sideRespondent'],
      ] as const satisfies readonly (readonly [CaseSide, MessageKey])[]) {
        const members = candidates.filter((p) => register.sideOf(p.participantId) === side);
        if (members.length === 0) continue;
        const pick = el(
          'button',
          {
            type: 'button',
            class: 'small',
            'data-testid': `pick-${side}`,
            'data-key': `pick-${side}`,
          },
          t(key),
        );
        pick.onclick = () => {
          this.#caucusPick.clear();
          for (const m of members) this.#caucusPick.add(m.participantId);
          this.#signature = '';
          this.element();
        };
        sides.append(pick);
      }
      if (sides.childElementCount > 0) group.append(sides);
    }
    for (const p of candidates) {
      const id = `caucus-${p.participantId}`;
      const box = el('input', {
        type: 'checkbox',
        id,
        'data-testid': 'caucus-pick',
        'data-participant': p.participantId,
        'data-key': id,
      });
      box.checked = this.#caucusPick.has(p.participantId);
      box.onchange = () => {
        if (box.checked) this.#caucusPick.add(p.participantId);
        else this.#caucusPick.delete(p.participantId);
        start.disabled = this.#busy || this.#caucusPick.size === 0;
      };
      const kind = register?.kindLabel(p.participantId) ?? roleLabel(p.role);
      const label = el('label', { for: id }, `${p.displayName} · ${kind}`);
      const row = el('div', { class: 'check-row' });
      row.append(box, label);
      group.append(row);
    }
    if (this.#host.recordingOn()) {
      const record = el('input', {
        type: 'checkbox',
        id: 'caucus-record',
        'data-testid': 'caucus-record',
        'data-key': 'caucus-record',
      });
      record.checked = this.#caucusRecord;
      record.onchange = () => (this.#caucusRecord = record.checked);
      const row = el('div', { class: 'check-row' });
      row.append(record, el('label', { for: 'caucus-record' }, t('caucusRecord')));
      group.append(row);
    }
    const start = el(
      'button',
      { class: 'primary', 'data-testid': 'caucus-start', 'data-key': 'caucus-start' },
      t('caucusStart'),
    );
    start.disabled = this.#busy || this.#caucusPick.size === 0;
    start.onclick = () =>
      this.#run(async () => {
        await floor.startCaucus(
          [...this.#caucusPick],
          this.#host.recordingOn() && this.#caucusRecord,
        );
        this.#caucusPick.clear();
      });
    section.append(group, el('p', { class: 'hint' }, t('caucusHint')), start);
    return section;
  }

  #who(p: ParticipantInfo): HTMLElement {
    const who = el('div', { class: 'who' });
    const kind = this.#host.register()?.kindLabel(p.participantId);
    who.append(
      el('strong', {}, p.displayName),
      ` · ${kind ?? roleLabel(p.role)} · `,
      el(
        'span',
        {
          class: `identity ${p.identity}`,
          'data-testid': 'identity-state',
          'data-identity': p.identity,
        },
        identityText(p),
      ),
    );
    return who;
  }

  #button(
    testId: string,
    p: ParticipantInfo,
    text: string,
    onClick: () => void,
    kind = '',
  ): HTMLButtonElement {
    const button = el(
      'button',
      {
        type: 'button',
        class: `small ${kind}`.trim(),
        'data-testid': testId,
        'data-key': `${testId}:${p.participantId}`,
        'aria-label': `${text}${colon()}${p.displayName}`,
      },
      text,
    );
    button.disabled = this.#busy;
    button.onclick = onClick;
    return button;
  }

  #openForm(kind: OpenForm['kind'], p: ParticipantInfo, method: IdentityMethod = 'other'): void {
    const same = this.#form?.kind === kind && this.#form.participantId === p.participantId;
    this.#form = same ? undefined : { kind, participantId: p.participantId, method, text: '' };
    this.#error = null;
    this.#signature = '';
    this.element();
    // Into the form, so the keyboard continues where the eye goes.
    this.#root.querySelector<HTMLElement>('.floor-form select, .floor-form input')?.focus();
  }

  #formFor(p: ParticipantInfo): HTMLElement | undefined {
    const form = this.#form;
    if (!form || form.participantId !== p.participantId) return undefined;
    const node = el('form', {
      class: 'floor-form',
      'data-testid': `${form.kind}-form`,
      'aria-label': `${t(FORM_TITLES[form.kind])}${colon()}${p.displayName}`,
    });
    // The primary button submits (so Enter in the text field does too).
    let primary: () => void = () => undefined;
    node.onsubmit = (e) => {
      e.preventDefault();
      primary();
    };
    const text = el('input', {
      type: 'text',
      maxlength: form.kind === 'identity' || form.kind === 'admit' ? '500' : '200',
      'data-testid': form.kind === 'identity' ? 'identity-note' : 'reason',
      id: 'floor-form-text',
    });
    text.value = form.text;
    text.oninput = () => (form.text = text.value);
    const cancel = el(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'form-cancel' },
      t('cancel'),
    );
    cancel.onclick = () => {
      this.#form = undefined;
      this.#signature = '';
      this.element();
    };
    const reason = () => form.text.trim() || undefined;
    const buttons = el('div', { class: 'floor-actions' });
    if (form.kind === 'identity') {
      const method = el('select', { id: 'identity-method', 'data-testid': 'identity-method' });
      for (const m of METHODS) {
        const option = el('option', { value: m }, t(METHOD_KEYS[m]));
        option.selected = m === form.method;
        method.append(option);
      }
      method.onchange = () => (form.method = method.value as IdentityMethod);
      const registered = this.#host.register()?.person(p.participantId);
      if (registered) {
        const facts = [
          registered.name,
          registered.idNumber ? `${t('idNumberLabel')} ${registered.idNumber}` : '',
          registered.phone ? `${t('phoneLabel')} ${registered.phone}` : '',
        ].filter(Boolean);
        node.append(
          el(
            'p',
            { class: 'registered', 'data-testid': 'registered' },
            `${t('registered')}${facts.join(' · ')}`,
          ),
        );
      }
      node.append(labelled(t('identityMethod'), method, 'identity-method'));
      node.append(labelled(t('identityNote'), text, 'floor-form-text'));
      const verify = (result: 'confirmed' | 'failed') =>
        this.#run(async () => {
          await this.#host.floor.verifyIdentity({
            participantId: p.participantId,
            result,
            method: form.method,
            ...(reason() ? { note: reason()! } : {}),
          });
          this.#form = undefined;
        });
      const ok = el(
        'button',
        { type: 'submit', class: 'small primary', 'data-testid': 'identity-confirm' },
        t('identityMatches'),
      );
      primary = () => verify('confirmed');
      const bad = el(
        'button',
        { type: 'button', class: 'small danger', 'data-testid': 'identity-fail' },
        t('identityMismatch'),
      );
      bad.onclick = () => verify('failed');
      buttons.append(ok, bad, cancel);
    } else if (form.kind === 'admit') {
      node.append(
        el('p', { class: 'hint', 'data-testid': 'admit-unchecked' }, t('admitUnchecked')),
      );
      text.required = true;
      node.append(labelled(t('admitOverrideReason'), text, 'floor-form-text'));
      const check = el(
        'button',
        { type: 'button', class: 'small', 'data-testid': 'admit-check-first' },
        t('checkIdentity'),
      );
      check.onclick = () => this.#openForm('identity', p, 'personal-details');
      const go = el(
        'button',
        { type: 'submit', class: 'small primary', 'data-testid': 'confirm-admit-override' },
        t('confirmAdmitOverride'),
      );
      primary = () => {
        const why = reason();
        if (!why) {
          text.focus();
          return;
        }
        this.#run(async () => {
          await this.#host.floor.admit(p.participantId, why);
          this.#form = undefined;
        });
      };
      buttons.append(go, check, cancel);
    } else {
      node.append(
        labelled(
          t(form.kind === 'refuse' ? 'refuseReason' : 'removeReason'),
          text,
          'floor-form-text',
        ),
      );
      const go = el(
        'button',
        {
          type: 'submit',
          class: 'small danger',
          'data-testid': form.kind === 'refuse' ? 'confirm-refuse' : 'confirm-remove',
        },
        t(form.kind === 'refuse' ? 'confirmRefuse' : 'confirmRemove'),
      );
      primary = () =>
        this.#run(async () => {
          if (form.kind === 'refuse') await this.#host.floor.refuse(p.participantId, reason());
          else await this.#host.floor.remove(p.participantId, reason());
          this.#form = undefined;
        });
      buttons.append(go, cancel);
    }
    for (const b of buttons.querySelectorAll('button')) b.disabled = this.#busy;
    node.append(buttons);
    return node;
  }

  #run(action: () => Promise<unknown>): void {
    this.#busy = true;
    this.#error = null;
    this.element();
    action()
      .catch((error: unknown) => {
        this.#error = `${t('actionFailed')}${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        this.#busy = false;
        this.element();
      });
  }
}

/** A heading with a count, punctuated for the page's language. */
function counted(text: string, n: number): string {
  return lang() === 'en' ? `${text} (${n})` : `${text}（${n}）`;
}

function labelled(text: string, control: HTMLElement, id: string): HTMLElement {
  const row = el('div', { class: 'form-row' });
  row.append(el('label', { for: id }, text), control);
  return row;
}
