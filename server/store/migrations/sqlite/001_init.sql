-- dockgate store, SQLite dialect. Timestamps are ISO-8601 UTC strings with milliseconds (they
-- sort lexicographically); JSON columns are TEXT. Keep in step with ../postgres/001_init.sql.
-- The partial indices spell the non-terminal statuses ('ACCEPTED','DELIVERED') literally: queries
-- must use the same literal list for SQLite to pick them.

CREATE TABLE credentials (
  api_id          TEXT PRIMARY KEY,
  api_key         TEXT NOT NULL,
  name            TEXT NOT NULL,
  scopes          TEXT NOT NULL,            -- JSON array of scopes
  allowed_devices TEXT,                     -- JSON array, NULL = any device
  disabled        INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

-- Hot path (one insert per signed request): no rowid, so the primary key is the only b-tree
-- besides the purge index.
CREATE TABLE nonces (
  api_id     TEXT NOT NULL,
  nonce      TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (api_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_expires ON nonces (expires_at);

CREATE TABLE commands (
  command_id           TEXT PRIMARY KEY,
  api_id               TEXT NOT NULL,
  vendor               TEXT NOT NULL,
  device_id            TEXT NOT NULL,
  gateway_sn           TEXT NOT NULL,
  command_type         TEXT NOT NULL,
  payload              TEXT NOT NULL,
  wire_data            TEXT NOT NULL,
  transport            TEXT NOT NULL,
  idempotency_key      TEXT NOT NULL,
  request_hash         TEXT NOT NULL,
  timeout_seconds      INTEGER NOT NULL,
  tid                  TEXT NOT NULL,
  bid                  TEXT NOT NULL,
  progress_key         TEXT,
  seq                  INTEGER,
  status               TEXT NOT NULL,
  dispatch_state       TEXT NOT NULL,
  dispatch_owner       TEXT,                -- instance holding the publish lease
  dispatch_lease_until TEXT,
  response_code        TEXT,
  response_message     TEXT,
  vendor_response      TEXT,
  failure_code         TEXT,
  failure_reason       TEXT,
  progress             TEXT,
  messages             TEXT NOT NULL DEFAULT '[]',
  accepted_at          TEXT NOT NULL,
  delivered_at         TEXT,
  response_received_at TEXT,
  completed_at         TEXT,
  updated_at           TEXT NOT NULL,
  deadline_at          TEXT
);
CREATE UNIQUE INDEX commands_idempotency ON commands (api_id, idempotency_key);
CREATE UNIQUE INDEX commands_tid ON commands (tid);
CREATE INDEX commands_listing ON commands (api_id, accepted_at DESC, command_id DESC);
-- Correlation only ever looks at open commands; partial indices stay small however long the history.
CREATE INDEX commands_open_bid ON commands (gateway_sn, command_type, bid)
  WHERE status IN ('ACCEPTED','DELIVERED');
CREATE INDEX commands_open_progress_key ON commands (gateway_sn, progress_key)
  WHERE status IN ('ACCEPTED','DELIVERED') AND progress_key IS NOT NULL;
CREATE INDEX commands_open_deadline ON commands (deadline_at)
  WHERE status IN ('ACCEPTED','DELIVERED') AND deadline_at IS NOT NULL;
CREATE INDEX commands_dispatch_pending ON commands (accepted_at)
  WHERE dispatch_state = 'pending' AND status = 'ACCEPTED';

CREATE TABLE drc_seq (
  gateway_sn TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL
);

CREATE TABLE device_requests (
  request_id         TEXT PRIMARY KEY,
  vendor             TEXT NOT NULL,
  device_id          TEXT NOT NULL,
  request_type       TEXT NOT NULL,
  inbound_payload    TEXT NOT NULL,
  tid                TEXT NOT NULL,
  bid                TEXT NOT NULL,
  received_at        TEXT NOT NULL,
  reply_code         TEXT,
  reply_message      TEXT,
  reply_payload      TEXT,
  reply_source       TEXT,
  standardized_reply TEXT,
  replied_at         TEXT
);
CREATE UNIQUE INDEX device_requests_tid ON device_requests (device_id, tid);
CREATE INDEX device_requests_listing ON device_requests (received_at DESC, request_id DESC);
CREATE INDEX device_requests_device_listing ON device_requests (device_id, received_at DESC, request_id DESC);

-- update_topo: one row per sub-device (aircraft) with the gateway it last reported under.
CREATE TABLE topology (
  device_sn  TEXT PRIMARY KEY,
  gateway_sn TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX topology_gateway ON topology (gateway_sn);
