-- Webhook endpoints, subscriptions, deliveries (claimed under leases) and attempts (issue 13 items 3-4).
CREATE TABLE webhook_endpoints (
  endpoint_id text PRIMARY KEY,
  api_id text NOT NULL,
  name text NOT NULL,
  url text NOT NULL,
  status text NOT NULL,
  disabled_reason text,
  timeout_seconds integer NOT NULL,
  secret text NOT NULL,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  fanout_position text,
  failing_since timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_api ON webhook_endpoints (api_id, created_at, endpoint_id);

CREATE TABLE webhook_subscriptions (
  subscription_id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (endpoint_id),
  event_type text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (endpoint_id, event_type)
);

CREATE TABLE webhook_deliveries (
  delivery_id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (endpoint_id),
  event_id text NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE webhook_attempts (
  attempt_id text PRIMARY KEY,
  delivery_id text NOT NULL,
  endpoint_id text NOT NULL,
  event_id text NOT NULL,
  attempted_at timestamptz NOT NULL,
  status_code integer,
  latency_ms integer NOT NULL,
  response_body text NOT NULL,
  error text
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, attempted_at);
CREATE INDEX webhook_attempts_event ON webhook_attempts (event_id, attempted_at);
