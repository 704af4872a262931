-- The event log (issue 13, docs/events.md). `pos` is the commit-ordered log position: SQLite has
-- one writer, so rowid order is commit order. `api_id` NULL = visible by device allow-list.
CREATE TABLE events (
  pos       INTEGER PRIMARY KEY AUTOINCREMENT,
  id        TEXT NOT NULL UNIQUE,
  type      TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  device_id TEXT,
  sequence  INTEGER,
  api_id    TEXT,
  data      TEXT NOT NULL
);
CREATE INDEX events_timestamp ON events (timestamp);
CREATE INDEX events_device ON events (device_id, sequence);

-- Per-device sequence counters, bumped in the transaction that writes the event.
CREATE TABLE event_seq (
  device_id TEXT PRIMARY KEY,
  seq       INTEGER NOT NULL
);
