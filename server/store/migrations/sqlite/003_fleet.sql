-- Fleet (issue 11 items 4-6): presence, presence history, latest state snapshots, HMS alarms.
CREATE TABLE device_presence (
  sn           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  model_key    TEXT,
  gateway_sn   TEXT,
  online       INTEGER NOT NULL,
  last_seen_at TEXT,
  changed_at   TEXT NOT NULL,
  reason       TEXT NOT NULL
);
CREATE INDEX device_presence_silence ON device_presence (online, last_seen_at);

CREATE TABLE device_presence_changes (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  sn     TEXT NOT NULL,
  online INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at     TEXT NOT NULL
);
CREATE INDEX device_presence_changes_sn ON device_presence_changes (sn, id DESC);

CREATE TABLE device_state (
  sn                TEXT PRIMARY KEY,
  properties        TEXT NOT NULL,
  version           INTEGER NOT NULL,
  updated_at        TEXT NOT NULL,
  group_reported_at TEXT NOT NULL
);

CREATE TABLE hms_alarms (
  alarm_id    TEXT PRIMARY KEY,
  sn          TEXT NOT NULL,
  alarm_key   TEXT NOT NULL,
  code        TEXT NOT NULL,
  level       INTEGER,
  module      INTEGER,
  in_the_sky  INTEGER,
  imminent    INTEGER,
  device_type TEXT,
  args        TEXT NOT NULL,
  raised_at   TEXT NOT NULL,
  cleared_at  TEXT
);
CREATE INDEX hms_alarms_listing ON hms_alarms (sn, raised_at DESC, alarm_id DESC);
CREATE UNIQUE INDEX hms_alarms_active ON hms_alarms (sn, alarm_key) WHERE cleared_at IS NULL;
