-- The event log (issue 13, docs/events.md). Log position = (tx, pos): `tx` is the writing
-- transaction's id; a reader returns only rows with tx below the oldest running transaction
-- (pg_snapshot_xmin), so no later commit can land behind a position already read. `api_id` NULL =
-- visible by device allow-list.
CREATE TABLE events (
  pos       BIGSERIAL PRIMARY KEY,
  tx        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id        UUID NOT NULL UNIQUE,
  type      TEXT NOT NULL,
  timestamp TIMESTAMPTZ NOT NULL,
  device_id TEXT,
  sequence  BIGINT,
  api_id    TEXT,
  data      JSONB NOT NULL
);
CREATE INDEX events_tx_pos ON events (tx, pos);
CREATE INDEX events_timestamp ON events (timestamp);
CREATE INDEX events_device ON events (device_id, sequence);

-- Per-device sequence counters: the row lock held to commit orders a device's events.
CREATE TABLE event_seq (
  device_id TEXT PRIMARY KEY,
  seq       BIGINT NOT NULL
);
