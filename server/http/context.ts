/**
 * Per-request values the HTTP middleware leaves on the Hono context (typed for every `c.get`).
 * Set by: request-id.ts (`requestId`), body.ts (`rawBody`, `parsedBody`), auth.ts (`credential`).
 */
import type { Credential } from '../store/types.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Echoed as `X-Request-Id` and as `request_id` in error bodies and logs. */
    requestId: string;
    /** The authenticated credential (only on `/api/v1/open/*` after auth). */
    credential: Credential;
    /** Exact request body bytes (empty for GET); hashed for the signature. */
    rawBody: Uint8Array;
    /** The parsed JSON body, once `readJsonBody` ran (wrapped so `undefined` means not parsed yet). */
    parsedBody: { value: unknown };
  }
}

export {};
