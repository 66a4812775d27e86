/**
 * The evidence service as the socket layer's desk: what a participant may
 * list, presenting an item (each allowed participant gets a view link of its
 * own), sharing it or keeping it confidential, and who of a session may see
 * an item whose visibility changed.
 */
import type { EvidenceSummary } from '../../signaling/index.js';
import type { EvidenceAccessTokens } from '../auth/tokenKinds.js';
import { EVIDENCE_TYPES, type EvidenceTypeId } from '../evidence/contentType.js';
import type { EvidenceService } from '../evidence/EvidenceService.js';
import type { EvidenceItem } from '../evidence/model.js';
import { viewLink } from '../http/api/evidenceRoutes.js';
import type { Actor } from '../cases/access.js';
import type { EvidenceDesk, EvidenceVisibilityChange } from './desks.js';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

export function evidenceSummary(item: EvidenceItem): EvidenceSummary {
  const type = EVIDENCE_TYPES[item.typeId as EvidenceTypeId];
  return {
    id: item.id,
    title: item.title,
    label: type?.label ?? item.mediaType,
    kind: type?.kind ?? 'document',
    size: item.size,
    sha256: item.sha256,
    shared: item.shared,
    confidential: item.confidential,
  };
}

export function evidenceDesk(
  evidence: EvidenceService,
  accessTokens: EvidenceAccessTokens,
): EvidenceDesk {
  return {
    list: async ({ caseId, participant }) =>
      (await evidence.listForSession(caseId, participant)).map(evidenceSummary),

    async present({ caseId, presenter, evidenceId, participants, inCaucus }) {
      const { item, viewers } = await evidence.presentInSession(
        caseId,
        presenter,
        evidenceId,
        participants,
        { inCaucus },
      );
      const type = EVIDENCE_TYPES[item.typeId as EvidenceTypeId];
      const presenterView = viewers.find((v) => v.id === presenter.id && v.kind !== 'system');
      const presenterName = presenterView && 'name' in presenterView ? presenterView.name : '';
      return {
        confidential: item.confidential,
        shown: new Map(
          viewers.map((v) => [
            v.id,
            {
              evidenceId: item.id,
              title: item.title,
              kind: type?.kind ?? 'document',
              mediaType: item.mediaType,
              url: viewLink(accessTokens, v, caseId, item.id).url,
              presenterId: presenter.id,
              presenterName,
            },
          ]),
        ),
      };
    },

    setVisibility: async ({ caseId, participant, evidenceId, flags }) =>
      evidenceSummary(await evidence.setFlagsInSession(caseId, participant, evidenceId, flags)),

    onVisibilityChange: (listener) =>
      evidence.onVisibilityChange(({ caseId, before, after }) =>
        listener(visibilityChange(caseId, before, after)),
      ),

    async changeFrom(notice) {
      const items = await evidence.list(SYSTEM, notice.caseId);
      const after = items.find((i) => i.id === notice.evidenceId);
      if (!after) return undefined;
      // Only the flags changed: the item before is the item now with the flags it had.
      return visibilityChange(notice.caseId, { ...after, ...notice.before }, after);
    },
  };

  function visibilityChange(
    caseId: string,
    before: EvidenceItem,
    after: EvidenceItem,
  ): EvidenceVisibilityChange {
    return {
      caseId,
      notice: {
        caseId,
        evidenceId: after.id,
        before: { shared: before.shared, confidential: before.confidential },
      },
      item: evidenceSummary(after),
      audience: async (participants) => ({
        before: await evidence.sessionAudience(caseId, before, participants),
        now: await evidence.sessionAudience(caseId, after, participants),
      }),
    };
  }
}
