/**
 * Building blocks of `createDockgateClient` (generated/client/index.ts): the signed openapi-fetch
 * client and the per-`command_type` helpers. Standard Fetch and Web Crypto only.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { Credential } from './signing.js';
import { signedFetch, type TransportOptions } from './transport.js';

/** Options of `createDockgateClient`. */
export interface DockgateClientOptions extends Credential, TransportOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080` (the API paths start with `/api/v1/open`). */
  baseUrl: string;
  /** Extra headers on every request (not part of the signature). */
  headers?: Record<string, string>;
  /** openapi-fetch middleware; all middleware runs before the transport signs, so changes to path, query or body are signed. */
  middleware?: Middleware[];
}

/** An openapi-fetch client for `Paths` whose fetch signs each attempt, retries idempotent requests and applies timeouts (client/transport.ts). */
export function createSignedClient<Paths extends {}>(options: DockgateClientOptions): Client<Paths> {
  const raw = createClient<Paths>({ baseUrl: options.baseUrl, fetch: signedFetch(options, options), headers: options.headers });
  for (const m of options.middleware ?? []) raw.use(m);
  return raw;
}

/**
 * One helper per command type: `helpers[t](input)` calls `create` with the create-command body
 * `{ ...fixed, [propertyName]: t, ...input, idempotency_key }`, where a missing `idempotency_key`
 * becomes a fresh UUID (so the transport may retry the call; pass your own to retry it yourself
 * later). `Helpers` is the generated typed interface of these functions.
 */
export function commandHelpers<Helpers>(
  commandTypes: readonly string[],
  create: (body: Record<string, unknown>) => Promise<unknown>,
  propertyName: string,
  fixed: Record<string, unknown> = {},
): Helpers {
  const helpers: Record<string, (input: { idempotency_key?: string }) => Promise<unknown>> = {};
  for (const t of commandTypes) {
    helpers[t] = (input) => {
      const { idempotency_key, ...rest } = input;
      return create({ ...fixed, [propertyName]: t, ...rest, idempotency_key: idempotency_key ?? crypto.randomUUID() });
    };
  }
  return helpers as Helpers;
}
