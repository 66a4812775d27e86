/** Recordings, consents and track files; on either database. */
import type {
  ConsentRecord,
  Recording,
  RecordingStatus,
  RecordingRepository,
  SegmentRecord,
  StoredFileRecord,
  TrackRecord,
} from '../recordingService/model.js';
import type { SqlClient, SqlValue } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

const RECORDING_COLUMNS: Record<keyof Omit<Recording, 'id' | 'caseId' | 'sessionId'>, string> = {
  status: 'status',
  startedAt: 'started_at',
  startedBy: 'started_by',
  stoppedAt: 'stopped_at',
  stopReason: 'stop_reason',
  privatePhases: 'private_phases',
  compositeStatus: 'composite_status',
  compositeProgress: 'composite_progress',
  composite: 'composite',
  manifestSha256: 'manifest_sha256',
  manifestKid: 'manifest_kid',
  completedAt: 'completed_at',
  aliveAt: 'alive_at',
};
const JSON_RECORDING = new Set(['privatePhases', 'composite']);

const TRACK_COLUMNS: Record<keyof Omit<TrackRecord, 'id' | 'recordingId'>, string> = {
  participantId: 'participant_id',
  displayName: 'display_name',
  role: 'role',
  source: 'source',
  kind: 'kind',
  codec: 'codec',
  file: 'file',
  pid: 'pid',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  endReason: 'end_reason',
  endDetail: 'end_detail',
  durationMs: 'duration_ms',
  size: 'size',
  sha256: 'sha256',
  pauses: 'pauses',
};
const JSON_TRACK = new Set(['pauses']);

function toRecording(r: Row): Recording {
  return {
    id: r['id'] as string,
    caseId: r['case_id'] as string,
    sessionId: r['session_id'] as string,
    status: r['status'] as Recording['status'],
    startedAt: r['started_at'] as string,
    startedBy: r['started_by'] as string,
    stoppedAt: (r['stopped_at'] as string | null) ?? null,
    stopReason: (r['stop_reason'] as string | null) ?? null,
    privatePhases: JSON.parse(r['private_phases'] as string) as Recording['privatePhases'],
    compositeStatus: r['composite_status'] as Recording['compositeStatus'],
    compositeProgress: r['composite_progress'] as number,
    composite: r['composite']
      ? (JSON.parse(r['composite'] as string) as Recording['composite'])
      : null,
    manifestSha256: (r['manifest_sha256'] as string | null) ?? null,
    manifestKid: (r['manifest_kid'] as string | null) ?? null,
    completedAt: (r['completed_at'] as string | null) ?? null,
    aliveAt: (r['alive_at'] as string | null) ?? null,
  };
}

function toConsent(r: Row): ConsentRecord {
  return {
    recordingId: r['recording_id'] as string,
    participantId: r['participant_id'] as string,
    displayName: r['display_name'] as string,
    role: r['role'] as string,
    acknowledgedAt: r['acknowledged_at'] as string,
    withdrawnAt: (r['withdrawn_at'] as string | null) ?? null,
    ip: (r['ip'] as string | null) ?? null,
    userAgent: (r['user_agent'] as string | null) ?? null,
  };
}

function toTrack(r: Row): TrackRecord {
  return {
    id: r['id'] as string,
    recordingId: r['recording_id'] as string,
    participantId: r['participant_id'] as string,
    displayName: r['display_name'] as string,
    role: r['role'] as string,
    source: r['source'] as TrackRecord['source'],
    kind: r['kind'] as TrackRecord['kind'],
    codec: r['codec'] as string,
    file: r['file'] as string,
    pid: (r['pid'] as number | null) ?? null,
    startedAt: r['started_at'] as string,
    endedAt: (r['ended_at'] as string | null) ?? null,
    endReason: (r['end_reason'] as TrackRecord['endReason']) ?? null,
    endDetail: (r['end_detail'] as string | null) ?? null,
    durationMs: (r['duration_ms'] as number | null) ?? null,
    size: (r['size'] as number | null) ?? null,
    sha256: (r['sha256'] as string | null) ?? null,
    pauses: JSON.parse(r['pauses'] as string) as TrackRecord['pauses'],
  };
}

/** `SET a = ?, b = ?` and its values for the given changes; JSON columns serialised. */
function assignments<K extends string>(
  changes: Partial<Record<K, unknown>>,
  columns: Record<K, string>,
  json: ReadonlySet<string>,
): { sql: string; values: SqlValue[] } {
  const parts: string[] = [];
  const values: SqlValue[] = [];
  for (const [key, value] of Object.entries(changes) as [K, unknown][]) {
    if (value === undefined) continue;
    parts.push(`${columns[key]} = ?`);
    // The other fields are text, numbers or null.
    values.push(json.has(key) && value !== null ? JSON.stringify(value) : (value as SqlValue));
  }
  return { sql: parts.join(', '), values };
}

export class SqlRecordingRepository implements RecordingRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async insert(r: Recording): Promise<void> {
    await this.#sql.run(
      `INSERT INTO recordings (id, case_id, session_id, status, started_at, started_by, stopped_at, stop_reason,
         private_phases, composite_status, composite_progress, composite, manifest_sha256, manifest_kid, completed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.caseId,
        r.sessionId,
        r.status,
        r.startedAt,
        r.startedBy,
        r.stoppedAt,
        r.stopReason,
        JSON.stringify(r.privatePhases),
        r.compositeStatus,
        r.compositeProgress,
        r.composite ? JSON.stringify(r.composite) : null,
        r.manifestSha256,
        r.manifestKid,
        r.completedAt,
      ],
    );
  }

  async get(id: string): Promise<Recording | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM recordings WHERE id = ?', [id]);
    return r ? toRecording(r) : undefined;
  }

  async listByCase(caseId: string): Promise<Recording[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM recordings WHERE case_id = ? ORDER BY started_at, id',
        [caseId],
      )
    ).map(toRecording);
  }

  async listByStatus(status: Recording['status']): Promise<Recording[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM recordings WHERE status = ? ORDER BY started_at, id',
        [status],
      )
    ).map(toRecording);
  }

  async update(
    id: string,
    changes: Partial<Omit<Recording, 'id' | 'caseId' | 'sessionId'>>,
  ): Promise<void> {
    const { sql, values } = assignments(changes, RECORDING_COLUMNS, JSON_RECORDING);
    if (!sql) return;
    await this.#sql.run(`UPDATE recordings SET ${sql} WHERE id = ?`, [...values, id]);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async updateIf(
    id: string,
    status: RecordingStatus,
    changes: Partial<Omit<Recording, 'id' | 'caseId' | 'sessionId'>>,
  ): Promise<boolean> {
    const { sql, values } = assignments(changes, RECORDING_COLUMNS, JSON_RECORDING);
    const result = await this.#sql.run(
      `UPDATE recordings SET ${sql || 'status = status'} WHERE id = ? AND status = ?`,
      [...values, id, status],
    );
    return result.changes === 1;
  }

  async acknowledge(c: ConsentRecord): Promise<{ record: ConsentRecord; created: boolean }> {
    const result = await this.#sql.run(
      `INSERT INTO recording_consents (recording_id, participant_id, display_name, role, acknowledged_at,
         withdrawn_at, ip, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recording_id, participant_id) DO NOTHING`,
      [
        c.recordingId,
        c.participantId,
        c.displayName,
        c.role,
        c.acknowledgedAt,
        c.withdrawnAt,
        c.ip,
        c.userAgent,
      ],
    );
    const stored = await this.#sql.get<Row>(
      'SELECT * FROM recording_consents WHERE recording_id = ? AND participant_id = ?',
      [c.recordingId, c.participantId],
    );
    return { record: toConsent(stored!), created: result.changes === 1 };
  }

  async withdraw(
    recordingId: string,
    participantId: string,
    at: string,
  ): Promise<ConsentRecord | undefined> {
    await this.#sql.run(
      `UPDATE recording_consents SET withdrawn_at = ?
       WHERE recording_id = ? AND participant_id = ? AND withdrawn_at IS NULL`,
      [at, recordingId, participantId],
    );
    const r = await this.#sql.get<Row>(
      'SELECT * FROM recording_consents WHERE recording_id = ? AND participant_id = ?',
      [recordingId, participantId],
    );
    return r ? toConsent(r) : undefined;
  }

  async consents(recordingId: string): Promise<ConsentRecord[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM recording_consents WHERE recording_id = ? ORDER BY acknowledged_at, participant_id',
        [recordingId],
      )
    ).map(toConsent);
  }

  async insertTrack(t: TrackRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO recording_tracks (id, recording_id, participant_id, display_name, role, source, kind, codec,
         file, pid, started_at, ended_at, end_reason, end_detail, duration_ms, size, sha256, pauses)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        t.id,
        t.recordingId,
        t.participantId,
        t.displayName,
        t.role,
        t.source,
        t.kind,
        t.codec,
        t.file,
        t.pid,
        t.startedAt,
        t.endedAt,
        t.endReason,
        t.endDetail,
        t.durationMs,
        t.size,
        t.sha256,
        JSON.stringify(t.pauses),
      ],
    );
  }

  async updateTrack(
    id: string,
    changes: Partial<Omit<TrackRecord, 'id' | 'recordingId'>>,
  ): Promise<void> {
    const { sql, values } = assignments(changes, TRACK_COLUMNS, JSON_TRACK);
    if (!sql) return;
    await this.#sql.run(`UPDATE recording_tracks SET ${sql} WHERE id = ?`, [...values, id]);
  }

  async tracks(recordingId: string): Promise<TrackRecord[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM recording_tracks WHERE recording_id = ? ORDER BY started_at, id',
        [recordingId],
      )
    ).map(toTrack);
  }

  async insertSegment(g: SegmentRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO recording_segments (track_id, seq, recording_id, blob_key, start_ms, end_ms, size, sha256, stored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (track_id, seq) DO NOTHING`,
      [g.trackId, g.seq, g.recordingId, g.key, g.startMs, g.endMs, g.size, g.sha256, g.storedAt],
    );
  }

  async segments(recordingId: string): Promise<SegmentRecord[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM recording_segments WHERE recording_id = ? ORDER BY track_id, seq',
        [recordingId],
      )
    ).map((r) => ({
      trackId: r['track_id'] as string,
      seq: Number(r['seq']),
      recordingId: r['recording_id'] as string,
      key: r['blob_key'] as string,
      startMs: Number(r['start_ms']),
      endMs: Number(r['end_ms']),
      size: Number(r['size']),
      sha256: r['sha256'] as string,
      storedAt: r['stored_at'] as string,
    }));
  }

  async putStoredFile(f: StoredFileRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO recording_files (recording_id, name, blob_key, size, sha256, stored_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (recording_id, name) DO UPDATE SET
         blob_key = excluded.blob_key, size = excluded.size, sha256 = excluded.sha256,
         stored_at = excluded.stored_at`,
      [f.recordingId, f.name, f.key, f.size, f.sha256, f.storedAt],
    );
  }

  async storedFile(recordingId: string, name: string): Promise<StoredFileRecord | undefined> {
    const r = await this.#sql.get<Row>(
      'SELECT * FROM recording_files WHERE recording_id = ? AND name = ?',
      [recordingId, name],
    );
    return r
      ? {
          recordingId: r['recording_id'] as string,
          name: r['name'] as string,
          key: r['blob_key'] as string,
          size: Number(r['size']),
          sha256: r['sha256'] as string,
          storedAt: r['stored_at'] as string,
        }
      : undefined;
  }
}
