/**
 * Emits `generated/types.ts`: the OpenAPI document's TypeScript types (`paths`, `components`,
 * `operations`) produced by openapi-typescript (https://openapi-ts.dev). The client, the routes and
 * the validators' `.d.ts` all refer to these, so request/response types have one source.
 *
 * The create-command body is a flat `oneOf` of variants with a `const` `command_type`, which
 * openapi-typescript turns into a union that narrows on `command_type`.
 */
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { withHeader } from '../header.js';
import type { Emitter } from '../context.js';
import type { Json, OpenApiLike } from './operations.js';

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_ONE = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties']);

/** Schema without examples and `x-*` extensions (types keep descriptions for editor hovers). */
function slimSchema(s: unknown): unknown {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s as Json)) {
    if (k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(k) && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, sub]) => [n, slimSchema(sub)]));
    else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) out[k] = v.map(slimSchema);
    else if (SCHEMA_ONE.has(k)) out[k] = slimSchema(v);
    else out[k] = v;
  }
  return out;
}

function slimMedia(content: unknown): unknown {
  if (!content || typeof content !== 'object') return content;
  return Object.fromEntries(
    Object.entries(content as Json).map(([type, media]) => {
      const { example: _e, examples: _x, ...rest } = media as Json;
      return [type, { ...rest, schema: slimSchema(rest.schema) }];
    }),
  );
}

/**
 * What openapi-typescript reads, without what only the docs need (code samples, examples, tag
 * pages): the per-command documentation makes up most of the document, and openapi-typescript's
 * bundling walks all of it. A fresh copy, so the shared context is never touched.
 */
export function typesInput(doc: OpenApiLike): Json {
  const { tags: _t, 'x-tagGroups': _g, ...rest } = doc as Json;
  const paths: Json = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const outItem: Json = {};
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || Array.isArray(op)) {
        outItem[method] = op;
        continue;
      }
      const { 'x-codeSamples': _s, ...o } = op as Json;
      if (o.requestBody) o.requestBody = { ...(o.requestBody as Json), content: slimMedia((o.requestBody as Json).content) };
      if (o.responses) {
        o.responses = Object.fromEntries(
          Object.entries(o.responses as Json).map(([st, r]) => [st, (r as Json).content ? { ...(r as Json), content: slimMedia((r as Json).content) } : r]),
        );
      }
      outItem[method] = o;
    }
    paths[path] = outItem;
  }
  const components = { ...(doc.components ?? {}) } as Json;
  delete components.examples;
  components.schemas = Object.fromEntries(Object.entries((doc.components?.schemas ?? {}) as Json).map(([n, sch]) => [n, slimSchema(sch)]));
  return structuredClone({ ...rest, info: { ...((rest.info ?? {}) as Json), description: undefined }, paths, components });
}

export const TYPES_PATH = 'generated/types.ts';

/** Writes `generated/types.ts`. Runs in a worker thread (generator/emitters/index.ts). */
export const emit: Emitter = async (ctx) => {
  const ast = await openapiTS(typesInput(ctx.openapi) as unknown as OpenAPI3, { silent: true });
  return [{ path: TYPES_PATH, content: withHeader(TYPES_PATH, COMMENT_HEADER + astToString(ast), ctx.hash) }];
};
