/**
 * Evidence in a live session: presenting an item to the presenter's room,
 * sharing it or keeping it confidential, the list a participant may see, and
 * the refresh of every live session of the case when an item's visibility
 * changes (from the session or from the case file).
 */
import { can, type EvidenceSummary } from '../../../signaling/index.js';
import { fail } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { LiveSessionRegistry } from '../../media/LiveSessionRegistry.js';
import { whenJoined, type GatewayTools, type Joined } from '../context.js';
import type { EvidenceVisibilityChange } from '../desks.js';

export function evidenceHandlers(tools: GatewayTools) {
  async function visibility(
    { session, participant }: Joined,
    evidenceId: string,
    flags: { shared?: boolean; confidential?: boolean },
  ): Promise<EvidenceSummary> {
    const desk = tools.desks.evidence;
    if (!desk) throw fail('FEATURE_UNAVAILABLE', { feature: 'Evidence' });
    return desk.setVisibility({
      caseId: session.caseId,
      participant: { id: participant.id, role: participant.identity.role },
      evidenceId,
      flags,
    });
  }

  return whenJoined(tools, {
    'evidence:present': async ({ session, participant }, r, ctx) => {
      if (!can(participant.identity.role, 'evidence.present')) {
        throw fail('ROLE_MAY_NOT_PRESENT', { role: participant.identity.role });
      }
      const desk = tools.desks.evidence;
      if (!desk) throw fail('FEATURE_UNAVAILABLE', { feature: 'Evidence' });
      const room = session.roomOf(participant.id);
      const { shown, confidential } = await desk.present({
        caseId: session.caseId,
        presenter: { id: participant.id, role: participant.identity.role },
        evidenceId: r.evidenceId,
        // During a caucus, only those in the presenter's room see it, and it stays confidential.
        participants: room.map((p) => ({ id: p.id, role: p.identity.role })),
        inCaucus: session.caucus !== null,
      });
      for (const p of room) {
        const presentation = shown.get(p.id);
        if (presentation) p.channel.notify('evidence:presented', presentation);
      }
      ctx.logger.info(
        { evidenceId: r.evidenceId, shownTo: [...shown.keys()], confidential },
        'evidence presented',
      );
      const viewers = room
        .filter((p) => p.id !== participant.id && shown.has(p.id))
        .map((p) => ({
          participantId: p.id,
          displayName: p.identity.displayName,
          role: p.identity.role,
        }));
      return { shownTo: viewers.length, viewers, confidential };
    },
    // A change that widens what others see is made only under a credential still honoured.
    'evidence:share': async (joined, r, ctx) => {
      await tools.honoured(ctx);
      if (!can(joined.participant.identity.role, 'evidence.share')) {
        throw fail('ROLE_MAY_NOT_SHARE', { role: joined.participant.identity.role });
      }
      return { item: await visibility(joined, r.evidenceId, { shared: r.shared }) };
    },
    'evidence:confidential': async (joined, r, ctx) => {
      await tools.honoured(ctx);
      if (!can(joined.participant.identity.role, 'evidence.confidential')) {
        throw fail('MEDIATOR_ONLY_CONFIDENTIAL');
      }
      return {
        item: await visibility(joined, r.evidenceId, { confidential: r.confidential }),
      };
    },
    'evidence:list': async ({ session, participant }) => {
      const desk = tools.desks.evidence;
      if (!desk) return { items: [] };
      return {
        items: await desk.list({
          caseId: session.caseId,
          participant: { id: participant.id, role: participant.identity.role },
        }),
      };
    },
    'evidence:stop': async ({ session, participant }) => {
      for (const p of session.roomOf(participant.id)) {
        p.channel.notify('evidence:stopped', { presenterId: participant.id });
      }
      return {};
    },
  });
}

/**
 * Refreshes the evidence lists of a case's live sessions: the item goes to
 * every admitted participant who may see it now; those who could see it and
 * no longer may are told it is gone; nobody else hears of it.
 */
export async function tellEvidenceChange(
  sessions: LiveSessionRegistry,
  logger: Logger,
  change: EvidenceVisibilityChange,
): Promise<void> {
  for (const session of sessions.all()) {
    if (session.closed || session.caseId !== change.caseId) continue;
    const admitted = session.participants().filter((p) => !p.closed && p.admission === 'admitted');
    try {
      const { now, before } = await change.audience(
        admitted.map((p) => ({ id: p.id, role: p.identity.role })),
      );
      for (const p of admitted) {
        if (p.closed) continue;
        if (now.has(p.id)) p.channel.notify('evidence:updated', { item: change.item });
        else if (before.has(p.id))
          p.channel.notify('evidence:withdrawn', { evidenceId: change.item.id });
      }
    } catch (error) {
      logger.error(
        { err: error, caseId: change.caseId, evidenceId: change.item.id },
        'evidence change not told',
      );
    }
  }
}
