/**
 * Invitations (the join links of parties, agents and observers) and whether
 * a credential issued earlier still holds: a session credential, a view link.
 * Revoking an invitation is announced so live credentials are dropped.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import type { Actor } from './access.js';
import type { CasePerson, Invitation } from './model.js';
import {
  REFUSALS,
  sessionRoleOf,
  type SessionAccessRefusal,
  type SessionCredential,
} from './sessionAccess.js';
import type { CaseContext } from './context.js';

export class CaseInvitations {
  readonly #ctx: CaseContext;

  constructor(ctx: CaseContext) {
    this.#ctx = ctx;
  }

  async invite(
    actor: Actor,
    caseId: string,
    personId: string,
    validDays: number,
  ): Promise<{ invitation: Invitation; person: CasePerson }> {
    return this.#ctx.change(actor, caseId, 'case.invite', 'invite', async (c, at) => {
      const person = await this.#ctx.repo.getPerson(personId);
      if (!person || person.caseId !== c.id) throw new NotFoundError('Person');
      const invitation: Invitation = {
        id: randomUUID(),
        caseId: c.id,
        personId,
        expiresAt: new Date(this.#ctx.now().getTime() + validDays * 86_400_000).toISOString(),
        revokedAt: null,
        createdBy: actor.id,
        createdAt: at,
      };
      await this.#ctx.repo.insertInvitation(invitation);
      return {
        result: { invitation, person },
        action: 'invitation.issued',
        target: invitation.id,
        payload: invitation,
      };
    });
  }

  async revokeInvitation(actor: Actor, caseId: string, invitationId: string): Promise<Invitation> {
    return this.#ctx.change(actor, caseId, 'case.invite', 'revokeInvitation', async (c, at) => {
      const invitation = await this.#ctx.repo.getInvitation(invitationId);
      if (!invitation || invitation.caseId !== c.id) throw new NotFoundError('Invitation');
      if (invitation.revokedAt) return { result: invitation, action: null };
      await this.#ctx.repo.revokeInvitation(invitationId, at);
      return {
        result: { ...invitation, revokedAt: at },
        action: 'invitation.revoked',
        target: invitationId,
        payload: { invitationId },
        announce: {
          kind: 'invitation-revoked',
          caseId: c.id,
          invitationId,
          personId: invitation.personId,
        },
      };
    });
  }

  /** The invitation behind a token, if it is still usable. */
  async activeInvitation(invitationId: string | undefined): Promise<Invitation | undefined> {
    if (!invitationId) return undefined;
    const invitation = await this.#ctx.repo.getInvitation(invitationId);
    if (
      !invitation ||
      invitation.revokedAt ||
      invitation.expiresAt <= this.#ctx.now().toISOString()
    )
      return undefined;
    return invitation;
  }

  /**
   * Why a session credential is no longer honoured, or `undefined` if it is:
   * the session must be open and of the credential's case; a mediator must be
   * an active mediator of the case's organisation and its assigned mediator
   * (clerks never join sessions); a party, agent or observer must still be a
   * person of the case in that role, with the invitation the credential came
   * from still live (or, for a credential naming none, some live invitation).
   */
  async sessionAccess(credential: SessionCredential): Promise<SessionAccessRefusal | undefined> {
    if (!(await this.#ctx.sessionBelongsTo(credential.sessionId, credential.caseId)))
      return REFUSALS.sessionClosed;
    const c = await this.#ctx.repo.getCase(credential.caseId);
    if (!c) return REFUSALS.sessionClosed;
    if (credential.role === 'mediator') {
      const staff = await this.#ctx.repo.getStaff(credential.sub);
      if (!staff || !staff.active || staff.role !== 'mediator') return REFUSALS.inactive;
      if (staff.organisationId !== c.organisationId || c.mediatorId !== staff.id)
        return REFUSALS.notAssigned;
      return undefined;
    }
    const person = await this.#ctx.repo.getPerson(credential.sub);
    if (!person || person.caseId !== c.id || sessionRoleOf(person) !== credential.role)
      return REFUSALS.notInCase;
    const now = this.#ctx.now().toISOString();
    const live = (await this.#ctx.repo.listInvitations(c.id)).filter(
      (i) =>
        i.personId === person.id &&
        !i.revokedAt &&
        i.expiresAt > now &&
        (credential.inv === undefined || i.id === credential.inv),
    );
    return live.length > 0 ? undefined : REFUSALS.invitationRevoked;
  }

  /** Whether the holder of a short-lived view link is still active (staff) or still invited (person). */
  async viewerActive(viewer: {
    kind: 'staff' | 'person';
    id: string;
    caseId: string;
    inv?: string | undefined;
  }): Promise<boolean> {
    if (viewer.kind === 'staff') {
      const staff = await this.#ctx.repo.getStaff(viewer.id);
      return staff !== undefined && staff.active;
    }
    const person = await this.#ctx.repo.getPerson(viewer.id);
    if (!person || person.caseId !== viewer.caseId) return false;
    const now = this.#ctx.now().toISOString();
    return (await this.#ctx.repo.listInvitations(viewer.caseId)).some(
      (i) =>
        i.personId === person.id &&
        !i.revokedAt &&
        i.expiresAt > now &&
        (viewer.inv === undefined || i.id === viewer.inv),
    );
  }
}
