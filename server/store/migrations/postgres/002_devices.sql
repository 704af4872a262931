-- The device registry (issue 11 item 2): registered docks with their MQTT password hashes, and the
-- aircraft their docks announced in update_topo.
CREATE TABLE devices (
  sn                      text PRIMARY KEY,
  kind                    text NOT NULL CHECK (kind IN ('dock', 'aircraft')),
  model_key               text,
  dock_sn                 text,
  credentials             text[] NOT NULL DEFAULT '{}',
  mqtt_password_hash      text,
  mosquitto_password_hash text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL
);
CREATE INDEX devices_dock ON devices (dock_sn);
CREATE INDEX devices_created ON devices (created_at, sn);
