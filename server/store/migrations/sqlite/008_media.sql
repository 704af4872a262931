-- Media files (issue 12 item 3): one row per (dock, object key); the record is the JSON `doc`
-- (server/store/types/media.ts), the columns are what lists filter and order on.
CREATE TABLE media (
  media_id    TEXT PRIMARY KEY,
  gateway_sn  TEXT NOT NULL,
  flight_id   TEXT,
  object_key  TEXT NOT NULL,
  received_at TEXT NOT NULL,
  doc         TEXT NOT NULL,
  UNIQUE (gateway_sn, object_key)
);
CREATE INDEX media_received ON media (received_at, media_id);
CREATE INDEX media_flight ON media (flight_id, received_at);
