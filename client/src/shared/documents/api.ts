/**
 * The document service's HTTP API as the browser calls it, with whichever
 * bearer token the page holds (a person's invitation token, or a staff
 * sign-in), and the PDF fetch that checks the bytes against the hash fixed
 * at issue before showing them.
 */
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
import {
  ApiRefusal,
  apiUrl,
  refusal,
  requests,
  type Body,
  type Reply,
  type Requests,
} from '../request.js';
import { tokenClaims } from '../token.js';

/** What the document routes throw when the API refuses (the shared refusal). */
export { ApiRefusal as DocumentApiError };

export type RecipientStep = 'delivered' | 'read' | 'acknowledge' | 'challenge' | 'paper-copy';
export type StaffStep = 'failed' | 'offline-proof';
type DeliveryStepPath<S extends RecipientStep | StaffStep = RecipientStep | StaffStep> =
  `/cases/:caseId/deliveries/:deliveryId/${S}`;
/** A step's body: optional where the step takes none. */
type StepBody<S extends RecipientStep> =
  object extends Body<'post', DeliveryStepPath<S>>
    ? [body?: Body<'post', DeliveryStepPath<S>>]
    : [body: Body<'post', DeliveryStepPath<S>>];
/** The contract's path of a step on a delivery (every step answers the delivery). */
const deliveryStep = (step: RecipientStep | StaffStep): DeliveryStepPath =>
  `/cases/:caseId/deliveries/:deliveryId/${step}`;

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
  readonly #requests: Requests;
  readonly #case: { caseId: string };

  constructor(
    readonly caseId: string,
    private readonly bearer: () => string,
    onUnauthorized: () => void = () => undefined,
  ) {
    this.#requests = requests(bearer, onUnauthorized);
    this.#case = { caseId };
  }

  list(): Promise<Inbox> {
    return this.#requests.send('get', '/cases/:caseId/documents', { params: this.#case });
  }

  async consents(): Promise<ServiceConsentView[]> {
    const reply = await this.#requests.send('get', '/cases/:caseId/service-consents', {
      params: this.#case,
    });
    return reply.consents;
  }

  /** Staff: the e-mail and SMS sent about the case, with what the mail systems said. */
  async messages(): Promise<Reply<'get', '/cases/:caseId/messages'>['messages']> {
    const reply = await this.#requests.send('get', '/cases/:caseId/messages', {
      params: this.#case,
    });
    return reply.messages;
  }

  consent(input: ServiceConsentInput): Promise<Reply<'post', '/cases/:caseId/service-consent'>> {
    return this.#requests.send('post', '/cases/:caseId/service-consent', {
      params: this.#case,
      body: input,
    });
  }

  disclosure(): Promise<DisclosureView> {
    return this.#requests.send('get', '/cases/:caseId/disclosure', { params: this.#case });
  }

  /** Exactly what the bundle of a joint application would send now. */
  referralPreview(kind: ReferralPreviewView['kind']): Promise<ReferralPreviewView> {
    return this.#requests.send('get', '/cases/:caseId/referral-preview', {
      params: this.#case,
      query: { kind },
    });
  }

  /** The caller's own agreement (parties and agents), given or withdrawn. */
  setDisclosure(agree: boolean): Promise<DisclosureView> {
    return this.#requests.send('post', '/cases/:caseId/disclosure', {
      params: this.#case,
      body: { agree },
    });
  }

  /** The mediator records a signing on paper (the scan filed first, category signed_agreement). */
  paperSigning(
    documentId: string,
    input: PaperSigningInput,
  ): Promise<Reply<'post', '/cases/:caseId/documents/:documentId/paper-signing'>> {
    return this.#requests.send('post', '/cases/:caseId/documents/:documentId/paper-signing', {
      params: { ...this.#case, documentId },
      body: input,
    });
  }

  /** Files the scan of a signed paper agreement as the organisation's (multipart: fields, then the file). */
  async uploadSignedAgreement(file: File, title: string): Promise<{ id: string; sha256: string }> {
    const form = new FormData();
    form.append('title', title);
    form.append('purpose', '纸质签署的调解协议书 / agreement signed on paper');
    form.append('originalOrCopy', 'copy');
    form.append('category', 'signed_agreement');
    form.append('file', file, file.name);
    const response = await fetch(
      apiUrl('post', '/cases/:caseId/evidence', { params: this.#case }),
      { method: 'POST', headers: { Authorization: `Bearer ${this.bearer()}` }, body: form },
    );
    const parsed: unknown = await response.json().catch(() => ({}));
    const item = (parsed as Partial<Reply<'post', '/cases/:caseId/evidence'>>).item;
    if (!response.ok || !item) throw await refusal(response.status, parsed);
    return item;
  }

  paymentOrder(): Promise<PaymentOrderStatus> {
    return this.#requests.send('get', '/cases/:caseId/payment-order', { params: this.#case });
  }

  /** `requestedBy`: staff only, the worker who asked. */
  producePaymentOrder(
    institutionId: string,
    requestedBy?: string,
  ): Promise<{ pack: PaymentOrderPack }> {
    return this.#requests.send('post', '/cases/:caseId/payment-order', {
      params: this.#case,
      body: { institutionId, ...(requestedBy ? { requestedBy } : {}) },
    });
  }

  recipientStep<S extends RecipientStep>(
    deliveryId: string,
    step: S,
    ...body: StepBody<S>
  ): Promise<DeliveryView> {
    return this.#requests.send('post', deliveryStep(step), {
      params: { ...this.#case, deliveryId },
      body: body[0] ?? {},
    });
  }

  staffStep<S extends StaffStep>(
    deliveryId: string,
    step: S,
    body: Body<'post', DeliveryStepPath<S>>,
  ): Promise<DeliveryView> {
    return this.#requests.send('post', deliveryStep(step), {
      params: { ...this.#case, deliveryId },
      body,
    });
  }

  /** Staff issue a document from a template (the console's form builds the body). */
  issue(
    body: Record<string, unknown>,
  ): Promise<{ document: DocumentView; deliveries: DeliveryView[] }> {
    return this.#requests.send('post', '/cases/:caseId/documents', {
      params: this.#case,
      body: body as Body<'post', '/cases/:caseId/documents'>,
    });
  }

  signingCode(documentId: string, channel?: ServiceChannel): Promise<SigningCodeReply> {
    return this.#requests.send('post', '/cases/:caseId/documents/:documentId/signing-code', {
      params: { ...this.#case, documentId },
      body: channel ? { channel } : {},
    });
  }

  sign(documentId: string, code: string, signatureImage?: string): Promise<SignatureView> {
    return this.#requests.send('post', '/cases/:caseId/documents/:documentId/sign', {
      params: { ...this.#case, documentId },
      body: { code, ...(signatureImage ? { signatureImage } : {}) },
    });
  }

  seal(documentId: string): Promise<{ seal: SealView }> {
    return this.#requests.send('post', '/cases/:caseId/documents/:documentId/seal', {
      params: { ...this.#case, documentId },
      body: {},
    });
  }

  documentPdf(document: DocumentView): Promise<FetchedPdf> {
    return this.#pdf(
      this.#requests.fetch('get', '/cases/:caseId/documents/:documentId/pdf', {
        params: { ...this.#case, documentId: document.id },
      }),
      document.sha256,
      `${document.title}-v${document.version}.pdf`,
    );
  }

  sealedPdf(documentId: string, sha256: string): Promise<FetchedPdf> {
    return this.#pdf(
      this.#requests.fetch('get', '/cases/:caseId/documents/:documentId/sealed-pdf', {
        params: { ...this.#case, documentId },
      }),
      sha256,
      '调解协议书-已盖章.pdf',
    );
  }

  certificate(deliveryId: string): Promise<FetchedPdf> {
    return this.#pdf(
      this.#requests.fetch('get', '/cases/:caseId/deliveries/:deliveryId/certificate', {
        params: { ...this.#case, deliveryId },
      }),
      null,
      `电子送达凭证-${deliveryId}.pdf`,
    );
  }

  /**
   * Fetches a PDF with the bearer token (an <iframe> cannot send it) and
   * checks its bytes: against the issue record when known, else against the
   * hash the server states in `X-Content-SHA256`.
   */
  async #pdf(
    fetched: Promise<Response>,
    expected: string | null,
    fallbackName: string,
  ): Promise<FetchedPdf> {
    const response = await fetched;
    if (!response.ok) throw await refusal(response.status, await response.json().catch(() => ({})));
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
  const { sub, caseId, role, name } = tokenClaims(token) ?? {};
  if (
    typeof sub !== 'string' ||
    typeof caseId !== 'string' ||
    typeof role !== 'string' ||
    typeof name !== 'string'
  )
    return undefined;
  return { sub, caseId, role, name };
}
