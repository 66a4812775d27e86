/**
 * RecordingService's construction does no I/O: create() makes the recordings
 * directory (owner only) and looks for FFmpeg, the constructor only takes what
 * create() found. (The recording itself: tests/integration/recording*.test.ts.)
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditLog } from '../../server/audit/AuditLog.js';
import type { CaseRepository } from '../../server/cases/CaseRepository.js';
import { AppError } from '../../server/errors.js';
import type { BlobStore } from '../../server/evidence/BlobStore.js';
import { createLogger } from '../../server/logger.js';
import type { LiveSession } from '../../server/media/LiveSession.js';
import type { Participant } from '../../server/media/Participant.js';
import type { RecordingRepository } from '../../server/recordingService/model.js';
import {
  RecordingService,
  type RecordingServiceOptions,
} from '../../server/recordingService/RecordingService.js';
import type { ServiceKeys } from '../../server/signing/ServiceKeys.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'recording-service-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Nothing here is reached by construction; a call would fail loudly. */
function options(directory: string): RecordingServiceOptions {
  return {
    repository: {} as unknown as RecordingRepository,
    audit: {} as unknown as AuditLog,
    keys: {} as unknown as ServiceKeys,
    cases: {} as unknown as CaseRepository,
    directory,
    stores: { segments: {} as unknown as BlobStore },
    listenIp: '127.0.0.1',
    logger: createLogger('silent'),
  };
}

describe('RecordingService construction', () => {
  it('constructs without touching the disk; create() makes the directory for its owner only', async () => {
    const directory = path.join(root, 'recordings');
    const service = new RecordingService(options(directory), { ffmpeg: true });
    expect(existsSync(directory)).toBe(false);
    expect(service.directoryOf('r1')).toBe(path.join(directory, 'r1'));
    await service.close();

    const created = await RecordingService.create(options(directory));
    expect(statSync(directory).isDirectory()).toBe(true);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    await created.close();
  });

  it('refuses to start a recording when create() found no FFmpeg, with its reason', async () => {
    const service = new RecordingService(options(path.join(root, 'recordings')), {
      ffmpeg: false,
    });
    const session = { sessionId: 's1', caseId: 'c1' } as unknown as LiveSession;
    const mediator = { id: 'm1', identity: { role: 'mediator' } } as unknown as Participant;
    const attempt = service.start(session, mediator, { ip: null, userAgent: null });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'MEDIA_UNAVAILABLE',
      reason: 'RECORDING_UNAVAILABLE',
      message: 'Recording is unavailable: FFmpeg is not installed on the server',
    });
    expect(service.state('s1')).toBeNull();
    await service.close();
  });
});
