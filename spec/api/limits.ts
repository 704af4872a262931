/** Limits the server enforces and the docs state. */
export const LIMITS = {
  /** Maximum request body, bytes. Larger → 413 PAYLOAD_TOO_LARGE. */
  maxBodyBytes: 256 * 1024,
  /** `timeout_seconds` range and default. 0 = complete on delivery. */
  timeoutSeconds: { min: 0, max: 300, default: 30 },
  /** `wait_seconds` range on GET command. */
  waitSeconds: { min: 0, max: 30 },
  /** List page size. */
  listLimit: { min: 1, max: 500, default: 100 },
  /** Signature clock skew and nonce window, seconds. */
  signatureWindowSeconds: 300,
  /** `X-Api-Nonce` length and alphabet. */
  nonce: { minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._-]{8,128}$' },
  /** `idempotency_key` length. */
  idempotencyKey: { minLength: 1, maxLength: 255 },
  /** Seconds between heartbeat comments on `GET /api/v1/open/events/stream`. */
  streamHeartbeatSeconds: 15,
} as const;
