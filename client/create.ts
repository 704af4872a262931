/**
 * Building blocks of `createDockgateClient` (generated/client/index.ts): the signed openapi-fetch
 * client and the per-`command_type` helpers.
 */
import { randomUUID } from 'node:crypto';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { signingMiddleware } from './signing.js';

/** Options of `createDockgateClient`. */
export interface DockgateClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080` (the API paths start with `/api/v1/open`). */
  baseUrl: string;
  /** `X-Api-Id` of the credential. */
  apiId: string;
  /** Secret HMAC key; never sent, only used to sign. */
  apiKey: string;
  /** Custom fetch (tests, proxies); default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Extra headers on every request (not part of the signature). */
  headers?: Record<string, string>;
  /** openapi-fetch middleware run before signing (so changes they make to path, query or body are signed). Middleware added later with `raw.use()` runs after signing and must not change them. */
  middleware?: Middleware[];
}

/** An openapi-fetch client for `Paths` that runs `options.middleware`, then signs (signing must see the final path, query and body bytes). */
export function createSignedClient<Paths extends {}>(options: DockgateClientOptions): Client<Paths> {
  const raw = createClient<Paths>({ baseUrl: options.baseUrl, fetch: options.fetch, headers: options.headers });
  for (const m of options.middleware ?? []) raw.use(m);
  raw.use(signingMiddleware(options));
  return raw;
}

/**
 * One helper per command type: `helpers[t](input)` calls `create` with the create-command body
 * `{ ...fixed, [propertyName]: t, ...input, idempotency_key }`, where a missing `idempotency_key`
 * becomes a fresh UUID (so a retry is only safe when the caller passes its own). `Helpers` is the
 * generated typed interface of these functions.
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
      return create({ ...fixed, [propertyName]: t, ...rest, idempotency_key: idempotency_key ?? randomUUID() });
    };
  }
  return helpers as Helpers;
}
