/** Who may call what, and how a call is signed (issue 3 §2, docs/signing.md). */

/** Scopes a credential may hold; each operation needs one. */
export const SCOPES = {
  'open:command:create': 'Create downlink commands.',
  'open:command:read': 'Read and list downlink commands.',
  'open:device-request:read': 'Read and list device requests.',
  'open:device-request:create': 'Reply to device requests.',
  'open:device:read': 'Read devices: presence, latest state and HMS alarms.',
} as const;
export type Scope = keyof typeof SCOPES;

/** The four signing headers (issue 3 §2). */
export const SIGNING_HEADERS = ['X-Api-Id', 'X-Api-Timestamp', 'X-Api-Nonce', 'X-Api-Signature'] as const;
