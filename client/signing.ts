/**
 * The client's request signing (docs/signing.md) on a standard Fetch `Request`, over the Web
 * Crypto signer of spec/signing-web.ts (same canonical string as the server's verifier), so it
 * runs wherever `fetch` and `crypto.subtle` do. Usable as an interceptor of other generated
 * clients too (docs/other-generators.md).
 */
import { signRequestWeb } from '../spec/signing-web.js';

/** An API credential: `X-Api-Id` and the secret HMAC key (never sent, only used to sign). */
export interface Credential {
  apiId: string;
  apiKey: string;
}

/**
 * Sets `X-Api-Id`, `X-Api-Timestamp` (now), `X-Api-Nonce` (fresh) and `X-Api-Signature` on
 * `request` and returns it. Signs the exact body bytes, path and query of the request, so call it
 * last, after anything that changes them; a retried request must be signed again (new nonce).
 */
export async function signFetchRequest(request: Request, credential: Credential): Promise<Request> {
  const body = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : '';
  const url = new URL(request.url);
  const headers = await signRequestWeb({ method: request.method, path: url.pathname, query: url.search.slice(1), apiId: credential.apiId, apiKey: credential.apiKey, body });
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return request;
}
