/**
 * Route plumbing under the generated routes (`generated/server/routes.ts` holds the route table,
 * the typed `Handlers` interface and the validators each route uses; this module runs them): per
 * request, validate path parameters, query and body, answer invalid input through
 * `RouteHooks.onInvalid` with every issue, call the handler with the validated input, and turn its
 * `HandlerResult` into the response. Contract: docs/internals/contracts.md "Generated routes".
 */
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { Scope } from '../../spec/api.js';
import type { InvalidCode, ParamsInput, ValidationIssue, ValidationResult } from '../validation/index.js';

/** What a handler returns: sent as JSON with `status` (no body when `body` is undefined) and extra `headers`. */
export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A ready response (a stream, e.g. `text/event-stream`) sent as is instead of `body`. */
  response?: Response;
}

/** What the HTTP layer supplies to the routes. */
export interface RouteHooks {
  /** Returns the parsed JSON body (the HTTP layer reads raw bytes once for the signature, parses, and caches). Throws → the route lets it propagate. */
  readBody(c: Context): Promise<unknown>;
  /** Builds the error response for invalid input; `issues` lists every problem found (path parameters, query and body). */
  onInvalid(c: Context, code: InvalidCode, issues: ValidationIssue[]): Response | Promise<Response>;
}

/** One route and the scope it needs: HTTP method (upper case), Hono path (`/a/:id`), `x-required-scope`. */
export interface ScopedRoute {
  method: string;
  path: string;
  scope: Scope;
}

/** The validators of a route's input parts; a part without a validator is not part of the input. */
export interface RouteInput {
  params?: (raw: ParamsInput) => ValidationResult<unknown>;
  query?: (raw: ParamsInput) => ValidationResult<unknown>;
  body?: (raw: unknown) => ValidationResult<unknown>;
}

/** One row of the generated route table. */
export interface RouteDef<Op extends string = string> extends ScopedRoute {
  operationId: Op;
  input: RouteInput;
}

type Validated<V> = V extends (raw: never) => ValidationResult<infer T> ? T : never;

/** A handler's input for a route: each validated part under its name (`{ params, query, body }`). */
export type InputOf<I extends RouteInput> = { -readonly [K in keyof I]-?: Validated<I[K]> };

/** The handlers a route table needs: one per `operationId`, taking that route's validated input. */
export type HandlersOf<R extends readonly RouteDef[]> = {
  [D in R[number] as D['operationId']]: (c: Context, input: InputOf<D['input']>) => Promise<HandlerResult>;
};

type Handler = (c: Context, input: Record<string, unknown>) => Promise<HandlerResult>;

/** `HandlerResult` → response: JSON body with `status`, or no body when `body` is undefined. */
export function send(c: Context, r: HandlerResult): Response {
  if (r.response) return r.response;
  if (r.body === undefined) return c.body(null, r.status as StatusCode, r.headers);
  return c.json(r.body as never, r.status as ContentfulStatusCode, r.headers);
}

/**
 * Serves one request of `route`: every input part is validated (path parameters, query, then the
 * body read through `hooks.readBody`); if any is invalid, `hooks.onInvalid` gets the first failing
 * part's code and the issues of all parts. Handler errors propagate (to `app.onError`).
 */
export async function serveRoute(c: Context, route: RouteDef, handler: Handler, hooks: RouteHooks): Promise<Response> {
  const input: Record<string, unknown> = {};
  const failed: Extract<ValidationResult<unknown>, { ok: false }>[] = [];
  const take = (key: keyof RouteInput, r: ValidationResult<unknown>) => {
    if (r.ok) input[key] = r.value;
    else failed.push(r);
  };
  const { params, query, body } = route.input;
  if (params) take('params', params(c.req.param()));
  if (query) take('query', query(c.req.queries()));
  if (body) take('body', body(await hooks.readBody(c)));
  if (failed.length) return hooks.onInvalid(c, failed[0]!.code, failed.flatMap((r) => r.issues));
  return send(c, await handler(c, input));
}

/**
 * Registers every route of `routes` on `app` with its handler from `handlers`. Middleware (auth,
 * request id) is added by the server before calling this.
 */
// `Hono<any>`: the server's app may carry its own Env (variables such as the request id).
export function registerRouteTable<const R extends readonly RouteDef[]>(app: Hono<any>, routes: R, handlers: NoInfer<HandlersOf<R>>, hooks: RouteHooks): void {
  for (const route of routes) {
    const handler = (handlers as unknown as Record<string, Handler>)[route.operationId];
    if (typeof handler !== 'function') throw new Error(`registerRouteTable: no handler for ${route.operationId}`);
    app.on(route.method, route.path, (c) => serveRoute(c, route, handler.bind(handlers), hooks));
  }
}
