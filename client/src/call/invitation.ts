/**
 * What the page knows before the call: the token's display-only preview,
 * the invitation exchanged for a session token, and the case's deadlines
 * (with their legal basis) shown to an invited party.
 */
import type { ProceduralSide, SessionRole } from '../../../signaling/roles.js';
import { el } from '../dom.js';
import { deadlineLabel, deadlineStatusLabel, t, type DeadlineKindKey } from '../i18n.js';

export interface TokenPreview {
  name: string;
  role: SessionRole;
  /** The procedural side, when the token names it. */
  side?: ProceduralSide;
}

/** Display-only view of the token; the server is what verifies it. */
export function previewToken(raw: string): TokenPreview | undefined {
  try {
    const payload = raw.split('.')[1];
    if (!payload) return undefined;
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
      ch.charCodeAt(0),
    );
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const role = json['role'];
    if (
      typeof json['name'] !== 'string' ||
      typeof role !== 'string' ||
      !['mediator', 'party', 'agent', 'observer'].includes(role)
    )
      return undefined;
    const side = json['side'];
    return {
      name: json['name'],
      role: role as SessionRole,
      ...(side === 'applicant' || side === 'respondent' ? { side } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A deadline of the party's case, as the case file API returns it. */
export interface CaseDeadlineView {
  kind: DeadlineKindKey;
  dueOn: string;
  status: 'open' | 'met' | 'overdue' | 'cancelled';
  basis: string;
  consequence: string;
  /** Computed across a year whose holiday schedule is not loaded: the date may still move. */
  provisional?: boolean;
}

export type InvitationExchange =
  | { ok: true; token: string; caseId?: string; caseNumber?: string; sessionStart?: string }
  | { ok: false; reason: 'inviteInvalid' | 'noSession' | 'error' };

/** An invitation link names a case, not a session: asks the server for a token to the current one. */
export async function exchangeInvitation(invite: string): Promise<InvitationExchange> {
  const response = await fetch('/api/join-token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${invite}` },
    body: '{}',
  });
  const body = (await response.json().catch(() => ({}))) as {
    token?: string;
    caseId?: string;
    caseNumber?: string;
    session?: { scheduledStart?: string };
    error?: { code: string; message: string };
  };
  if (response.ok && body.token) {
    return {
      ok: true,
      token: body.token,
      ...(body.caseId ? { caseId: body.caseId } : {}),
      ...(body.caseNumber ? { caseNumber: body.caseNumber } : {}),
      ...(body.session?.scheduledStart ? { sessionStart: body.session.scheduledStart } : {}),
    };
  }
  return {
    ok: false,
    reason:
      response.status === 401
        ? 'inviteInvalid'
        : body.error?.code === 'INVALID_STATE'
          ? 'noSession'
          : 'error',
  };
}

/** The case's deadlines, with their legal basis and what happens when they pass. */
export async function loadDeadlines(caseId: string, invite: string): Promise<CaseDeadlineView[]> {
  const response = await fetch(`/api/cases/${encodeURIComponent(caseId)}`, {
    headers: { Authorization: `Bearer ${invite}` },
  });
  if (!response.ok) return [];
  const file = (await response.json()) as { deadlines?: CaseDeadlineView[] };
  return (file.deadlines ?? []).filter((d) => d.status !== 'cancelled');
}

export function deadlinePanel(deadlines: CaseDeadlineView[]): HTMLElement {
  const section = el('section', { class: 'deadlines', 'data-testid': 'deadlines' });
  section.append(el('h2', {}, t('deadlines')));
  for (const d of deadlines) {
    const item = el('details', { class: `deadline ${d.status}` });
    item.append(
      el(
        'summary',
        {},
        `${deadlineLabel(d.kind)} · ${d.dueOn}${d.provisional ? ` (${t('deadlineProvisional')})` : ''} · ${deadlineStatusLabel(d.status)}`,
      ),
      el('p', {}, `${t('legalBasis')}${d.basis}`),
      el('p', {}, `${t('whenPassed')}${d.consequence}`),
    );
    section.append(item);
  }
  return section;
}
