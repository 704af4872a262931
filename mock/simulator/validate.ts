/**
 * Structural check of a DJI command `data` against catalog fields, as a dock would do before
 * answering `325001` (command parameters invalid; docs/dji/error-codes.md).
 *
 * Why not the generated Ajv validators: those check the *public* payload of the REST API, while
 * the dock receives the DJI *wire* form (`wire.translate` output validated against `wire.data`).
 * Both read the same catalog fields, so this is a second reader of one source, not a second spec.
 */
import type { Field } from '../../spec/types.js';

/** One problem in the received `data`; `field` is a dotted path from `data` (`data.points[0].height`). */
export interface DataIssue {
  field: string;
  /** JSON-Schema-like keyword: required, type, enum, minimum, maximum, minLength, maxLength, x-max-bytes, pattern, format, minItems, maxItems, additionalProperties. */
  rule: string;
  message: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}

/**
 * Check `data` against `fields` (the catalog `wire.data` or `payload`). Closed objects reject
 * unknown keys, so a gateway that leaks public-only fields onto the wire is caught.
 * A command without fields accepts `{}`, `null`, `""` or a missing `data` (DJI sends all of them).
 * Returns every issue found (empty = valid); never throws.
 */
export function checkData(fields: Record<string, Field>, data: unknown): DataIssue[] {
  const issues: DataIssue[] = [];
  const noFields = Object.keys(fields).length === 0;
  if (noFields && (data === undefined || data === null || data === '')) return issues;
  if (!isPlainObject(data)) {
    issues.push({ field: 'data', rule: 'type', message: `data must be an object, got ${typeName(data)}` });
    return issues;
  }
  checkProperties(fields, data, 'data', false, issues);
  return issues;
}

function checkProperties(
  props: Record<string, Field>,
  value: Record<string, unknown>,
  path: string,
  open: boolean,
  issues: DataIssue[],
): void {
  for (const [name, f] of Object.entries(props)) {
    const p = `${path}.${name}`;
    if (!(name in value) || value[name] === undefined) {
      if (f.required) issues.push({ field: p, rule: 'required', message: `${p} is required` });
      continue;
    }
    checkField(f, value[name], p, issues);
  }
  if (!open) {
    for (const name of Object.keys(value)) {
      if (!(name in props)) {
        issues.push({ field: `${path}.${name}`, rule: 'additionalProperties', message: `${path}.${name} is not a known field` });
      }
    }
  }
}

function checkField(f: Field, v: unknown, path: string, issues: DataIssue[]): void {
  const bad = (rule: string, message: string) => issues.push({ field: path, rule, message: `${path} ${message}` });
  switch (f.type) {
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v) || (f.type === 'integer' && !Number.isInteger(v))) {
        bad('type', `must be ${f.type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(v)}`);
        return;
      }
      if (f.type === 'integer' && f.enum && !f.enum.some((m) => m.value === v)) {
        bad('enum', `must be one of ${f.enum.map((m) => m.value).join(', ')}`);
      }
      if (f.minimum !== undefined && v < f.minimum) bad('minimum', `must be >= ${f.minimum}`);
      if (f.maximum !== undefined && v > f.maximum) bad('maximum', `must be <= ${f.maximum}`);
      return;
    }
    case 'string': {
      if (typeof v !== 'string') {
        bad('type', `must be a string, got ${typeName(v)}`);
        return;
      }
      if (f.enum && !f.enum.some((m) => m.value === v)) bad('enum', `must be one of ${f.enum.map((m) => m.value).join(', ')}`);
      const len = [...v].length;
      if (f.minLength !== undefined && len < f.minLength) bad('minLength', `must have at least ${f.minLength} characters`);
      if (f.maxLength !== undefined && len > f.maxLength) bad('maxLength', `must have at most ${f.maxLength} characters`);
      if (f.maxBytes !== undefined && Buffer.byteLength(v, 'utf8') > f.maxBytes) bad('x-max-bytes', `must be at most ${f.maxBytes} UTF-8 bytes`);
      if (f.pattern !== undefined) {
        let re: RegExp | null = null;
        try {
          re = new RegExp(f.pattern, 'u');
        } catch {
          re = null; // a catalog pattern JS cannot compile is the catalog's problem, not the command's
        }
        if (re && !re.test(v)) bad('pattern', `must match ${f.pattern}`);
      }
      if (f.format === 'uuid' && !UUID_RE.test(v)) bad('format', 'must be a UUID');
      if (f.format === 'date-time' && Number.isNaN(Date.parse(v))) bad('format', 'must be a date-time');
      if (f.format === 'uri' && !URL.canParse(v)) bad('format', 'must be a URI');
      return;
    }
    case 'boolean':
      if (typeof v !== 'boolean') bad('type', `must be a boolean, got ${typeName(v)}`);
      return;
    case 'object':
      if (!isPlainObject(v)) {
        bad('type', `must be an object, got ${typeName(v)}`);
        return;
      }
      checkProperties(f.properties ?? {}, v, path, f.open === true, issues);
      return;
    case 'array':
      if (!Array.isArray(v)) {
        bad('type', `must be an array, got ${typeName(v)}`);
        return;
      }
      if (f.minItems !== undefined && v.length < f.minItems) bad('minItems', `must have at least ${f.minItems} items`);
      if (f.maxItems !== undefined && v.length > f.maxItems) bad('maxItems', `must have at most ${f.maxItems} items`);
      v.forEach((item, i) => checkField(f.items, item, `${path}[${i}]`, issues));
      return;
  }
}
