/**
 * The document service's HTTP API as the browser calls it, with whichever
 * bearer token the page holds (a person's invitation token, or a staff
 * sign-in), and the PDF fetch that checks the bytes against the hash fixed
 * at issue before showing them.
 */
import type { ErrorPayload } from '../../../signaling/errors.js';
import { errorText } from '../errorText.js';
import type {
  DeliveryView,
  DisclosureView,
  DocumentView,
  PaperSigningInput,
  PaymentOrderPack,
  PaymentOrderStatus,
  Inbox,
  ReferralPreviewView,
  ServiceChannel,
  ServiceConsentInput,
  ServiceConsentView,
  SigningCodeReply,
  SignatureView,
  SealView,
} from './model.js';

export class DocumentApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length > 0 ? `${message}（${issues.join('；')}）` : message);
    this.name = 'DocumentApiError';
  }

  /** A refusal as the server sent it, its message rendered from the page's catalogue. */
  static from(status: number, error: Partial<ErrorPayload> | undefined): DocumentApiError {
    return new DocumentApiError(
      status,
      error?.code ?? 'HTTP',
      error?.code ? errorText({ ...error, code: error.code }) : `HTTP ${status}`,
      error?.issues ?? [],
    );
  }
}

export type RecipientStep = 'delivered' | 'read' | 'acknowledge' | 'challenge' | 'paper-copy';
export type StaffStep = 'failed' | 'offline-proof';

/** A PDF fetched with the bearer token; `verified` compares its SHA-256 with the issue record. */
export interface FetchedPdf {
  url: string;
  sha256: string | null;
  headerSha256: string | null;
  /** null when the browser offers no SubtleCrypto (not a secure context). */
  verified: boolean | null;
  filename: string;
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name in `Content-Disposition` (RFC 5987 `filename*`), or the fallback. */
export function filenameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      return fallback;
    }
  }
  return fallback;
}

export class DocumentsApi {
  readonly #base: string;

  constructor(
    readonly caseId: string,
    private readonly bearer: () => string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {
    this.#base = `/api/cases/${encodeURIComponent(caseId)}`;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.bearer()}`,
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    if (response.status === 401) this.onUnauthorized();
    const parsed = (await response.json().catch(() => ({}))) as {
      error?: Partial<ErrorPayload>;
    };
    if (!response.ok) {
      throw DocumentApiError.from(response.status, parsed.error);
    }
    return parsed as T;
  }

  list(): Promise<Inbox> {
    return this.#call('GET', '/documents');
  }

  async consents(): Promise<ServiceConsentView[]> {
    return (await this.#call<{ consents: ServiceConsentView[] }>('GET', '/service-consents'))
      .consents;
  }

  consent(input: ServiceConsentInput): Promise<{ consent: ServiceConsentView }> {
    return this.#call('POST', '/service-consent', input);
  }

  disclosure(): Promise<DisclosureView> {
    return this.#call('GET', '/disclosure');
  }

  /** Exactly what the bundle of a joint application would send now. */
  referralPreview(kind: ReferralPreviewView['kind']): Promise<ReferralPreviewView> {
    return this.#call('GET', `/referral-preview?kind=${kind}`);
  }

  /** The caller's own agreement (parties and agents), given or withdrawn. */
  setDisclosure(agree: boolean): Promise<DisclosureView> {
    return this.#call('POST', '/disclosure', { agree });
  }

  /** The mediator records a signing on paper (the scan filed first, category signed_agreement). */
  paperSigning(documentId: string, input: PaperSigningInput): Promise<unknown> {
    return this.#call('POST', `/documents/${encodeURIComponent(documentId)}/paper-signing`, input);
  }

  /** Files the scan of a signed paper agreement as the organisation's (multipart: fields, then the file). */
  async uploadSignedAgreement(file: File, title: string): Promise<{ id: string; sha256: string }> {
    const form = new FormData();
    form.append('title', title);
    form.append('purpose', '纸质签署的调解协议书 / agreement signed on paper');
    form.append('originalOrCopy', 'copy');
    form.append('category', 'signed_agreement');
    form.append('file', file, file.name);
    const response = await fetch(`${this.#base}/evidence`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.bearer()}` },
      body: form,
    });
    const parsed = (await response.json().catch(() => ({}))) as {
      item?: { id: string; sha256: string };
      error?: Partial<ErrorPayload>;
    };
    if (!response.ok || !parsed.item) {
      throw DocumentApiError.from(response.status, parsed.error);
    }
    return parsed.item;
  }

  paymentOrder(): Promise<PaymentOrderStatus> {
    return this.#call('GET', '/payment-order');
  }

  /** `requestedBy`: staff only, the worker who asked. */
  producePaymentOrder(
    institutionId: string,
    requestedBy?: string,
  ): Promise<{ pack: PaymentOrderPack }> {
    return this.#call('POST', '/payment-order', {
      institutionId,
      ...(requestedBy ? { requestedBy } : {}),
    });
  }

  recipientStep(
    deliveryId: string,
    step: RecipientStep,
    body: Record<string, unknown> = {},
  ): Promise<DeliveryView> {
    return this.#call('POST', `/deliveries/${encodeURIComponent(deliveryId)}/${step}`, body);
  }

  staffStep(deliveryId: string, step: StaffStep, body: Record<string, unknown>) {
    return this.#call<DeliveryView>(
      'POST',
      `/deliveries/${encodeURIComponent(deliveryId)}/${step}`,
      body,
    );
  }

  issue(
    body: Record<string, unknown>,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    return this.#call('POST', '/documents', body);
  }

  signingCode(documentId: string, channel?: ServiceChannel): Promise<SigningCodeReply> {
    return this.#call(
      'POST',
      `/documents/${encodeURIComponent(documentId)}/signing-code`,
      channel ? { channel } : {},
    );
  }

  sign(documentId: string, code: string, signatureImage?: string): Promise<SignatureView> {
    return this.#call('POST', `/documents/${encodeURIComponent(documentId)}/sign`, {
      code,
      ...(signatureImage ? { signatureImage } : {}),
    });
  }

  seal(documentId: string): Promise<{ seal: SealView }> {
    return this.#call('POST', `/documents/${encodeURIComponent(documentId)}/seal`, {});
  }

  documentPdf(document: DocumentView): Promise<FetchedPdf> {
    return this.#pdf(
      `/documents/${encodeURIComponent(document.id)}/pdf`,
      document.sha256,
      `${document.title}-v${document.version}.pdf`,
    );
  }

  sealedPdf(documentId: string, sha256: string): Promise<FetchedPdf> {
    return this.#pdf(
      `/documents/${encodeURIComponent(documentId)}/sealed-pdf`,
      sha256,
      '调解协议书-已盖章.pdf',
    );
  }

  certificate(deliveryId: string): Promise<FetchedPdf> {
    return this.#pdf(
      `/deliveries/${encodeURIComponent(deliveryId)}/certificate`,
      null,
      `电子送达凭证-${deliveryId}.pdf`,
    );
  }

  /**
   * Fetches a PDF with the bearer token (an <iframe> cannot send it) and
   * checks its bytes: against the issue record when known, else against the
   * hash the server states in `X-Content-SHA256`.
   */
  async #pdf(path: string, expected: string | null, fallbackName: string): Promise<FetchedPdf> {
    const response = await fetch(`${this.#base}${path}`, {
      headers: { Authorization: `Bearer ${this.bearer()}` },
    });
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: Partial<ErrorPayload>;
      };
      throw DocumentApiError.from(response.status, body.error);
    }
    const bytes = await response.arrayBuffer();
    const sha256 = await sha256Hex(bytes);
    const headerSha256 = response.headers.get('x-content-sha256');
    const reference = expected ?? headerSha256;
    return {
      url: URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' })),
      sha256,
      headerSha256,
      verified: sha256 === null ? null : sha256 === reference && reference !== null,
      filename: filenameOf(response, fallbackName),
    };
  }
}

/** The invitation token's claims, for display and addressing only; the server verifies them. */
export function invitationClaims(
  token: string,
): { sub: string; caseId: string; role: string; name: string } | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const { sub, caseId, role, name } = json;
    if (
      typeof sub !== 'string' ||
      typeof caseId !== 'string' ||
      typeof role !== 'string' ||
      typeof name !== 'string'
    )
      return undefined;
    return { sub, caseId, role, name };
  } catch {
    return undefined;
  }
}
