/**
 * Versioned schema migrations, applied in order at start. Never edit a
 * released migration: add the next one.
 *
 * Size: data — the ordered list of schema migrations; it only grows and is read top to bottom.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Rebuilds a table other tables reference (SQLite cannot change a CHECK): applied with
   * foreign keys off, as SQLite's documented procedure asks, and checked before they are on.
   */
  foreignKeysOff?: true;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'case files, people, sessions, invitations, deadlines, audit chain',
    sql: `
CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'mediator')),
  password_hash TEXT NOT NULL,
  specialties TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  case_number TEXT NOT NULL,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  status TEXT NOT NULL,
  dispute_type TEXT NOT NULL,
  source TEXT NOT NULL,
  source_reference TEXT,
  priority_groups TEXT NOT NULL DEFAULT '[]',
  intake_mode TEXT NOT NULL,
  application TEXT NOT NULL,
  received_on TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  decision TEXT,
  mediator_id TEXT REFERENCES staff(id),
  mediation_due_on TEXT NOT NULL,
  outcome TEXT,
  closed_at TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  -- Case numbers run per organisation and year.
  UNIQUE (organisation_id, case_number)
);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_mediator ON cases(mediator_id);

CREATE TABLE case_people (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('applicant', 'respondent', 'agent', 'observer')),
  name TEXT NOT NULL,
  id_number TEXT,
  phone TEXT,
  address TEXT,
  legal_representative TEXT,
  is_organisation INTEGER NOT NULL DEFAULT 0,
  represents_id TEXT REFERENCES case_people(id),
  power_of_attorney TEXT,
  service_address TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX case_people_case ON case_people(case_id);

CREATE TABLE conflict_disclosures (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mediator_id TEXT NOT NULL REFERENCES staff(id),
  has_conflict INTEGER NOT NULL,
  statement TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX conflict_disclosures_case ON conflict_disclosures(case_id);

CREATE TABLE mediation_sessions (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended', 'cancelled')),
  scheduled_start TEXT NOT NULL,
  scheduled_end TEXT,
  started_at TEXT,
  ended_at TEXT,
  created_by TEXT NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX invitations_case ON invitations(case_id);

CREATE TABLE deadlines (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  basis TEXT NOT NULL,
  consequence TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'met', 'overdue', 'cancelled')),
  created_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX deadlines_open ON deadlines(status, due_on);
CREATE INDEX deadlines_case ON deadlines(case_id);

CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  deadline_id TEXT REFERENCES deadlines(id),
  created_at TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (deadline_id, kind)
);
CREATE INDEX notices_case ON notices(case_id);

CREATE TABLE follow_ups (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL,
  by_staff TEXT NOT NULL REFERENCES staff(id),
  method TEXT NOT NULL,
  notes TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE INDEX follow_ups_case ON follow_ups(case_id);

-- The case's hash chain: one row per state-changing action, never updated.
CREATE TABLE audit_events (
  case_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);

-- The chain's head per case, written in the same transaction as each event,
-- so that removing the newest events is detected too.
CREATE TABLE audit_heads (
  case_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'evidence items',
    sql: `
CREATE TABLE evidence_items (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  purpose TEXT NOT NULL,
  original_or_copy TEXT NOT NULL CHECK (original_or_copy IN ('original', 'copy')),
  filename TEXT NOT NULL,
  type_id TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  pages INTEGER,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploader_role TEXT NOT NULL,
  uploader_side TEXT NOT NULL CHECK (uploader_side IN ('applicant', 'respondent', 'organisation')),
  uploader_ip TEXT,
  uploader_agent TEXT,
  received_at TEXT NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  confidential INTEGER NOT NULL DEFAULT 0,
  integrity TEXT NOT NULL DEFAULT 'ok' CHECK (integrity IN ('ok', 'missing'))
);
CREATE INDEX evidence_items_case ON evidence_items(case_id);
`,
  },
  {
    version: 3,
    name: 'session recordings: consent, track files, composite, signed manifest',
    sql: `
CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  session_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('recording', 'processing', 'complete')),
  started_at TEXT NOT NULL,
  started_by TEXT NOT NULL,
  stopped_at TEXT,
  stop_reason TEXT,
  private_phases TEXT NOT NULL DEFAULT '[]',
  composite_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (composite_status IN ('pending', 'rendering', 'complete', 'failed')),
  composite_progress REAL NOT NULL DEFAULT 0,
  composite TEXT,
  manifest_sha256 TEXT,
  manifest_kid TEXT,
  completed_at TEXT
);
CREATE INDEX recordings_case ON recordings(case_id);
CREATE INDEX recordings_status ON recordings(status);

CREATE TABLE recording_consents (
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  participant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  acknowledged_at TEXT NOT NULL,
  withdrawn_at TEXT,
  ip TEXT,
  user_agent TEXT,
  PRIMARY KEY (recording_id, participant_id)
);

CREATE TABLE recording_tracks (
  id TEXT PRIMARY KEY,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  participant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  codec TEXT NOT NULL,
  file TEXT NOT NULL,
  pid INTEGER,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  end_reason TEXT,
  end_detail TEXT,
  duration_ms INTEGER,
  size INTEGER,
  sha256 TEXT,
  pauses TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX recording_tracks_recording ON recording_tracks(recording_id);
`,
  },
  {
    version: 4,
    name: 'session chat and removals',
    sql: `
CREATE TABLE session_chat (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  session_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0,
  sent_at TEXT NOT NULL
);
CREATE INDEX session_chat_session ON session_chat(session_id, sent_at);

CREATE TABLE session_removals (
  session_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases(id),
  removed_by TEXT NOT NULL,
  reason TEXT,
  removed_at TEXT NOT NULL,
  PRIMARY KEY (session_id, participant_id)
);
`,
  },
  {
    version: 5,
    name: 'documents, service consents, deliveries and their steps, agreement signing and seal',
    sql: `
CREATE TABLE case_documents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  series_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  blob_key TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  fields TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  issuer_role TEXT NOT NULL,
  UNIQUE (series_id, version)
);
CREATE INDEX case_documents_case ON case_documents(case_id);

CREATE TABLE service_consents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  electronic INTEGER NOT NULL,
  addresses TEXT NOT NULL,
  scope TEXT NOT NULL,
  effect_acknowledged INTEGER NOT NULL,
  postal_address TEXT,
  given_by TEXT NOT NULL,
  given_by_role TEXT NOT NULL,
  given_at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  document_id TEXT NOT NULL REFERENCES case_documents(id)
);
CREATE INDEX service_consents_person ON service_consents(case_id, person_id);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  document_id TEXT NOT NULL REFERENCES case_documents(id),
  document_sha256 TEXT NOT NULL,
  recipient_id TEXT NOT NULL REFERENCES case_people(id),
  recipient_name TEXT NOT NULL,
  channel TEXT CHECK (channel IN ('in_app', 'email', 'sms')),
  address TEXT,
  consent_id TEXT REFERENCES service_consents(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX deliveries_case ON deliveries(case_id);

-- Every step of a delivery; append-only.
CREATE TABLE delivery_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  state TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  channel TEXT,
  ip TEXT,
  user_agent TEXT,
  document_sha256 TEXT NOT NULL,
  implied INTEGER NOT NULL DEFAULT 0,
  detail TEXT
);
CREATE INDEX delivery_events_delivery ON delivery_events(delivery_id, seq);
CREATE TRIGGER delivery_events_no_update BEFORE UPDATE ON delivery_events
BEGIN SELECT RAISE(ABORT, 'delivery events are append-only'); END;
CREATE TRIGGER delivery_events_no_delete BEFORE DELETE ON delivery_events
BEGIN SELECT RAISE(ABORT, 'delivery events are append-only'); END;
CREATE TRIGGER case_documents_no_update BEFORE UPDATE ON case_documents
BEGIN SELECT RAISE(ABORT, 'documents are immutable: issue a new version'); END;

CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  person_id TEXT,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  purpose TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notification_outbox_case ON notification_outbox(case_id, created_at);

CREATE TABLE signing_codes (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES case_documents(id),
  signer_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  salt TEXT NOT NULL,
  channel TEXT NOT NULL,
  destination TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at TEXT
);
CREATE INDEX signing_codes_signer ON signing_codes(document_id, signer_id, created_at);

CREATE TABLE agreement_signatures (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES case_documents(id),
  document_sha256 TEXT NOT NULL,
  signer_id TEXT NOT NULL,
  signer_kind TEXT NOT NULL CHECK (signer_kind IN ('person', 'staff')),
  signer_role TEXT NOT NULL,
  signs_for TEXT NOT NULL CHECK (signs_for IN ('applicant', 'respondent', 'mediator')),
  signer_name TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  image BLOB,
  image_sha256 TEXT,
  code_id TEXT NOT NULL REFERENCES signing_codes(id),
  UNIQUE (document_id, signer_id)
);

CREATE TABLE agreement_seals (
  document_id TEXT PRIMARY KEY REFERENCES case_documents(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  jws TEXT NOT NULL,
  kid TEXT NOT NULL,
  sealed_at TEXT NOT NULL,
  sealed_by TEXT NOT NULL,
  sealer_role TEXT NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'recordings: last moment known alive (to end tracks cut off by a crash)',
    sql: `
ALTER TABLE recordings ADD COLUMN alive_at TEXT;
`,
  },
  {
    version: 7,
    name: 'courts and arbitration commissions: accounts and referrals',
    sql: `
CREATE TABLE institutions (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  kind TEXT NOT NULL CHECK (kind IN ('court', 'arbitration')),
  name TEXT NOT NULL,
  webhook_url TEXT,
  key_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT
);

CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  kind TEXT NOT NULL CHECK (kind IN ('delegated_report', 'judicial_confirmation', 'arbitration_review')),
  referred_at TEXT NOT NULL,
  referred_by TEXT NOT NULL,
  UNIQUE (case_id, institution_id, kind)
);
CREATE INDEX referrals_institution ON referrals(institution_id);
`,
  },
  {
    version: 8,
    name: 'institution webhook deliveries (retried across restarts, dead letters)',
    sql: `
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  receipt TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
`,
  },
  {
    version: 9,
    name: 'joint application bundles, evidence categories, disclosure consents',
    sql: `
ALTER TABLE evidence_items ADD COLUMN category TEXT NOT NULL DEFAULT 'evidence'
  CHECK (category IN ('evidence', 'identity', 'authorisation'));

-- A webhook body kept as a file (a bundle) instead of inline JSON.
ALTER TABLE webhook_deliveries ADD COLUMN body_path TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN content_type TEXT NOT NULL DEFAULT 'application/json';

CREATE TABLE bundles (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  referral_id TEXT NOT NULL REFERENCES referrals(id),
  kind TEXT NOT NULL CHECK (kind IN ('judicial_confirmation', 'arbitration_review')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_count INTEGER NOT NULL,
  webhook_delivery_id TEXT REFERENCES webhook_deliveries(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX bundles_case ON bundles(case_id);

-- Each party's say on submitting confidential caucus material; the latest row per person counts.
CREATE TABLE disclosure_consents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('applicant', 'respondent')),
  agree INTEGER NOT NULL CHECK (agree IN (0, 1)),
  at TEXT NOT NULL
);
CREATE INDEX disclosure_consents_case ON disclosure_consents(case_id, at);
`,
  },
  {
    version: 10,
    name: 'security events (sign-in backoffs) for the organisation',
    sql: `
CREATE TABLE security_events (
  id TEXT PRIMARY KEY,
  organisation_id TEXT,
  kind TEXT NOT NULL,
  account_kind TEXT NOT NULL,
  account TEXT NOT NULL,
  account_id TEXT,
  source TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX security_events_organisation ON security_events(organisation_id, created_at);
`,
  },
  {
    version: 11,
    name: 'active content found in evidence PDFs',
    sql: `
-- JSON array of PDF names (JavaScript, Launch, EmbeddedFile, …) found at upload;
-- NULL for a PDF received before the check existed.
ALTER TABLE evidence_items ADD COLUMN active_content TEXT;
`,
  },
  {
    version: 12,
    name: 'provisional deadlines (computed across a year without a loaded holiday schedule)',
    sql: `
-- 1 when the deadline was computed across a year whose State Council schedule was not loaded;
-- missing_calendar_years is the JSON array of those years. Rows from before are treated as final.
ALTER TABLE deadlines ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1));
ALTER TABLE deadlines ADD COLUMN missing_calendar_years TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 13,
    name: 'signed paper agreements as an evidence category',
    sql: `
-- SQLite cannot change a CHECK: the table is rebuilt with 'signed_agreement' allowed
-- (nothing references evidence_items).
CREATE TABLE evidence_items_v13 (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  purpose TEXT NOT NULL,
  original_or_copy TEXT NOT NULL CHECK (original_or_copy IN ('original', 'copy')),
  filename TEXT NOT NULL,
  type_id TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  pages INTEGER,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploader_role TEXT NOT NULL,
  uploader_side TEXT NOT NULL CHECK (uploader_side IN ('applicant', 'respondent', 'organisation')),
  uploader_ip TEXT,
  uploader_agent TEXT,
  received_at TEXT NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  confidential INTEGER NOT NULL DEFAULT 0,
  integrity TEXT NOT NULL DEFAULT 'ok' CHECK (integrity IN ('ok', 'missing')),
  category TEXT NOT NULL DEFAULT 'evidence'
    CHECK (category IN ('evidence', 'identity', 'authorisation', 'signed_agreement')),
  active_content TEXT
);
INSERT INTO evidence_items_v13 (id, case_id, blob_key, title, purpose, original_or_copy, filename,
  type_id, media_type, size, pages, sha256, uploaded_by, uploader_role, uploader_side, uploader_ip,
  uploader_agent, received_at, shared, confidential, integrity, category, active_content)
SELECT id, case_id, blob_key, title, purpose, original_or_copy, filename,
  type_id, media_type, size, pages, sha256, uploaded_by, uploader_role, uploader_side, uploader_ip,
  uploader_agent, received_at, shared, confidential, integrity, category, active_content
FROM evidence_items;
DROP TABLE evidence_items;
ALTER TABLE evidence_items_v13 RENAME TO evidence_items;
CREATE INDEX evidence_items_case ON evidence_items(case_id);
`,
  },
  {
    version: 14,
    name: 'holiday schedules added by clerks (later years and corrections of shipped ones)',
    sql: `
-- One row per year a clerk loaded; it wins over the schedule shipped with the project for
-- that year. Replaced only by a correction (with its reason); every change is an event of
-- the audit chain 'system:work-calendar'. schedule is the JSON the clerk gave.
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
  schedule TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  correction_reason TEXT
);
`,
  },
  {
    version: 15,
    name: 'notices record their served document; extension proposals answered by each party',
    sql: `
ALTER TABLE notices ADD COLUMN document_id TEXT;
CREATE INDEX notices_unserved ON notices(document_id) WHERE document_id IS NULL;

CREATE TABLE extension_proposals (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  new_due_on TEXT NOT NULL,
  reason TEXT NOT NULL,
  previous_due_on TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'agreed', 'refused', 'withdrawn')),
  proposed_by TEXT NOT NULL,
  proposed_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX extension_proposals_case ON extension_proposals(case_id);
-- One pending proposal per case at a time.
CREATE UNIQUE INDEX extension_proposals_pending ON extension_proposals(case_id) WHERE status = 'pending';

CREATE TABLE extension_responses (
  proposal_id TEXT NOT NULL REFERENCES extension_proposals(id),
  party_id TEXT NOT NULL REFERENCES case_people(id),
  decision TEXT NOT NULL CHECK (decision IN ('consent', 'refuse')),
  by_id TEXT NOT NULL,
  by_role TEXT NOT NULL,
  offline TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (proposal_id, party_id)
);
`,
  },
  {
    version: 16,
    name: 'late joint applications: the window that closed and the reason staff gave',
    sql: `
-- Both NULL for a referral made in time (or before this existed).
ALTER TABLE referrals ADD COLUMN late_reason TEXT;
ALTER TABLE referrals ADD COLUMN window_closed_on TEXT;
`,
  },
  {
    version: 17,
    name: 'payment-order application packs (支付令申请材料) sent to courts',
    sql: `
CREATE TABLE payment_orders (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  -- The applicant worker who asked (in person, by an agent, or through staff).
  requested_by TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_count INTEGER NOT NULL,
  webhook_delivery_id TEXT REFERENCES webhook_deliveries(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX payment_orders_case ON payment_orders(case_id);
`,
  },
  {
    version: 18,
    name: "mediator assignments, recusal requests, respondents' agreement to mediate",
    sql: `
-- Each assignment of a mediator to a case; a disclosure counts only for the assignment it names.
CREATE TABLE mediator_assignments (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mediator_id TEXT NOT NULL REFERENCES staff(id),
  assigned_at TEXT NOT NULL,
  assigned_by TEXT NOT NULL,
  ended_at TEXT,
  ended_reason TEXT CHECK (ended_reason IN ('reassigned', 'conflict_disclosed', 'recusal_granted'))
);
CREATE INDEX mediator_assignments_case ON mediator_assignments(case_id);
ALTER TABLE conflict_disclosures ADD COLUMN assignment_id TEXT REFERENCES mediator_assignments(id);

-- 回避申请 and the organisation's decision on it.
CREATE TABLE recusal_requests (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mediator_id TEXT NOT NULL REFERENCES staff(id),
  assignment_id TEXT REFERENCES mediator_assignments(id),
  requested_by TEXT NOT NULL REFERENCES case_people(id),
  reasons TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  request_document_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused')),
  decided_by TEXT,
  decided_at TEXT,
  decision_reasons TEXT,
  decision_document_id TEXT
);
CREATE INDEX recusal_requests_case ON recusal_requests(case_id);
-- At most one undecided request per case.
CREATE UNIQUE INDEX recusal_requests_pending ON recusal_requests(case_id) WHERE status = 'pending';

-- A respondent's agreement to (or refusal of) mediation of a party application.
CREATE TABLE mediation_responses (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  respondent_id TEXT NOT NULL REFERENCES case_people(id),
  decision TEXT NOT NULL CHECK (decision IN ('agree', 'refuse')),
  given_by TEXT NOT NULL,
  given_by_role TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('online', 'offline')),
  evidence_id TEXT,
  evidence_sha256 TEXT,
  note TEXT,
  at TEXT NOT NULL,
  CHECK (channel = 'online' OR (evidence_id IS NOT NULL AND note IS NOT NULL))
);
CREATE INDEX mediation_responses_case ON mediation_responses(case_id);
`,
  },
  {
    version: 19,
    name: 'job leases: background work claimed by one process at a time',
    sql: `
-- Who is doing a piece of background work (serving a notice, rendering a composite, closing a
-- dead process's recording) and until when: another process takes the job over once
-- lease_until has passed (server/jobs/JobLeases.ts).
CREATE TABLE job_leases (
  job TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  lease_until TEXT NOT NULL,
  claimed_at TEXT NOT NULL
);
`,
  },
  {
    version: 20,
    name: 'service signing keys shared by every node, sealed',
    sql: `
-- The service's Ed25519 signing keys when SERVICE_KEYS_SECRET is set (several nodes sign
-- with the same keys): the private key sealed with AES-256-GCM under a key derived from that
-- secret, its kid as associated data (server/signing/sealing.ts). Never deleted: a retired key
-- still verifies what it signed.
CREATE TABLE service_keys (
  kid TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  retired_at TEXT,
  sealed_private_key TEXT NOT NULL
);
-- The one key that signs now; a rotation changes it in the transaction that adds the new key.
CREATE TABLE service_key_active (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kid TEXT NOT NULL REFERENCES service_keys(kid),
  changed_at TEXT NOT NULL
);
`,
  },
  {
    version: 21,
    name: 'recording segments copied off the capturing node',
    sql: `
-- A track is captured as one file and, beside it, in segments of a few seconds; each finished
-- segment is copied into the recordings' segment store (the object store on several nodes),
-- so a node that dies with its disk loses at most the segment it was writing
-- (server/recordingService/segments.ts). Offsets are in the track's own stream.
CREATE TABLE recording_segments (
  track_id TEXT NOT NULL REFERENCES recording_tracks(id),
  seq INTEGER NOT NULL,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  blob_key TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (track_id, seq)
);
CREATE INDEX recording_segments_recording ON recording_segments(recording_id);
`,
  },
  {
    version: 22,
    name: 'recording files kept in the object store',
    sql: `
-- On several nodes (S3_BUCKET), a recording's finished files (its tracks, the composite, the
-- signed manifest) are also kept in the object store, so that every node serves them and any
-- node renders the composite: which object holds which file (server/recordingService/stored.ts).
CREATE TABLE recording_files (
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  name TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (recording_id, name)
);
`,
  },
  {
    version: 23,
    name: 'cases handed over by courts and arbitration commissions',
    sql: `
-- Cases courts and arbitration commissions hand to the organisation (委派/委托调解) through
-- their API: one per institution and its own case number, waiting for a clerk's decision;
-- accepted, it names the case registered from it (server/institutions/InboundReferrals.ts).
CREATE TABLE inbound_referrals (
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  case_number TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('delegated', 'entrusted')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
  submission TEXT NOT NULL,
  submission_sha256 TEXT NOT NULL,
  received_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,
  reason TEXT,
  case_id TEXT REFERENCES cases(id),
  UNIQUE (institution_id, case_number)
);
CREATE INDEX inbound_referrals_organisation ON inbound_referrals(organisation_id, received_at);
CREATE UNIQUE INDEX inbound_referrals_case ON inbound_referrals(case_id);
-- What the institution is told of its referral, each event once (its webhook delivery queued
-- in the same transaction as the change that caused it).
CREATE TABLE inbound_referral_events (
  referral_id TEXT NOT NULL REFERENCES inbound_referrals(id),
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  target TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL,
  webhook_delivery TEXT,
  PRIMARY KEY (referral_id, seq),
  UNIQUE (referral_id, event, target)
);
`,
  },
  {
    version: 24,
    name: 'online applications',
    sql: `
-- Applications made online by a worker or an employer (server/applications/): the identity
-- confirmed with a one-time code to the applicant's mobile, then a draft filled in, submitted
-- with a number, and decided by a clerk (accepted: the case registered from it).
CREATE TABLE online_applications (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  number TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'declined', 'withdrawn')),
  applicant_name TEXT NOT NULL,
  applicant_id_number TEXT NOT NULL,
  applicant_phone TEXT NOT NULL,
  form TEXT,
  form_sha256 TEXT,
  created_at TEXT NOT NULL,
  submitted_at TEXT,
  decided_at TEXT,
  decided_by TEXT,
  reason TEXT,
  case_id TEXT REFERENCES cases(id)
);
CREATE INDEX online_applications_queue ON online_applications(organisation_id, status, submitted_at);
CREATE INDEX online_applications_applicant ON online_applications(applicant_id_number, applicant_phone);
-- Solved proof-of-work challenges, each spent once (across every node).
CREATE TABLE application_challenges (
  id TEXT PRIMARY KEY,
  spent_at TEXT NOT NULL
);
-- One-time codes sent to confirm an applicant's mobile number, each paid for by one solved
-- challenge.
CREATE TABLE application_codes (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  challenge_id TEXT NOT NULL,
  name TEXT NOT NULL,
  id_number TEXT NOT NULL,
  phone TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  salt TEXT NOT NULL,
  device TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at TEXT
);
-- The applicant's links (the status page, the draft): only their SHA-256 is kept.
CREATE TABLE application_links (
  token_hash TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES online_applications(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
-- Evidence attached to an application, in the evidence store; recorded in the case on acceptance.
CREATE TABLE application_files (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES online_applications(id),
  blob_key TEXT NOT NULL,
  type_id TEXT NOT NULL,
  title TEXT NOT NULL,
  filename TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  received_at TEXT NOT NULL,
  evidence_id TEXT
);
CREATE INDEX application_files_application ON application_files(application_id, received_at);
`,
  },
  {
    version: 25,
    name: 'session records',
    sql: `
-- The mediator's draft of each session's record (调解笔录), saved during or after the session;
-- issuing it makes a document of the case (server/documents/sessionRecords.ts).
CREATE TABLE session_record_drafts (
  session_id TEXT PRIMARY KEY REFERENCES mediation_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  content TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  saved_by TEXT NOT NULL
);
-- An attendee who refused to sign a session record, as the mediator recorded it.
CREATE TABLE signing_refusals (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES case_documents(id),
  person_id TEXT NOT NULL,
  person_name TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (document_id, person_id)
);
`,
  },
  {
    version: 26,
    name: 'representatives of collective disputes',
    sql: `
-- 代表人: an applicant the workers of a collective dispute elected to act for them, and for
-- whom, with the authority recorded (whether it covers signing an agreement) and the document
-- of the election filed as evidence (server/cases/representatives.ts).
CREATE TABLE case_representatives (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  representative_id TEXT NOT NULL REFERENCES case_people(id),
  represents TEXT NOT NULL,
  may_sign INTEGER NOT NULL,
  elected_on TEXT NOT NULL,
  evidence_id TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT
);
CREATE INDEX case_representatives_case ON case_representatives(case_id, recorded_at);
`,
  },
  {
    version: 27,
    name: 'per-person claims and performance',
    sql: `
-- Each applicant's own claims in a dispute with several workers (server/cases/personClaims.ts):
-- the list as JSON, its amounts' total kept for the statistics; the audit chain keeps each change.
CREATE TABLE case_person_claims (
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  claims TEXT NOT NULL,
  amount REAL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (case_id, person_id)
);
-- Findings on each person's part of the effective agreement, in the order recorded.
CREATE TABLE agreement_performance (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  result TEXT NOT NULL,
  amount_paid REAL,
  note TEXT NOT NULL,
  evidence_id TEXT,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX agreement_performance_case ON agreement_performance(case_id, recorded_at);
`,
  },
  {
    version: 28,
    name: 'e-mail through a relay, with delivery reports',
    sql: `
-- A notification of the outbox sent through a gateway (server/channels/): queued, claimed
-- with a lease, accepted by the relay (its queue id and reply), then delivered or failed by
-- the delivery report (its status and raw text kept); retried with backoff meanwhile.
CREATE TABLE channel_sends (
  message_id TEXT PRIMARY KEY REFERENCES notification_outbox(id),
  channel TEXT NOT NULL,
  delivery_id TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  provider_id TEXT,
  provider_status TEXT,
  report TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX channel_sends_due ON channel_sends(status, next_attempt_at);
`,
  },
  {
    version: 29,
    name: 'SMS through an SMPP gateway, short case links',
    sql: `
-- An SMS receipt names its message by the SMSC's id.
CREATE INDEX channel_sends_provider ON channel_sends(channel, provider_id);
-- Short case links for SMS (server/auth/CaseLinks.ts): the code kept only as its SHA-256,
-- bound to one invitation (dead once it is revoked or expires).
CREATE TABLE short_links (
  code_hash TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  invitation_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`,
  },
  {
    version: 30,
    name: 'organisations as a tree (the mediation network)',
    sql: `
-- Existing organisations are district centres standing alone (the single-organisation
-- deployments before the network).
ALTER TABLE organisations ADD COLUMN kind TEXT NOT NULL DEFAULT 'district_centre'
  CHECK (kind IN ('bureau', 'district_centre', 'street_town', 'enterprise_committee', 'union_trade'));
ALTER TABLE organisations ADD COLUMN parent_id TEXT REFERENCES organisations(id);
ALTER TABLE organisations ADD COLUMN created_by TEXT;
CREATE INDEX organisations_parent ON organisations(parent_id);
`,
  },
  {
    version: 31,
    name: 'supervisors; case numbers a moved case left behind',
    foreignKeysOff: true,
    sql: `
-- SQLite cannot change a CHECK: staff is rebuilt with 'supervisor' allowed (other tables
-- reference it, hence foreignKeysOff).
CREATE TABLE staff_v31 (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'mediator', 'supervisor')),
  password_hash TEXT NOT NULL,
  specialties TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
INSERT INTO staff_v31 (id, organisation_id, username, display_name, role, password_hash,
  specialties, active, created_at)
SELECT id, organisation_id, username, display_name, role, password_hash, specialties, active,
  created_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_v31 RENAME TO staff;
-- The number a case left behind when it moved to another organisation: never given again.
CREATE TABLE retired_case_numbers (
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  case_number TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases(id),
  retired_at TEXT NOT NULL,
  PRIMARY KEY (organisation_id, case_number)
);
`,
  },
  {
    version: 32,
    name: 'the risk ledger: thresholds per organisation, entries and their history',
    sql: `
CREATE TABLE risk_settings (
  organisation_id TEXT PRIMARY KEY REFERENCES organisations(id),
  settings TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE risk_entries (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('high', 'medium', 'low')),
  label TEXT NOT NULL,
  figures TEXT NOT NULL,
  case_ids TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  active INTEGER NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cleared_at TEXT,
  owner_id TEXT REFERENCES staff(id),
  closed_at TEXT,
  closed_by TEXT REFERENCES staff(id),
  closing_note TEXT
);
-- One open entry per organisation and subject: two scans at once never open it twice.
CREATE UNIQUE INDEX risk_entries_open_subject ON risk_entries(organisation_id, subject)
  WHERE status = 'open';
CREATE INDEX risk_entries_organisation ON risk_entries(organisation_id, opened_at);
-- An entry's history is appended, never changed.
CREATE TABLE risk_actions (
  id TEXT PRIMARY KEY,
  risk_id TEXT NOT NULL REFERENCES risk_entries(id),
  kind TEXT NOT NULL,
  note TEXT NOT NULL,
  by_staff TEXT REFERENCES staff(id),
  at TEXT NOT NULL
);
CREATE INDEX risk_actions_risk ON risk_actions(risk_id, at);
CREATE TRIGGER risk_actions_no_update BEFORE UPDATE ON risk_actions
BEGIN SELECT RAISE(ABORT, 'risk actions are append-only'); END;
CREATE TRIGGER risk_actions_no_delete BEFORE DELETE ON risk_actions
BEGIN SELECT RAISE(ABORT, 'risk actions are append-only'); END;
`,
  },
  {
    version: 33,
    name: 'where a session is held: online or at the organisation',
    sql: `
ALTER TABLE mediation_sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'online'
  CHECK (mode IN ('online', 'in_person'));
`,
  },
  {
    version: 34,
    name: 'statistics reports sent upward: fixed once made, with their files’ hashes and signature',
    sql: `
CREATE TABLE statistics_reports (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  period_kind TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter')),
  period TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  generated_by TEXT REFERENCES staff(id),
  pdf_location TEXT NOT NULL,
  pdf_sha256 TEXT NOT NULL,
  pdf_bytes INTEGER NOT NULL,
  csv_location TEXT NOT NULL,
  csv_sha256 TEXT NOT NULL,
  csv_bytes INTEGER NOT NULL,
  jws TEXT NOT NULL,
  UNIQUE (organisation_id, period)
);
-- A report is fixed once made (a new period, a new report).
CREATE TRIGGER statistics_reports_no_update BEFORE UPDATE ON statistics_reports
BEGIN SELECT RAISE(ABORT, 'statistics reports are fixed once made'); END;
`,
  },
  {
    version: 35,
    name: 'the mediator roster: kind and expertise, deactivation reasons, training, assessments',
    sql: `
ALTER TABLE staff ADD COLUMN mediator_kind TEXT NOT NULL DEFAULT 'staff'
  CHECK (mediator_kind IN ('staff', 'invited'));
ALTER TABLE staff ADD COLUMN expertise TEXT;
ALTER TABLE staff ADD COLUMN deactivated_at TEXT;
ALTER TABLE staff ADD COLUMN deactivation_reason TEXT;
CREATE TABLE mediator_trainings (
  id TEXT PRIMARY KEY,
  staff_id TEXT NOT NULL REFERENCES staff(id),
  on_date TEXT NOT NULL,
  title TEXT NOT NULL,
  hours REAL NOT NULL,
  provider TEXT NOT NULL,
  recorded_by TEXT NOT NULL REFERENCES staff(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX mediator_trainings_staff ON mediator_trainings(staff_id, on_date);
CREATE TABLE mediator_assessments (
  id TEXT PRIMARY KEY,
  staff_id TEXT NOT NULL REFERENCES staff(id),
  period TEXT NOT NULL,
  result TEXT NOT NULL
    CHECK (result IN ('excellent', 'competent', 'basically_competent', 'incompetent')),
  note TEXT NOT NULL,
  assessed_by TEXT NOT NULL REFERENCES staff(id),
  assessed_at TEXT NOT NULL,
  UNIQUE (staff_id, period)
);
`,
  },
  {
    version: 36,
    name: 'service certificates kept as first rendered, one per delivery and last step',
    sql: `
-- A certificate states a delivery's steps up to one of them: rendered once for that step,
-- kept with its hash, and served from here until a later step is recorded.
CREATE TABLE delivery_certificates (
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  through_seq INTEGER NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  generated_at TEXT NOT NULL,
  PRIMARY KEY (delivery_id, through_seq)
);
CREATE TRIGGER delivery_certificates_no_update BEFORE UPDATE ON delivery_certificates
BEGIN SELECT RAISE(ABORT, 'service certificates are fixed once rendered'); END;
CREATE TRIGGER delivery_certificates_no_delete BEFORE DELETE ON delivery_certificates
BEGIN SELECT RAISE(ABORT, 'service certificates are fixed once rendered'); END;
`,
  },
];

/**
 * Refuses a database whose schema a newer release of the service migrated:
 * this code does not know its tables, and writing to them could lose data.
 */
export function refuseNewerSchema(applied: number, known: readonly { version: number }[]): void {
  const newest = Math.max(0, ...known.map((m) => m.version));
  if (applied > newest) {
    throw new Error(
      `The database's schema is at version ${applied}, newer than this release knows (${newest}): run the release that migrated it, or a newer one`,
    );
  }
}
