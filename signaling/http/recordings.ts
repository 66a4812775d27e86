/** The HTTP contract of session recordings: list, detail with the signed manifest, files. */
import { z } from 'zod';
import type { RecordingManifest } from '../../recordings/manifest.js';
import { caseParams } from './cases.js';
import { endpoint, pathId, raw } from './endpoint.js';
import { viewLinkReply } from './evidence.js';

const recordingParams = z.object({ caseId: pathId, recordingId: pathId }).strict();

/** A file of a recording: a track id, the composite or the manifest. */
export const recordingFileIdSchema = z.union([
  z.literal('composite'),
  z.literal('manifest'),
  z.string().uuid(),
]);

const TRACK_SOURCES = ['microphone', 'camera', 'screen'] as const;
const TRACK_END_REASONS = [
  'recording-stopped',
  'consent-withdrawn',
  'private-phase',
  'producer-closed',
  'participant-left',
  'participant-disconnected',
  'worker-died',
  'capture-failed',
  'server-stopped',
  'node-failed',
  'session-ended',
] as const;

const compositeView = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('complete'),
    file: z.string(),
    sha256: z.string(),
    size: z.number(),
    durationMs: z.number(),
    width: z.number(),
    height: z.number(),
  }),
  z.object({ status: z.literal('failed'), error: z.string() }),
]);

export const recordingSummaryView = z.object({
  id: z.string(),
  caseId: z.string(),
  sessionId: z.string(),
  status: z.enum(['recording', 'processing', 'complete']),
  startedAt: z.string(),
  /** The participant id of the mediator who started it. */
  startedBy: z.string(),
  stoppedAt: z.string().nullable(),
  stopReason: z.string().nullable(),
  privatePhases: z.array(
    z.object({
      from: z.string(),
      to: z.string().nullable(),
      participantIds: z.array(z.string()),
      recorded: z.boolean(),
    }),
  ),
  compositeStatus: z.enum(['pending', 'rendering', 'complete', 'failed']),
  compositeProgress: z.number(),
  composite: compositeView.nullable(),
  manifestSha256: z.string().nullable(),
  manifestKid: z.string().nullable(),
  completedAt: z.string().nullable(),
  aliveAt: z.string().nullable().optional(),
  durationMs: z.number().nullable(),
  tracks: z.number(),
});

const pause = z.object({ from: z.string(), to: z.string().nullable() });

export const trackView = z.object({
  id: z.string(),
  recordingId: z.string(),
  participantId: z.string(),
  displayName: z.string(),
  role: z.string(),
  source: z.enum(TRACK_SOURCES),
  kind: z.enum(['audio', 'video']),
  codec: z.string(),
  /** File name inside the recording's directory. */
  file: z.string(),
  pid: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.enum(TRACK_END_REASONS).nullable(),
  endDetail: z.string().nullable(),
  durationMs: z.number().nullable(),
  size: z.number().nullable(),
  sha256: z.string().nullable(),
  pauses: z.array(pause),
});

export const recordingConsentView = z.object({
  recordingId: z.string(),
  participantId: z.string(),
  displayName: z.string(),
  role: z.string(),
  acknowledgedAt: z.string(),
  withdrawnAt: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

export const recordingDetailView = z.object({
  recording: recordingSummaryView,
  tracks: z.array(trackView),
  consents: z.array(recordingConsentView),
  /**
   * The signed manifest and its payload (recordings/manifest.ts describes it; its
   * verifier checks it, so it is typed here and only checked to be an object).
   */
  manifest: z
    .object({
      jws: z.string(),
      payload: z.custom<RecordingManifest>(
        (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      ),
    })
    .nullable(),
});

export const recordingApi = {
  list: endpoint({
    method: 'get',
    path: '/cases/:caseId/recordings',
    summary: 'The recordings of a case, with composite render progress',
    tag: 'recordings',
    auth: 'staff',
    params: caseParams,
    response: z.object({ recordings: z.array(recordingSummaryView) }),
  }),
  detail: endpoint({
    method: 'get',
    path: '/cases/:caseId/recordings/:recordingId',
    summary: 'A recording: track files, consents, gaps and the signed manifest',
    tag: 'recordings',
    auth: 'staff',
    params: recordingParams,
    response: recordingDetailView,
  }),
  viewLink: endpoint({
    method: 'post',
    path: '/cases/:caseId/recordings/:recordingId/view-link',
    summary: 'A link to play one file of the recording, valid 15 minutes, for the caller only',
    tag: 'recordings',
    auth: 'staff',
    body: z.object({ file: recordingFileIdSchema }).strict(),
    params: recordingParams,
    response: viewLinkReply,
  }),
  file: endpoint({
    method: 'get',
    path: '/cases/:caseId/recordings/:recordingId/files/:fileId',
    summary:
      'A file of the recording (a track id, `composite` or `manifest`), Range supported; `access=` a view-link token instead of a bearer token',
    tag: 'recordings',
    auth: 'optional',
    query: z
      .object({
        download: z.enum(['0', '1']).optional(),
        access: z.string().max(4096).optional(),
      })
      .strict(),
    params: z.object({ caseId: pathId, recordingId: pathId, fileId: pathId }).strict(),
    response: raw('application/octet-stream'),
  }),
} as const;
