/**
 * Recordings in the case file, as staff read them: the list of a case's
 * recordings, one recording's tracks, consents and verified manifest, and
 * its files (tracks, composite, signed manifest) opened for reading; the
 * first read of a file by someone is written to the audit chain as custody.
 * Only readers the case's access rules allow (`case.recordings`).
 */
import type { Readable } from 'node:stream';
import { MANIFEST_TYPE, type RecordingManifest } from '../../recordings/manifest.js';
import { authorize, type Actor } from '../cases/access.js';
import { NotFoundError } from '../errors.js';
import type { ClientInfo, RecordingContext } from './context.js';
import type { ConsentRecord, Recording, TrackRecord } from './model.js';
import { readableFile } from './stored.js';

export interface RecordingSummary extends Recording {
  durationMs: number | null;
  tracks: number;
}

export interface RecordingDetail {
  recording: RecordingSummary;
  tracks: TrackRecord[];
  consents: ConsentRecord[];
  manifest: { jws: string; payload: RecordingManifest } | null;
}

/** A recording file opened for reading (here, or in the object store on several nodes). */
export interface OpenedRecordingFile {
  size: number;
  /** The file, or the given range of it. */
  open(range?: { start: number; end: number }): Readable;
  mediaType: string;
  filename: string;
  sha256: string | null;
}

export class RecordingFiles {
  readonly #ctx: RecordingContext;
  /** The live progress of a composite being rendered (finishing.ts). */
  readonly #progressOf: (recordingId: string) => number | undefined;

  constructor(ctx: RecordingContext, progressOf: (recordingId: string) => number | undefined) {
    this.#ctx = ctx;
    this.#progressOf = progressOf;
  }

  async #authorized(actor: Actor, caseId: string): Promise<void> {
    const c = await this.#ctx.cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.recordings', c);
  }

  async #recordingOf(actor: Actor, caseId: string, recordingId: string): Promise<Recording> {
    await this.#authorized(actor, caseId);
    const recording = await this.#ctx.repository.get(recordingId);
    if (!recording || recording.caseId !== caseId) throw new NotFoundError('Recording');
    return recording;
  }

  async list(actor: Actor, caseId: string): Promise<RecordingSummary[]> {
    await this.#authorized(actor, caseId);
    const recordings = await this.#ctx.repository.listByCase(caseId);
    return Promise.all(recordings.map(async (r) => this.#summary(r)));
  }

  async #summary(r: Recording): Promise<RecordingSummary> {
    const tracks = await this.#ctx.repository.tracks(r.id);
    return {
      ...r,
      compositeProgress: this.#progressOf(r.id) ?? r.compositeProgress,
      durationMs: r.stoppedAt !== null ? Date.parse(r.stoppedAt) - Date.parse(r.startedAt) : null,
      tracks: tracks.length,
    };
  }

  async detail(actor: Actor, caseId: string, recordingId: string): Promise<RecordingDetail> {
    const recording = await this.#recordingOf(actor, caseId, recordingId);
    const manifestFile =
      recording.status === 'complete'
        ? await readableFile(this.#ctx, recordingId, 'manifest.jws')
        : undefined;
    const manifest = manifestFile ? await text(manifestFile.open()) : null;
    return {
      recording: await this.#summary(recording),
      tracks: await this.#ctx.repository.tracks(recordingId),
      consents: await this.#ctx.repository.consents(recordingId),
      manifest: manifest
        ? {
            jws: manifest,
            payload: (
              await this.#ctx.keys.verify<RecordingManifest>(manifest, { typ: MANIFEST_TYPE })
            ).payload,
          }
        : null,
    };
  }

  /**
   * Opens a file of a recording (a track, the composite, the signed
   * manifest) for reading; the first read of a file by someone is written to
   * the audit chain as custody.
   */
  async openFile(
    actor: Actor,
    caseId: string,
    recordingId: string,
    fileId: string,
    options: { custody: boolean; client: ClientInfo },
  ): Promise<OpenedRecordingFile> {
    const recording = await this.#recordingOf(actor, caseId, recordingId);
    let file: { name: string; mediaType: string; sha256: string | null };
    if (fileId === 'composite') {
      if (recording.composite?.status !== 'complete') throw new NotFoundError('Composite');
      file = {
        name: recording.composite.file,
        mediaType: 'video/mp4',
        sha256: recording.composite.sha256,
      };
    } else if (fileId === 'manifest') {
      if (recording.status !== 'complete') throw new NotFoundError('Manifest');
      file = {
        name: 'manifest.jws',
        mediaType: 'application/jose',
        sha256: recording.manifestSha256,
      };
    } else {
      const track = (await this.#ctx.repository.tracks(recordingId)).find((t) => t.id === fileId);
      if (!track || track.endedAt === null) throw new NotFoundError('Recording file');
      const webm = track.file.endsWith('.webm');
      file = {
        name: track.file,
        mediaType: `${track.kind}/${webm ? 'webm' : 'x-matroska'}`,
        sha256: track.sha256,
      };
    }
    const found = await readableFile(this.#ctx, recordingId, file.name);
    if (!found) throw new NotFoundError('Recording file');
    if (options.custody && actor.kind !== 'system') {
      await this.#ctx.audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'recording.viewed',
        target: `${recordingId}/${fileId}`,
        payload: { file: file.name, sha256: file.sha256, ip: options.client.ip },
      });
    }
    return {
      size: found.size,
      open: (range) => found.open(range),
      mediaType: file.mediaType,
      filename: file.name,
      sha256: file.sha256,
    };
  }
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
