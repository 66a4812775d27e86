/**
 * Signing the mediation agreement: who has signed, the one-time code (where
 * it was sent, masked), an optional handwritten signature drawn on a canvas
 * (pointer events: touch, pen and mouse) and the signature itself. Used by
 * parties and agents on the join page and by the mediator in the console.
 */
import { el } from '../dom.js';
import type { DocumentsApi } from './api.js';
import type { AgreementStatus, DocumentView } from './model.js';
import { dt, signsForLabel, when } from './strings.js';

const MAX_IMAGE_BYTES = 200 * 1024;

/** A drawing pad; `dataUrl()` is undefined until something was drawn. */
export class SignaturePad {
  readonly element: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  #drawn = false;

  constructor() {
    this.element = el('div', { class: 'signature-pad' });
    this.#canvas = el('canvas', {
      class: 'signature-canvas',
      'data-testid': 'signature-canvas',
      'aria-label': dt('signatureOptional'),
    });
    const clear = el('button', { type: 'button', class: 'small' }, dt('clearSignature'));
    clear.onclick = () => this.clear();
    this.element.append(
      el('span', { class: 'muted small' }, dt('signatureOptional')),
      this.#canvas,
      clear,
    );
    this.#attach();
  }

  #context(): CanvasRenderingContext2D | null {
    const c = this.#canvas;
    // Sized on first use: the element must be laid out to know its width.
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const width = Math.round((c.clientWidth || 320) * ratio);
    const height = Math.round((c.clientHeight || 120) * ratio);
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
      this.#drawn = false;
    }
    const ctx = c.getContext('2d');
    if (ctx) {
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#000';
    }
    return ctx;
  }

  #attach(): void {
    const c = this.#canvas;
    let ctx: CanvasRenderingContext2D | null = null;
    const point = (e: PointerEvent) => {
      const r = c.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top] as const;
    };
    c.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      c.setPointerCapture(e.pointerId);
      if (!this.#drawn) ctx = this.#context();
      ctx ??= c.getContext('2d');
      if (!ctx) return;
      const [x, y] = point(e);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 0.1, y + 0.1);
      ctx.stroke();
      this.#drawn = true;
    });
    c.addEventListener('pointermove', (e) => {
      if (!ctx || !c.hasPointerCapture(e.pointerId)) return;
      const [x, y] = point(e);
      ctx.lineTo(x, y);
      ctx.stroke();
    });
    const end = (e: PointerEvent) => {
      if (c.hasPointerCapture(e.pointerId)) c.releasePointerCapture(e.pointerId);
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
  }

  clear(): void {
    const ctx = this.#canvas.getContext('2d');
    ctx?.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    this.#drawn = false;
  }

  /** The drawing as a PNG data URL; throws when it exceeds what the server takes. */
  dataUrl(): string | undefined {
    if (!this.#drawn) return undefined;
    const url = this.#canvas.toDataURL('image/png');
    const bytes = Math.floor(((url.length - url.indexOf(',') - 1) * 3) / 4);
    if (bytes > MAX_IMAGE_BYTES) throw new Error(dt('signatureTooLarge'));
    return url;
  }
}

/** Who has signed and whether the seal is on. */
export function signersList(status: AgreementStatus): HTMLElement {
  const list = el('ul', { class: 'signers', 'data-testid': 'signers' });
  for (const r of status.required) {
    // The party's own signature, else (an agent's or the mediator's) one for the same side.
    const signature = r.signed
      ? (status.signatures.find((s) => r.partyId !== null && s.signerId === r.partyId) ??
        status.signatures.find((s) => s.signsFor === r.signsFor))
      : undefined;
    const li = el('li', {
      'data-signs-for': r.signsFor,
      ...(r.partyId ? { 'data-party-id': r.partyId } : {}),
      class: signature ? 'signed' : 'unsigned',
    });
    li.append(
      el('strong', {}, `${signsForLabel(r.signsFor)}${r.partyId ? ` ${r.name}` : ''}`),
      el(
        'span',
        {},
        signature
          ? ` ✓ ${dt('signedBy')}${signature.signerName} · ${when(signature.signedAt)}`
          : ` · ${dt('notSigned')}`,
      ),
    );
    list.append(li);
  }
  const paper = status.paperSigned ?? null;
  const seal = el(
    'li',
    { class: status.sealed || paper ? 'sealed' : 'unsigned', 'data-testid': 'seal-state' },
    status.sealed
      ? `${dt('sealed')}${when(status.sealed.sealedAt)}`
      : paper
        ? `${dt('paperSigned')}${when(paper.recordedAt)}`
        : dt('notSealed'),
  );
  list.append(seal);
  return list;
}

export interface SigningPanelOptions {
  api: DocumentsApi;
  /** Whose signature this panel gives (to tell whether it is already there). */
  selfId: string;
  /** Offer the handwritten signature pad. */
  drawing: boolean;
  onSigned: () => void;
}

/**
 * The code-and-sign form for one agreement. Kept as one element across
 * refreshes, so a code being typed or a signature being drawn survives them.
 */
export class SigningPanel {
  readonly element: HTMLElement;
  readonly #o: SigningPanelOptions;
  readonly #signers: HTMLElement;
  readonly #form: HTMLElement;
  #document: DocumentView;

  constructor(document: DocumentView, options: SigningPanelOptions) {
    this.#document = document;
    this.#o = options;
    this.element = el('section', { class: 'signing', 'data-testid': 'signing-panel' });
    this.#signers = el('div');
    this.#form = this.#buildForm();
    this.element.append(el('h4', {}, dt('signingTitle')), this.#signers, this.#form);
    this.update(document);
  }

  update(document: DocumentView): void {
    this.#document = document;
    const status = document.signing;
    if (!status) return;
    this.#signers.replaceChildren(signersList(status));
    const mine = status.signatures.some((s) => s.signerId === this.#o.selfId);
    // Sealed, or effective through a paper signing: online signing has ended.
    this.#form.hidden = mine || status.sealed !== null || status.effective || document.superseded;
    if (mine && !this.element.querySelector('.you-signed'))
      this.element.append(el('p', { class: 'notice you-signed' }, dt('youSigned')));
  }

  #buildForm(): HTMLElement {
    const form = el('div', { class: 'signing-form' });
    const ask = el('button', { type: 'button', 'data-testid': 'request-code' }, dt('requestCode'));
    const sent = el('p', { class: 'muted', 'data-testid': 'code-sent', 'aria-live': 'polite' });
    const code = el('input', {
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '\\d{6}',
      maxlength: '6',
      placeholder: '······',
      'aria-label': dt('code'),
      'data-testid': 'signing-code',
    });
    const pad = this.#o.drawing ? new SignaturePad() : undefined;
    const sign = el(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'sign' },
      dt('sign'),
    );
    const error = el('p', { class: 'error', role: 'alert' });
    ask.onclick = () => {
      ask.disabled = true;
      error.textContent = '';
      this.#o.api
        .signingCode(this.#document.id)
        .then((r) => {
          sent.textContent =
            r.code !== undefined
              ? `${dt('codeInApp')}${r.code} ${dt('codeValid', { n: r.attempts })}`
              : `${dt('codeSent')}${r.destination} ${dt('codeValid', { n: r.attempts })}`;
          code.focus();
        })
        .catch((e: unknown) => {
          error.textContent = `${dt('failed')}${(e as Error).message}`;
        })
        .finally(() => {
          ask.disabled = false;
        });
    };
    sign.onclick = () => {
      error.textContent = '';
      const value = code.value.trim();
      if (!/^\d{6}$/.test(value)) {
        error.textContent = dt('code');
        code.focus();
        return;
      }
      let image: string | undefined;
      try {
        image = pad?.dataUrl();
      } catch (e) {
        error.textContent = (e as Error).message;
        return;
      }
      sign.disabled = true;
      this.#o.api
        .sign(this.#document.id, value, image)
        .then(() => this.#o.onSigned())
        .catch((e: unknown) => {
          error.textContent = `${dt('failed')}${(e as Error).message}`;
        })
        .finally(() => {
          sign.disabled = false;
        });
    };
    const codeRow = el('label', { class: 'code-row' }, dt('code'));
    codeRow.append(code);
    form.append(ask, sent, codeRow);
    if (pad) form.append(pad.element);
    form.append(sign, error);
    return form;
  }
}
