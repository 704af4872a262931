-- dockgate store, PostgreSQL dialect. Keep in step with ../sqlite/001_init.sql.
-- Documents use `json`, not jsonb: it keeps the text, so key order round-trips exactly like SQLite
-- (nothing queries inside them). Ids that page lists use COLLATE "C" so
-- ties sort bytewise like SQLite. Partial indices spell the non-terminal statuses literally.

CREATE TABLE credentials (
  api_id          text PRIMARY KEY,
  api_key         text NOT NULL,
  name            text NOT NULL,
  scopes          json NOT NULL,
  allowed_devices json,
  disabled        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

CREATE TABLE nonces (
  api_id     text NOT NULL,
  nonce      text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (api_id, nonce)
);
CREATE INDEX nonces_expires ON nonces (expires_at);

CREATE TABLE commands (
  command_id           text COLLATE "C" PRIMARY KEY,
  api_id               text NOT NULL,
  vendor               text NOT NULL,
  device_id            text NOT NULL,
  gateway_sn           text NOT NULL,
  command_type         text NOT NULL,
  payload              json NOT NULL,
  wire_data            json NOT NULL,
  transport            text NOT NULL,
  idempotency_key      text NOT NULL,
  request_hash         text NOT NULL,
  timeout_seconds      integer NOT NULL,
  tid                  text NOT NULL,
  bid                  text NOT NULL,
  progress_key         text,
  seq                  bigint,
  status               text NOT NULL,
  dispatch_state       text NOT NULL,
  dispatch_owner       text,
  dispatch_lease_until timestamptz,
  response_code        text,
  response_message     text,
  vendor_response      json,
  failure_code         text,
  failure_reason       text,
  progress             json,
  messages             json NOT NULL DEFAULT '[]',
  accepted_at          timestamptz NOT NULL,
  delivered_at         timestamptz,
  response_received_at timestamptz,
  completed_at         timestamptz,
  updated_at           timestamptz NOT NULL,
  deadline_at          timestamptz
);
CREATE UNIQUE INDEX commands_idempotency ON commands (api_id, idempotency_key);
CREATE UNIQUE INDEX commands_tid ON commands (tid);
CREATE INDEX commands_listing ON commands (api_id, accepted_at DESC, command_id DESC);
CREATE INDEX commands_open_bid ON commands (gateway_sn, command_type, bid)
  WHERE status IN ('ACCEPTED','DELIVERED');
CREATE INDEX commands_open_progress_key ON commands (gateway_sn, progress_key)
  WHERE status IN ('ACCEPTED','DELIVERED') AND progress_key IS NOT NULL;
CREATE INDEX commands_open_deadline ON commands (deadline_at)
  WHERE status IN ('ACCEPTED','DELIVERED') AND deadline_at IS NOT NULL;
CREATE INDEX commands_dispatch_pending ON commands (accepted_at)
  WHERE dispatch_state = 'pending' AND status = 'ACCEPTED';

CREATE TABLE drc_seq (
  gateway_sn text PRIMARY KEY,
  seq        bigint NOT NULL
);

CREATE TABLE device_requests (
  request_id         text COLLATE "C" PRIMARY KEY,
  vendor             text NOT NULL,
  device_id          text NOT NULL,
  request_type       text NOT NULL,
  inbound_payload    json NOT NULL,
  tid                text NOT NULL,
  bid                text NOT NULL,
  received_at        timestamptz NOT NULL,
  reply_code         text,
  reply_message      text,
  reply_payload      json,
  reply_source       text,
  standardized_reply json,
  replied_at         timestamptz
);
CREATE UNIQUE INDEX device_requests_tid ON device_requests (device_id, tid);
CREATE INDEX device_requests_listing ON device_requests (received_at DESC, request_id DESC);
CREATE INDEX device_requests_device_listing ON device_requests (device_id, received_at DESC, request_id DESC);

CREATE TABLE topology (
  device_sn  text PRIMARY KEY,
  gateway_sn text NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX topology_gateway ON topology (gateway_sn);
