-- Fleet (issue 11 items 4-6): presence, presence history, latest state snapshots, HMS alarms.
CREATE TABLE device_presence (
  sn           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  model_key    TEXT,
  gateway_sn   TEXT,
  online       BOOLEAN NOT NULL,
  last_seen_at TIMESTAMPTZ,
  changed_at   TIMESTAMPTZ NOT NULL,
  reason       TEXT NOT NULL
);
CREATE INDEX device_presence_silence ON device_presence (online, last_seen_at);

CREATE TABLE device_presence_changes (
  id     BIGSERIAL PRIMARY KEY,
  sn     TEXT NOT NULL,
  online BOOLEAN NOT NULL,
  reason TEXT NOT NULL,
  at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_presence_changes_sn ON device_presence_changes (sn, id DESC);

CREATE TABLE device_state (
  sn                TEXT PRIMARY KEY,
  properties        JSONB NOT NULL,
  version           BIGINT NOT NULL,
  updated_at        TIMESTAMPTZ NOT NULL,
  group_reported_at JSONB NOT NULL
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
  args        JSONB NOT NULL,
  raised_at   TIMESTAMPTZ NOT NULL,
  cleared_at  TIMESTAMPTZ
);
CREATE INDEX hms_alarms_listing ON hms_alarms (sn, raised_at DESC, alarm_id DESC);
CREATE UNIQUE INDEX hms_alarms_active ON hms_alarms (sn, alarm_key) WHERE cleared_at IS NULL;
