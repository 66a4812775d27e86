/**
 * Consent to electronic service (送达地址确认书): a person confirms their
 * addresses online, or staff record the paper form; the consent in force
 * decides where later deliveries go (service.ts). Its PDF goes into the case
 * file and is readable only by the person it concerns and by staff.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { caseMessageView } from '../../signaling/http/documentViews.js';
import type { Actor } from '../cases/access.js';
import type { CasePerson } from '../cases/model.js';
import { fail, NotFoundError } from '../errors.js';
import type { ClientInfo } from '../evidence/EvidenceService.js';
import { clientPayload, json, requireStaff, type DocumentContext } from './context.js';
import type { ServiceAddress, ServiceConsent } from './model.js';
import type { ServiceConsentInput } from './schemas.js';
import { consentLayout } from './templates.js';
import { documentView, type DocumentView } from './views.js';

export class ServiceConsents {
  readonly #ctx: DocumentContext;

  constructor(ctx: DocumentContext) {
    this.#ctx = ctx;
  }

  /** 送达地址确认书: records the consent in force and produces its PDF. */
  async consent(
    actor: Actor,
    caseId: string,
    input: ServiceConsentInput,
    client: ClientInfo,
  ): Promise<{ consent: ServiceConsent; document: DocumentView }> {
    const ctx = this.#ctx;
    const { c, people } = await ctx.caseFor(actor, caseId);
    let person: CasePerson | undefined;
    if (actor.kind === 'person') {
      if (input.personId !== undefined && input.personId !== actor.id)
        throw fail('OWN_ADDRESS_ONLY');
      person = people.find((p) => p.id === actor.id);
    } else if (actor.kind === 'staff') {
      if (input.personId === undefined)
        throw fail('CONSENT_PERSON_REQUIRED').withIssues([
          'personId: required when staff record a consent',
        ]);
      person = people.find((p) => p.id === input.personId);
    }
    if (!person) throw new NotFoundError('Person');
    if (person.kind === 'observer') throw fail('OBSERVER_NOT_SERVED');
    const at = ctx.now().toISOString();
    const addresses: ServiceAddress[] = input.consentToElectronicService
      ? input.addresses.map((a) =>
          a.channel === 'in_app' ? { channel: 'in_app', value: person.id } : a,
        )
      : [];
    const t = await ctx.templateCase(c, people, at);
    const layout = consentLayout(t, person, {
      consentToElectronicService: input.consentToElectronicService,
      addresses,
      scope: input.scope,
      postalAddress: input.postalAddress ?? null,
      givenAt: at,
      recordedBy: actor.kind === 'staff' ? actor.name : null,
    });
    const doc = await ctx.write(actor, c, 'service_consent', layout, at, {
      personId: person.id,
    });
    const consent: ServiceConsent = {
      id: randomUUID(),
      caseId,
      personId: person.id,
      electronic: input.consentToElectronicService,
      addresses,
      scope: input.scope,
      effectAcknowledged: input.effectAcknowledged,
      postalAddress: input.postalAddress ?? null,
      givenBy: actor.id,
      givenByRole: actor.role,
      givenAt: at,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      documentId: doc.id,
    };
    await ctx.cases.transaction(async () => {
      await ctx.insertDocument(actor, doc, null);
      await ctx.docs.insertConsent(consent);
      await ctx.audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'service.consent',
        target: person.id,
        payload: json({
          consentId: consent.id,
          personId: person.id,
          electronic: consent.electronic,
          channels: addresses.map((a) => a.channel),
          scope: consent.scope,
          documentId: doc.id,
          sha256: doc.sha256,
          ...clientPayload(client),
        }),
      });
    });
    return { consent, document: await documentView(ctx, doc, [doc], c) };
  }

  async consents(actor: Actor, caseId: string): Promise<ServiceConsent[]> {
    await this.#ctx.caseFor(actor, caseId);
    refuseSupervisor(actor);
    const all = await this.#ctx.docs.listConsents(caseId);
    return actor.kind === 'person' ? all.filter((x) => x.personId === actor.id) : all;
  }

  /** E-mail and SMS sent about the case, with what the gateways reported (staff only). */
  async messages(actor: Actor, caseId: string): Promise<CaseMessage[]> {
    await this.#ctx.caseFor(actor, caseId);
    requireStaff(actor, 'read the messages sent');
    refuseSupervisor(actor);
    const sends = new Map(
      ((await this.#ctx.channelSends?.listForCase(caseId)) ?? []).map((x) => [x.messageId, x]),
    );
    return (await this.#ctx.docs.listOutbox({ caseId })).map((m) => {
      const send = sends.get(m.id);
      return {
        id: m.id,
        channel: m.channel,
        address: m.address,
        purpose: m.purpose,
        subject: m.subject,
        createdAt: m.createdAt,
        status: send?.status ?? 'outbox',
        attempts: send?.attempts ?? 0,
        providerStatus: send?.providerStatus ?? null,
        deliveryId: send?.deliveryId ?? null,
        updatedAt: send?.updatedAt ?? null,
      };
    });
  }
}

export type CaseMessage = z.output<typeof caseMessageView>;

/** Addresses and numbers are the parties' contact details: not for supervisors. */
function refuseSupervisor(actor: Actor): void {
  if (actor.kind === 'staff' && actor.role === 'supervisor')
    throw fail('SUPERVISOR_NO_CONTACT_DATA');
}
