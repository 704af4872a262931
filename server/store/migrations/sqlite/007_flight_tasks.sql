-- Flight tasks (issue 12 item 2): one row per DJI flight_id; the record is the JSON `doc`
-- (server/store/types/flight-tasks.ts), the columns are what lists filter and order on.
CREATE TABLE flight_tasks (
  flight_id  TEXT PRIMARY KEY,
  gateway_sn TEXT NOT NULL,
  status     TEXT NOT NULL,
  terminal   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  doc        TEXT NOT NULL
);
CREATE INDEX flight_tasks_created ON flight_tasks (created_at, flight_id);
CREATE INDEX flight_tasks_open ON flight_tasks (gateway_sn, terminal, created_at);
