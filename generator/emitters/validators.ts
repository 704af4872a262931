/**
 * Emits the request validators, compiled ahead of time with Ajv from the OpenAPI components:
 *
 * - `generated/server/validators.js`: Ajv standalone code for every body. A create-command variant
 *   is checked as its envelope plus its payload, and each distinct envelope or payload shape is
 *   compiled once (commands sharing a shape share a function), so the work grows with the number
 *   of distinct shapes, not commands. Plus a small runtime (printed by ts-morph) that applies the
 *   create-command precedence of docs/internals/contracts.md and turns Ajv errors into
 *   `ValidationIssue {field, rule, message}` with dotted paths (`payload.points[0].latitude`);
 * - `generated/server/validators-params.js`: the query and path-parameter validators, from a second
 *   Ajv instance with `coerceTypes` (query strings → integers). Coercion is per Ajv instance, and
 *   bodies must not be coerced (`"1"` for an integer is a type error), hence two modules;
 * - `generated/server/validators.d.ts`: the typed API (built with ts-morph).
 *
 * Both JS modules start with a `createRequire` shim: Ajv's ESM standalone output still `require`s
 * its runtime helpers (`ajv/dist/runtime/*`, `ajv-formats`), both runtime dependencies.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { _, type KeywordCxt, type KeywordDefinition } from 'ajv';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import { UsedValueState, type UsedScopeValues, type ValueScopeName } from 'ajv/dist/compile/codegen/scope.js';
import addFormatsModule from 'ajv-formats';
import { StructureKind, VariableDeclarationKind, type StatementStructures, type WriterFunction } from 'ts-morph';
import { withHeader } from '../header.js';
import {
  deref,
  lit,
  operationsOf,
  pascal,
  schemaPointer,
  type Json,
  type OpenApiLike,
  type OperationInfo,
} from './operations.js';
import type { GenerateContext, GeneratedFile } from '../context.js';
import { printFile } from './ts-print.js';

// CJS default export seen through NodeNext typings.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

export const VALIDATORS_PATH = 'generated/server/validators.js';
export const VALIDATORS_DTS_PATH = 'generated/server/validators.d.ts';
export const PARAM_VALIDATORS_PATH = 'generated/server/validators-params.js';

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
    code: { source: true, esm: true, lines: false, optimize: false },
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

interface Compiled {
  bodyCode: string;
  paramsCode: string;
  /** Per operation, the export names of its validators. */
  ops: OpEntry[];
}

interface OpEntry {
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

/**
 * Module source for `exports` (export name → schema id), like Ajv's `standaloneCode` but linear:
 * Ajv rebuilds its accumulated code object on every export (quadratic in the export count).
 * Mirrors ajv/dist/standalone (Ajv 8): each function and scope value is emitted once.
 */
function moduleCode(ajv: Ajv2020, exports: Record<string, string>): string {
  const used: UsedScopeValues = {};
  const out: string[] = ['"use strict";'];
  type Source = { validateName: ValueScopeName; validateCode: string; scopeValues: unknown; evaluated?: unknown };
  const state = (n: ValueScopeName) => used[n.prefix]?.get(n);
  const setState = (n: ValueScopeName, st: UsedValueState) => {
    const m = (used[n.prefix] ??= new Map());
    m.set(n, st);
  };
  const codeOf = (s: Source | undefined): string => {
    if (!s) throw new Error('validators: compiled function has no source (code.source must be true)');
    if (state(s.validateName) === UsedValueState.Completed) return '';
    setState(s.validateName, UsedValueState.Started);
    const scope = (ajv as unknown as { scope: { scopeCode(v: unknown, u: UsedScopeValues, g: (n: ValueScopeName) => _Code | undefined): unknown } }).scope;
    const scopeCode = String(scope.scopeCode(s.scopeValues, used, refCode));
    const code = `${scopeCode}\n${s.validateCode}`;
    return s.evaluated ? `${code}${s.validateName}.evaluated = ${JSON.stringify(s.evaluated)};\n` : code;
  };
  function refCode(n: ValueScopeName): _Code | undefined {
    const vRef = (n as unknown as { value?: { ref?: unknown } }).value?.ref;
    if (n.prefix === 'validate' && typeof vRef == 'function') return rawCode(codeOf((vRef as { source?: Source }).source));
    if ((n.prefix === 'root' || n.prefix === 'wrapper') && vRef && typeof vRef == 'object') {
      const { validate, validateName } = vRef as { validate?: { source?: Source }; validateName?: ValueScopeName };
      if (!validateName) throw new Error('validators: ajv internal error (wrapper without validateName)');
      const wrapper = `const ${String(n)} = {validate: ${String(validateName)}};`;
      if (state(validateName) === UsedValueState.Started) return rawCode(wrapper);
      return rawCode(`${wrapper}\n${codeOf(validate?.source)}`);
    }
    return undefined;
  }
  for (const [name, id] of Object.entries(exports)) {
    const v = ajv.getSchema(id);
    if (!v) throw new Error(`validators: no schema ${id}`);
    const src = (v as unknown as { source?: Source }).source;
    out.push(`export const ${name} = ${String(src?.validateName)};`, codeOf(src));
  }
  return out.join('\n');
}

/** Already-generated code handed back to Ajv's scopeCode. */
function rawCode(s: string): _Code {
  return new _Code(s);
}

function compile(doc: OpenApiLike): Compiled {
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
  return { bodyCode: moduleCode(bodyAjv, bodyExports), paramsCode: moduleCode(paramAjv, paramExports), ops };
}

const REQUIRE_SHIM: StatementStructures[] = [
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'node:module', namedImports: ['createRequire'] },
  {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'require', initializer: 'createRequire(import.meta.url)' }],
  },
];

/** The hand-designed runtime shared by every generated validator (plain JS, printed by ts-morph). */
const RUNTIME: (string | StatementStructures)[] = [
  {
    kind: StructureKind.Function,
    name: 'fieldPath',
    docs: ['JSON pointer (`/payload/points/0/latitude`) → dotted path (`payload.points[0].latitude`).'],
    parameters: [{ name: 'prefix' }, { name: 'pointer' }, { name: 'extra' }],
    statements: [
      'let out = prefix;',
      `if (pointer) {
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^(0|[1-9][0-9]*)$/.test(seg) ? '[' + seg + ']' : (out ? '.' : '') + seg;
  }
}`,
      "if (extra !== undefined) out += (out ? '.' : '') + extra;",
      'return out;',
    ],
  },
  {
    kind: StructureKind.Function,
    name: 'show',
    parameters: [{ name: 'v' }],
    statements: ["return typeof v === 'string' ? v : JSON.stringify(v);"],
  },
  {
    kind: StructureKind.Function,
    name: 'toIssue',
    docs: ['One Ajv error → `{field, rule, message}`; `label` names the root (`request body`, `query`).'],
    parameters: [{ name: 'e' }, { name: 'prefix' }, { name: 'label' }],
    statements: [
      'const p = e.params || {};',
      "const field = fieldPath(prefix, e.instancePath, e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined);",
      'const name = field || label;',
      'let message;',
      `switch (e.keyword) {
  case 'required': message = name + ' is required'; break;
  case 'additionalProperties': message = name + ' is not a known field'; break;
  case 'type': message = name + ' must be of type ' + String(p.type).split(',').join(' or '); break;
  case 'enum': message = name + ' must be one of ' + p.allowedValues.map(show).join(', '); break;
  case 'const': message = name + ' must be ' + show(p.allowedValue); break;
  case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': message = name + ' must be ' + p.comparison + ' ' + p.limit; break;
  case 'minLength': message = name + ' must be at least ' + p.limit + ' characters long'; break;
  case 'maxLength': message = name + ' must be at most ' + p.limit + ' characters long'; break;
  case 'x-max-bytes': message = name + ' must be at most ' + p.limit + ' bytes (UTF-8)'; break;
  case 'minItems': message = name + ' must have at least ' + p.limit + (p.limit === 1 ? ' item' : ' items'); break;
  case 'maxItems': message = name + ' must have at most ' + p.limit + (p.limit === 1 ? ' item' : ' items'); break;
  case 'minProperties': message = name + ' must have at least ' + p.limit + ' properties'; break;
  case 'maxProperties': message = name + ' must have at most ' + p.limit + ' properties'; break;
  case 'pattern': message = name + ' must match the pattern ' + p.pattern; break;
  case 'format': message = name + ' must be a valid ' + p.format; break;
  case 'multipleOf': message = name + ' must be a multiple of ' + p.multipleOf; break;
  case 'uniqueItems': message = name + ' must not contain duplicates (items ' + p.j + ' and ' + p.i + ' are equal)'; break;
  case 'oneOf': message = name + ' must match exactly one of the allowed shapes'; break;
  case 'anyOf': message = name + ' must match one of the allowed shapes'; break;
  default: message = name + ' is invalid (' + e.keyword + ')';
}`,
      'return { field, rule: e.keyword, message };',
    ],
  },
  {
    kind: StructureKind.Function,
    name: 'toIssues',
    docs: [[
      'Ajv errors → issues, in order, without duplicates. A failed `oneOf`/`anyOf` whose branches only',
      'disagree on `const`/`enum`/`type` at the same place becomes one enum/type issue; otherwise its',
      "branch errors stand for it. `if` wrappers are dropped (their `then`/`else` errors remain).",
    ].join('\n')],
    parameters: [{ name: 'errors' }, { name: 'prefix' }, { name: 'label' }],
    statements: [
      'const list = errors || [];',
      'const drop = new Set();',
      'const extra = new Map();',
      `for (const g of list) {
  if (g.keyword === 'if') { drop.add(g); continue; }
  if ((g.keyword !== 'oneOf' && g.keyword !== 'anyOf') || (g.params && g.params.passingSchemas)) continue;
  const subs = list.filter((e) => e !== g && e.schemaPath.startsWith(g.schemaPath + '/'));
  if (!subs.length) continue;
  drop.add(g);
  if (subs.every((e) => e.instancePath === g.instancePath && (e.keyword === 'const' || e.keyword === 'enum'))) {
    const allowedValues = [];
    for (const e of subs) allowedValues.push(...(e.keyword === 'const' ? [e.params.allowedValue] : e.params.allowedValues));
    for (const e of subs) drop.add(e);
    extra.set(g, { ...g, keyword: 'enum', params: { allowedValues } });
  } else if (subs.every((e) => e.instancePath === g.instancePath && e.keyword === 'type')) {
    for (const e of subs) drop.add(e);
    extra.set(g, { ...g, keyword: 'type', params: { type: subs.map((e) => e.params.type).join(',') } });
  }
}`,
      'const out = [];',
      'const seen = new Set();',
      `for (const e of list) {
  const use = extra.get(e) || (drop.has(e) ? undefined : e);
  if (!use) continue;
  const issue = toIssue(use, prefix, label);
  const key = issue.field + '\\u0000' + issue.rule + '\\u0000' + issue.message;
  if (seen.has(key)) continue;
  seen.add(key);
  out.push(issue);
}`,
      'return out;',
    ],
  },
  {
    kind: StructureKind.Function,
    name: 'run',
    parameters: [{ name: 'validate' }, { name: 'data' }, { name: 'prefix' }, { name: 'label' }],
    statements: [
      'if (validate(data)) return { ok: true, value: data };',
      "return { ok: false, code: 'VALIDATION_FAILED', issues: toIssues(validate.errors, prefix, label) };",
    ],
  },
  {
    kind: StructureKind.Function,
    name: 'isObject',
    parameters: [{ name: 'v' }],
    statements: ["return typeof v === 'object' && v !== null && !Array.isArray(v);"],
  },
  {
    kind: StructureKind.Function,
    name: 'notObject',
    parameters: [{ name: 'label' }],
    statements: ["return { ok: false, code: 'VALIDATION_FAILED', issues: [{ field: '', rule: 'type', message: 'The ' + label + ' must be a JSON object' }] };"],
  },
  {
    kind: StructureKind.Function,
    name: 'validateUnion',
    docs: [[
      'Create-command precedence (docs/internals/contracts.md): not an object → VALIDATION_FAILED; `vendor` present and',
      'not the supported one → UNSUPPORTED_VENDOR; `command_type` a string outside the catalog →',
      'UNSUPPORTED_COMMAND; then the full variant schema (envelope + payload) → VALIDATION_FAILED.',
    ].join('\n')],
    parameters: [{ name: 'body' }, { name: 'u' }],
    statements: [
      "if (!isObject(body)) return notObject('request body');",
      `if (u.vendorConst !== undefined && Object.prototype.hasOwnProperty.call(body, 'vendor') && body.vendor !== u.vendorConst) {
  return { ok: false, code: 'UNSUPPORTED_VENDOR', issues: [{ field: 'vendor', rule: 'const', message: 'vendor ' + show(body.vendor) + ' is not supported; the only vendor is ' + show(u.vendorConst) }] };
}`,
      'const tag = body[u.propertyName];',
      `if (typeof tag === 'string') {
  const entry = u.table.get(tag);
  if (!entry) return { ok: false, code: 'UNSUPPORTED_COMMAND', issues: [{ field: u.propertyName, rule: 'enum', message: u.propertyName + ' ' + show(tag) + ' is not in the catalog' }] };
  const issues = entry[0](body) ? [] : toIssues(entry[0].errors, '', 'request body');
  if (body.payload !== undefined && !entry[1](body.payload)) issues.push(...toIssues(entry[1].errors, 'payload', 'payload'));
  return issues.length ? { ok: false, code: 'VALIDATION_FAILED', issues } : { ok: true, value: body };
}`,
      "const r = run(u.fallback, body, '', 'request body');",
      "return r.ok ? { ok: false, code: 'VALIDATION_FAILED', issues: [{ field: u.propertyName, rule: 'required', message: u.propertyName + ' is required' }] } : r;",
    ],
  },
  {
    kind: StructureKind.Function,
    name: 'validateParams',
    docs: ['Query/path parameters: a fresh object (single values as strings, repeated ones as arrays), coerced by Ajv.'],
    parameters: [{ name: 'validate' }, { name: 'input' }, { name: 'label' }],
    statements: [
      'const data = {};',
      `for (const [k, v] of Object.entries(input || {})) {
  if (v === undefined) continue;
  // defineProperty: a parameter named __proto__ stays an own (and therefore unknown) field.
  Object.defineProperty(data, k, { value: Array.isArray(v) && v.length === 1 ? v[0] : v, enumerable: true, writable: true, configurable: true });
}`,
      "return run(validate, data, '', label);",
    ],
  },
];

/** Statements exporting each operation's validate functions and the payload API. */
function exportsOf(ops: OpEntry[]): (string | StatementStructures)[] {
  const out: (string | StatementStructures)[] = [];
  const union = ops.find((o) => o.body?.kind === 'union');
  const table = union?.body?.kind === 'union' ? union.body : undefined;
  const tableWriter: WriterFunction = (w) => {
    w.write('new Map([');
    w.indent(() => {
      for (const [value, v, p] of table?.table ?? []) w.writeLine(`[${lit(value)}, [${v}, ${p}]],`);
    });
    w.write('])');
  };
  out.push({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['command_type → [envelope validator, payload validator] (shared by commands with the same shapes).'],
    declarations: [{ name: 'COMMANDS', initializer: tableWriter }],
  });
  out.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'commandTypes', initializer: 'Object.freeze([...COMMANDS.keys()])' }],
  });
  out.push({
    kind: StructureKind.Function,
    isExported: true,
    name: 'validatePayload',
    parameters: [{ name: 'command_type' }, { name: 'payload' }, { name: "prefix = 'payload'" }],
    statements: [
      'const entry = COMMANDS.get(command_type);',
      "if (!entry) return { ok: false, code: 'UNSUPPORTED_COMMAND', issues: [{ field: 'command_type', rule: 'enum', message: 'command_type ' + show(command_type) + ' is not in the catalog' }] };",
      "return run(entry[1], payload, prefix, prefix || 'payload');",
    ],
  });
  for (const e of ops) {
    const base = `validate${pascal(e.op.operationId)}`;
    if (e.body?.kind === 'union') {
      out.push({
        kind: StructureKind.Function,
        isExported: true,
        name: `${base}Body`,
        parameters: [{ name: 'body' }],
        statements: [
          `return validateUnion(body, { propertyName: ${lit(e.body.propertyName)}, vendorConst: ${e.body.vendorConst === undefined ? 'undefined' : lit(e.body.vendorConst)}, table: COMMANDS, fallback: ${e.body.fallback} });`,
        ],
      });
    } else if (e.body) {
      out.push({
        kind: StructureKind.Function,
        isExported: true,
        name: `${base}Body`,
        parameters: [{ name: 'body' }],
        statements: ["if (!isObject(body)) return notObject('request body');", `return run(${e.body.exportName}, body, '', 'request body');`],
      });
    }
    if (e.query) {
      out.push({
        kind: StructureKind.Function,
        isExported: true,
        name: `${base}Query`,
        parameters: [{ name: 'query' }],
        statements: [`return validateParams(params.${e.query}, query, 'query');`],
      });
    }
    if (e.params) {
      out.push({
        kind: StructureKind.Function,
        isExported: true,
        name: `${base}Params`,
        parameters: [{ name: 'pathParams' }],
        statements: [`return validateParams(params.${e.params}, pathParams, 'path parameters');`],
      });
    }
  }
  return out;
}

/** TS type (from generated/types.ts) of an operation's JSON body. */
function bodyType(op: OperationInfo): string {
  if (op.body?.component) return `components['schemas'][${lit(op.body.component)}]`;
  const rb = `operations[${lit(op.operationId)}]['requestBody']`;
  return `${op.body?.required ? rb : `NonNullable<${rb}>`}['content']['application/json']`;
}

function dts(ops: OpEntry[]): string {
  const commandTypes = ops.flatMap((e) => (e.body?.kind === 'union' ? e.body.table.map((t) => t[0]) : []));
  const statements: StatementStructures[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations'] },
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: 'ValidationIssue',
      docs: ['One problem with the input (docs/internals/contracts.md "Generated routes").'],
      properties: [
        { name: 'field', type: 'string', docs: ["Dotted path from the body/query root: `payload.points[0].latitude`, `timeout_seconds`, `wait_seconds`; '' for the root."] },
        { name: 'rule', type: 'string', docs: ['Ajv keyword or ours: required, type, enum, minimum, maximum, maxItems, additionalProperties, x-max-bytes, const, pattern, format, ...'] },
        { name: 'message', type: 'string', docs: ['For humans: "payload.action must be one of 0, 1, 2, 3".'] },
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'InvalidCode',
      type: "'VALIDATION_FAILED' | 'UNSUPPORTED_VENDOR' | 'UNSUPPORTED_COMMAND' | 'INVALID_REQUEST_BODY'",
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'ValidationResult',
      typeParameters: ['T'],
      docs: ['`ok: true` with the validated (for parameters: coerced) value, or the error code and every issue.'],
      type: '{ ok: true; value: T } | { ok: false; code: InvalidCode; issues: ValidationIssue[] }',
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'ParamsInput',
      docs: ['Raw query or path parameters as the HTTP framework gives them (a repeated parameter as an array).'],
      type: 'Record<string, string | string[] | undefined>',
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'CommandType',
      docs: ['Every `command_type` of the catalog.'],
      type: commandTypes.length ? commandTypes.map(lit).join(' | ') : 'never',
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      hasDeclareKeyword: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every `command_type` of the catalog, in catalog order.'],
      declarations: [{ name: 'commandTypes', type: 'readonly CommandType[]' }],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      hasDeclareKeyword: true,
      name: 'validatePayload',
      docs: [
        "Validate one command's payload alone. Issues are prefixed with `prefix` (default `payload`).\n" +
          'Unknown `command_type` → UNSUPPORTED_COMMAND.',
      ],
      parameters: [
        { name: 'command_type', type: 'string' },
        { name: 'payload', type: 'unknown' },
        { name: 'prefix', type: 'string', hasQuestionToken: true },
      ],
      returnType: 'ValidationResult<Record<string, unknown>>',
    },
  ];
  for (const e of ops) {
    const base = `validate${pascal(e.op.operationId)}`;
    const opRef = `operations[${lit(e.op.operationId)}]`;
    if (e.body) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Body`,
        docs: [
          e.body.kind === 'union'
            ? `Body of \`${e.op.operationId}\`: precedence VALIDATION_FAILED (not an object) → UNSUPPORTED_VENDOR → UNSUPPORTED_COMMAND → VALIDATION_FAILED (every issue).`
            : `Body of \`${e.op.operationId}\` (VALIDATION_FAILED with every issue).`,
        ],
        parameters: [{ name: 'body', type: 'unknown' }],
        returnType: `ValidationResult<${bodyType(e.op)}>`,
      });
    }
    if (e.query) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Query`,
        docs: [`Query of \`${e.op.operationId}\`, integers coerced from strings; unknown parameters are errors.`],
        parameters: [{ name: 'query', type: 'ParamsInput' }],
        returnType: `ValidationResult<NonNullable<${opRef}['parameters']['query']>>`,
      });
    }
    if (e.params) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Params`,
        docs: [`Path parameters of \`${e.op.operationId}\`.`],
        parameters: [{ name: 'pathParams', type: 'ParamsInput' }],
        returnType: `ValidationResult<${opRef}['parameters']['path']>`,
      });
    }
  }
  return printFile('validators.d.ts', statements);
}

/** Emitter: `generated/server/validators.js`, `validators-params.js`, `validators.d.ts`. */
export function emitValidators(ctx: GenerateContext): GeneratedFile[] {
  const { bodyCode, paramsCode, ops } = compile(ctx.openapi);
  const bodyPrelude = printFile('validators-prelude.js', [
    ...REQUIRE_SHIM,
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: './validators-params.js', namespaceImport: 'params' },
  ]);
  const runtime = printFile('validators-runtime.js', [...RUNTIME, ...exportsOf(ops)]);
  const paramsPrelude = printFile('validators-params-prelude.js', REQUIRE_SHIM);
  return [
    { path: VALIDATORS_PATH, content: withHeader(VALIDATORS_PATH, `${bodyPrelude}${bodyCode}\n${runtime}`, ctx.hash) },
    { path: PARAM_VALIDATORS_PATH, content: withHeader(PARAM_VALIDATORS_PATH, `${paramsPrelude}${paramsCode}\n`, ctx.hash) },
    { path: VALIDATORS_DTS_PATH, content: withHeader(VALIDATORS_DTS_PATH, dts(ops), ctx.hash) },
  ];
}

export const emit = emitValidators;
export default emit;
