/**
 * The Ajv side of the validators emitter: OpenAPI components → lean JSON Schemas (annotations
 * dropped, local refs made absolute, identical components compiled once) → two Ajv instances
 * (bodies exact; query/path parameters with `coerceTypes`) → module source through Ajv's public
 * `standaloneCode` (ajv/dist/standalone), plus per operation the export names of its validators.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { _, type KeywordCxt, type KeywordDefinition } from 'ajv';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { deref, operationsOf, schemaPointer, type Json, type OpenApiLike, type OperationInfo } from './operations.js';

// CJS default exports seen through NodeNext typings.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;
const standaloneCode = ((standaloneCodeModule as unknown as { default?: unknown }).default ?? standaloneCodeModule) as unknown as (
  ajv: Ajv2020,
  refs: Record<string, string>,
) => string;

const ID = (kind: string, name: string) => `https://dockgate.invalid/${kind}/${encodeURIComponent(name)}`;

/** `x-max-bytes`: maximum UTF-8 byte length of a string (catalog `maxBytes`). */
const maxBytesKeyword: KeywordDefinition = {
  keyword: 'x-max-bytes',
  type: 'string',
  schemaType: 'number',
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so only long-enough strings are encoded.
  code(cxt: KeywordCxt) {
    const { data, schema } = cxt;
    cxt.fail(_`${data}.length > ${schema} || (${data}.length * 3 > ${schema} && new TextEncoder().encode(${data}).length > ${schema})`);
  },
  error: { message: '', params: ({ schemaCode }) => _`{limit: ${schemaCode}}` },
};

function newAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    // OpenAPI adds keywords Ajv does not know (discriminator, example, x-*): ignore them.
    strict: false,
    allErrors: true,
    // Every $ref becomes one shared function instead of being inlined at each use.
    inlineRefs: false,
    coerceTypes: coerce,
    useDefaults: false,
    messages: false,
    logger: false,
    code: { source: true, esm: true, lines: true, optimize: false },
    // The schemas are ours (built by the OpenAPI emitter and linted by redocly); meta-validating
    // each one again costs more than compiling it.
    validateSchema: false,
  });
  addFormats(ajv);
  ajv.addKeyword(maxBytesKeyword);
  return ajv;
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_ONE = new Set([
  'items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'additionalItems',
]);
/** Keywords that only annotate; dropped so the generated code does not embed docs and samples. */
const ANNOTATIONS = new Set([
  'title', 'description', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', 'default',
  'discriminator', 'externalDocs', 'xml', '$comment', 'contentMediaType', 'contentEncoding',
]);

/**
 * Copy of a schema without annotations (`description`, examples, `x-*` extensions other than
 * `x-max-bytes`), walking only schema positions so a property *named* `description` survives.
 */
export function leanSchema(s: unknown): unknown {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s as Json)) {
    if (ANNOTATIONS.has(k) || (k.startsWith('x-') && k !== 'x-max-bytes')) continue;
    if (SCHEMA_MAPS.has(k) && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, sub]) => [n, leanSchema(sub)]));
    } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) out[k] = v.map(leanSchema);
    else if (SCHEMA_ONE.has(k)) out[k] = leanSchema(v);
    else out[k] = v;
  }
  return out;
}

/**
 * Rewrites local refs for Ajv: each component is added once as its own schema (`…/c/X`), so every
 * `$ref` to it shares one compiled function (refs into one big document would be compiled again
 * from each referencing root). Components with identical content (many commands share a payload
 * shape, and the synthetic 1,000-command catalog is made of clones) are compiled once: `alias`
 * maps a component to the first one with the same content.
 */
class RefMap {
  readonly alias = new Map<string, string>();
  /** Canonical component names referenced so far (only these are given to Ajv). */
  readonly used = new Set<string>();
  id(name: string): string {
    const canonical = this.alias.get(name) ?? name;
    this.used.add(canonical);
    return ID('c', canonical);
  }
  /** `#/components/schemas/X[/rest]` → `…/c/X'[#/rest]`. */
  ref(ref: string): string {
    const m = /^#\/components\/schemas\/([^/]+)(\/.*)?$/.exec(ref);
    if (!m) throw new Error(`validators: unsupported $ref ${ref} (only #/components/schemas/...)`);
    const name = decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~');
    return this.id(name) + (m[2] ? `#${m[2]}` : '');
  }
  /** Deep copy of `s` with local refs made absolute. */
  absolutize(s: unknown): unknown {
    if (Array.isArray(s)) return s.map((x) => this.absolutize(x));
    if (!s || typeof s !== 'object') return s;
    const out: Json = {};
    for (const [k, v] of Object.entries(s as Json)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? this.ref(v) : this.absolutize(v);
    }
    return out;
  }
}

export interface Compiled {
  bodyCode: string;
  paramsCode: string;
  /** Per operation, the export names of its validators. */
  ops: OpEntry[];
}

/** Per operation, the export names of its validators. */
export interface OpEntry {
  op: OperationInfo;
  /** Union: per discriminator value, [envelope export, payload export]; `fallback` when the tag is missing. */
  body?: { kind: 'plain'; exportName: string } | { kind: 'union'; fallback: string; table: [string, string, string][]; propertyName: string; vendorConst?: string };
  query?: string;
  params?: string;
}

function paramsSchema(refs: RefMap, id: string, params: OperationInfo['queryParams']): Json {
  const properties: Json = {};
  for (const p of params) properties[p.name] = refs.absolutize(leanSchema(p.schema));
  return {
    $id: id,
    type: 'object',
    properties,
    required: params.filter((p) => p.required).map((p) => p.name),
    // A misspelt filter (`devce_id`) is an error, like a misspelt payload field.
    additionalProperties: false,
  };
}

/**
 * A variant without its payload: the envelope (`vendor`, `device_id`, `idempotency_key`,
 * `timeout_seconds`...) with the discriminator any string and `payload` left to the payload
 * validator (`payloadAny`) or required to be an object (`fallback`, used when `command_type` is
 * missing or not a string, so every other envelope issue is reported in the same response).
 */
function envelopeOf(refs: RefMap, variant: Json | undefined, propertyName: string, payloadAny: boolean): Json {
  if (!variant) return { type: 'object', required: [propertyName], properties: { [propertyName]: { type: 'string' } } };
  const props = { ...((variant.properties ?? {}) as Json) };
  props[propertyName] = { type: 'string' };
  props.payload = payloadAny ? true : { type: 'object' };
  return refs.absolutize({ ...variant, properties: props }) as Json;
}

/** Compile every body, query and path-parameter schema of `doc`. */
export function compile(doc: OpenApiLike): Compiled {
  const refs = new RefMap();
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Json>;
  const byContent = new Map<string, string>();
  const leanByName = new Map<string, Json>();
  for (const [name, schema] of Object.entries(schemas)) {
    const lean = leanSchema(schema) as Json;
    const key = JSON.stringify(lean);
    const first = byContent.get(key);
    if (first === undefined) {
      byContent.set(key, name);
      leanByName.set(name, lean);
    } else refs.alias.set(name, first);
  }
  const bodyAjv = newAjv(false);
  const paramAjv = newAjv(true);
  const bodyExports: Record<string, string> = {};
  const paramExports: Record<string, string> = {};
  /** schema id → export name, so a schema shared by many commands is exported (and emitted) once. */
  const exportOf = new Map<string, string>();
  const exportFor = (id: string, prefix: string): string => {
    let name = exportOf.get(id);
    if (!name) {
      name = `${prefix}_${exportOf.size}`;
      exportOf.set(id, name);
      bodyExports[name] = id;
    }
    return name;
  };
  /** Body schemas added by content, so identical envelopes compile once. */
  const byKey = new Map<string, string>();
  const addBody = (schema: Json, prefix: string): string => {
    const key = JSON.stringify(schema);
    let id = byKey.get(key);
    if (!id) {
      id = ID(prefix, String(byKey.size));
      byKey.set(key, id);
      bodyAjv.addSchema({ ...schema, $id: id });
    }
    return exportFor(id, prefix);
  };
  const ops: OpEntry[] = [];
  for (const op of operationsOf(doc)) {
    const e: OpEntry = { op };
    if (op.body?.union) {
      const u = op.body.union;
      const table: [string, string, string][] = [];
      let first: Json | undefined;
      for (const v of u.variants) {
        // Validation of a variant = its envelope + its payload, each compiled once per distinct
        // shape: the same issues as the variant schema, at a fraction of the compile work.
        const variant = leanSchema(deref(doc, { $ref: schemaPointer(v.component) }, v.component)) as Json;
        first ??= variant;
        const envelope = addBody(envelopeOf(refs, variant, u.propertyName, true), 'envelope');
        let payloadId = v.payloadComponent ? refs.id(v.payloadComponent) : undefined;
        if (!payloadId) {
          const key = `payload:${v.payloadPointer}`;
          payloadId = ID('payload', key);
          if (!byKey.has(key)) {
            byKey.set(key, payloadId);
            bodyAjv.addSchema({ $id: payloadId, $ref: refs.ref(v.payloadPointer) });
          }
        }
        table.push([v.value, envelope, exportFor(payloadId, 'payload')]);
      }
      const fallback = addBody(envelopeOf(refs, first, u.propertyName, false), 'envelope');
      e.body = { kind: 'union', fallback, table, propertyName: u.propertyName, vendorConst: u.vendorConst };
    } else if (op.body) {
      e.body = { kind: 'plain', exportName: addBody(refs.absolutize(leanSchema(op.body.schema)) as Json, 'body') };
    }
    if (op.queryParams.length) {
      e.query = `query_${op.operationId}`;
      paramAjv.addSchema(paramsSchema(refs, ID('query', op.operationId), op.queryParams));
      paramExports[e.query] = ID('query', op.operationId);
    }
    if (op.pathParams.length) {
      e.params = `params_${op.operationId}`;
      paramAjv.addSchema(paramsSchema(refs, ID('params', op.operationId), op.pathParams));
      paramExports[e.params] = ID('params', op.operationId);
    }
    ops.push(e);
  }
  // Components reachable from what is compiled (the variant components themselves are not).
  const added = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of [...refs.used]) {
      if (added.has(name)) continue;
      const lean = leanByName.get(name);
      if (!lean) throw new Error(`validators: $ref to missing component ${name}`);
      const schema = { ...(refs.absolutize(lean) as Json), $id: ID('c', name) };
      bodyAjv.addSchema(schema);
      paramAjv.addSchema(schema);
      added.add(name);
      grew = true;
    }
  }
  return { bodyCode: standaloneCode(bodyAjv, bodyExports), paramsCode: standaloneCode(paramAjv, paramExports), ops };
}
