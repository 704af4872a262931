-- Media files (issue 12 item 3): one row per (dock, object key); the record is the JSON `doc`
-- (server/store/types/media.ts), the columns are what lists filter and order on. Times are
-- ISO-8601 text (ms, UTC) so that cursors compare as in the other stores.
CREATE TABLE media (
  media_id    text PRIMARY KEY,
  gateway_sn  text NOT NULL,
  flight_id   text,
  object_key  text NOT NULL,
  received_at text NOT NULL,
  doc         jsonb NOT NULL,
  UNIQUE (gateway_sn, object_key)
);
CREATE INDEX media_received ON media (received_at, media_id);
CREATE INDEX media_flight ON media (flight_id, received_at);
