/**
 * Versioned schema migrations of the PostgreSQL backend, applied in order at
 * start (server/db/sql/postgresSchema.ts). Never edit a released migration: add
 * the next one, with its SQLite twin in migrations.ts under the same version.
 *
 * Version 18 is the baseline: the schema SQLite reaches through its migrations
 * 1–18, in PostgreSQL's types (BIGINT for INTEGER, DOUBLE PRECISION for REAL,
 * BYTEA for BLOB, an identity for AUTOINCREMENT) plus a `rowid` identity column
 * on every table without an INTEGER PRIMARY KEY (in SQLite that key is the
 * rowid), which the portable SQL orders by as SQLite's implicit rowid.
 * tests/integration/postgres-schema.test.ts checks both schemas have the same
 * tables, columns, nullability, keys and indexes.
 *
 * Size: data — the ordered list of schema migrations; it only grows and is read top to bottom.
 */
import type { Migration } from './migrations.js';

export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 18,
    name: 'baseline: the schema of the SQLite migrations 1-18',
    sql: `
CREATE TABLE audit_events (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  case_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
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

CREATE TABLE audit_heads (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  case_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE calendar_years (
  year BIGINT PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
  schedule TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  correction_reason TEXT
);

CREATE TABLE notification_outbox (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE organisations (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE security_events (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE staff (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'mediator')),
  password_hash TEXT NOT NULL,
  specialties TEXT NOT NULL DEFAULT '[]',
  active BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE cases (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  version BIGINT NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  -- Case numbers run per organisation and year.
  UNIQUE (organisation_id, case_number)
);

CREATE TABLE deadlines (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  basis TEXT NOT NULL,
  consequence TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'met', 'overdue', 'cancelled')),
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  provisional BIGINT NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1)),
  missing_calendar_years TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE disclosure_consents (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('applicant', 'respondent')),
  agree BIGINT NOT NULL CHECK (agree IN (0, 1)),
  at TEXT NOT NULL
);

CREATE TABLE evidence_items (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  purpose TEXT NOT NULL,
  original_or_copy TEXT NOT NULL CHECK (original_or_copy IN ('original', 'copy')),
  filename TEXT NOT NULL,
  type_id TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  pages BIGINT,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploader_role TEXT NOT NULL,
  uploader_side TEXT NOT NULL CHECK (uploader_side IN ('applicant', 'respondent', 'organisation')),
  uploader_ip TEXT,
  uploader_agent TEXT,
  received_at TEXT NOT NULL,
  shared BIGINT NOT NULL DEFAULT 0,
  confidential BIGINT NOT NULL DEFAULT 0,
  integrity TEXT NOT NULL DEFAULT 'ok' CHECK (integrity IN ('ok', 'missing')),
  category TEXT NOT NULL DEFAULT 'evidence'
    CHECK (category IN ('evidence', 'identity', 'authorisation', 'signed_agreement')),
  active_content TEXT
);

CREATE TABLE extension_proposals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE follow_ups (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL,
  by_staff TEXT NOT NULL REFERENCES staff(id),
  method TEXT NOT NULL,
  notes TEXT NOT NULL,
  result TEXT NOT NULL
);

CREATE TABLE institutions (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE mediation_sessions (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended', 'cancelled')),
  scheduled_start TEXT NOT NULL,
  scheduled_end TEXT,
  started_at TEXT,
  ended_at TEXT,
  created_by TEXT NOT NULL
);

CREATE TABLE mediator_assignments (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mediator_id TEXT NOT NULL REFERENCES staff(id),
  assigned_at TEXT NOT NULL,
  assigned_by TEXT NOT NULL,
  ended_at TEXT,
  ended_reason TEXT CHECK (ended_reason IN ('reassigned', 'conflict_disclosed', 'recusal_granted'))
);

CREATE TABLE notices (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  deadline_id TEXT REFERENCES deadlines(id),
  created_at TEXT NOT NULL,
  data TEXT NOT NULL,
  document_id TEXT,
  UNIQUE (deadline_id, kind)
);

CREATE TABLE recordings (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  composite_progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  composite TEXT,
  manifest_sha256 TEXT,
  manifest_kid TEXT,
  completed_at TEXT,
  alive_at TEXT
);

CREATE TABLE referrals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  kind TEXT NOT NULL CHECK (kind IN ('delegated_report', 'judicial_confirmation', 'arbitration_review')),
  referred_at TEXT NOT NULL,
  referred_by TEXT NOT NULL,
  late_reason TEXT,
  window_closed_on TEXT,
  UNIQUE (case_id, institution_id, kind)
);

CREATE TABLE session_chat (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  session_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  confidential BIGINT NOT NULL DEFAULT 0,
  sent_at TEXT NOT NULL
);

CREATE TABLE session_removals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  session_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases(id),
  removed_by TEXT NOT NULL,
  reason TEXT,
  removed_at TEXT NOT NULL,
  PRIMARY KEY (session_id, participant_id)
);

CREATE TABLE webhook_deliveries (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  receipt TEXT,
  body_path TEXT,
  content_type TEXT NOT NULL DEFAULT 'application/json'
);

CREATE TABLE bundles (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  referral_id TEXT NOT NULL REFERENCES referrals(id),
  kind TEXT NOT NULL CHECK (kind IN ('judicial_confirmation', 'arbitration_review')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  file_count BIGINT NOT NULL,
  webhook_delivery_id TEXT REFERENCES webhook_deliveries(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TABLE case_documents (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  series_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  blob_key TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  fields TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  issuer_role TEXT NOT NULL,
  UNIQUE (series_id, version)
);

CREATE TABLE case_people (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('applicant', 'respondent', 'agent', 'observer')),
  name TEXT NOT NULL,
  id_number TEXT,
  phone TEXT,
  address TEXT,
  legal_representative TEXT,
  is_organisation BIGINT NOT NULL DEFAULT 0,
  represents_id TEXT REFERENCES case_people(id),
  power_of_attorney TEXT,
  service_address TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE conflict_disclosures (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mediator_id TEXT NOT NULL REFERENCES staff(id),
  has_conflict BIGINT NOT NULL,
  statement TEXT NOT NULL,
  at TEXT NOT NULL,
  assignment_id TEXT REFERENCES mediator_assignments(id)
);

CREATE TABLE extension_responses (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  proposal_id TEXT NOT NULL REFERENCES extension_proposals(id),
  party_id TEXT NOT NULL REFERENCES case_people(id),
  decision TEXT NOT NULL CHECK (decision IN ('consent', 'refuse')),
  by_id TEXT NOT NULL,
  by_role TEXT NOT NULL,
  offline TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (proposal_id, party_id)
);

CREATE TABLE invitations (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE mediation_responses (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE payment_orders (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  -- The applicant worker who asked (in person, by an agent, or through staff).
  requested_by TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  file_count BIGINT NOT NULL,
  webhook_delivery_id TEXT REFERENCES webhook_deliveries(id),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TABLE recording_consents (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  participant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  codec TEXT NOT NULL,
  file TEXT NOT NULL,
  pid BIGINT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  end_reason TEXT,
  end_detail TEXT,
  duration_ms BIGINT,
  size BIGINT,
  sha256 TEXT,
  pauses TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE recusal_requests (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE service_consents (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  electronic BIGINT NOT NULL,
  addresses TEXT NOT NULL,
  scope TEXT NOT NULL,
  effect_acknowledged BIGINT NOT NULL,
  postal_address TEXT,
  given_by TEXT NOT NULL,
  given_by_role TEXT NOT NULL,
  given_at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  document_id TEXT NOT NULL REFERENCES case_documents(id)
);

CREATE TABLE signing_codes (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES case_documents(id),
  signer_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  salt TEXT NOT NULL,
  channel TEXT NOT NULL,
  destination TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  used_at TEXT
);

CREATE TABLE agreement_seals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  document_id TEXT PRIMARY KEY REFERENCES case_documents(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  jws TEXT NOT NULL,
  kid TEXT NOT NULL,
  sealed_at TEXT NOT NULL,
  sealed_by TEXT NOT NULL,
  sealer_role TEXT NOT NULL
);

CREATE TABLE agreement_signatures (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  image BYTEA,
  image_sha256 TEXT,
  code_id TEXT NOT NULL REFERENCES signing_codes(id),
  UNIQUE (document_id, signer_id)
);

CREATE TABLE deliveries (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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

CREATE TABLE delivery_events (
  seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  state TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  channel TEXT,
  ip TEXT,
  user_agent TEXT,
  document_sha256 TEXT NOT NULL,
  implied BIGINT NOT NULL DEFAULT 0,
  detail TEXT
);

CREATE INDEX bundles_case ON bundles(case_id);

CREATE INDEX case_documents_case ON case_documents(case_id);

CREATE INDEX case_people_case ON case_people(case_id);

CREATE INDEX cases_mediator ON cases(mediator_id);

CREATE INDEX cases_status ON cases(status);

CREATE INDEX conflict_disclosures_case ON conflict_disclosures(case_id);

CREATE INDEX deadlines_case ON deadlines(case_id);

CREATE INDEX deadlines_open ON deadlines(status, due_on);

CREATE INDEX deliveries_case ON deliveries(case_id);

CREATE INDEX delivery_events_delivery ON delivery_events(delivery_id, seq);

CREATE INDEX disclosure_consents_case ON disclosure_consents(case_id, at);

CREATE INDEX evidence_items_case ON evidence_items(case_id);

CREATE INDEX extension_proposals_case ON extension_proposals(case_id);

CREATE UNIQUE INDEX extension_proposals_pending ON extension_proposals(case_id) WHERE status = 'pending';

CREATE INDEX follow_ups_case ON follow_ups(case_id);

CREATE INDEX invitations_case ON invitations(case_id);

CREATE INDEX mediation_responses_case ON mediation_responses(case_id);

CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id);

CREATE INDEX mediator_assignments_case ON mediator_assignments(case_id);

CREATE INDEX notices_case ON notices(case_id);

CREATE INDEX notices_unserved ON notices(document_id) WHERE document_id IS NULL;

CREATE INDEX notification_outbox_case ON notification_outbox(case_id, created_at);

CREATE INDEX payment_orders_case ON payment_orders(case_id);

CREATE INDEX recording_tracks_recording ON recording_tracks(recording_id);

CREATE INDEX recordings_case ON recordings(case_id);

CREATE INDEX recordings_status ON recordings(status);

CREATE INDEX recusal_requests_case ON recusal_requests(case_id);

CREATE UNIQUE INDEX recusal_requests_pending ON recusal_requests(case_id) WHERE status = 'pending';

CREATE INDEX referrals_institution ON referrals(institution_id);

CREATE INDEX security_events_organisation ON security_events(organisation_id, created_at);

CREATE INDEX service_consents_person ON service_consents(case_id, person_id);

CREATE INDEX session_chat_session ON session_chat(session_id, sent_at);

CREATE INDEX signing_codes_signer ON signing_codes(document_id, signer_id, created_at);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

-- The immutable rows: documents are never changed (a new version is issued), delivery events
-- only appended. SQLSTATE P0001 (SqlConstraintError 'immutable'), as SQLite's RAISE(ABORT).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$fn$;
CREATE TRIGGER case_documents_no_update BEFORE UPDATE ON case_documents
  FOR EACH ROW EXECUTE FUNCTION refuse_change('documents are immutable: issue a new version');
CREATE TRIGGER delivery_events_no_update BEFORE UPDATE ON delivery_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change('delivery events are append-only');
CREATE TRIGGER delivery_events_no_delete BEFORE DELETE ON delivery_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change('delivery events are append-only');
`,
  },
  {
    version: 19,
    name: 'job leases: background work claimed by one process at a time',
    sql: `
CREATE TABLE job_leases (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
CREATE TABLE service_keys (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  kid TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  retired_at TEXT,
  sealed_private_key TEXT NOT NULL
);
CREATE TABLE service_key_active (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  kid TEXT NOT NULL REFERENCES service_keys(kid),
  changed_at TEXT NOT NULL
);
`,
  },
  {
    version: 21,
    name: 'recording segments copied off the capturing node',
    sql: `
CREATE TABLE recording_segments (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  track_id TEXT NOT NULL REFERENCES recording_tracks(id),
  seq BIGINT NOT NULL,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  blob_key TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  size BIGINT NOT NULL,
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
CREATE TABLE recording_files (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  name TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  size BIGINT NOT NULL,
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
CREATE TABLE inbound_referrals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
CREATE TABLE inbound_referral_events (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  referral_id TEXT NOT NULL REFERENCES inbound_referrals(id),
  seq BIGINT NOT NULL,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  spent_at TEXT NOT NULL
);
-- One-time codes sent to confirm an applicant's mobile number, each paid for by one solved
-- challenge.
CREATE TABLE application_codes (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  attempts BIGINT NOT NULL DEFAULT 0,
  used_at TEXT
);
-- The applicant's links (the status page, the draft): only their SHA-256 is kept.
CREATE TABLE application_links (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  token_hash TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES online_applications(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
-- Evidence attached to an application, in the evidence store; recorded in the case on acceptance.
CREATE TABLE application_files (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES online_applications(id),
  blob_key TEXT NOT NULL,
  type_id TEXT NOT NULL,
  title TEXT NOT NULL,
  filename TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  session_id TEXT PRIMARY KEY REFERENCES mediation_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  content TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  saved_by TEXT NOT NULL
);
-- An attendee who refused to sign a session record, as the mediator recorded it.
CREATE TABLE signing_refusals (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  representative_id TEXT NOT NULL REFERENCES case_people(id),
  represents TEXT NOT NULL,
  may_sign BIGINT NOT NULL,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  claims TEXT NOT NULL,
  amount DOUBLE PRECISION,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (case_id, person_id)
);
-- Findings on each person's part of the effective agreement, in the order recorded.
CREATE TABLE agreement_performance (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES case_people(id),
  result TEXT NOT NULL,
  amount_paid DOUBLE PRECISION,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
    sql: `
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check
  CHECK (role IN ('clerk', 'mediator', 'supervisor'));
-- The number a case left behind when it moved to another organisation: never given again.
CREATE TABLE retired_case_numbers (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  organisation_id TEXT PRIMARY KEY REFERENCES organisations(id),
  settings TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE risk_entries (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('high', 'medium', 'low')),
  label TEXT NOT NULL,
  figures TEXT NOT NULL,
  case_ids TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  active BIGINT NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cleared_at TEXT,
  owner_id TEXT REFERENCES staff(id),
  closed_at TEXT,
  closed_by TEXT REFERENCES staff(id),
  closing_note TEXT
);
CREATE UNIQUE INDEX risk_entries_open_subject ON risk_entries(organisation_id, subject)
  WHERE status = 'open';
CREATE INDEX risk_entries_organisation ON risk_entries(organisation_id, opened_at);
CREATE TABLE risk_actions (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  risk_id TEXT NOT NULL REFERENCES risk_entries(id),
  kind TEXT NOT NULL,
  note TEXT NOT NULL,
  by_staff TEXT REFERENCES staff(id),
  at TEXT NOT NULL
);
CREATE INDEX risk_actions_risk ON risk_actions(risk_id, at);
CREATE TRIGGER risk_actions_no_update BEFORE UPDATE ON risk_actions
  FOR EACH ROW EXECUTE FUNCTION refuse_change('risk actions are append-only');
CREATE TRIGGER risk_actions_no_delete BEFORE DELETE ON risk_actions
  FOR EACH ROW EXECUTE FUNCTION refuse_change('risk actions are append-only');
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
  pdf_bytes BIGINT NOT NULL,
  csv_location TEXT NOT NULL,
  csv_sha256 TEXT NOT NULL,
  csv_bytes BIGINT NOT NULL,
  jws TEXT NOT NULL,
  UNIQUE (organisation_id, period)
);
-- A report is fixed once made (a new period, a new report).
CREATE TRIGGER statistics_reports_no_update BEFORE UPDATE ON statistics_reports
  FOR EACH ROW EXECUTE FUNCTION refuse_change('statistics reports are fixed once made');
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
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT PRIMARY KEY,
  staff_id TEXT NOT NULL REFERENCES staff(id),
  on_date TEXT NOT NULL,
  title TEXT NOT NULL,
  hours DOUBLE PRECISION NOT NULL,
  provider TEXT NOT NULL,
  recorded_by TEXT NOT NULL REFERENCES staff(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX mediator_trainings_staff ON mediator_trainings(staff_id, on_date);
CREATE TABLE mediator_assessments (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
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
CREATE TABLE delivery_certificates (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  through_seq BIGINT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases(id),
  blob_key TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  generated_at TEXT NOT NULL,
  PRIMARY KEY (delivery_id, through_seq)
);
CREATE TRIGGER delivery_certificates_no_update BEFORE UPDATE ON delivery_certificates
  FOR EACH ROW EXECUTE FUNCTION refuse_change('service certificates are fixed once rendered');
CREATE TRIGGER delivery_certificates_no_delete BEFORE DELETE ON delivery_certificates
  FOR EACH ROW EXECUTE FUNCTION refuse_change('service certificates are fixed once rendered');
`,
  },
];
