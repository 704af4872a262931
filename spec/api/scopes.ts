/** Who may call what, and how a call is signed (issue 3 §2, docs/signing.md). */

/** Scopes a credential may hold; each operation needs one. */
export const SCOPES = {
  'open:command:create': 'Create downlink commands.',
  'open:command:read': 'Read and list downlink commands.',
  'open:device-request:read': 'Read and list device requests.',
  'open:device-request:create': 'Reply to device requests.',
  'open:device:read': 'Read devices: presence, latest state and HMS alarms.',
  'open:event:read': 'Read, list and stream events (of the credential\'s own commands and allowed devices).',
  'open:callback:read': 'Read webhook endpoints, subscriptions and delivery attempts.',
  'open:callback:manage': 'Manage webhook endpoints and subscriptions, and their deliveries (redeliver, recover, test events).',
} as const;
export type Scope = keyof typeof SCOPES;

/** The four signing headers (issue 3 §2). */
export const SIGNING_HEADERS = ['X-Api-Id', 'X-Api-Timestamp', 'X-Api-Nonce', 'X-Api-Signature'] as const;
