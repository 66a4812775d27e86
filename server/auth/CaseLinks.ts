/**
 * A person's own case link, in two forms: the full one (`/join#invite=<token>`, the token in the
 * fragment so no server or proxy logs it) for e-mail and the console, and a short one
 * (`/s/<code>`) for SMS, where a 300-character token would cost five messages.
 *
 * A short code is 10 characters from a 54-letter alphabet (57 bits), random, kept only as its
 * SHA-256, and bound to one invitation: it opens nothing once that invitation is revoked,
 * replaced or expired. Opening it issues a fresh invitation token for the invitation's remaining
 * time and redirects to the full link; admission and every other check stay the join's.
 */
import { createHash, randomInt } from 'node:crypto';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { Invitation } from '../cases/model.js';
import type { InvitationTokens } from './tokenKinds.js';

const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
export const SHORT_CODE = /^[2-9a-km-zA-HJ-NP-Z]{10}$/;

export interface ShortLinkRow {
  codeHash: string;
  caseId: string;
  personId: string;
  invitationId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ShortLinkRepository {
  insert(row: ShortLinkRow): Promise<void>;
  get(codeHash: string): Promise<ShortLinkRow | undefined>;
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

export class CaseLinks {
  readonly #cases: Pick<CaseRepository, 'getPerson' | 'listInvitations' | 'getInvitation'>;
  readonly #tokens: InvitationTokens;
  readonly #short: ShortLinkRepository;
  readonly #publicUrl: () => string;
  readonly #now: () => Date;

  constructor(d: {
    cases: Pick<CaseRepository, 'getPerson' | 'listInvitations' | 'getInvitation'>;
    tokens: InvitationTokens;
    shortLinks: ShortLinkRepository;
    publicUrl: () => string;
    now?: () => Date;
  }) {
    this.#cases = d.cases;
    this.#tokens = d.tokens;
    this.#short = d.shortLinks;
    this.#publicUrl = d.publicUrl;
    this.#now = d.now ?? (() => new Date());
  }

  /** The person's newest live invitation, if any. */
  async liveInvitation(caseId: string, personId: string): Promise<Invitation | undefined> {
    const now = this.#now().getTime();
    return (await this.#cases.listInvitations(caseId))
      .filter((i) => i.personId === personId && !i.revokedAt && Date.parse(i.expiresAt) > now)
      .at(-1);
  }

  /** The full link of the person's newest live invitation, or null without one. */
  async personal(caseId: string, personId: string): Promise<string | null> {
    const live = await this.liveInvitation(caseId, personId);
    return live ? this.full(live) : null;
  }

  /** The short link of the person's newest live invitation, or null without one. */
  async short(caseId: string, personId: string, invitation?: Invitation): Promise<string | null> {
    const live = invitation ?? (await this.liveInvitation(caseId, personId));
    if (!live) return null;
    let code = '';
    for (let i = 0; i < 10; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
    await this.#short.insert({
      codeHash: hash(code),
      caseId: live.caseId,
      personId: live.personId,
      invitationId: live.id,
      createdAt: this.#now().toISOString(),
      expiresAt: live.expiresAt,
    });
    return `${this.#publicUrl()}/s/${code}`;
  }

  /** Where a short code leads: the full link while its invitation lives, else null. */
  async open(code: string): Promise<string | null> {
    if (!SHORT_CODE.test(code)) return null;
    const row = await this.#short.get(hash(code));
    if (!row) return null;
    const invitation = await this.#cases.getInvitation(row.invitationId);
    const now = this.#now().getTime();
    if (
      !invitation ||
      invitation.revokedAt ||
      Date.parse(invitation.expiresAt) <= now ||
      invitation.personId !== row.personId ||
      invitation.caseId !== row.caseId
    )
      return null;
    return this.full(invitation);
  }

  /** A fresh token of the invitation, for its remaining time. */
  async full(invitation: Invitation): Promise<string | null> {
    const person = await this.#cases.getPerson(invitation.personId);
    if (!person) return null;
    const role =
      person.kind === 'observer' ? 'observer' : person.kind === 'agent' ? 'agent' : 'party';
    const ttl = Math.max(
      60,
      Math.floor((Date.parse(invitation.expiresAt) - this.#now().getTime()) / 1000),
    );
    const token = this.#tokens.issue(
      { sub: person.id, caseId: invitation.caseId, role, name: person.name },
      ttl,
      invitation.id,
    );
    return `${this.#publicUrl()}/join#invite=${token}`;
  }
}
