/**
 * Evidence routes: streaming multipart upload, listing, receipts, content
 * with HTTP Range, short-lived view links, and visibility. The upload streams
 * straight into the blob store; nothing is held whole in memory.
 */
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import type { EvidenceAccessTokens } from '../../auth/tokenKinds.js';
import { EVIDENCE_ACCESS_TTL_SECONDS } from '../../auth/tokenKinds.js';
import type { Actor } from '../../cases/access.js';
import {
  EVIDENCE_TYPES,
  type EvidenceKind,
  type EvidenceTypeId,
} from '../../evidence/contentType.js';
import type { ClientInfo, EvidenceService, ReceivedFile } from '../../evidence/EvidenceService.js';
import type { EvidenceItem } from '../../evidence/model.js';
import { fail, UnauthenticatedError } from '../../errors.js';
import { fileHeaders, parseRange, refuseRange, sendRanged } from './fileResponse.js';
import { evidenceApi } from '../../../signaling/http/evidence.js';
import { route, type RouteSpec } from './routes.js';

export interface EvidenceRouteDeps {
  evidence: EvidenceService;
  accessTokens: EvidenceAccessTokens;
  /** Whether an invitation is still valid (not revoked, not expired). */
  invitationActive: (invitationId: string) => Promise<boolean>;
  uploads: UploadTimeouts;
  /** Whether a view link's holder is still an active staff member or an invited person of the case. */
  viewerActive?: (viewer: {
    kind: 'staff' | 'person';
    id: string;
    caseId: string;
    inv?: string | undefined;
  }) => Promise<boolean>;
}

const MULTIPART_OVERHEAD = 64 * 1024;

export function clientOf(req: Request): ClientInfo {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** How long an upload's body may take: without any byte, and in all. */
export interface UploadTimeouts {
  idleTimeoutMs: number;
  timeoutMs: number;
}

/**
 * Receives one multipart upload: fields and exactly one file named `file`.
 *
 * Every way a body can end badly (truncated form, malformed part, a client
 * that drops the connection, stalls or trickles, a refused file) ends in one
 * place, `stop`: the parser is destroyed, which destroys the file stream, so
 * the blob store removes its temporary file and closes its descriptor; a file
 * already stored is discarded. Every stream has an error listener from the
 * moment it exists: an error nobody listens for would end the process.
 */
export async function receiveUpload(
  req: Request,
  res: Response,
  evidence: EvidenceService,
  maxBytes: number,
  timeouts: UploadTimeouts,
): Promise<{ file: ReceivedFile; fields: Record<string, string> }> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
    res.setHeader('Connection', 'close');
    throw fail('FILE_TOO_LARGE', { maxBytes });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // Larger parser buffers: fewer, bigger chunks into the hashing store (bench:upload).
      highWaterMark: 1024 * 1024,
      fileHwm: 1024 * 1024,
      limits: { files: 1, fields: 10, parts: 12, fieldSize: 8 * 1024, fileSize: maxBytes + 1 },
    });
  } catch {
    throw fail('UPLOAD_NOT_MULTIPART');
  }
  const fields: Record<string, string> = {};
  let received: Promise<ReceivedFile> | undefined;
  let receiving: Readable | undefined;
  let idle: NodeJS.Timeout | undefined;
  let overall: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      clearTimeout(idle);
      clearTimeout(overall);
      req.off('data', onData);
    };
    const stop = (error: unknown): void => {
      if (settled) return;
      finish();
      req.unpipe(parser);
      const reason = error instanceof Error ? error : new Error(String(error));
      parser.destroy(reason);
      // Destroyed here too: the blob store then gives up on it whatever state busboy was in.
      receiving?.destroy(reason);
      if (!req.complete && !req.destroyed) {
        // Drain what the client still sends so the reply can reach it, then hang up.
        res.setHeader('Connection', 'close');
        req.resume();
      }
      reject(error);
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(
        () => stop(fail('UPLOAD_IDLE', { ms: timeouts.idleTimeoutMs })),
        timeouts.idleTimeoutMs,
      );
    };
    const onData = (): void => armIdle();
    armIdle();
    overall = setTimeout(
      () => stop(fail('UPLOAD_TOO_SLOW', { ms: timeouts.timeoutMs })),
      timeouts.timeoutMs,
    );
    req.on('data', onData);
    const interrupted = (): void => stop(fail('UPLOAD_INTERRUPTED'));
    req.on('error', interrupted);
    req.on('close', () => {
      if (!req.complete) interrupted();
    });

    parser.on('field', (name, value) => {
      if (!settled && /^[A-Za-z]{1,32}$/.test(name)) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // Errors reach the blob store through its pipeline; this listener only keeps an
      // error raised before the pipeline is attached from ending the process.
      stream.on('error', () => undefined);
      // busboy finishes the chunk at hand after reporting a malformed part: a part it
      // starts after the upload was stopped is never read.
      if (settled) {
        stream.destroy();
        return;
      }
      if (name !== 'file' || received) {
        stream.resume();
        return;
      }
      receiving = stream;
      received = evidence.receive(stream, info.filename ?? '', maxBytes);
      // A refused file ends the request early; the rest of the body is drained, not stored.
      received.catch(stop);
    });
    parser.on('close', () => {
      if (settled) return;
      finish();
      resolve();
    });
    parser.on('error', (error: unknown) =>
      stop(fail('UPLOAD_MALFORMED', { detail: (error as Error).message.slice(0, 200) })),
    );
  });
  req.pipe(parser);
  try {
    await done;
    if (!received) throw fail('UPLOAD_NO_FILE');
    return { file: await received, fields };
  } catch (error) {
    if (received)
      await received.then(
        (f) => evidence.discard(f),
        () => undefined,
      );
    throw error;
  }
}

export function itemView(item: EvidenceItem): Omit<
  EvidenceItem,
  'blobKey' | 'uploaderIp' | 'uploaderAgent'
> & {
  kind: EvidenceKind;
  label: string;
} {
  const { blobKey: _key, uploaderIp: _ip, uploaderAgent: _ua, ...rest } = item;
  const type = EVIDENCE_TYPES[item.typeId as EvidenceTypeId];
  return { ...rest, kind: type?.kind ?? 'document', label: type?.label ?? item.mediaType };
}

export function evidenceRoutes(d: EvidenceRouteDeps): RouteSpec[] {
  const e = d.evidence;

  /** The viewer of a content request: a bearer token, or a view link's access token. */
  async function viewerOf(
    actor: Actor | undefined,
    access: string | undefined,
    caseId: string,
    itemId: string,
  ): Promise<Actor> {
    if (actor) return actor;
    if (!access) throw new UnauthenticatedError();
    const claims = d.accessTokens.verifyOrFail(access, {
      expired: 'EVIDENCE_LINK_EXPIRED',
      invalid: 'EVIDENCE_LINK_INVALID',
    });
    if (claims.caseId !== caseId || claims.itemId !== itemId)
      throw fail('EVIDENCE_LINK_OTHER_ITEM');
    if (claims.inv !== undefined && !(await d.invitationActive(claims.inv))) {
      throw fail('INVITATION_LINK_REVOKED');
    }
    // A deactivated member's or an uninvited person's links die with their access.
    if (
      d.viewerActive &&
      !(await d.viewerActive({ kind: claims.viewer, id: claims.sub, caseId, inv: claims.inv }))
    ) {
      throw fail('EVIDENCE_LINK_WITHDRAWN');
    }
    if (claims.viewer === 'staff' && (claims.role === 'clerk' || claims.role === 'mediator')) {
      return {
        kind: 'staff',
        id: claims.sub,
        role: claims.role,
        organisationId: claims.org ?? '',
        name: claims.name,
      };
    }
    if (
      claims.viewer === 'person' &&
      (claims.role === 'party' || claims.role === 'agent' || claims.role === 'observer')
    ) {
      return {
        kind: 'person',
        id: claims.sub,
        role: claims.role,
        caseId,
        invitationId: '',
        name: claims.name,
      };
    }
    throw fail('EVIDENCE_LINK_INVALID');
  }

  return [
    route(evidenceApi.list, async ({ actor, params }) => ({
      items: (await e.list(actor, params.caseId)).map(itemView),
    })),
    route(evidenceApi.submit, async ({ actor, params, req, res }) => {
      const caseId = params.caseId;
      const { maxBytes } = await e.allowance(actor, caseId);
      const { file, fields } = await receiveUpload(req, res, e, maxBytes, d.uploads);
      const { item, receipt } = await e.record(actor, caseId, file, fields, clientOf(req));
      return { item: itemView(item), receipt };
    }),
    route(evidenceApi.receipt, async ({ actor, params }) =>
      e.receipt(actor, params.caseId, params.itemId),
    ),
    route(evidenceApi.viewLink, async ({ actor, params }) => {
      const caseId = params.caseId;
      const itemId = params.itemId;
      await e.receipt(actor, caseId, itemId); // visibility check
      return viewLink(d.accessTokens, actor, caseId, itemId);
    }),
    route(evidenceApi.content, async ({ actor, params, query, req, res }) => {
      const caseId = params.caseId;
      const itemId = params.itemId;
      const viewer = await viewerOf(actor, query.access, caseId, itemId);
      const download = query.download === '1';
      const opened = await e.open(viewer, caseId, itemId, {
        range: (size) => parseRange(req.get('range'), size),
        download,
        client: clientOf(req),
      });
      if (opened.range === 'invalid') return refuseRange(res, opened.item.size);
      const { item, range, stream } = opened;
      const type = EVIDENCE_TYPES[item.typeId as EvidenceTypeId];
      fileHeaders(res, {
        mediaType: item.mediaType,
        show: download || !type?.inline ? 'attachment' : 'inline',
        name: item.filename,
        sha256: item.sha256,
      });
      return sendRanged(res, item.size, range, () => stream);
    }),
    route(evidenceApi.visibility, async ({ actor, params, body }) =>
      itemView(await e.setFlags(actor, params.caseId, params.itemId, body)),
    ),
    route(evidenceApi.category, async ({ actor, params, body }) =>
      itemView(await e.setCategory(actor, params.caseId, params.itemId, body.category)),
    ),
  ];
}

/** A view link for one viewer and one item. */
export function viewLink(
  tokens: EvidenceAccessTokens,
  viewer: Actor,
  caseId: string,
  itemId: string,
): { url: string; expiresAt: string } {
  if (viewer.kind === 'system') throw new UnauthenticatedError();
  // Supervisors read the case file, not the evidence itself (it carries the parties' data).
  const role = viewer.role;
  if (role === 'supervisor') throw fail('SUPERVISOR_NO_CONTACT_DATA');
  const token = tokens.issue(
    {
      sub: viewer.id,
      caseId,
      itemId,
      viewer: viewer.kind,
      role,
      ...(viewer.kind === 'staff' ? { org: viewer.organisationId } : {}),
      ...(viewer.kind === 'person' && viewer.invitationId ? { inv: viewer.invitationId } : {}),
      name: viewer.name,
    },
    EVIDENCE_ACCESS_TTL_SECONDS,
  );
  return {
    url: `/api/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(itemId)}/content?access=${token}`,
    expiresAt: new Date(Date.now() + EVIDENCE_ACCESS_TTL_SECONDS * 1000).toISOString(),
  };
}
