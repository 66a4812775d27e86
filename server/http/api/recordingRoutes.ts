/**
 * Recording routes: the case file's recordings (status, composite progress,
 * tracks, consents, the signed manifest) and their files with HTTP Range,
 * for the case's staff. A <video> element plays through a short-lived view
 * link, since it cannot send an Authorization header.
 */
import type { Request } from 'express';
import { RECORDING_ACCESS_TTL_SECONDS, type RecordingAccessTokens } from '../../auth/tokenKinds.js';
import type { Actor } from '../../cases/access.js';
import { NotFoundError, UnauthenticatedError, fail } from '../../errors.js';
import type { RecordingService } from '../../recordingService/RecordingService.js';
import { fileHeaders, parseRange, refuseRange, sendRanged } from './fileResponse.js';
import { recordingApi, recordingFileIdSchema } from '../../../signaling/http/recordings.js';
import { route, type RouteSpec } from './routes.js';

export interface RecordingRouteDeps {
  recordings: RecordingService;
  accessTokens: RecordingAccessTokens;
  /** Whether a view link's holder is still an active staff member. */
  viewerActive?: (viewer: { kind: 'staff'; id: string; caseId: string }) => Promise<boolean>;
}

export function recordingRoutes(d: RecordingRouteDeps): RouteSpec[] {
  const r = d.recordings;

  async function viewerOf(
    actor: Actor | undefined,
    access: string | undefined,
    ids: { caseId: string; recordingId: string; fileId: string },
  ): Promise<Actor> {
    if (actor) return actor;
    if (!access) throw new UnauthenticatedError();
    const claims = d.accessTokens.verifyOrFail(access, {
      expired: 'RECORDING_LINK_EXPIRED',
      invalid: 'RECORDING_LINK_INVALID',
    });
    if (
      claims.caseId !== ids.caseId ||
      claims.recordingId !== ids.recordingId ||
      claims.fileId !== ids.fileId
    ) {
      throw fail('RECORDING_LINK_OTHER_FILE');
    }
    // A deactivated member's links die with the account (a reassigned one's by the case scope).
    if (
      d.viewerActive &&
      !(await d.viewerActive({ kind: 'staff', id: claims.sub, caseId: ids.caseId }))
    ) {
      throw fail('RECORDING_LINK_WITHDRAWN');
    }
    return {
      kind: 'staff',
      id: claims.sub,
      role: claims.role,
      organisationId: claims.org,
      name: claims.name,
    };
  }

  function clientOf(req: Request) {
    return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
  }

  return [
    route(recordingApi.list, async ({ actor, params }) => ({
      recordings: await r.list(actor, params.caseId),
    })),
    route(recordingApi.detail, async ({ actor, params }) =>
      r.detail(actor, params.caseId, params.recordingId),
    ),
    route(recordingApi.viewLink, async ({ actor, params, body, req }) => {
      const caseId = params.caseId;
      const recordingId = params.recordingId;
      if (actor.kind !== 'staff') throw fail('STAFF_ACCESS_ONLY');
      if (actor.role === 'supervisor')
        throw fail('ROLE_MAY_NOT_ON_CASE', { role: actor.role, action: 'recordings' });
      // Checks scope and that the file exists; custody is logged when it is played.
      await r.openFile(actor, caseId, recordingId, body.file, {
        custody: false,
        client: clientOf(req),
      });
      const token = d.accessTokens.issue(
        {
          sub: actor.id,
          caseId,
          recordingId,
          fileId: body.file,
          role: actor.role,
          org: actor.organisationId,
          name: actor.name,
        },
        RECORDING_ACCESS_TTL_SECONDS,
      );
      return {
        url: `/api/cases/${encodeURIComponent(caseId)}/recordings/${encodeURIComponent(recordingId)}/files/${encodeURIComponent(body.file)}?access=${token}`,
        expiresAt: new Date(Date.now() + RECORDING_ACCESS_TTL_SECONDS * 1000).toISOString(),
      };
    }),
    route(recordingApi.file, async ({ actor, params, query, req, res }) => {
      const ids = {
        caseId: params.caseId,
        recordingId: params.recordingId,
        fileId: params.fileId,
      };
      const parsedId = recordingFileIdSchema.safeParse(ids.fileId);
      const viewer = await viewerOf(actor, query.access, ids);
      if (!parsedId.success) {
        // Unknown file names read as missing, after authentication.
        await r.list(viewer, ids.caseId);
        throw new NotFoundError('Recording file');
      }
      const range = req.get('range');
      const file = await r.openFile(viewer, ids.caseId, ids.recordingId, ids.fileId, {
        // One custody event per viewing, not per range request of the player.
        custody: range === undefined || /^bytes=0-/.test(range),
        client: clientOf(req),
      });
      const parsed = parseRange(range, file.size);
      if (parsed === 'invalid') return refuseRange(res, file.size);
      fileHeaders(res, {
        mediaType: file.mediaType,
        show: query.download === '1' ? 'attachment' : 'inline',
        name: file.filename,
        sha256: file.sha256,
      });
      return sendRanged(res, file.size, parsed, (r) => file.open(r));
    }),
  ];
}
