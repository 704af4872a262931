/**
 * Catalog `Field` → JSON Schema 2020-12 (the OpenAPI 3.1 schema dialect).
 *
 * Mapping (issue 2 §2, docs/internals/generator.md):
 * - enums keep each value's meaning: `enum: [..]` plus `x-enumDescriptions: {value: meaning}`
 *   (rendered as a table by Redoc) and the same list in the description text, so every renderer
 *   and reader sees `0 = idle`; `enum` (not `oneOf` of `const`s) keeps Ajv's errors short
 *   ("must be equal to one of the allowed values") and openapi-typescript's unions flat;
 * - ranges → `minimum`/`maximum`; byte limits → `x-max-bytes` (UTF-8 bytes, enforced by our
 *   generated validators); list limits → `minItems`/`maxItems`;
 * - objects are closed (`additionalProperties: false`) unless the catalog marks them `open`;
 * - the unit goes into `x-unit` and into the description; `deprecated` → `deprecated: true`.
 */
import type { JsonSchema } from '../spec/api.js';
import type { CommandDef, Field } from '../spec/types.js';

/** `0 = idle; 1 = cooling` as Markdown: one bullet per member. */
function enumText(f: Field): string {
  if ((f.type !== 'string' && f.type !== 'integer') || !f.enum?.length) return '';
  return f.enum.map((m) => `- \`${m.value}\`: ${m.meaning}`).join('\n');
}

/**
 * Description shown for a field: the catalog text, then unit, note and the enum meanings.
 * Markdown; deterministic.
 */
export function fieldDescription(f: Field): string {
  const parts = [f.description.trim()];
  if (f.unit) parts.push(`Unit: ${f.unit}.`);
  if (f.note) parts.push(f.note.trim());
  const e = enumText(f);
  if (e) parts.push(`Values:\n\n${e}`);
  return parts.filter(Boolean).join('\n\n');
}

/** Properties + `required` of an object from catalog fields; closed unless `open`. */
export function objectSchema(
  properties: Record<string, Field> | undefined,
  o: { description?: string; open?: boolean; title?: string } = {},
): JsonSchema {
  const s: JsonSchema = { type: 'object' };
  if (o.title) s.title = o.title;
  if (o.description) s.description = o.description;
  const props = properties ?? {};
  const names = Object.keys(props);
  const required = names.filter((n) => props[n]!.required);
  if (required.length) s.required = required;
  if (names.length) {
    const p: Record<string, JsonSchema> = {};
    for (const n of names) p[n] = fieldSchema(props[n]!);
    s.properties = p;
  }
  s.additionalProperties = o.open === true;
  return s;
}

/** JSON Schema for one catalog field (its own `required` flag is applied by the parent object). */
export function fieldSchema(f: Field): JsonSchema {
  const description = fieldDescription(f);
  let s: JsonSchema;
  switch (f.type) {
    case 'string': {
      s = { type: 'string', description };
      if (f.enum?.length) {
        s.enum = f.enum.map((m) => m.value);
        s['x-enumDescriptions'] = Object.fromEntries(f.enum.map((m) => [String(m.value), m.meaning]));
      }
      if (f.minLength !== undefined) s.minLength = f.minLength;
      if (f.maxLength !== undefined) s.maxLength = f.maxLength;
      if (f.maxBytes !== undefined) s['x-max-bytes'] = f.maxBytes;
      if (f.pattern !== undefined) s.pattern = f.pattern;
      if (f.format !== undefined) s.format = f.format;
      break;
    }
    case 'integer':
    case 'number': {
      s = { type: f.type, description };
      if (f.type === 'integer' && f.enum?.length) {
        s.enum = f.enum.map((m) => m.value);
        s['x-enumDescriptions'] = Object.fromEntries(f.enum.map((m) => [String(m.value), m.meaning]));
      }
      if (f.minimum !== undefined) s.minimum = f.minimum;
      if (f.maximum !== undefined) s.maximum = f.maximum;
      break;
    }
    case 'boolean':
      s = { type: 'boolean', description };
      break;
    case 'object':
      s = objectSchema(f.properties, { description, open: f.open });
      break;
    case 'array': {
      s = { type: 'array', description, items: fieldSchema(f.items) };
      if (f.minItems !== undefined) s.minItems = f.minItems;
      if (f.maxItems !== undefined) s.maxItems = f.maxItems;
      break;
    }
    default: {
      const never: never = f;
      throw new Error(`fieldSchema: unknown field type in ${JSON.stringify(never)}`);
    }
  }
  if (f.unit) s['x-unit'] = f.unit;
  if (f.deprecated) s.deprecated = true;
  return s;
}

/** Component name of a command's payload schema. */
export function payloadSchemaName(command_type: string): string {
  return `Payload_${command_type}`;
}

/** Component name of a command's create-command variant. */
export function variantSchemaName(command_type: string): string {
  return `CreateCommand_${command_type}`;
}

/** Closed payload schema of a command (public/seed form). */
export function payloadSchema(cmd: CommandDef): JsonSchema {
  const desc =
    Object.keys(cmd.payload).length === 0
      ? `Payload of \`${cmd.command_type}\`: an empty object \`{}\`.`
      : `Payload of \`${cmd.command_type}\`: ${cmd.summary.replace(/\.$/, '')}.`;
  const s = objectSchema(cmd.payload, { title: `${cmd.command_type} payload`, description: desc });
  if (cmd.deprecated) s.deprecated = true;
  return s;
}

/** Markdown type label of a field, e.g. `integer (0–100)`, `array<object> (≤ 1 items)`. */
export function typeLabel(f: Field): string {
  const bits: string[] = [];
  let t: string = f.type;
  if (f.type === 'array') t = `array<${f.items.type}>`;
  if (f.type === 'string' && f.format) t += ` (${f.format})`;
  if ((f.type === 'integer' || f.type === 'number') && (f.minimum !== undefined || f.maximum !== undefined)) {
    bits.push(`${f.minimum ?? '−∞'} to ${f.maximum ?? '∞'}`);
  }
  if (f.type === 'string') {
    if (f.minLength !== undefined || f.maxLength !== undefined) bits.push(`length ${f.minLength ?? 0}–${f.maxLength ?? '∞'}`);
    if (f.maxBytes !== undefined) bits.push(`≤ ${f.maxBytes} bytes`);
    if (f.pattern) bits.push(`pattern \`${f.pattern}\``);
  }
  if (f.type === 'array' && (f.minItems !== undefined || f.maxItems !== undefined)) {
    bits.push(`${f.minItems ?? 0}–${f.maxItems ?? '∞'} items`);
  }
  if (f.type === 'object' && f.open) bits.push('open');
  if ((f.type === 'string' || f.type === 'integer') && f.enum?.length) bits.push('enum');
  return bits.length ? `${t} (${bits.join(', ')})` : t;
}

/**
 * Flatten fields into rows `{path, field}` for docs tables: nested object properties become
 * `a.b`, array items `a[].b`. Depth-first, catalog order.
 */
export function flattenFields(fields: Record<string, Field>, prefix = ''): { path: string; field: Field; required: boolean }[] {
  const rows: { path: string; field: Field; required: boolean }[] = [];
  for (const [name, f] of Object.entries(fields)) {
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push({ path, field: f, required: f.required });
    if (f.type === 'object' && f.properties) rows.push(...flattenFields(f.properties, path));
    if (f.type === 'array') {
      if (f.items.type === 'object' && f.items.properties) rows.push(...flattenFields(f.items.properties, `${path}[]`));
    }
  }
  return rows;
}
