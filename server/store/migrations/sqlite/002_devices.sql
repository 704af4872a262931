-- The device registry (issue 11 item 2): registered docks with their MQTT password hashes, and the
-- aircraft their docks announced in update_topo.
CREATE TABLE devices (
  sn                      TEXT PRIMARY KEY,
  kind                    TEXT NOT NULL CHECK (kind IN ('dock', 'aircraft')),
  model_key               TEXT,
  dock_sn                 TEXT,
  credentials             TEXT NOT NULL DEFAULT '[]',   -- JSON array of api_ids
  mqtt_password_hash      TEXT,
  mosquitto_password_hash TEXT,
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL
);
CREATE INDEX devices_dock ON devices (dock_sn);
CREATE INDEX devices_created ON devices (created_at, sn);
