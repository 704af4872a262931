-- Flight tasks (issue 12 item 2): one row per DJI flight_id; the record is the JSON `doc`
-- (server/store/types/flight-tasks.ts), the columns are what lists filter and order on.
-- Times are ISO-8601 text (ms, UTC) so that cursors compare as in the other stores.
CREATE TABLE flight_tasks (
  flight_id  text PRIMARY KEY,
  gateway_sn text NOT NULL,
  status     text NOT NULL,
  terminal   boolean NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX flight_tasks_created ON flight_tasks (created_at, flight_id);
CREATE INDEX flight_tasks_open ON flight_tasks (gateway_sn, terminal, created_at);
