/**
 * The credential of this tab: the invitation (`#invite=`) or session token
 * (`#token=`) the link carried. It is taken out of the address bar at once
 * (screenshots, screen shares) and kept in this tab's sessionStorage, so a
 * reload finds it again; another tab, even of the same browser, does not
 * (sessionStorage is per tab), and nothing goes to localStorage or cookies.
 * A link opened again in the same tab changes only the hash: the same
 * credential carries on, a new one replaces the old.
 */

export interface Credential {
  kind: 'invite' | 'token';
  value: string;
}

interface Stored extends Credential {
  /** The tab was in the call (or its waiting room): a reload joins again by itself. */
  inCall?: boolean;
}

const KEY = 'mediation.credential';
/** Only the reason, once the server refused the credential. */
const REFUSED_KEY = 'mediation.credential-refused';

/** The credential a link's hash names, if any (`#token=` wins over `#invite=`). */
export function credentialFromHash(hash: string): Credential | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token) return { kind: 'token', value: token };
  const invite = params.get('invite');
  if (invite) return { kind: 'invite', value: invite };
  return undefined;
}

function read(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if ((parsed.kind !== 'invite' && parsed.kind !== 'token') || typeof parsed.value !== 'string')
      return undefined;
    return { kind: parsed.kind, value: parsed.value, inCall: parsed.inCall === true };
  } catch {
    // Storage disabled (private mode on some browsers): the link still works, a reload does not.
    return undefined;
  }
}

function write(stored: Stored): void {
  try {
    sessionStorage.removeItem(REFUSED_KEY);
    sessionStorage.setItem(KEY, JSON.stringify(stored));
  } catch {
    // As above: nothing to keep.
  }
}

function sameCredential(a: Credential | undefined, b: Credential): boolean {
  return a !== undefined && a.kind === b.kind && a.value === b.value;
}

function clearAddressBar(): void {
  history.replaceState(history.state, '', location.pathname + location.search);
}

/**
 * This tab's credential: the link's (kept for the tab, out of the address
 * bar), else the one kept before a reload. `inCall` says whether the tab was
 * in the call when it was reloaded.
 */
export function takeCredential(): (Credential & { inCall: boolean }) | undefined {
  const fromLink = credentialFromHash(location.hash);
  if (fromLink) {
    const kept = read();
    clearAddressBar();
    // The same link opened again in a tab that was in the call: still in it.
    const inCall = sameCredential(kept, fromLink) && kept?.inCall === true;
    write({ ...fromLink, inCall });
    return { ...fromLink, inCall };
  }
  const kept = read();
  return kept ? { kind: kept.kind, value: kept.value, inCall: kept.inCall === true } : undefined;
}

/** Remembers whether the tab is in the call, for a reload. */
export function markInCall(inCall: boolean): void {
  const kept = read();
  if (kept && kept.inCall !== inCall) write({ ...kept, inCall });
}

/**
 * The server refused the credential (revoked, expired, invalid): a reload
 * must not use it. Only the reason stays, so a reload can still say why.
 */
export function forgetCredential(reason: string): void {
  try {
    sessionStorage.removeItem(KEY);
    sessionStorage.setItem(REFUSED_KEY, reason);
  } catch {
    // Nothing was kept.
  }
}

/** Why this tab's credential was removed, when no link brought a new one since. */
export function refusedReason(): string | undefined {
  try {
    return sessionStorage.getItem(REFUSED_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether this tab keeps a credential (for the diagnostics and the tests). */
export function hasStoredCredential(): boolean {
  return read() !== undefined;
}

/**
 * A link opened again in this tab (only the hash changes, the page is not
 * loaded again): the address bar is cleaned; the same credential carries on,
 * a different one is kept in place of the old and `replaced` is called.
 */
export function watchReopenedLinks(replaced: (next: Credential) => void): void {
  window.addEventListener('hashchange', () => {
    const next = credentialFromHash(location.hash);
    if (!next) return;
    const kept = read();
    clearAddressBar();
    if (sameCredential(kept, next)) return;
    write({ ...next, inCall: false });
    replaced(next);
  });
}
