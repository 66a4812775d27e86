/**
 * The application page's requests (the shared HTTP contract's entries), its device id (a
 * random id kept in localStorage: one of the keys the server's limits count by) and the
 * applicant's link token, kept per tab in sessionStorage (a reload keeps the draft; the
 * address bar and other tabs never hold it).
 */
import { apiUrl, requests, type Requests } from '../shared/request.js';

const TOKEN_KEY = 'apply.token';
const DEVICE_KEY = 'apply.device';

function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function applicantToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function keepApplicantToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetApplicantToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A `#status=<token>` link opened: the token kept for the tab, the fragment cleared. */
export function takeLinkToken(): void {
  const match = /^#status=([A-Za-z0-9_-]{20,100})$/.exec(location.hash);
  if (!match) return;
  keepApplicantToken(match[1]!);
  history.replaceState(null, '', location.pathname + location.search);
}

export const api: Requests = requests(applicantToken, undefined, () => ({
  'X-Device-Id': deviceId(),
}));

/** Uploads a file to the draft (multipart, as the evidence upload); the reply's JSON and status. */
export async function uploadFile(
  file: File,
  title: string,
): Promise<{ status: number; json: unknown }> {
  const form = new FormData();
  form.append('title', title);
  form.append('file', file, file.name);
  const response = await fetch(apiUrl('post', '/public/applications/mine/files', {}), {
    method: 'POST',
    headers: { Authorization: `Bearer ${applicantToken()}`, 'X-Device-Id': deviceId() },
    body: form,
  });
  return { status: response.status, json: await response.json().catch(() => ({})) };
}

/** A solved challenge: fetched, then solved in a worker. */
export async function solvedChallenge(): Promise<{ challenge: string; nonce: string }> {
  const { challenge, bits } = await api.send('post', '/public/applications/challenge', {});
  const worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
  try {
    const nonce = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ nonce: string }>) => resolve(e.data.nonce);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ challenge, bits });
    });
    return { challenge, nonce };
  } finally {
    worker.terminate();
  }
}
