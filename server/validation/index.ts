/**
 * Validation runtime under the generated validators (`generated/server/validators.js` holds only
 * Ajv's compiled schema functions and the tables that name them; this module gives them meaning):
 *
 * - Ajv errors → `ValidationIssue {field, rule, message}` with dotted paths
 *   (`payload.points[0].latitude`), in Ajv's order, without duplicates;
 * - the create-command precedence of docs/internals/contracts.md ("Generated routes"): not an
 *   object → VALIDATION_FAILED; `vendor` present and unsupported → UNSUPPORTED_VENDOR;
 *   `command_type` a string outside the catalog → UNSUPPORTED_COMMAND; then envelope + payload
 *   → VALIDATION_FAILED with every issue;
 * - query and path parameters as a fresh object (repeated parameters stay arrays).
 *
 * Ajv error objects are documented at https://ajv.js.org/api.html#error-objects.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorCode } from '../../spec/api.js';
import type { components } from '../../generated/types.js';

/** One problem with the input: the `ValidationIssue` schema of the OpenAPI document. */
export type ValidationIssue = components['schemas']['ValidationIssue'];

/** Error codes a validator answers with (`INVALID_REQUEST_BODY` comes from the body reader). */
export type InvalidCode = Extract<ErrorCode, 'VALIDATION_FAILED' | 'UNSUPPORTED_VENDOR' | 'UNSUPPORTED_COMMAND' | 'INVALID_REQUEST_BODY'>;

/** `ok: true` with the validated (for parameters: coerced) value, or the error code and every issue. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; code: InvalidCode; issues: ValidationIssue[] };

/** Raw query or path parameters as the HTTP framework gives them (a repeated parameter as an array). */
export type ParamsInput = Record<string, string | string[] | undefined>;

/** An Ajv standalone validate function: `true` when valid, else the reasons in `.errors`. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The create-command body: a union over `propertyName`, each member checked as envelope + payload. */
export interface CommandUnion {
  /** Discriminator property (`command_type`). */
  propertyName: string;
  /** The only supported `vendor`, when every member fixes it. */
  vendorConst?: string;
  /** Discriminator value → [envelope validator, payload validator]. */
  table: ReadonlyMap<string, readonly [CompiledValidator, CompiledValidator]>;
  /** Envelope with the discriminator required, used when it is missing or not a string. */
  fallback: CompiledValidator;
}

type Failure = Extract<ValidationResult<never>, { ok: false }>;

/** JSON pointer (`/payload/points/0/latitude`) → dotted path (`payload.points[0].latitude`). */
export function fieldPath(prefix: string, pointer: string, extra?: string): string {
  let out = prefix;
  if (pointer) {
    for (const raw of pointer.slice(1).split('/')) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      out += /^(0|[1-9][0-9]*)$/.test(seg) ? `[${seg}]` : (out ? '.' : '') + seg;
    }
  }
  if (extra !== undefined) out += (out ? '.' : '') + extra;
  return out;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function messageOf(keyword: string, name: string, p: Record<string, any>): string {
  switch (keyword) {
    case 'required': return `${name} is required`;
    case 'additionalProperties': return `${name} is not a known field`;
    case 'type': return `${name} must be of type ${String(p.type).split(',').join(' or ')}`;
    case 'enum': return `${name} must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}`;
    case 'const': return `${name} must be ${show(p.allowedValue)}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': return `${name} must be ${p.comparison} ${p.limit}`;
    case 'minLength': return `${name} must be at least ${p.limit} characters long`;
    case 'maxLength': return `${name} must be at most ${p.limit} characters long`;
    case 'x-max-bytes': return `${name} must be at most ${p.limit} bytes (UTF-8)`;
    case 'minItems': return `${name} must have at least ${p.limit}${p.limit === 1 ? ' item' : ' items'}`;
    case 'maxItems': return `${name} must have at most ${p.limit}${p.limit === 1 ? ' item' : ' items'}`;
    case 'minProperties': return `${name} must have at least ${p.limit} properties`;
    case 'maxProperties': return `${name} must have at most ${p.limit} properties`;
    case 'pattern': return `${name} must match the pattern ${p.pattern}`;
    case 'format': return `${name} must be a valid ${p.format}`;
    case 'multipleOf': return `${name} must be a multiple of ${p.multipleOf}`;
    case 'uniqueItems': return `${name} must not contain duplicates (items ${p.j} and ${p.i} are equal)`;
    case 'oneOf': return `${name} must match exactly one of the allowed shapes`;
    case 'anyOf': return `${name} must match one of the allowed shapes`;
    default: return `${name} is invalid (${keyword})`;
  }
}

/** One Ajv error → an issue; `prefix` is prepended to the field, `label` names the root (`request body`, `query`). */
export function toIssue(e: ErrorObject, prefix: string, label: string): ValidationIssue {
  const p = (e.params ?? {}) as Record<string, any>;
  const extra = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
  const field = fieldPath(prefix, e.instancePath, extra);
  return { field, rule: e.keyword, message: messageOf(e.keyword, field || label, p) };
}

/**
 * Ajv errors → issues, in order, without duplicates. A failed `oneOf`/`anyOf` whose branches only
 * disagree on `const`/`enum`/`type` at the same place becomes one enum/type issue; otherwise its
 * branch errors stand for it. `if` wrappers are dropped (their `then`/`else` errors remain).
 */
export function toIssues(errors: readonly ErrorObject[] | null | undefined, prefix: string, label: string): ValidationIssue[] {
  const list = errors ?? [];
  const drop = new Set<ErrorObject>();
  const merged = new Map<ErrorObject, ErrorObject>();
  for (const g of list) {
    if (g.keyword === 'if') {
      drop.add(g);
      continue;
    }
    if ((g.keyword !== 'oneOf' && g.keyword !== 'anyOf') || (g.params as { passingSchemas?: unknown })?.passingSchemas) continue;
    const subs = list.filter((e) => e !== g && e.schemaPath.startsWith(`${g.schemaPath}/`));
    if (!subs.length) continue;
    drop.add(g);
    const here = subs.every((e) => e.instancePath === g.instancePath);
    if (here && subs.every((e) => e.keyword === 'const' || e.keyword === 'enum')) {
      const allowedValues = subs.flatMap((e) => (e.keyword === 'const' ? [e.params.allowedValue] : (e.params.allowedValues as unknown[])));
      for (const e of subs) drop.add(e);
      merged.set(g, { ...g, keyword: 'enum', params: { allowedValues } });
    } else if (here && subs.every((e) => e.keyword === 'type')) {
      for (const e of subs) drop.add(e);
      merged.set(g, { ...g, keyword: 'type', params: { type: subs.map((e) => e.params.type).join(',') } });
    }
  }
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    const use = merged.get(e) ?? (drop.has(e) ? undefined : e);
    if (!use) continue;
    const issue = toIssue(use, prefix, label);
    const key = `${issue.field}\u0000${issue.rule}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out;
}

function fail(code: InvalidCode, issues: ValidationIssue[]): Failure {
  return { ok: false, code, issues };
}

function run<T>(validate: CompiledValidator, data: unknown, prefix: string, label: string): ValidationResult<T> {
  if (validate(data)) return { ok: true, value: data as T };
  return fail('VALIDATION_FAILED', toIssues(validate.errors, prefix, label));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function notObject(label: string): Failure {
  return fail('VALIDATION_FAILED', [{ field: '', rule: 'type', message: `The ${label} must be a JSON object` }]);
}

/** A JSON request body checked by one schema: not an object → one root `type` issue; else every issue. */
export function validateBody<T>(validate: CompiledValidator, body: unknown): ValidationResult<T> {
  if (!isObject(body)) return notObject('request body');
  return run<T>(validate, body, '', 'request body');
}

/** The create-command body, with the precedence in the module docstring. The body is not modified. */
export function validateUnion<T>(body: unknown, u: CommandUnion): ValidationResult<T> {
  if (!isObject(body)) return notObject('request body');
  if (u.vendorConst !== undefined && Object.prototype.hasOwnProperty.call(body, 'vendor') && body.vendor !== u.vendorConst) {
    return fail('UNSUPPORTED_VENDOR', [{ field: 'vendor', rule: 'const', message: `vendor ${show(body.vendor)} is not supported; the only vendor is ${show(u.vendorConst)}` }]);
  }
  const tag = body[u.propertyName];
  if (typeof tag === 'string') {
    const entry = u.table.get(tag);
    if (!entry) return fail('UNSUPPORTED_COMMAND', [{ field: u.propertyName, rule: 'enum', message: `${u.propertyName} ${show(tag)} is not in the catalog` }]);
    const [envelope, payload] = entry;
    const issues = envelope(body) ? [] : toIssues(envelope.errors, '', 'request body');
    if (body.payload !== undefined && !payload(body.payload)) issues.push(...toIssues(payload.errors, 'payload', 'payload'));
    return issues.length ? fail('VALIDATION_FAILED', issues) : { ok: true, value: body as T };
  }
  const r = run<T>(u.fallback, body, '', 'request body');
  return r.ok ? fail('VALIDATION_FAILED', [{ field: u.propertyName, rule: 'required', message: `${u.propertyName} is required` }]) : r;
}

/**
 * One command's payload alone, issues prefixed with `prefix` (`payload.mode`); an unknown
 * discriminator value → UNSUPPORTED_COMMAND.
 */
export function validatePayloadOf(
  u: Pick<CommandUnion, 'propertyName' | 'table'>,
  commandType: string,
  payload: unknown,
  prefix = 'payload',
): ValidationResult<Record<string, unknown>> {
  const entry = u.table.get(commandType);
  if (!entry) return fail('UNSUPPORTED_COMMAND', [{ field: u.propertyName, rule: 'enum', message: `${u.propertyName} ${show(commandType)} is not in the catalog` }]);
  return run(entry[1], payload, prefix, prefix || 'payload');
}

/**
 * Query or path parameters: copied into a fresh object (single values as strings, repeated ones as
 * arrays) that the validator may coerce in place; `label` names the root (`query`, `path parameters`).
 */
export function validateParams<T>(validate: CompiledValidator, input: ParamsInput | undefined, label: string): ValidationResult<T> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input ?? {})) {
    if (v === undefined) continue;
    // defineProperty: a parameter named __proto__ stays an own (and therefore unknown) field.
    Object.defineProperty(data, k, { value: Array.isArray(v) && v.length === 1 ? v[0] : v, enumerable: true, writable: true, configurable: true });
  }
  return run<T>(validate, data, '', label);
}
