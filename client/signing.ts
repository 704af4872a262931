/**
 * The client's request signing (docs/signing.md): an openapi-fetch middleware over the scheme's one
 * implementation in spec/signing.ts, which the server also verifies with.
 */
import type { Middleware } from 'openapi-fetch';
import { signRequest } from '../spec/signing.js';

/** An API credential: `X-Api-Id` and the secret HMAC key (never sent, only used to sign). */
export interface Credential {
  apiId: string;
  apiKey: string;
}

/**
 * openapi-fetch middleware adding `X-Api-Id`, `X-Api-Timestamp`, `X-Api-Nonce` and
 * `X-Api-Signature` (docs/signing.md). It signs the exact bytes, path and query of the outgoing
 * `Request`, so register it after any middleware that changes them.
 */
export function signingMiddleware(credential: Credential): Middleware {
  return {
    async onRequest({ request }) {
      const body = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : '';
      const url = new URL(request.url);
      const headers = signRequest({ method: request.method, path: url.pathname, query: url.search.slice(1), apiId: credential.apiId, apiKey: credential.apiKey, body });
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return request;
    },
  };
}
